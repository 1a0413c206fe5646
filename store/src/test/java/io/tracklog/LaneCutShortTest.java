package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.CorruptFileException;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.testing.Trees;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lane cut short at a frame boundary, past the last frame the catalog records it held (a
 * LaneForced event, store format 5), is damage every reader of the run and {@code verify} names: the
 * run does not quietly come back as it was before its tail (docs/FORMAT.md §Lanes, recorded ends).
 * The cut is made by putting back an older copy of the lane: exactly its first frames, as a lost
 * tail would leave them.
 */
class LaneCutShortTest {
  @TempDir Path dir;

  private static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  /** A run whose end (and last metrics) were in the lane's tail; returns its id. */
  private String runWithItsTailCut(Path stale) {
    String runId;
    try (Store store = Store.open(dir, manual())) {
      RunWriter w = store.startRun(RunSpec.of(Experiment.DEFAULT_ID, "cut"));
      runId = w.runId();
      w.logMetric("loss", 1.0, 0);
      w.sync();
      Trees.copy(dir.resolve("logs/lane-000"), stale); // the lane as it was, up to here
      w.logMetric("loss", 0.5, 1);
      w.end(RunStatus.FINISHED);
      w.close();
    }
    Trees.delete(dir.resolve("logs/lane-000"));
    Trees.copy(stale, dir.resolve("logs/lane-000"));
    return runId;
  }

  @Test
  void closingAStore_recordsWhereEachOfItsLanesEnds() {
    try (Store store = Store.open(dir, manual())) {
      store.run(RunSpec.of(Experiment.DEFAULT_ID, "a"), r -> r.logMetric("m", 1, 0));
      assertThat(store.catalogSnapshot().laneEnds()).isEmpty(); // recorded when the lane is released
    }
    long first;
    try (Store store = Store.open(dir, manual())) {
      CatalogSnapshot snap = store.catalogSnapshot();
      assertThat(snap.laneEnds()).containsOnlyKeys(0);
      first = snap.laneEnd(0);
      store.run(RunSpec.of(Experiment.DEFAULT_ID, "b"), r -> r.logMetric("m", 2, 0));
    }
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalogSnapshot().laneEnd(0)).isGreaterThan(first);
      assertThat(store.verify().ok()).isTrue();
    }
  }

  @Test
  void aRunWhoseTailWasCut_isCorrupt_notAnOlderState() {
    String runId = runWithItsTailCut(dir.resolveSibling(dir.getFileName() + "-stale"));
    try (Store store = Store.open(dir, manual())) {
      assertThatThrownBy(() -> store.getRun(runId))
          .isInstanceOf(CorruptFileException.class)
          .hasMessageContaining("lane-000")
          .hasMessageContaining("cut short");
      assertThatThrownBy(() -> store.runRecord(runId)).isInstanceOf(CorruptFileException.class);
      // a writer does not build on what is left either
      assertThatThrownBy(() -> store.updateRun(runId, RunStatus.KILLED, 5L)).isInstanceOf(CorruptFileException.class);
      assertThatThrownBy(() -> {
            try (RunWriter w = store.resumeRun(runId)) {
              w.setTag("k", "v");
            }
          })
          .isInstanceOf(CorruptFileException.class);
      // nor does compaction seal it as it is
      assertThatThrownBy(store::compact).isInstanceOf(CorruptFileException.class);
      // other runs are written to another lane, leaving the cut one as it is
      String other = store.run(RunSpec.of(Experiment.DEFAULT_ID, "other"), r -> r.logMetric("m", 3, 0));
      assertThat(store.getRun(other).metric("m")).isEqualTo(3.0);
      assertThat(store.catalogSnapshot().attachments(other).get(0).lane()).isEqualTo(1);
      VerifyReport report = store.verify();
      assertThat(report.ok()).isFalse();
      assertThat(report.problems().toString()).contains("lane-000").contains("cut short");
    }
  }

  @Test
  void aLaneThatWasNeverCut_readsAsItWas_acrossSessions() {
    String runId;
    try (Store store = Store.open(dir, manual())) {
      runId = store.run(RunSpec.of(Experiment.DEFAULT_ID, "kept"), r -> r.logMetric("loss", 1.0, 0));
    }
    try (Store store = Store.open(dir, manual())) {
      try (RunWriter w = store.resumeRun(runId)) { // another session appends to the run, in the same lane
        w.setTag("k", "v");
      }
    }
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.getRun(runId).tags()).containsEntry("k", "v");
      assertThat(store.runRecord(runId).metricHistory()).containsKey("loss");
      assertThat(store.verify().ok()).isTrue();
    }
  }
}
