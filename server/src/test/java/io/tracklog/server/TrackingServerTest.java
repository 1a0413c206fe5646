package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.reader.StoreReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackingServerTest {
  @TempDir Path root;
  Store store;
  TrackingServer server;
  Http http;

  @BeforeEach
  void start() {
    store = Store.open(root, StoreOptions.builder().shutdownPolicy(StoreOptions.ShutdownPolicy.OWNER_CLOSES).sourceTags(false).build());
    server = TrackingServer.start(store, ServerOptions.defaults().withPort(0));
    http = new Http(server.uri());
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private String createRun(String experimentId) {
    JsonNode run = http.ok("/api/2.0/mlflow/runs/create",
        "{\"experiment_id\": \"" + experimentId + "\", \"run_name\": \"r\", \"start_time\": \"1700000000000\"}");
    return run.at("/run/info/run_id").asText();
  }

  @Test
  void aRunLoggedOverRestReadsBackThroughTheReader() {
    String exp = http.ok("/api/2.0/mlflow/experiments/create", "{\"name\": \"rest\"}").get("experiment_id").asText();
    JsonNode created = http.ok("/api/2.0/mlflow/runs/create",
        "{\"experiment_id\": \"" + exp + "\", \"run_name\": \"first\", \"start_time\": 1700000000000,"
            + " \"tags\": [{\"key\": \"team\", \"value\": \"ml\"}]}");
    String runId = created.at("/run/info/run_id").asText();
    assertThat(created.at("/run/info/status").asText()).isEqualTo("RUNNING");
    assertThat(created.at("/run/info/artifact_uri").asText())
        .isEqualTo("mlflow-artifacts:/" + exp + "/" + runId + "/artifacts");

    http.ok("/api/2.0/mlflow/runs/log-metric",
        "{\"run_id\": \"" + runId + "\", \"key\": \"loss\", \"value\": 0.5, \"timestamp\": \"1700000000001\", \"step\": \"1\"}");
    http.ok("/ajax-api/2.0/mlflow/runs/log-metric",
        "{\"run_uuid\": \"" + runId + "\", \"key\": \"loss\", \"value\": \"NaN\", \"timestamp\": 1700000000002, \"step\": 2}");
    http.ok("/api/2.0/mlflow/runs/log-parameter", "{\"run_id\": \"" + runId + "\", \"key\": \"lr\", \"value\": \"0.01\"}");
    http.ok("/api/2.0/mlflow/runs/set-tag", "{\"run_id\": \"" + runId + "\", \"key\": \"stage\", \"value\": \"dev\"}");
    http.ok("/api/2.0/mlflow/runs/log-batch",
        "{\"run_id\": \"" + runId + "\", \"metrics\": [{\"key\": \"acc\", \"value\": 0.9, \"timestamp\": 1700000000003, \"step\": 0}],"
            + " \"params\": [{\"key\": \"depth\", \"value\": \"3\"}], \"tags\": []}");

    JsonNode history = http.okGet("/api/2.0/mlflow/metrics/get-history?run_id=" + runId + "&metric_key=loss");
    assertThat(history.get("metrics")).hasSize(2);
    assertThat(history.at("/metrics/1/value").asText()).isEqualTo("NaN");

    JsonNode info = http.ok("/api/2.0/mlflow/runs/update",
        "{\"run_id\": \"" + runId + "\", \"status\": \"FINISHED\", \"end_time\": 1700000000100}").get("run_info");
    assertThat(info.get("status").asText()).isEqualTo("FINISHED");
    assertThat(info.get("end_time").asLong()).isEqualTo(1700000000100L);
    assertThat(server.openWriters()).as("a terminal status closes the run's writer").isZero();

    try (StoreReader reader = StoreReader.of(store)) {
      Run run = reader.snapshot().getRun(runId);
      assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
      assertThat(run.params()).containsEntry("lr", "0.01").containsEntry("depth", "3");
      assertThat(run.tags()).containsEntry("stage", "dev").containsEntry("team", "ml");
      assertThat(reader.snapshot().metricHistory(runId, "loss")).extracting(Metric::step).containsExactly(1L, 2L);
      // the server's runs/get is the reader's run, in MLflow's JSON
      assertThat(http.get("/api/2.0/mlflow/runs/get?run_id=" + runId).body())
          .isEqualTo(MlflowJson.dumps(MlflowJson.single("run", MlflowJson.run(run))));
    }
  }

  @Test
  void loggingToAFinishedRunKeepsItFinished() {
    String runId = createRun("0");
    http.ok("/api/2.0/mlflow/runs/update", "{\"run_id\": \"" + runId + "\", \"status\": \"FINISHED\"}");
    http.ok("/api/2.0/mlflow/runs/log-metric",
        "{\"run_id\": \"" + runId + "\", \"key\": \"late\", \"value\": 1, \"timestamp\": 5}");
    JsonNode run = http.okGet("/api/2.0/mlflow/runs/get?run_id=" + runId).get("run");
    assertThat(run.at("/info/status").asText()).isEqualTo("FINISHED");
    assertThat(run.at("/data/metrics/0/key").asText()).isEqualTo("late");
  }

  @Test
  void searchAnswersAsMlflowsServerForUnknownAndNoExperiments() {
    createRun("0");
    assertThat(http.ok("/api/2.0/mlflow/runs/search", "{\"experiment_ids\": [\"0\"]}").get("runs")).hasSize(1);
    assertThat(http.ok("/api/2.0/mlflow/runs/search", "{\"experiment_ids\": [\"424242\"]}").toString()).isEqualTo("{}");
    assertThat(http.ok("/api/2.0/mlflow/runs/search", "{\"experiment_ids\": []}").toString()).isEqualTo("{}");
    assertThat(http.ok("/api/2.0/mlflow/runs/search", "{}").toString()).isEqualTo("{}");
  }

  @Test
  void badRequestsGetMlflowsErrorsAndWriteNothing() {
    String runId = createRun("0");
    long before = store.catalogPosition();
    record Case(String path, String body, int status, String code, String messagePart) {}
    List<Case> cases = List.of(
        new Case("/api/2.0/mlflow/runs/log-metric", "{\"run_id\": \"" + runId + "\", \"key\": \"k\", \"value\": 1", 400,
            "INVALID_PARAMETER_VALUE", "Malformed JSON"),
        new Case("/api/2.0/mlflow/runs/log-metric", "[1, 2]", 400, "INVALID_PARAMETER_VALUE", "JSON object"),
        new Case("/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\": \"" + runId + "\", \"key\": \"k\", \"value\": 1, \"timestamp\": 1, \"bogus\": 1}", 400,
            "INVALID_PARAMETER_VALUE", "no field named \"bogus\""),
        new Case("/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\": \"" + runId + "\", \"key\": \"k\", \"value\": \"high\", \"timestamp\": 1}", 400,
            "INVALID_PARAMETER_VALUE", "'value'"),
        new Case("/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\": \"" + runId + "\", \"key\": 7, \"value\": 1, \"timestamp\": 1}", 400,
            "INVALID_PARAMETER_VALUE", "'key'"),
        new Case("/api/2.0/mlflow/runs/log-metric", "{\"run_id\": \"" + runId + "\", \"key\": \"k\", \"value\": 1}", 400,
            "INVALID_PARAMETER_VALUE", "'timestamp'"),
        new Case("/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\": \"" + runId + "\", \"key\": \"bad key!\", \"value\": 1, \"timestamp\": 1}", 400,
            "INVALID_PARAMETER_VALUE", "bad key!"),
        new Case("/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\": \"feedfeedfeedfeedfeedfeedfeedfeed\", \"key\": \"k\", \"value\": 1, \"timestamp\": 1}", 404,
            "RESOURCE_DOES_NOT_EXIST", "feedfeedfeedfeedfeedfeedfeedfeed"),
        new Case("/api/2.0/mlflow/runs/search", "{\"experiment_ids\": [\"0\"], \"filter\": \"metrics.acc >\"}", 400,
            "INVALID_PARAMETER_VALUE", ""),
        new Case("/api/2.0/mlflow/runs/search", "{\"experiment_ids\": [\"0\"], \"max_results\": 50001}", 400,
            "INVALID_PARAMETER_VALUE", "max_results"),
        new Case("/api/2.0/mlflow/runs/update", "{\"run_id\": \"" + runId + "\", \"status\": \"DONE\"}", 400,
            "INVALID_PARAMETER_VALUE", "RUNNING, SCHEDULED, FINISHED, FAILED, KILLED"),
        new Case("/api/2.0/mlflow/no/such/thing", "{}", 404, "ENDPOINT_NOT_FOUND", "/mlflow/no/such/thing"),
        new Case("/api/2.0/mlflow/experiments/create", "{\"name\": \"\"}", 400, "INVALID_PARAMETER_VALUE", "'name'"));
    for (Case c : cases) {
      Http.Reply r = http.post(c.path(), c.body());
      assertThat(r.status()).as(c.body()).isEqualTo(c.status());
      assertThat(r.errorCode()).as(c.body()).isEqualTo(c.code());
      assertThat(r.json().get("message").asText()).as(c.body()).contains(c.messagePart());
      assertThat(r.body()).as("no stack trace").doesNotContain("\tat ", "Exception:");
    }
    // a batch over MLflow's limits is refused whole
    StringBuilder metrics = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      metrics.append(i == 0 ? "" : ",").append("{\"key\": \"m\", \"value\": 1, \"timestamp\": 1, \"step\": ").append(i).append('}');
    }
    Http.Reply batch = http.post("/api/2.0/mlflow/runs/log-batch", "{\"run_id\": \"" + runId + "\", \"metrics\": [" + metrics + "]}");
    assertThat(batch.status()).isEqualTo(400);
    assertThat(batch.json().get("message").asText()).contains("at most 1000 metrics");
    // wrong content type and wrong method
    Http.Reply text = http.send(java.net.http.HttpRequest.newBuilder(server.uri().resolve("/api/2.0/mlflow/runs/search"))
        .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(text.status()).isEqualTo(400);
    assertThat(http.get("/api/2.0/mlflow/runs/log-metric").status()).isEqualTo(405);

    JsonNode run = http.okGet("/api/2.0/mlflow/runs/get?run_id=" + runId).get("run");
    assertThat(run.get("data").has("metrics")).as("nothing of a rejected request was written").isFalse();
    assertThat(store.catalogPosition()).isEqualTo(before);
  }

  @Test
  void artifactsGoThroughTheServerAndCannotEscapeTheRun() {
    String runId = createRun("0");
    String base = "/api/2.0/mlflow-artifacts/artifacts/0/" + runId + "/artifacts/";
    byte[] content = "hello, artifacts".getBytes(StandardCharsets.UTF_8);
    assertThat(http.put(base + "dir/hello.txt", content).status()).isEqualTo(200);
    assertThat(http.bytes(base + "dir/hello.txt")).isEqualTo(content);
    JsonNode listing = http.okGet("/api/2.0/mlflow-artifacts/artifacts?path=0/" + runId + "/artifacts/dir");
    assertThat(listing.at("/files/0/path").asText()).isEqualTo("hello.txt");
    assertThat(listing.at("/files/0/file_size").asLong()).isEqualTo(content.length);
    JsonNode list = http.okGet("/api/2.0/mlflow/artifacts/list?run_id=" + runId);
    assertThat(list.get("root_uri").asText()).isEqualTo("mlflow-artifacts:/0/" + runId + "/artifacts");
    assertThat(list.at("/files/0/path").asText()).isEqualTo("dir");
    assertThat(list.at("/files/0/is_dir").asBoolean()).isTrue();

    for (String escape : List.of("..%2F..%2Fescape.txt", "../../escape.txt", "dir/../../x.txt", "%2Fetc%2Fpasswd")) {
      Http.Reply r = http.put(base + escape, content);
      assertThat(r.status()).as(escape).isIn(400, 404);
    }
    assertThat(root.getParent().resolve("escape.txt")).doesNotExist();
    assertThat(http.put("/api/2.0/mlflow-artifacts/artifacts/1/" + runId + "/artifacts/x.txt", content).status())
        .as("a run of another experiment").isEqualTo(404);
  }

  @Test
  void bulkIntervalSamplesStepsAsMlflowDoes() {
    String a = createRun("0");
    String b = createRun("0");
    StringBuilder batch = new StringBuilder();
    for (int step = 0; step < 10; step++) {
      batch.append(step == 0 ? "" : ",").append("{\"key\": \"loss\", \"value\": ").append(step)
          .append(", \"timestamp\": 1, \"step\": ").append(step).append('}');
    }
    http.ok("/api/2.0/mlflow/runs/log-batch", "{\"run_id\": \"" + a + "\", \"metrics\": [" + batch + "]}");
    http.ok("/api/2.0/mlflow/runs/log-metric", "{\"run_id\": \"" + b + "\", \"key\": \"loss\", \"value\": 7, \"timestamp\": 1, \"step\": 3}");
    JsonNode all = http.okGet("/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=" + a + "&run_ids=" + b + "&metric_key=loss");
    assertThat(all.get("metrics")).hasSize(11);
    assertThat(all.at("/metrics/10/run_id").asText()).isEqualTo(b);
    // 10 steps sampled to 3: indexes 0, 3, 6 (interval 10/3) and the last, 9; plus each run's min and max
    JsonNode sampled = http.okGet("/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=" + a + "&metric_key=loss&max_results=3");
    List<Long> steps = new java.util.ArrayList<>();
    sampled.get("metrics").forEach(m -> steps.add(m.get("step").asLong()));
    assertThat(steps).containsExactly(0L, 3L, 6L, 9L);
    assertThat(MetricEndpoints.sampledSteps(2, 8, 3, List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L)))
        .as("MLflow compares the absolute index with the number of steps in range").containsExactly(2L, 4L, 6L, 8L);
    assertThat(http.get("/api/2.0/mlflow/metrics/get-history-bulk-interval?metric_key=loss").json().get("message").asText())
        .contains("at least one run_id");
    assertThat(http.get("/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=" + a + "&metric_key=loss&start_step=3")
        .status()).isEqualTo(400);
    assertThat(http.get("/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=" + a + "&metric_key=loss&max_results=2501")
        .json().get("message").asText()).isEqualTo("max_results must be between 1 and 2500.");
  }

  @Test
  void aTwoXClientsLogModelCallRecordsTheModelInTheRunsHistory() {
    String runId = createRun("0");
    String model = "{\"artifact_path\": \"model\", \"run_id\": \"" + runId + "\", \"utc_time_created\": \"2026-12-03 17:00:00.000000\","
        + " \"model_uuid\": \"abc\", \"flavors\": {\"python_function\": {\"loader_module\": \"mlflow.sklearn\", \"config\": {\"x\": 1}}}}";
    http.ok("/api/2.0/mlflow/runs/log-model",
        "{\"run_id\": \"" + runId + "\", \"model_json\": " + Http.JSON.valueToTree(model) + "}");
    try (StoreReader reader = StoreReader.of(store)) {
      String tag = reader.snapshot().getRun(runId).tags().get("mlflow.log-model.history");
      assertThat(tag).contains("\"artifact_path\": \"model\"").contains("mlflow.sklearn").doesNotContain("config");
    }
    Http.Reply missing = http.post("/api/2.0/mlflow/runs/log-model",
        "{\"run_id\": \"" + runId + "\", \"model_json\": \"{\\\"flavors\\\": {}}\"}");
    assertThat(missing.json().get("message").asText())
        .isEqualTo("Model json is missing mandatory fields: {'artifact_path', 'run_id', 'utc_time_created'}");
    assertThat(http.post("/api/2.0/mlflow/runs/log-model", "{\"run_id\": \"" + runId + "\", \"model_json\": \"{nope\"}")
        .json().get("message").asText()).startsWith("Malformed model info.");
  }
}
