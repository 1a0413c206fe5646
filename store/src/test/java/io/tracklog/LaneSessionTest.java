package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs started in different lane sessions (store format 8: each LANE_OPENED frame records the
 * session's artifact location and source tags, and RUN_STARTED frames refer to it) read back with
 * their own session's values, from the logs and from compacted files alike.
 */
class LaneSessionTest {
  @TempDir Path dir;

  private static StoreOptions options(boolean sourceTags) {
    return StoreOptions.builder()
        .compaction(StoreOptions.CompactionTrigger.MANUAL)
        .sourceTags(sourceTags)
        .userName("ana")
        .build();
  }

  @Test
  void runsOfSeveralSessionsOnOneLane_readBackWithTheirOwnSessionsValues() {
    String exp;
    String elsewhere;
    String plain;
    String tagged;
    String moved;
    try (Store store = Store.open(dir, options(false))) {
      exp = store.createExperiment("e");
      elsewhere = store.createExperiment("s3", "s3://bucket/prefix", Map.of());
      plain = store.run(RunSpec.builder(exp).runName("plain").tag("mlflow.source.type", "JOB").build(), r -> r.logParam("p", "1"));
    }
    try (Store store = Store.open(dir, options(true))) {
      tagged = store.run(RunSpec.builder(exp).runName("tagged").build(), r -> r.logParam("p", "2"));
      moved = store.run(RunSpec.builder(elsewhere).runName("moved").userId("bo").build(), r -> r.logParam("p", "3"));
    }
    Map<String, String> source = SourceTags.current();
    String runs = dir.resolve("runs").toUri().toString().replaceAll("/$", "");
    for (int pass = 0; pass < 2; pass++) {
      try (Store store = Store.open(dir, options(false))) {
        Run p = store.getRun(plain);
        assertThat(p.info().artifactUri()).isEqualTo(runs + "/" + plain + "/artifacts");
        assertThat(p.tags()).containsEntry("mlflow.runName", "plain").containsEntry("mlflow.user", "ana")
            .containsEntry("mlflow.source.type", "JOB");
        assertThat(p.tags().keySet()).noneMatch(k -> k.startsWith("mlflow.source.") && !k.equals("mlflow.source.type"));

        Run t = store.getRun(tagged);
        assertThat(t.info().artifactUri()).isEqualTo(runs + "/" + tagged + "/artifacts");
        assertThat(t.tags()).containsAllEntriesOf(source).containsEntry("mlflow.runName", "tagged");

        Run m = store.getRun(moved);
        assertThat(m.info().artifactUri()).isEqualTo("s3://bucket/prefix/" + moved + "/artifacts");
        assertThat(m.info().userId()).isEqualTo("bo");
        assertThat(m.tags()).containsAllEntriesOf(source).containsEntry("mlflow.user", "bo");
        if (pass == 0) {
          store.compact(); // the second pass reads the compacted files
        }
      }
    }
  }

  /** A sweep's batches list their keys once a lane; each run's batch still reads back as logged. */
  @Test
  void batchesOfASweep_referToKeysListedBefore_andReadBackAsLogged() {
    Map<String, java.util.List<Metric>> logged = new java.util.LinkedHashMap<>();
    java.util.List<String> ids = new java.util.ArrayList<>();
    try (Store store = Store.open(dir, options(true))) {
      String exp = store.createExperiment("sweep");
      for (int i = 0; i < 40; i++) {
        int n = i;
        // every 7th run logs its keys in another order: listed anew, and the next run lists them again
        java.util.List<String> keys = i % 7 == 3 ? java.util.List.of("acc", "loss") : java.util.List.of("loss", "acc");
        java.util.List<Metric> metrics = new java.util.ArrayList<>();
        for (String k : keys) {
          metrics.add(new Metric(k, n / 7.0, 1_000L + n, n));
        }
        String id =
            store.run(
                RunSpec.of(exp, "r" + i),
                r -> r.logBatch(metrics, java.util.List.of(new Param("lr", "0." + n), new Param("seed", "7")),
                    java.util.List.of(new RunTag("team", "t" + n % 3))));
        ids.add(id);
        logged.put(id, metrics);
      }
    }
    for (int pass = 0; pass < 2; pass++) {
      try (Store store = Store.open(dir, options(true))) {
        for (int i = 0; i < ids.size(); i++) {
          Run run = store.getRun(ids.get(i));
          assertThat(run.params()).containsExactlyInAnyOrderEntriesOf(Map.of("lr", "0." + i, "seed", "7"));
          assertThat(run.tags()).containsEntry("team", "t" + i % 3);
          Map<String, java.util.List<Metric>> history = store.runRecord(ids.get(i)).metricHistory();
          for (Metric m : logged.get(ids.get(i))) {
            assertThat(history.get(m.key())).containsExactly(m);
          }
        }
        if (pass == 0) {
          store.compact();
        }
      }
    }
  }

  /**
   * A writer refers to listed keys only where the reference (a Chronicle index, ~7 bytes) is the
   * shorter: a sweep's batches of several keys refer, a lone short key is listed again.
   */
  @Test
  void batchKeys_areReferredToOnlyWhereThatIsShorter() {
    try (Store store = Store.open(dir, options(false))) {
      for (int i = 0; i < 3; i++) {
        int n = i;
        store.run(RunSpec.of(Experiment.DEFAULT_ID, "wide" + i),
            r -> r.logBatch(java.util.List.of(new Metric("loss", n, 1, 0), new Metric("accuracy", n, 1, 0)),
                java.util.List.of(new Param("learning_rate", "0." + n)), java.util.List.of()));
      }
      for (int i = 0; i < 3; i++) {
        int n = i;
        store.run(RunSpec.of(Experiment.DEFAULT_ID, "narrow" + i),
            r -> r.logBatch(java.util.List.of(new Metric("a", n, 1, 0)), java.util.List.of(), java.util.List.of()));
      }
    }
    java.util.List<Boolean> referring = new java.util.ArrayList<>();
    try (io.tracklog.log.ChronicleEventLog lane =
            io.tracklog.log.ChronicleEventLog.open(dir.resolve("logs/lane-000"), io.tracklog.log.ChronicleEventLog.Frames.CHECKED);
        io.tracklog.log.EventReader reader = lane.openReader()) {
      for (io.tracklog.format.ByteSource frame = reader.next(); frame != null; frame = reader.next()) {
        if (frame.remaining() > 0 && frame.peekByte() == LaneCodec.BATCH) {
          LaneCodec.readTag(frame);
          LaneCodec.readOrdinal(frame);
          frame.readVarLong(); // order
          referring.add(frame.readVarLong() != 0);
        }
      }
    }
    assertThat(referring).containsExactly(false, true, true, false, false, false);
  }
}
