package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import io.tracklog.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader in this JVM takes snapshot after snapshot while a writer in another JVM ({@link
 * WriterChild}) keeps creating runs, logging to a long-lived run and compacting on every run close.
 * Every snapshot must be consistent on its own and with the ones before it: every run it lists is
 * readable (attributes, latest metrics, history), a FINISHED run has all its points, runs never
 * disappear, metric counts never shrink, generations and catalog positions never go back, and
 * nothing throws. No sleeps: the loop refreshes as fast as it can until it has seen the writer
 * publish several generations and grow the long run, then stops the writer through its stdin.
 */
class ReaderWhileWritingIT {
  private static final Duration LIMIT = Duration.ofMinutes(4);

  @TempDir Path dir;

  @Test
  void snapshotsStayConsistentWhileAnotherProcessWrites() {
    String exp;
    try (Store store = Store.open(dir)) {
      exp = store.createExperiment("busy");
    }
    try (ChildJvm child = ChildJvm.start(WriterChild.class, dir.toString(), exp);
        StoreReader reader = StoreReader.open(dir)) {
      String longRun = child.awaitLine("LONG ").substring("LONG ".length());
      Map<String, Integer> counts = new HashMap<>();
      Set<Long> generations = new HashSet<>();
      Set<Long> longCounts = new HashSet<>();
      Snapshot snap = reader.snapshot();
      check(snap, exp, longRun, counts);
      int snapshots = 1;
      long deadline = System.nanoTime() + LIMIT.toNanos();
      while (generations.size() < 4 || longCounts.size() < 4 || snapshots < 20) {
        assertThat(System.nanoTime()).as("writer progress within %s; %s", LIMIT, child.describeExit()).isLessThan(deadline);
        assertThat(child.isAlive()).as("writer alive; %s", child.describeExit()).isTrue();
        Snapshot next = reader.refresh(snap);
        if (next == snap) {
          continue; // nothing changed: refresh returned the same instance
        }
        assertThat(next.generation()).isGreaterThanOrEqualTo(snap.generation());
        assertThat(next.catalogPosition()).isGreaterThanOrEqualTo(snap.catalogPosition());
        check(next, exp, longRun, counts);
        generations.add(next.generation());
        longCounts.add((long) counts.getOrDefault(longRun, 0));
        snap = next;
        snapshots++;
      }
      child.send("STOP");
      int written = Integer.parseInt(child.awaitLine("DONE ").substring("DONE ".length()));
      assertThat(child.waitForExit()).as("exit code; %s", child.describeExit()).isZero();

      Snapshot last = reader.refresh(snap);
      check(last, exp, longRun, counts);
      assertThat(last.runIds(exp)).hasSize(written + 1);
      for (String runId : last.runIds(exp)) {
        assertThat(last.getRun(runId).info().status()).as(runId).isEqualTo(RunStatus.FINISHED);
      }
      assertThat(last.metricHistory(longRun, "loss")).hasSize(written + 1);
    }
  }

  /** One snapshot on its own, and against the counts seen by the snapshots before it. */
  private static void check(Snapshot snap, String exp, String longRun, Map<String, Integer> counts) {
    List<String> ids = snap.runIds(exp);
    assertThat(ids).containsAll(counts.keySet()); // runs never disappear
    List<Run> got = ids.stream().map(snap::getRun).toList(); // one by one first, then listed
    List<Run> listed = snap.runs(exp, ViewType.ALL);
    assertThat(listed).extracting(Run::runId).containsExactlyElementsOf(ids);
    for (int i = 0; i < ids.size(); i++) {
      String runId = ids.get(i);
      Run run = got.get(i);
      assertThat(run).as("getRun and runs agree on %s", runId).isEqualTo(listed.get(i));
      List<Metric> history = snap.metricHistory(runId, "loss");
      int before = counts.getOrDefault(runId, 0);
      assertThat(history.size()).as("points of %s only grow", runId).isGreaterThanOrEqualTo(before);
      counts.put(runId, history.size());
      if (!history.isEmpty()) {
        assertThat(run.metrics()).containsKey("loss");
      }
      if (!runId.equals(longRun) && run.info().status() == RunStatus.FINISHED) {
        assertThat(history).as("a finished run has all its points: %s", runId).hasSize(WriterChild.POINTS);
        assertThat(run.metrics().get("loss").step()).isEqualTo(WriterChild.POINTS - 1);
        assertThat(run.params()).containsKey("i");
        assertThat(run.tags()).containsEntry("done", "yes");
      }
    }
  }
}
