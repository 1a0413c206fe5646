package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportJsonCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static CliRun execute(String... args) {
    return CliRun.execute(args);
  }

  private JsonNode export(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("export-json", "--root", dir.toString()));
    args.addAll(List.of(extra));
    CliRun r = execute(args.toArray(String[]::new));
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void demoStore_exportMatchesTheStore() throws Exception {
    assertThat(execute("demo", "--root", dir.toString()).exitCode()).isZero();

    JsonNode doc = export();

    assertThat(doc.get("format").asText()).isEqualTo("tracklog-export");
    assertThat(doc.get("format_version").asInt()).isEqualTo(1);
    assertThat(doc.get("generation").asLong()).isPositive();
    assertThat(doc.get("experiments")).hasSize(6); // Default plus the five samples
    JsonNode runs = doc.get("runs");
    try (Store store = Store.open(dir);
        StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      int expectedRuns = 0;
      for (var e : store.experiments()) {
        expectedRuns += store.runs(e.experimentId()).size();
      }
      assertThat(runs).hasSize(expectedRuns);
      // grid-search: 12 runs, as the demo summary says
      assertThat(countRuns(runs, "2")).isEqualTo(12);
      assertThat(countRuns(runs, "4")).isEqualTo(13);

      long points = 0;
      Set<String> ids = new HashSet<>();
      for (JsonNode r : runs) {
        String runId = r.get("run_id").asText();
        assertThat(ids.add(runId)).isTrue();
        Run run = store.getRun(runId);
        assertThat(r.get("experiment_id").asText()).isEqualTo(run.info().experimentId());
        assertThat(r.get("run_name").asText()).isEqualTo(run.info().runName());
        assertThat(r.get("status").asText()).isEqualTo(run.info().status().name());
        assertThat(r.get("start_time").asLong()).isEqualTo(run.info().startTime());
        assertThat(r.get("end_time").asLong()).isEqualTo(run.info().endTime());
        assertThat(r.get("lifecycle_stage").asText()).isEqualTo(run.info().lifecycleStage().mlflowName());
        assertThat(r.get("params")).hasSize(run.params().size());
        run.params().forEach((k, v) -> assertThat(r.get("params").get(k).asText()).isEqualTo(v));
        assertThat(r.get("tags")).hasSize(run.tags().size());
        run.tags().forEach((k, v) -> assertThat(r.get("tags").get(k).asText()).isEqualTo(v));
        assertThat(r.get("metrics")).hasSize(run.metrics().size());
        assertThat(r.get("history")).hasSize(run.metrics().size());
        for (Metric m : run.metrics().values()) {
          JsonNode latest = r.get("metrics").get(m.key());
          assertThat(parseDouble(latest.get("value"))).isEqualTo(m.value());
          assertThat(latest.get("step").asLong()).isEqualTo(m.step());
          assertThat(latest.get("timestamp").asLong()).isEqualTo(m.timestampMs());
          JsonNode history = r.get("history").get(m.key());
          List<Metric> expected = snap.metricHistory(runId, m.key());
          assertThat(expected).contains(m);
          assertThat(history).hasSize(expected.size());
          for (int i = 0; i < expected.size(); i++) {
            JsonNode p = history.get(i);
            assertThat(p.get("step").asLong()).isEqualTo(expected.get(i).step());
            assertThat(p.get("timestamp").asLong()).isEqualTo(expected.get(i).timestampMs());
            assertThat(Double.doubleToRawLongBits(parseDouble(p.get("value"))))
                .isEqualTo(Double.doubleToRawLongBits(expected.get(i).value()));
          }
          points += expected.size();
        }
      }
      assertThat(points).isPositive();
    }
  }

  @Test
  void nonFiniteValues_areStrings_andOneExperimentCanBeSelected() throws Exception {
    String runId;
    try (Store store = Store.open(dir)) {
      String exp = store.createExperiment("odd");
      runId =
          store.run(
              RunSpec.of(exp, "nan"),
              w -> {
                w.logMetric("x", Double.NaN, 1000L, 0);
                w.logMetric("x", Double.POSITIVE_INFINITY, 1001L, 1);
                w.logMetric("x", Double.NEGATIVE_INFINITY, 1002L, 2);
                w.logMetric("x", -0.0, 1003L, 3);
                w.logMetric("x", 0.1 + 0.2, 1004L, 4);
              });
      JsonNode doc = export("--experiment", exp);
      assertThat(doc.get("experiments")).hasSize(1);
      assertThat(doc.get("runs")).hasSize(1);
      JsonNode history = doc.get("runs").get(0).get("history").get("x");
      assertThat(history).hasSize(5);
      assertThat(history.get(0).get("value").asText()).isEqualTo("NaN");
      assertThat(history.get(1).get("value").asText()).isEqualTo("Infinity");
      assertThat(history.get(2).get("value").asText()).isEqualTo("-Infinity");
      assertThat(Double.doubleToRawLongBits(history.get(3).get("value").doubleValue()))
          .isEqualTo(Double.doubleToRawLongBits(-0.0));
      assertThat(history.get(4).get("value").doubleValue()).isEqualTo(0.1 + 0.2);
      assertThat(doc.get("runs").get(0).get("run_id").asText()).isEqualTo(runId);
    }
  }

  @Test
  void missingStoreOrExperiment_isAnError() {
    CliRun none = execute("export-json", "--root", dir.resolve("nothing").toString());
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("No Tracklog store");

    assertThat(execute("demo", "--root", dir.toString()).exitCode()).isZero();
    CliRun missing = execute("export-json", "--root", dir.toString(), "--experiment", "999");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err()).startsWith("error: ");
  }

  private static int countRuns(JsonNode runs, String experimentId) {
    int n = 0;
    for (JsonNode r : runs) {
      if (r.get("experiment_id").asText().equals(experimentId)) {
        n++;
      }
    }
    return n;
  }

  private static double parseDouble(JsonNode v) {
    return v.isTextual() ? Double.parseDouble(v.asText()) : v.doubleValue();
  }
}
