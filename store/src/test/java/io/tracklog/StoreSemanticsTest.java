package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.InvalidParameterException;
import io.tracklog.testing.Gen;
import io.tracklog.testing.ManualClock;
import io.tracklog.testing.Property;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MLflow's store semantics (mlflow/utils/validation.py, mlflow/store/tracking/file_store.py) as Store and RunWriter implement them. */
class StoreSemanticsTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(1_000L);
  private Store store;

  @BeforeEach
  void open() {
    store = open(dir);
  }

  private Store open(Path root) {
    return Store.open(root, StoreOptions.builder().clock(clock).userName("alice").build());
  }

  @AfterEach
  void close() {
    store.close();
  }

  // ---- experiments -----------------------------------------------------------------------------

  @Test
  void newStore_hasOnlyTheDefaultExperiment() {
    List<Experiment> all = store.experiments();
    assertThat(all).hasSize(1);
    Experiment def = all.get(0);
    assertThat(def.experimentId()).isEqualTo("0");
    assertThat(def.name()).isEqualTo("Default");
    assertThat(def.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(def.creationTime()).isEqualTo(1_000L);
    assertThat(store.getExperiment("0")).isEqualTo(def);
    assertThat(store.findExperimentByName("Default")).contains(def);
    // runs can go straight into it
    try (RunWriter run = store.startRun("0")) {
      assertThat(store.getRun(run.runId()).info().experimentId()).isEqualTo("0");
    }
  }

  @Test
  void experimentIds_areSequentialStrings() {
    assertThat(store.createExperiment("a")).isEqualTo("1");
    assertThat(store.createExperiment("b")).isEqualTo("2");
    assertThat(store.setExperiment("c").experimentId()).isEqualTo("3");
    store.deleteExperiment("3");
    assertThat(store.createExperiment("d")).isEqualTo("4"); // ids of deleted experiments are not reused
    store.importExperiment(new Experiment("41", "imported", "file:///x", LifecycleStage.ACTIVE, 5, 6, Map.of()));
    assertThat(store.createExperiment("e")).isEqualTo("42");
    assertThat(store.experiments()).extracting(Experiment::experimentId).containsExactly("0", "1", "2", "3", "4", "41", "42");
  }

  @Test
  void setExperiment_isGetOrCreate_andRejectsDeleted() {
    Experiment first = store.setExperiment("mnist");
    assertThat(first.name()).isEqualTo("mnist");
    assertThat(store.setExperiment("mnist")).isEqualTo(first);
    assertThat(store.experiments()).hasSize(2);
    store.deleteExperiment(first.experimentId());
    assertThatThrownBy(() -> store.setExperiment("mnist"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("mnist");
    assertThat(store.experiments()).hasSize(2);
    store.restoreExperiment(first.experimentId());
    assertThat(store.setExperiment("mnist").experimentId()).isEqualTo(first.experimentId());
  }

  @Test
  void findExperimentByName_findsDeletedExperiments() {
    String id = store.createExperiment("gone");
    store.deleteExperiment(id);
    assertThat(store.findExperimentByName("gone"))
        .hasValueSatisfying(e -> {
          assertThat(e.experimentId()).isEqualTo(id);
          assertThat(e.lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
        });
    assertThat(store.getExperiment(id).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
  }

  @Test
  void deleteExperiment_deletesItsActiveRuns_restoreReactivatesAllRuns() {
    String exp = store.createExperiment("e");
    String other = store.createExperiment("other");
    String a = startAndClose(exp);
    String b = startAndClose(exp);
    String deletedBefore = startAndClose(exp);
    String elsewhere = startAndClose(other);
    store.deleteRun(deletedBefore);

    store.deleteExperiment(exp);
    for (String id : List.of(a, b, deletedBefore)) {
      assertThat(stage(id)).as(id).isEqualTo(LifecycleStage.DELETED);
    }
    assertThat(stage(elsewhere)).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(store.getExperiment(exp).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);

    store.restoreExperiment(exp);
    // MLflow restores every run of the experiment, also the one deleted on its own before
    for (String id : List.of(a, b, deletedBefore)) {
      assertThat(stage(id)).as(id).isEqualTo(LifecycleStage.ACTIVE);
    }
    assertThat(store.getExperiment(exp).lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(store.runIds(exp)).containsExactly(a, b, deletedBefore);
  }

  @Test
  void lastUpdateTime_changesOnRenameDeleteRestore_notOnRunWrites() {
    clock.set(10_000L);
    String exp = store.createExperiment("e");
    assertThat(store.getExperiment(exp).creationTime()).isEqualTo(10_000L);
    assertThat(store.getExperiment(exp).lastUpdateTime()).isEqualTo(10_000L);

    clock.set(20_000L);
    try (RunWriter run = store.startRun(RunSpec.of(exp, "r"))) {
      run.logMetric("m", 1.0);
      run.logParam("p", "v");
      run.setTag("t", "v");
      run.end(RunStatus.FINISHED);
      store.deleteRun(run.runId());
      store.restoreRun(run.runId());
    }
    assertThat(store.getExperiment(exp).lastUpdateTime()).isEqualTo(10_000L);

    clock.set(30_000L);
    store.renameExperiment(exp, "renamed");
    assertThat(store.getExperiment(exp).lastUpdateTime()).isEqualTo(30_000L);
    clock.set(40_000L);
    store.deleteExperiment(exp);
    assertThat(store.getExperiment(exp).lastUpdateTime()).isEqualTo(40_000L);
    clock.set(50_000L);
    store.restoreExperiment(exp);
    Experiment e = store.getExperiment(exp);
    assertThat(e.lastUpdateTime()).isEqualTo(50_000L);
    assertThat(e.creationTime()).isEqualTo(10_000L);
  }

  // ---- runs ------------------------------------------------------------------------------------

  @Test
  void newRun_hasGeneratedNameAndId_systemTags_runningStatus() {
    String exp = store.createExperiment("e");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      clock.set(5_000L + i);
      try (RunWriter w = store.startRun(exp)) {
        Run r = store.getRun(w.runId());
        assertThat(w.runId()).matches("[0-9a-f]{32}");
        assertThat(r.info().runName()).matches("[a-z]+-[a-z]+-\\d{1,3}");
        assertThat(r.tags())
            .containsEntry(SystemTags.RUN_NAME, r.info().runName())
            .containsEntry(SystemTags.USER, "alice")
            .doesNotContainKey(SystemTags.PARENT_RUN_ID);
        assertThat(r.info().userId()).isEqualTo("alice");
        assertThat(r.info().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(r.info().endTime()).isNull();
        assertThat(r.info().startTime()).isEqualTo(5_000L + i);
        assertThat(r.info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
        assertThat(r.info().experimentId()).isEqualTo(exp);
        assertThat(r.info().artifactUri()).endsWith("/" + w.runId() + "/artifacts");
        names.add(r.info().runName());
      }
    }
    assertThat(store.runIds(exp)).hasSize(20).doesNotHaveDuplicates();
    assertThat(names).hasSizeGreaterThan(1).doesNotHaveDuplicates();
  }

  @Test
  void runSpec_userAndParentAndTags() {
    String exp = store.createExperiment("e");
    String parent = startAndClose(exp);
    try (RunWriter w =
        store.startRun(
            RunSpec.builder(exp).runName("child").userId("bob").parentRunId(parent).tag("k", "v").build())) {
      Run r = store.getRun(w.runId());
      assertThat(r.info().runName()).isEqualTo("child");
      assertThat(r.info().userId()).isEqualTo("bob");
      assertThat(r.tags())
          .containsEntry(SystemTags.PARENT_RUN_ID, parent)
          .containsEntry(SystemTags.USER, "bob")
          .containsEntry(SystemTags.RUN_NAME, "child")
          .containsEntry("k", "v");
    }
  }

  @Test
  void importPath_keepsIdsAndTimes() {
    Experiment imported =
        new Experiment("123", "old", "s3://bucket/123", LifecycleStage.ACTIVE, 111L, 222L, Map.of("team", "x"));
    assertThat(store.importExperiment(imported)).isEqualTo(imported);
    assertThat(store.getExperiment("123")).isEqualTo(imported);

    String runId = "00112233445566778899aabbccddeeff";
    try (RunWriter w = store.startRun(RunSpec.builder("123").runId(runId).startTime(333L).runName("legacy").build())) {
      w.logMetric("loss", 0.5, 444L, 1L);
      w.logBatch(List.of(new Metric("acc", 0.9, 555L, 2L)), List.of(), List.of());
      w.end(RunStatus.KILLED, 666L);
    }
    Run r = store.getRun(runId);
    assertThat(r.info().runId()).isEqualTo(runId);
    assertThat(r.info().startTime()).isEqualTo(333L);
    assertThat(r.info().endTime()).isEqualTo(666L);
    assertThat(r.info().status()).isEqualTo(RunStatus.KILLED);
    assertThat(r.info().artifactUri()).isEqualTo("s3://bucket/123/" + runId + "/artifacts");
    assertThat(r.metrics().get("loss")).isEqualTo(new Metric("loss", 0.5, 444L, 1L));
    assertThat(r.metrics().get("acc")).isEqualTo(new Metric("acc", 0.9, 555L, 2L));
    assertThat(store.getExperiment("123")).isEqualTo(imported); // runs do not touch last_update_time
  }

  @Test
  void importPath_deletedExperimentKeepsItsTimes() {
    Experiment deleted = new Experiment("77", "archived", "file:///a", LifecycleStage.DELETED, 10L, 20L, Map.of());
    assertThat(store.importExperiment(deleted)).isEqualTo(deleted);
    assertThat(store.getExperiment("77")).isEqualTo(deleted);
    assertThat(store.findExperimentByName("archived")).contains(deleted);
    clock.set(99_000L);
    store.restoreExperiment("77");
    assertThat(store.getExperiment("77").lastUpdateTime()).isEqualTo(99_000L);
    assertThat(store.getExperiment("77").creationTime()).isEqualTo(10L);
  }

  // ---- the run block ---------------------------------------------------------------------------

  @Test
  void runBlock_endsFinishedOnReturn() {
    String exp = store.createExperiment("e");
    clock.set(7_000L);
    String id = store.run(RunSpec.of(exp, "ok"), run -> run.logMetric("m", 1.0));
    Run r = store.getRun(id);
    assertThat(r.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(r.info().endTime()).isEqualTo(7_000L);
    assertThat(r.metric("m")).isEqualTo(1.0);
    // the writer is closed: the run can be resumed
    store.resumeRun(id).close();
  }

  @Test
  void runBlock_endsFailedOnException_rethrowingTheSameInstance() {
    String exp = store.createExperiment("e");
    AtomicReference<String> id = new AtomicReference<>();
    IllegalStateException boom = new IllegalStateException("boom");
    assertThatThrownBy(
            () ->
                store.run(
                    RunSpec.of(exp),
                    run -> {
                      id.set(run.runId());
                      run.logParam("p", "v");
                      throw boom;
                    }))
        .isSameAs(boom);
    Run r = store.getRun(id.get());
    assertThat(r.info().status()).isEqualTo(RunStatus.FAILED);
    assertThat(r.info().endTime()).isNotNull();
    assertThat(r.params()).containsEntry("p", "v");
    assertThat(boom.getSuppressed()).isEmpty();
  }

  @Test
  void runBlock_preservesCheckedExceptions() {
    String exp = store.createExperiment("e");
    AtomicReference<String> id = new AtomicReference<>();
    IOException io = new IOException("disk");
    try {
      store.<IOException>run(
          RunSpec.of(exp),
          run -> {
            id.set(run.runId());
            throw io;
          });
      throw new AssertionError("run() returned");
    } catch (IOException caught) { // compiles only because the checked type is propagated
      assertThat(caught).isSameAs(io);
    }
    assertThat(store.getRun(id.get()).info().status()).isEqualTo(RunStatus.FAILED);

    Error error = new AssertionError("err");
    assertThatThrownBy(() -> store.run(RunSpec.of(exp), run -> {
          id.set(run.runId());
          throw error;
        }))
        .isSameAs(error);
    assertThat(store.getRun(id.get()).info().status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void runBlock_keepsAStatusTheBlockSetItself() {
    String exp = store.createExperiment("e");
    String killed = store.run(RunSpec.of(exp), run -> run.end(RunStatus.KILLED, 42L));
    assertThat(store.getRun(killed).info().status()).isEqualTo(RunStatus.KILLED);
    assertThat(store.getRun(killed).info().endTime()).isEqualTo(42L);

    AtomicReference<String> id = new AtomicReference<>();
    RuntimeException late = new RuntimeException("after end");
    assertThatThrownBy(
            () ->
                store.run(
                    RunSpec.of(exp),
                    run -> {
                      id.set(run.runId());
                      run.end(RunStatus.FINISHED, 43L);
                      throw late;
                    }))
        .isSameAs(late);
    assertThat(store.getRun(id.get()).info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(store.getRun(id.get()).info().endTime()).isEqualTo(43L);

    String updated = store.run(RunSpec.of(exp), run -> run.updateStatus(RunStatus.KILLED, 44L));
    assertThat(store.getRun(updated).info().status()).isEqualTo(RunStatus.KILLED);
    assertThat(store.getRun(updated).info().endTime()).isEqualTo(44L);
  }

  @Test
  void resumeRun_setsAnEndedRunRunningAgain() {
    String exp = store.createExperiment("e");
    String id = store.run(RunSpec.of(exp), run -> run.logMetric("m", 1.0, 1L, 0L));
    assertThat(store.getRun(id).info().status()).isEqualTo(RunStatus.FINISHED);
    try (RunWriter w = store.resumeRun(id)) {
      assertThat(store.getRun(id).info().status()).isEqualTo(RunStatus.RUNNING);
      w.logMetric("m", 2.0, 2L, 1L);
      assertThatThrownBy(() -> store.resumeRun(id)).isInstanceOf(IllegalStateException.class);
    }
    Run r = store.getRun(id);
    assertThat(r.info().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(r.metric("m")).isEqualTo(2.0);
  }

  @Test
  void closingAWriter_doesNotEndTheRun() {
    String exp = store.createExperiment("e");
    RunWriter w = store.startRun(exp);
    w.logMetric("m", 1.0);
    w.close();
    w.close(); // idempotent
    Run r = store.getRun(w.runId());
    assertThat(r.info().status()).isEqualTo(RunStatus.RUNNING);
    assertThat(r.info().endTime()).isNull();
    assertThatThrownBy(() -> w.logMetric("m", 2.0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void updateRun_withoutWriter() {
    String exp = store.createExperiment("e");
    String id = startAndClose(exp);
    store.updateRun(id, RunStatus.FAILED, 77L);
    assertThat(store.getRun(id).info().status()).isEqualTo(RunStatus.FAILED);
    assertThat(store.getRun(id).info().endTime()).isEqualTo(77L);
  }

  @Test
  void reopeningTheStore_seesEverything() {
    String exp = store.createExperiment("e", null, Map.of("team", "ml"));
    String gone = store.createExperiment("gone");
    store.deleteExperiment(gone);
    String finished;
    String open;
    try (RunWriter w = store.startRun(RunSpec.of(exp, "a"))) {
      w.logParam("p", "1");
      w.logMetric("m", Double.NaN, 5L, 1L);
      w.logMetric("m", 3.0, 4L, 2L);
      w.setTag("t", "x");
      w.logInput(DatasetInput.of(new Dataset("ds", "d", "local", "s", "{}", null), "training"));
      w.end(RunStatus.FINISHED, 9L);
      finished = w.runId();
    }
    RunWriter still = store.startRun(RunSpec.of(exp, "b"));
    still.logMetric("x", 1.0);
    open = still.runId();
    store.deleteRun(open);

    List<Experiment> experiments = store.experiments();
    Run a = store.getRun(finished);
    Run b = store.getRun(open);
    store.close();

    store = open(dir);
    assertThat(store.experiments()).isEqualTo(experiments);
    assertThat(store.getRun(finished)).isEqualTo(a);
    assertThat(store.getRun(open)).isEqualTo(b);
    assertThat(store.runIds(exp)).containsExactly(finished, open);
    assertThat(store.createExperiment("next")).isEqualTo("3");
    assertThat(a.metric("m")).isEqualTo(3.0);
    assertThat(b.info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
  }

  // ---- latest metric (§7) ----------------------------------------------------------------------

  private Metric latestAfter(List<Metric> points) {
    try (RunWriter w = store.startRun(RunSpec.of("0"))) {
      for (Metric m : points) {
        w.logMetric(m.key(), m.value(), m.timestampMs(), m.step());
      }
      return store.getRun(w.runId()).metrics().get("m");
    }
  }

  private static Metric m(double value, long ts, long step) {
    return new Metric("m", value, ts, step);
  }

  @Test
  void latestMetric_higherStepBeatsLaterTimestamp() {
    assertThat(latestAfter(List.of(m(1.0, 100L, 5L), m(2.0, 999L, 4L)))).isEqualTo(m(1.0, 100L, 5L));
    assertThat(latestAfter(List.of(m(2.0, 999L, 4L), m(1.0, 100L, 5L)))).isEqualTo(m(1.0, 100L, 5L));
  }

  @Test
  void latestMetric_negativeStepsLoseToStepZero() {
    assertThat(latestAfter(List.of(m(1.0, 1L, 0L), m(2.0, 50L, -1L), m(3.0, 60L, Long.MIN_VALUE))))
        .isEqualTo(m(1.0, 1L, 0L));
    assertThat(latestAfter(List.of(m(2.0, 50L, -3L), m(3.0, 60L, -2L)))).isEqualTo(m(3.0, 60L, -2L));
  }

  @Test
  void latestMetric_sameStep_laterTimestampWins() {
    assertThat(latestAfter(List.of(m(5.0, 20L, 3L), m(1.0, 10L, 3L)))).isEqualTo(m(5.0, 20L, 3L));
    assertThat(latestAfter(List.of(m(1.0, 10L, 3L), m(5.0, 20L, 3L)))).isEqualTo(m(5.0, 20L, 3L));
  }

  @Test
  void latestMetric_equalStepAndTimestamp_largerValueWins() {
    assertThat(latestAfter(List.of(m(1.0, 10L, 3L), m(7.0, 10L, 3L), m(2.0, 10L, 3L)))).isEqualTo(m(7.0, 10L, 3L));
    assertThat(latestAfter(List.of(m(Double.NEGATIVE_INFINITY, 10L, 3L), m(-1.0, 10L, 3L))))
        .isEqualTo(m(-1.0, 10L, 3L));
    assertThat(latestAfter(List.of(m(1.0, 10L, 3L), m(Double.POSITIVE_INFINITY, 10L, 3L))))
        .isEqualTo(m(Double.POSITIVE_INFINITY, 10L, 3L));
  }

  @Test
  void latestMetric_nanNeverWinsATie_theEarlierIsKept() {
    assertThat(latestAfter(List.of(m(1.0, 10L, 3L), m(Double.NaN, 10L, 3L)))).isEqualTo(m(1.0, 10L, 3L));
    assertThat(latestAfter(List.of(m(Double.NaN, 10L, 3L), m(1.0, 10L, 3L)))).isEqualTo(m(Double.NaN, 10L, 3L));
    // but NaN at a higher step or later timestamp wins like any value
    assertThat(latestAfter(List.of(m(1.0, 10L, 3L), m(Double.NaN, 11L, 3L)))).isEqualTo(m(Double.NaN, 11L, 3L));
    assertThat(latestAfter(List.of(m(1.0, 10L, 3L), m(Double.NaN, 1L, 4L)))).isEqualTo(m(Double.NaN, 1L, 4L));
  }

  @Test
  void latestMetric_equalTuples_firstLoggedIsKept() {
    // 0.0 == -0.0 in MLflow's tuple comparison, so the first one logged stays
    Metric got = latestAfter(List.of(m(-0.0, 10L, 3L), m(0.0, 10L, 3L)));
    assertThat(Double.doubleToRawLongBits(got.value())).isEqualTo(Double.doubleToRawLongBits(-0.0));
    got = latestAfter(List.of(m(0.0, 10L, 3L), m(-0.0, 10L, 3L)));
    assertThat(Double.doubleToRawLongBits(got.value())).isEqualTo(Double.doubleToRawLongBits(0.0));
  }

  @Test
  void latestMetric_loggingOrderIrrelevant_withoutNaN() {
    List<Metric> points = new ArrayList<>();
    for (long step = -2; step <= 2; step++) {
      for (long ts = 0; ts < 3; ts++) {
        for (double v : new double[] {-1.0, 0.5, 2.0}) {
          points.add(m(v, ts, step));
        }
      }
    }
    Metric expected = m(2.0, 2L, 2L);
    Property.forAll(Gen.shuffled(points)).tries(100).check(order -> assertThat(latestAfter(order)).isEqualTo(expected));
  }

  @Test
  void latestMetric_sameRuleInBatchesAndAcrossWriters() {
    String exp = store.createExperiment("e");
    String id;
    try (RunWriter w = store.startRun(exp)) {
      id = w.runId();
      w.logBatch(List.of(m(1.0, 10L, 5L), m(9.0, 99L, 4L), m(Double.NaN, 10L, 5L)), List.of(), List.of());
    }
    try (RunWriter w = store.resumeRun(id)) {
      w.logMetric("m", 0.5, 10L, 5L); // same step and time, smaller value: loses
      w.logMetric("m", 8.0, 1L, 4L);
    }
    assertThat(store.getRun(id).metrics().get("m")).isEqualTo(m(1.0, 10L, 5L));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private String startAndClose(String exp) {
    try (RunWriter w = store.startRun(exp)) {
      return w.runId();
    }
  }

  private LifecycleStage stage(String runId) {
    return store.getRun(runId).info().lifecycleStage();
  }

  @Test
  void runBlock_thatClosesItsWriter_stillEndsTheRun() {
    String exp = store.createExperiment("closing-block");
    String finished = store.run(RunSpec.of(exp), RunWriter::close);
    assertThat(store.getRun(finished).info().status()).isEqualTo(RunStatus.FINISHED);
    String[] failedId = new String[1];
    assertThatThrownBy(
            () ->
                store.run(
                    RunSpec.of(exp),
                    w -> {
                      failedId[0] = w.runId();
                      w.close();
                      throw new IllegalStateException("boom");
                    }))
        .hasMessage("boom");
    assertThat(store.getRun(failedId[0]).info().status()).isEqualTo(RunStatus.FAILED);
  }
}
