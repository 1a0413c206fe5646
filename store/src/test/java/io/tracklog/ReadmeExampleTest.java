package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example of README.md, kept compiling and true. */
class ReadmeExampleTest {
  @TempDir Path dir;

  @Test
  void readmeExample() {
    Run run;
    try (Store store = Store.open(dir.resolve("tracklog"))) {
      String experimentId = store.setExperiment("mnist").experimentId();

      String runId =
          store.run(
              RunSpec.of(experimentId, "baseline"),
              r -> {
                r.logParam("learning_rate", "0.01");
                for (int epoch = 0; epoch < 10; epoch++) {
                  r.logMetric("loss", 1.0 / (epoch + 1), epoch);
                }
                r.setTag("team", "vision");
              });

      run = store.getRun(runId);
    }
    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.info().runName()).isEqualTo("baseline");
    assertThat(run.metrics().get("loss").step()).isEqualTo(9);
    assertThat(run.metric("loss")).isEqualTo(0.1);
    assertThat(run.params()).containsEntry("learning_rate", "0.01");
    assertThat(run.tags()).containsEntry("team", "vision");
  }
}
