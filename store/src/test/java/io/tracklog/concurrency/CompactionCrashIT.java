package io.tracklog.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.CompactedFiles;
import io.tracklog.compact.Compactor;
import io.tracklog.compact.Manifest;
import io.tracklog.testing.ChildJvm;
import io.tracklog.testing.CompactorChild;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compactor in a child JVM (merge factor 2, so segments are rewritten and merged all the time, one
 * run always open) killed with SIGKILL at random points, eight times: each time the newest manifest's
 * files all verify, every run's coverage is a prefix of its log, and a compaction in the parent then
 * succeeds and verifies too. Replay with {@code -Dtracklog.test.seed=N}.
 */
class CompactionCrashIT {
  private static final int KILLS = 8;

  @TempDir Path dir;

  @Test
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void killedCompactor_leavesANewestManifestThatVerifies_andTheNextCompactionSucceeds() {
    long seed = Long.getLong("tracklog.test.seed", System.nanoTime());
    System.out.println("CompactionCrashIT seed=" + seed + " (rerun with -Dtracklog.test.seed=" + seed + ")");
    Random random = new Random(seed);
    StoreOptions manual = StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    long lastGeneration = 0;
    for (int k = 0; k < KILLS; k++) {
      String why = "kill " + k + ", seed " + seed;
      int compactions = random.nextInt(6);
      try (ChildJvm child = ChildJvm.start(CompactorChild.class, dir.toString(), "loop", Long.toString(seed + k))) {
        for (int c = 0; c < compactions; c++) {
          assertThat(child.awaitLine("COMPACTED ")).as(why).isNotNull();
        }
        // Then somewhere inside the next rounds of writing and compacting.
        if (random.nextBoolean()) {
          Thread.onSpinWait();
        }
        assertThat(child.kill()).as(why + ": " + child.describeExit()).isEqualTo(137);
      }
      try (Store store = Store.open(dir, manual)) {
        Manifest m = CompactedFiles.verifyNewest(store, why);
        assertThat(m.generation()).as(why).isGreaterThanOrEqualTo(lastGeneration);
        Compactor.Result r = store.compact();
        Manifest after = CompactedFiles.verifyNewest(store, why + ", then compacted");
        assertThat(after.generation()).isEqualTo(r.generation());
        assertThat(after.segmentsByRun()).as(why).hasSize(store.catalogSnapshot().experimentByRun().size());
        assertThat(CompactedFiles.tempFiles(dir)).as(why).isEmpty();
        lastGeneration = after.generation();
        // The run the child kept open is now an orphan; end it so it is sealed next time.
        store.endOrphanedRuns();
      }
    }
  }
}
