package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreReaderTest {
  @TempDir Path dir;

  @Test
  void bestRun_picksHighestLatestValue_ignoringNaNDeletedAndMissing() {
    String best;
    try (Store store = Store.open(dir)) {
      String exp = store.createExperiment("e");
      store.run(RunSpec.of(exp, "low"), r -> r.logMetric("acc", 0.5));
      best = store.run(RunSpec.of(exp, "high"), r -> r.logMetric("acc", 0.9));
      store.run(RunSpec.of(exp, "nan"), r -> r.logMetric("acc", Double.NaN));
      store.run(RunSpec.of(exp, "none"), r -> r.logMetric("loss", 1.0));
      String deleted = store.run(RunSpec.of(exp, "deleted"), r -> r.logMetric("acc", 0.99));
      store.deleteRun(deleted);
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      String exp = reader.experiments().get(1).experimentId();
      assertThat(reader.activeRuns(exp)).hasSize(4);
      assertThat(reader.bestRun(exp, "acc")).hasValueSatisfying(r -> assertThat(r.runId()).isEqualTo(best));
      assertThat(reader.bestRun(exp, "missing")).isEmpty();
    }
  }

  @Test
  void open_withoutStore_throws() {
    assertThatThrownBy(() -> StoreReader.open(dir.resolve("nothing")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no Tracklog store");
  }
}
