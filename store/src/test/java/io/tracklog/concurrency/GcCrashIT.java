package io.tracklog.concurrency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Experiment;
import io.tracklog.GcOptions;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.CompactedFiles;
import io.tracklog.compact.Manifest;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.testing.ChildJvm;
import io.tracklog.testing.GcChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM writing, deleting, compacting and gc-ing in a loop, killed with SIGKILL at random
 * points, six times: each time the store opens, every registered run answers (whole) and every
 * purged one is unknown, the store verifies, and a gc in the parent finishes the job (no artifact
 * folder of a purged run, no purged run in the newest manifest). Replay with {@code
 * -Dtracklog.test.seed=N}.
 */
class GcCrashIT {
  @TempDir Path dir;

  @Test
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void killedGc_leavesRunsWholeOrPurged_andTheNextGcFinishes() {
    long seed = Long.getLong("tracklog.test.seed", System.nanoTime());
    Random random = new Random(seed);
    System.out.println("GcCrashIT seed=" + seed + " (rerun with -Dtracklog.test.seed=" + seed + ")");
    for (int k = 0; k < 6; k++) {
      StoreOptions manual = StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
      String why = "kill " + k + ", seed " + seed;
      try (ChildJvm child = ChildJvm.start(GcChild.class, dir.toString(), Long.toString(seed + k))) {
        for (int g = random.nextInt(4); g >= 0; g--) {
          assertThat(child.awaitLine("GC ")).as(why).isNotNull();
        }
        for (int spin = random.nextInt(2_000_000); spin > 0; spin--) {
          Thread.onSpinWait(); // somewhere inside the next round
        }
        assertThat(child.kill()).as(why + ": " + child.describeExit()).isEqualTo(137);
      }
      try (Store store = Store.open(dir, manual)) {
        CatalogSnapshot catalog = store.catalogSnapshot();
        for (Experiment e : store.experiments()) {
          for (String runId : store.runIds(e.experimentId())) {
            assertThat(store.getRun(runId).info().experimentId()).as(why).isEqualTo(e.experimentId());
          }
        }
        for (String purged : catalog.purgedRuns()) {
          assertThatThrownBy(() -> store.getRun(purged)).as(why).isInstanceOf(RunNotFoundException.class);
        }
        assertThat(store.verify().problems()).as(why).isEmpty();
        store.endOrphanedRuns(); // a run the child was writing
        store.gc(GcOptions.all());
        CatalogSnapshot after = store.catalogSnapshot();
        for (String purged : after.purgedRuns()) {
          assertThat(Files.exists(dir.resolve("runs").resolve(purged))).as(why + ": artifacts of " + purged).isFalse();
        }
        Manifest m = CompactedFiles.verifyNewest(store, why);
        assertThat(m.segmentsByRun().keySet()).as(why).doesNotContainAnyElementsOf(after.purgedRuns());
        assertThat(store.verify().problems()).as(why).isEmpty();
      }
    }
  }
}
