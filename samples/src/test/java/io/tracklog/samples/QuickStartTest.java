package io.tracklog.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickStartTest {
  @TempDir Path dir;

  @Test
  void run_logsOneFinishedRunWithParamsMetricsAndTags() {
    try (Store store = Store.open(dir)) {
      String runId = QuickStart.run(store);

      String experimentId = store.findExperimentByName(QuickStart.EXPERIMENT).orElseThrow().experimentId();
      assertThat(store.runIds(experimentId)).containsExactly(runId);
      Run run = store.getRun(runId);
      assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(run.info().endTime()).isNotNull();
      assertThat(run.info().runName()).isEqualTo("baseline");
      assertThat(run.params())
          .containsEntry("learning_rate", "0.05")
          .containsEntry("epochs", "10")
          .containsEntry("optimizer", "sgd");
      assertThat(run.tags()).containsEntry("team", "tracklog").containsKey("mlflow.note.content");
      // The latest value is the last step's.
      assertThat(run.metrics().get("loss").step()).isEqualTo(QuickStart.STEPS - 1);
      double lastLoss = 0.2 + 0.8 * Math.exp(-0.4 * (QuickStart.STEPS - 1));
      assertThat(run.metric("loss")).isEqualTo(lastLoss);
      assertThat(run.metric("accuracy")).isEqualTo(1.0 - lastLoss / 2);
    }
  }

  @Test
  void run_twice_addsARunToTheSameExperiment() {
    try (Store store = Store.open(dir)) {
      String first = QuickStart.run(store);
      String second = QuickStart.run(store);

      String experimentId = store.getRun(first).info().experimentId();
      assertThat(store.getRun(second).info().experimentId()).isEqualTo(experimentId);
      assertThat(store.runIds(experimentId)).containsExactly(first, second);
    }
  }
}
