package io.tracklog.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke tests: every sample's {@code main} runs against a store path given as its argument. */
class SampleMainTest {
  @TempDir Path dir;

  @Test
  void quickStart_main() {
    QuickStart.main(new String[] {dir.toString()});
    assertThat(runCount(QuickStart.EXPERIMENT)).isEqualTo(1);
  }

  @Test
  void gridSearch_main() {
    GridSearch.main(new String[] {dir.toString()});
    assertThat(runCount(GridSearch.EXPERIMENT)).isEqualTo(12);
  }

  @Test
  void trainingCurves_main() {
    TrainingCurves.main(new String[] {dir.toString()});
    assertThat(runCount(TrainingCurves.EXPERIMENT)).isEqualTo(3);
  }

  @Test
  void nestedRuns_main() {
    NestedRuns.main(new String[] {dir.toString()});
    assertThat(runCount(NestedRuns.EXPERIMENT)).isEqualTo(13);
  }

  private int runCount(String experiment) {
    assertThat(Store.exists(dir)).isTrue();
    try (Store store = Store.open(dir)) {
      return store.runIds(store.findExperimentByName(experiment).orElseThrow().experimentId()).size();
    }
  }
}
