package io.tracklog.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import io.tracklog.SystemTags;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NestedRunsTest {
  @TempDir Path dir;

  @Test
  void run_nestsConfigRunsUnderTheParentAndFoldRunsUnderEachConfig() {
    try (Store store = Store.open(dir)) {
      NestedRuns.Result result = NestedRuns.run(store);

      Map<String, Run> runs =
          store.runs(result.experimentId()).stream().collect(Collectors.toMap(Run::runId, Function.identity()));
      assertThat(runs).hasSize(1 + 3 + 9);
      assertThat(runs.values()).allSatisfy(r -> assertThat(r.info().status()).isEqualTo(RunStatus.FINISHED));

      Run parent = runs.get(result.parentRunId());
      assertThat(parent.tags()).doesNotContainKey(SystemTags.PARENT_RUN_ID);
      List<Run> children = childrenOf(runs, parent.runId());
      assertThat(children).hasSize(NestedRuns.CONFIGS.length);
      assertThat(children).map(Run::runId)
          .containsExactlyInAnyOrderElementsOf(result.children().stream().map(NestedRuns.Child::runId).toList());
      for (Run child : children) {
        List<Run> folds = childrenOf(runs, child.runId());
        assertThat(folds).hasSize(NestedRuns.FOLDS);
        assertThat(folds).allSatisfy(f -> assertThat(childrenOf(runs, f.runId())).isEmpty());
        // Each config's accuracy is the mean of its folds' as stored.
        double mean = folds.stream().mapToDouble(f -> f.metric("fold_accuracy")).average().orElseThrow();
        assertThat(child.metric("accuracy")).isCloseTo(mean, offset(1e-12));
        assertThat(child.params()).containsKey("C");
      }
    }
  }

  @Test
  void run_parentLogsTheBestConfigByMeanAccuracy() {
    try (Store store = Store.open(dir)) {
      NestedRuns.Result result = NestedRuns.run(store);

      Map<String, Run> runs =
          store.runs(result.experimentId()).stream().collect(Collectors.toMap(Run::runId, Function.identity()));
      Run best =
          childrenOf(runs, result.parentRunId()).stream()
              .max(Comparator.comparingDouble(r -> r.metric("accuracy")))
              .orElseThrow();
      Run parent = runs.get(result.parentRunId());
      assertThat(result.best().runId()).isEqualTo(best.runId());
      assertThat(parent.params()).containsEntry("best_run_id", best.runId());
      assertThat(parent.metric("best_accuracy")).isEqualTo(best.metric("accuracy"));
      assertThat(best.params()).containsEntry("C", "1.0");
    }
  }

  private static List<Run> childrenOf(Map<String, Run> runs, String parentRunId) {
    return runs.values().stream()
        .filter(r -> parentRunId.equals(r.tags().get(SystemTags.PARENT_RUN_ID)))
        .toList();
  }
}
