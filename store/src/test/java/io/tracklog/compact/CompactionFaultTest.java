package io.tracklog.compact;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.CommitConflictException;
import io.tracklog.testing.ChildJvm;
import io.tracklog.testing.CompactorChild;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file operation of a compaction fails in turn (once, and from then on): the newest manifest
 * is then the old generation or the new one, never anything else; all its files verify; nothing is
 * left behind once a later compaction succeeds. Plus compactors racing in one JVM and in two.
 */
class CompactionFaultTest {
  @TempDir Path dir;

  static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  /** Generation 1 committed over runs of two experiments, then new runs and a reopened one. */
  private static void prepare(Path root) {
    try (Store store = Store.open(root, manual())) {
      String a = store.createExperiment("a");
      String b = store.createExperiment("b");
      List<String> first = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        first.add(run(store, i % 2 == 0 ? a : b, "old-" + i, 50));
      }
      assertThat(store.compact().generation()).isEqualTo(1);
      run(store, a, "new-a1", 300);
      run(store, a, "new-a2", 10);
      run(store, b, "new-b1", 20);
      try (RunWriter w = store.resumeRun(first.get(0))) { // its segment must be rewritten
        w.logMetric("late", 1.0, 5, 99);
        w.end(RunStatus.FINISHED);
      }
    }
  }

  private static String run(Store store, String exp, String name, int points) {
    try (RunWriter w = store.startRun(RunSpec.of(exp, name))) {
      w.logParam("p", name);
      w.setTag("t", "v");
      for (int i = 0; i < points; i++) {
        w.logMetric("loss", 1.0 / (i + 1), 1000 + i, i);
        w.logMetric("acc", i % 5 == 0 ? Double.NaN : i, 1000 + i, points - i);
      }
      w.end(RunStatus.FINISHED);
      return w.runId();
    }
  }

  static void copy(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void failingEveryFileOperation_leavesOldOrNewGenerationWhole() {
    Path template = dir.resolve("template");
    prepare(template);

    List<String> calls;
    Path measured = dir.resolve("measured");
    copy(template, measured);
    try (Store store = Store.open(measured, manual())) {
      FaultyFileOps counting = FaultyFileOps.counting();
      Compactor.Result r = store.compactor(counting, MergePolicy.DEFAULT).compact();
      assertThat(r.generation()).isEqualTo(2);
      calls = counting.calls();
      CompactedFiles.verifyNewest(store, "fault-free");
    }
    assertThat(calls).anyMatch(c -> c.startsWith("link ")).anyMatch(c -> c.startsWith("move "));

    // Every call but the middle of long write sequences (Arrow writes many small buffers).
    List<Integer> points = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      boolean write = calls.get(i).startsWith("write ");
      boolean edge = i == 0 || i == calls.size() - 1
          || !calls.get(i - 1).startsWith("write ") || !calls.get(i + 1).startsWith("write ");
      if (!write || edge) {
        points.add(i + 1);
      }
    }
    int failures = 0;
    for (int n : points) {
      boolean isWrite = calls.get(n - 1).startsWith("write ");
      for (boolean sticky : isWrite ? new boolean[] {false} : new boolean[] {false, true}) {
        String why = "fault at call " + n + " of " + calls.size() + " (" + calls.get(n - 1) + ")"
            + (sticky ? " and after" : " only");
        Path root = dir.resolve("n" + n + (sticky ? "s" : ""));
        copy(template, root);
        try (Store store = Store.open(root, manual())) {
          FaultyFileOps ops = sticky ? FaultyFileOps.failingFrom(n) : FaultyFileOps.failingOnce(n);
          boolean threw = false;
          try {
            store.compactor(ops, MergePolicy.DEFAULT).compact();
          } catch (UncheckedIOException e) {
            threw = true;
            failures++;
            assertThat(e).as(why).hasRootCauseInstanceOf(IOException.class).hasStackTraceContaining("Injected fault");
          }
          assertThat(ops.failed()).as(why).isTrue();
          Manifest m = CompactedFiles.verifyNewest(store, why);
          assertThat(m.generation()).as(why + ": threw " + threw).isEqualTo(threw ? 1 : 2);

          Compactor.Result after = store.compact();
          assertThat(after.generation()).as(why + ": the next compaction").isEqualTo(2);
          CompactedFiles.verifyNewest(store, why + ", then compacted");
          assertThat(CompactedFiles.tempFiles(root)).as(why + ": temp files")
              .allMatch(f -> f.startsWith("manifest-")); // see below: not in compacted/
          assertThat(CompactedFiles.tempFiles(root)).as(why + ": temp files")
              .noneMatch(f -> f.startsWith("compacted"));
          if (threw) {
            assertThat(CompactedFiles.unreferencedFiles(root)).as(why + ": unreferenced files").isEmpty();
          }
        }
      }
    }
    assertThat(failures).as("compactions that failed").isGreaterThan(points.size() / 2);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twoCompactorsInOneJvm_bothFinishOrOneLosesCleanly() throws Exception {
    prepare(dir);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (Store s1 = Store.open(dir, manual());
        Store s2 = Store.open(dir, manual())) {
      for (int round = 0; round < 3; round++) {
        run(s1, s1.findExperimentByName("a").orElseThrow().experimentId(), "race-" + round, 40);
        run(s2, s2.findExperimentByName("b").orElseThrow().experimentId(), "race2-" + round, 40);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Compactor.Result>> results = new ArrayList<>();
        boolean rebuild = round % 2 == 1;
        for (Store s : List.of(s1, s2)) {
          results.add(pool.submit(() -> {
            start.await();
            return rebuild ? s.rebuild() : s.compact();
          }));
        }
        start.countDown();
        for (Future<Compactor.Result> f : results) {
          try {
            f.get(60, TimeUnit.SECONDS);
          } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).as("round %d", round).isInstanceOf(CommitConflictException.class);
          }
        }
        Manifest m = CompactedFiles.verifyNewest(s1, "round " + round);
        assertThat(m.segmentsByRun()).as("round %d", round).hasSize(s1.catalogSnapshot().experimentByRun().size());
        assertThat(CompactedFiles.tempFiles(dir)).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void twoCompactorsInTwoJvms_bothFinishOrOneLosesCleanly() {
    prepare(dir);
    try (ChildJvm c1 = ChildJvm.start(CompactorChild.class, dir.toString(), "once");
        ChildJvm c2 = ChildJvm.start(CompactorChild.class, dir.toString(), "once")) {
      c1.awaitLine("READY");
      c2.awaitLine("READY");
      c1.send("GO");
      c2.send("GO");
      for (ChildJvm c : List.of(c1, c2)) {
        String line = c.awaitLine(l -> l.startsWith("RESULT ") || l.startsWith("CONFLICT "), "RESULT or CONFLICT");
        assertThat(c.waitForExit()).as(c.describeExit()).isZero();
        assertThat(line).isNotNull();
      }
      assertThat(c1.allLines().stream().anyMatch(l -> l.startsWith("RESULT "))
              || c2.allLines().stream().anyMatch(l -> l.startsWith("RESULT ")))
          .as("one of them committed: %s %s", c1.allLines(), c2.allLines())
          .isTrue();
    }
    try (Store store = Store.open(dir, manual())) {
      Manifest m = CompactedFiles.verifyNewest(store, "after two JVMs");
      assertThat(m.generation()).isEqualTo(2);
      assertThat(m.segmentsByRun()).hasSize(store.catalogSnapshot().experimentByRun().size());
      assertThat(store.compact().runsWritten()).isZero();
    }
    assertThat(CompactedFiles.tempFiles(dir)).isEmpty();
  }
}
