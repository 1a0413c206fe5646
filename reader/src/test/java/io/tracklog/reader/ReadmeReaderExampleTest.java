package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.Store;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reading example of README.md, kept compiling and true. */
class ReadmeReaderExampleTest {
  @TempDir Path dir;

  @Test
  void readmeReaderExample() {
    Path root = dir.resolve("tracklog");
    String runId;
    try (Store store = Store.open(root)) {
      String experimentId = store.setExperiment("mnist").experimentId();
      runId = store.run(RunSpec.of(experimentId, "baseline"), r -> {
        for (int epoch = 0; epoch < 10; epoch++) {
          r.logMetric("loss", 1.0 / (epoch + 1), epoch);
        }
      });
    }
    try (StoreReader reader = StoreReader.open(root)) {
      Snapshot snapshot = reader.snapshot();
      Run run = snapshot.getRun(runId);
      List<Metric> loss = snapshot.metricHistory(runId, "loss");
      Snapshot again = reader.refresh(snapshot);

      assertThat(run.metric("loss")).isEqualTo(0.1);
      assertThat(loss).extracting(Metric::step).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
      assertThat(again).isSameAs(snapshot);
      assertThat(snapshot.liveRunIds()).isEmpty(); // compacted when the run's writer closed
    }
  }

  @Test
  void readmeRegistrySearchExample() {
    Path root = dir.resolve("tracklog");
    try (Store store = Store.open(root)) {
      store.registry().createRegisteredModel("mnist-classifier");
      for (int i = 0; i < 3; i++) {
        store.registry().createModelVersion("mnist-classifier", "s3://b/" + i, null, java.util.Map.of("validated", i == 1 ? "no" : "yes"), null, null);
      }
    }
    try (StoreReader reader = StoreReader.open(root)) {
      io.tracklog.reader.search.ModelVersionPage page = reader.searchModelVersions(
          "name = 'mnist-classifier' AND tags.validated = 'yes'", 100, List.of("version_number DESC"), null);
      assertThat(page.versions()).extracting(io.tracklog.registry.ModelVersion::version).containsExactly(3, 1);
      assertThat(page.nextPageToken()).isNull();
    }
  }
}
