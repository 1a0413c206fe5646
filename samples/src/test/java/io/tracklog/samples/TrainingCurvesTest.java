package io.tracklog.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCurvesTest {
  @TempDir Path dir;

  @Test
  void run_logsOneRunPerLearningRateWithPerEpochCurves() {
    try (Store store = Store.open(dir)) {
      TrainingCurves.Result result = TrainingCurves.run(store);

      List<Run> runs = store.runs(result.experimentId());
      assertThat(runs).hasSize(TrainingCurves.LEARNING_RATES.length);
      assertThat(runs).map(r -> r.params().get("learning_rate")).containsExactly("0.001", "0.01", "0.1");
      assertThat(runs).allSatisfy(run -> {
        assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.metrics())
            .containsOnlyKeys("train_loss", "val_loss", "train_accuracy", "val_accuracy");
        // The latest value of each curve is the last epoch's.
        assertThat(run.metrics().values()).allSatisfy(m -> assertThat(m.step()).isEqualTo(TrainingCurves.EPOCHS - 1));
        assertThat(run.metric("val_loss")).isGreaterThan(run.metric("train_loss"));
      });
    }
  }

  @Test
  void run_reportsTheRunWithTheHighestFinalValAccuracy() {
    try (Store store = Store.open(dir)) {
      TrainingCurves.Result result = TrainingCurves.run(store);

      Run best =
          store.runs(result.experimentId()).stream()
              .max(Comparator.comparingDouble(r -> r.metric("val_accuracy")))
              .orElseThrow();
      assertThat(result.bestRunId()).isEqualTo(best.runId());
      assertThat(result.bestValAccuracy()).isEqualTo(best.metric("val_accuracy"));
    }
  }
}
