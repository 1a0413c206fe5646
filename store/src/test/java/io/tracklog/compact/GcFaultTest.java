package io.tracklog.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.GcOptions;
import io.tracklog.GcReport;
import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.testing.FaultyFileOps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file operation of a gc fails in turn, once (and every third from then on, as a full disk
 * would; the middle of long write runs is left to CompactionFaultTest): the gc's commit
 * point (its catalog event) comes before any of them, so afterwards every doomed run is purged and
 * every other run whole; the store reopens and verifies; and a second gc finishes the job (artifact
 * folders gone, no segment holding a purged run, the old segments' files reclaimed).
 */
class GcFaultTest {
  @TempDir Path dir;

  private final List<String> kept = new ArrayList<>();
  private final List<String> doomed = new ArrayList<>();

  /** Two experiments compacted twice; then two runs deleted and one experiment deleted. */
  private void prepare(Path root) {
    try (Store store = Store.open(root, CompactionFaultTest.manual())) {
      String a = store.createExperiment("a");
      String b = store.createExperiment("b");
      for (int i = 0; i < 4; i++) {
        String id = run(store, a, "a" + i);
        (i % 2 == 0 ? kept : doomed).add(id);
      }
      store.compact();
      doomed.add(run(store, b, "b0"));
      doomed.add(run(store, b, "b1"));
      kept.add(run(store, a, "a-late"));
      store.compact();
      store.deleteRun(doomed.get(0));
      store.deleteRun(doomed.get(1));
      store.deleteExperiment(b);
    }
  }

  private static String run(Store store, String exp, String name) {
    return store.run(RunSpec.of(exp, name), w -> {
      w.logParam("p", name);
      for (int i = 0; i < 20; i++) {
        w.logMetric("loss", 1.0 / (i + 1), i);
      }
      w.logText("notes of " + name, "notes/n.txt");
    });
  }

  @Test
  @Timeout(value = 400, unit = TimeUnit.SECONDS)
  void failingEveryFileOperation_leavesRunsWholeOrPurged_andTheNextGcFinishes() {
    Path template = prepared(dir.resolve("template"));
    Path measured = copied(template, "measured");
    List<String> calls;
    try (Store store = Store.open(measured, CompactionFaultTest.manual())) {
      FaultyFileOps counting = FaultyFileOps.counting();
      GcReport report = store.gc(GcOptions.all(), counting);
      assertThat(report.purgedRunIds()).containsExactlyInAnyOrderElementsOf(doomed);
      calls = counting.calls();
      assertFinished(store, measured, "fault-free");
    }
    assertThat(calls).anyMatch(c -> c.startsWith("delete ")).anyMatch(c -> c.startsWith("link "));

    int failures = 0;
    for (int n = 1; n <= calls.size(); n++) {
      boolean write = calls.get(n - 1).startsWith("write ");
      if (write && n > 1 && n < calls.size()
          && calls.get(n - 2).startsWith("write ") && calls.get(n).startsWith("write ")) {
        continue; // the middle of an Arrow file's many small writes: CompactionFaultTest covers those
      }
      boolean isWrite = calls.get(n - 1).startsWith("write ");
      for (boolean sticky : isWrite || n % 3 != 0 ? new boolean[] {false} : new boolean[] {false, true}) {
        String why = "fault at call " + n + " of " + calls.size() + " (" + calls.get(n - 1) + ")"
            + (sticky ? " and after" : " only");
        Path root = copied(template, "n" + n + (sticky ? "s" : ""));
        try (Store store = Store.open(root, CompactionFaultTest.manual())) {
          FaultyFileOps ops = sticky ? FaultyFileOps.failingFrom(n) : FaultyFileOps.failingOnce(n);
          try {
            store.gc(GcOptions.all(), ops);
          } catch (io.tracklog.error.StorageException e) {
            failures++;
            assertThat(e).as(why).hasStackTraceContaining("Injected fault");
          }
        }
        try (Store store = Store.open(root, CompactionFaultTest.manual())) {
          for (String id : doomed) {
            assertThatThrownBy(() -> store.getRun(id)).as(why).isInstanceOf(RunNotFoundException.class);
          }
          for (String id : kept) {
            assertThat(store.getRun(id).params()).as(why).containsKey("p");
          }
          assertThat(store.verify().problems()).as(why).isEmpty();
          store.gc(GcOptions.all());
          assertFinished(store, root, why + ", then gc again");
        }
        io.tracklog.testing.Trees.delete(root);
      }
    }
    assertThat(failures).as("gcs that failed").isPositive();
  }

  private Path prepared(Path root) {
    prepare(root);
    return root;
  }

  private Path copied(Path template, String name) {
    Path root = dir.resolve(name);
    io.tracklog.testing.Trees.copy(template, root);
    return root;
  }

  /** Nothing of the doomed runs is left: artifact folders, rows in the newest two manifests. */
  private void assertFinished(Store store, Path root, String why) {
    for (String id : doomed) {
      assertThat(root.resolve("runs").resolve(id)).as(why).doesNotExist();
    }
    Manifest newest = CompactedFiles.verifyNewest(store, why);
    assertThat(newest.segmentsByRun()).as(why).containsOnlyKeys(kept);
    List<Long> generations = ManifestFiles.generations(root);
    Manifest previous = ManifestFiles.read(root, generations.get(generations.size() - 2));
    assertThat(previous.segmentsByRun().keySet()).as(why + ": the previous manifest").doesNotContainAnyElementsOf(doomed);
    assertThat(CompactedFiles.unreferencedFiles(root)).as(why + ": unreferenced files").isEmpty();
    assertThat(store.verify().problems()).as(why).isEmpty();
  }

}
