package io.tracklog.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridSearchTest {
  @TempDir Path dir;

  @Test
  void run_logsOneFinishedRunPerGridPoint() {
    try (Store store = Store.open(dir)) {
      GridSearch.Result result = GridSearch.run(store);

      List<Run> runs = store.runs(result.experimentId());
      assertThat(runs).hasSize(12);
      assertThat(runs).map(Run::runId).containsExactlyElementsOf(result.runIds());
      assertThat(runs).allSatisfy(run -> {
        assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
        assertThat(run.params()).containsOnlyKeys("max_depth", "n_estimators");
        assertThat(run.metrics()).containsOnlyKeys("accuracy", "precision", "recall");
        assertThat(run.metric("accuracy")).isBetween(0.0, 1.0);
      });
      Set<String> grid =
          runs.stream()
              .map(r -> r.params().get("max_depth") + "x" + r.params().get("n_estimators"))
              .collect(Collectors.toSet());
      assertThat(grid).hasSize(12).contains("2x50", "16x200");
    }
  }

  @Test
  void run_reportsTheRunWithTheHighestStoredAccuracy() {
    try (Store store = Store.open(dir)) {
      GridSearch.Result result = GridSearch.run(store);

      Run best =
          store.runs(result.experimentId()).stream()
              .max(Comparator.comparingDouble(r -> r.metric("accuracy")))
              .orElseThrow();
      assertThat(result.bestRunId()).isEqualTo(best.runId());
      assertThat(result.bestAccuracy()).isEqualTo(best.metric("accuracy"));
    }
  }

  @Test
  void run_isDeterministic() {
    try (Store store = Store.open(dir)) {
      GridSearch.Result first = GridSearch.run(store);
      GridSearch.Result second = GridSearch.run(store);

      assertThat(store.runIds(first.experimentId())).hasSize(24);
      assertThat(second.bestAccuracy()).isEqualTo(first.bestAccuracy());
      assertThat(store.getRun(second.bestRunId()).params())
          .isEqualTo(store.getRun(first.bestRunId()).params());
    }
  }
}
