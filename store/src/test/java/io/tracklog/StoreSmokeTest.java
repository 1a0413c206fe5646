package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreSmokeTest {
  @TempDir Path dir;

  @Test
  void writeAndReadBack() {
    try (Store store = Store.open(dir)) {
      String exp = store.setExperiment("x").experimentId();
      String runId =
          store.run(
              RunSpec.of(exp, "r1"),
              run -> {
                run.logParam("lr", "0.1");
                for (int i = 0; i < 1000; i++) {
                  run.logMetric("loss", 1.0 / (i + 1), i);
                }
                run.setTag("t", "v");
              });
      Run run = store.getRun(runId);
      assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(run.metric("loss")).isEqualTo(1.0 / 1000);
      assertThat(run.params()).containsEntry("lr", "0.1");
      assertThat(run.tags()).containsEntry("t", "v").containsEntry("mlflow.runName", "r1");
    }
    try (Store store = Store.open(dir)) {
      assertThat(store.experiments()).hasSize(2);
      assertThat(store.runs("1")).hasSize(1);
    }
  }
}
