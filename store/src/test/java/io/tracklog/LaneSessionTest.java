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
}
