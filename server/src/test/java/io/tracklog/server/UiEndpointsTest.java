package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI's endpoints and files, on a read-only server, checked against the store's own reader.
 * One store for the class: a read-only server cannot change it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiEndpointsTest {
  TestServer server;
  Http http;
  String experimentId;
  String parentId;
  final List<String> childIds = new ArrayList<>();

  @BeforeAll
  void start(@TempDir Path root) {
    server = new TestServer(root, ServerOptions.defaults().withUi(true).withReadOnly(true));
    http = server.http;
    experimentId = server.store.createExperiment("sweep");
    server.store.createExperiment("empty");
    SplittableRandom random = new SplittableRandom(7);
    try (RunWriter parent = server.store.startRun(RunSpec.of(experimentId, "search"))) {
      parentId = parent.runId();
      parent.logParam("model", "cnn");
      parent.logText("hello", "notes/readme.txt");
      parent.logText("<script>alert(1)</script>", "page.html");
      for (int i = 0; i < 30; i++) {
        try (RunWriter child = server.store.startRun(RunSpec.builder(experimentId).runName("child-" + i).parentRunId(parentId).build())) {
          childIds.add(child.runId());
          child.logParam("lr", Double.toString(0.001 * (i + 1)));
          child.logParam("layers", Integer.toString(i % 3));
          for (int step = 0; step < 50; step++) {
            child.logMetric("loss", random.nextDouble() + 1.0 / (step + 1), 1_700_000_000_000L + step, step);
          }
          child.logMetric("acc", i == 5 ? Double.NaN : random.nextDouble(), 1_700_000_000_000L, 0);
          child.end(RunStatus.FINISHED);
        }
      }
      parent.end(RunStatus.FINISHED);
    }
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void servesThePageItsFilesAndEChartsFromTheJar() throws Exception {
    HttpResponse<String> page = http.client().send(HttpRequest.newBuilder(server.server.uri().resolve("/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<html");
    HttpResponse<String> echarts = http.client().send(
        HttpRequest.newBuilder(server.server.uri().resolve("/static/vendor/echarts.min.js")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(echarts.statusCode()).isEqualTo(200);
    assertThat(echarts.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
    assertThat(echarts.body()).contains("echarts").hasSizeGreaterThan(500_000);
    String etag = echarts.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = http.client().send(HttpRequest.newBuilder(server.server.uri().resolve("/static/vendor/echarts.min.js"))
        .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    HttpResponse<String> other = http.client().send(HttpRequest.newBuilder(server.server.uri().resolve("/static/vendor/echarts.min.js"))
        .header("If-None-Match", "\"stale\"").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(http.get("/static/missing.js").status()).isEqualTo(404);
    assertThat(http.get("/static/%2e%2e/UiAssets.class").status()).isIn(400, 404); // Jetty refuses it first
    assertThat(http.get("/static/..%2fUiAssets.class").status()).isIn(400, 404);
    assertThat(http.okGet("/api/2.0/tracklog/ui/config").get("editable").asBoolean()).isFalse();
  }

  @Test
  void withoutTheUiThereIsNoPage(@TempDir Path other) {
    try (TestServer plain = new TestServer(other, ServerOptions.defaults())) {
      assertThat(plain.http.get("/").errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
      assertThat(plain.http.get("/api/2.0/tracklog/ui/config").errorCode()).isEqualTo("ENDPOINT_NOT_FOUND");
    }
  }

  @Test
  void experimentsCarryTheirRunCountsAndLastActivity() {
    JsonNode list = http.okGet("/api/2.0/tracklog/ui/experiments").get("experiments");
    try (StoreReader reader = StoreReader.of(server.store)) {
      var snapshot = reader.snapshot();
      for (JsonNode e : list) {
        List<Run> runs = snapshot.runs(e.get("experiment_id").asText(), ViewType.ACTIVE_ONLY);
        assertThat(e.get("run_count").asLong()).as(e.get("name").asText()).isEqualTo(runs.size());
        long last = runs.stream().mapToLong(r -> Math.max(r.info().startTime(), r.info().endTime() == null ? 0 : r.info().endTime()))
            .max().orElse(0);
        assertThat(e.get("last_activity").asLong()).isEqualTo(Math.max(last, e.get("last_update_time").asLong()));
      }
    }
    assertThat(list).extracting(e -> e.get("name").asText()).contains("sweep", "empty");
    JsonNode filtered = http.okGet("/api/2.0/tracklog/ui/experiments?filter=" + q("name LIKE 'sw%'")).get("experiments");
    assertThat(filtered).extracting(e -> e.get("name").asText()).containsExactly("sweep");
  }

  @Test
  void runsPagesAtAnyOffsetWithTheTotalAndTheAskedColumns() {
    String filter = "params.layers != '1'";
    String order = "metrics.loss DESC";
    List<String> expected;
    try (StoreReader reader = StoreReader.of(server.store)) {
      expected = RunSearch.search(reader.snapshot(),
          SearchRequest.builder(experimentId).filter(filter).orderBy(order).maxResults(1000).build())
          .runs().stream().map(Run::runId).toList();
    }
    List<String> seen = new ArrayList<>();
    for (int offset = 0; offset < expected.size(); offset += 7) {
      JsonNode page = http.okGet("/api/2.0/tracklog/ui/runs?experiment_ids=" + experimentId + "&filter=" + q(filter)
          + "&order_by=" + q(order) + "&offset=" + offset + "&max_results=7&columns=metrics.loss&columns=params.lr");
      assertThat(page.get("total").asLong()).isEqualTo(expected.size());
      for (JsonNode row : page.get("runs")) {
        seen.add(row.get("run_id").asText());
        assertThat(row.get("parent_run_id").asText()).isEqualTo(parentId);
        assertThat(row.get("values").has("metrics.loss")).isTrue();
        assertThat(row.get("values").has("params.layers")).isFalse();
      }
    }
    assertThat(seen).isEqualTo(expected);
    JsonNode all = http.okGet("/api/2.0/tracklog/ui/runs?experiment_ids=" + experimentId
        + "&filter=" + q("attributes.run_id = '" + childIds.get(5) + "'") + "&columns=metrics.*&columns=params.*");
    JsonNode values = all.at("/runs/0/values");
    assertThat(values.get("metrics.acc").asText()).isEqualTo("NaN"); // strict JSON: the browser parses it
    assertThat(values.get("params.lr").asText()).isEqualTo("0.006");
    assertThat(values.has("params.layers")).isTrue();
  }

  @Test
  void aBadFilterSaysWhereItIs() {
    String filter = "params.lr = '0.001' and metrics.loss >> 1";
    Http.Reply r = http.get("/api/2.0/tracklog/ui/runs?experiment_ids=" + experimentId + "&filter=" + q(filter));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    int position = r.json().get("position").asInt();
    assertThat(filter.substring(position)).startsWith(r.json().get("clause").asText());
    assertThat(r.json().get("clause").asText()).contains("metrics.loss");
    assertThat(http.get("/api/2.0/tracklog/ui/runs?experiment_ids=424242").errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(http.get("/api/2.0/tracklog/ui/runs?experiment_ids=" + experimentId + "&columns=bogus").status()).isEqualTo(400);
    assertThat(http.get("/api/2.0/tracklog/ui/runs?experiment_ids=" + experimentId + "&max_results=1001").status()).isEqualTo(400);
  }

  @Test
  void aRunComesWithItsChildrenParentAndMetricSummaries() {
    JsonNode parent = http.okGet("/api/2.0/tracklog/ui/run?run_id=" + parentId).get("run");
    assertThat(parent.get("experiment_name").asText()).isEqualTo("sweep");
    assertThat(parent.get("children")).extracting(c -> c.get("run_id").asText()).containsExactlyInAnyOrderElementsOf(childIds);
    JsonNode child = http.okGet("/api/2.0/tracklog/ui/run?run_id=" + childIds.get(3)).get("run");
    assertThat(child.at("/parent/run_name").asText()).isEqualTo("search");
    JsonNode loss = null;
    for (JsonNode m : child.get("metrics")) {
      if (m.get("key").asText().equals("loss")) {
        loss = m;
      }
    }
    assertThat(loss).isNotNull();
    try (StoreReader reader = StoreReader.of(server.store)) {
      List<Metric> history = reader.snapshot().metricHistory(childIds.get(3), "loss");
      assertThat(loss.get("count").asLong()).isEqualTo(history.size());
      assertThat(loss.get("min").asDouble()).isEqualTo(history.stream().mapToDouble(Metric::value).min().orElseThrow());
      assertThat(loss.get("max").asDouble()).isEqualTo(history.stream().mapToDouble(Metric::value).max().orElseThrow());
      assertThat(loss.get("step").asLong()).isEqualTo(49);
    }
    assertThat(loss.get("spark").size()).isBetween(2, 4 * UiEndpoints.SPARK_BUCKETS);
    JsonNode light = http.okGet("/api/2.0/tracklog/ui/run?run_id=" + childIds.get(3) + "&summaries=false").get("run");
    assertThat(light.get("metrics")).allSatisfy(m -> assertThat(m.has("spark") || m.has("min")).isFalse());
    assertThat(light.get("metrics")).extracting(m -> m.get("key").asText()).containsExactly("acc", "loss");
    assertThat(light.at("/metrics/1/value").asDouble()).isEqualTo(loss.get("value").asDouble());
    assertThat(http.get("/api/2.0/tracklog/ui/run?run_id=nope").errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }

  @Test
  void seriesAreDownsampledToRealPointsPerPixel() {
    JsonNode s = http.okGet("/api/2.0/tracklog/ui/series?run_ids=" + childIds.get(0) + "&run_ids=" + childIds.get(1)
        + "&key=loss&x=step&width=5").get("series");
    assertThat(s).hasSize(2);
    for (JsonNode series : s) {
      assertThat(series.get("points").asLong()).isEqualTo(50);
      assertThat(series.get("downsampled").asBoolean()).isTrue();
      assertThat(series.get("x").size()).isEqualTo(series.get("y").size()).isLessThanOrEqualTo(20);
    }
    JsonNode all = http.okGet("/api/2.0/tracklog/ui/series?run_ids=" + childIds.get(0) + "&key=loss&x=relative&width=2000").get("series").get(0);
    assertThat(all.get("downsampled").asBoolean()).isFalse();
    assertThat(all.get("x").size()).isEqualTo(50);
    assertThat(http.get("/api/2.0/tracklog/ui/series?run_ids=" + childIds.get(0) + "&key=loss&x=epoch").status()).isEqualTo(400);
    assertThat(http.get("/api/2.0/tracklog/ui/series?run_ids=" + childIds.get(0) + "&key=loss&width=0").status()).isEqualTo(400);
    assertThat(http.get("/api/2.0/tracklog/ui/series?run_ids=" + childIds.get(0) + "&key=loss&x_min=9&x_max=3").status()).isEqualTo(400);
    assertThat(http.get("/api/2.0/tracklog/ui/series?key=loss").status()).isEqualTo(400);
    assertThat(http.get("/api/2.0/tracklog/ui/series?run_ids=nope&key=loss").errorCode()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    JsonNode window = http.okGet("/api/2.0/tracklog/ui/series?run_ids=" + childIds.get(0) + "&key=loss&x_min=10&x_max=19&width=2000")
        .at("/series/0");
    assertThat(window.get("x")).extracting(JsonNode::asLong).containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
    assertThat(window.get("points").asLong()).isEqualTo(50);
  }

  @Test
  void artifactsAreServedForPreviewNeverAsPagesOfTheUi() throws Exception {
    HttpResponse<String> text = http.client().send(HttpRequest.newBuilder(server.server.uri().resolve(
        "/api/2.0/tracklog/ui/artifact?run_id=" + parentId + "&path=notes/readme.txt")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(text.statusCode()).isEqualTo(200);
    assertThat(text.body()).isEqualTo("hello");
    assertThat(text.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(text.headers().firstValue("Content-Security-Policy")).hasValue("sandbox");
    HttpResponse<String> html = http.client().send(HttpRequest.newBuilder(server.server.uri().resolve(
        "/api/2.0/tracklog/ui/artifact?run_id=" + parentId + "&path=page.html&download=1")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(html.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    assertThat(html.headers().firstValue("Content-Disposition")).hasValue("attachment; filename*=UTF-8''page.html");
    Http.Reply escape = http.get("/api/2.0/tracklog/ui/artifact?run_id=" + parentId + "&path=" + q("../../../etc/passwd"));
    assertThat(escape.status()).isEqualTo(400);
    assertThat(escape.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
  }

  @Test
  void aReadOnlyServerWritesNothing() {
    long before = server.store.runIds(experimentId).size();
    Http.Reply create = http.post("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + experimentId + "\"}");
    assertThat(create.status()).isEqualTo(403);
    assertThat(create.errorCode()).isEqualTo("PERMISSION_DENIED");
    assertThat(http.post("/api/2.0/mlflow/runs/set-tag",
        "{\"run_id\": \"" + parentId + "\", \"key\": \"k\", \"value\": \"v\"}").status()).isEqualTo(403);
    assertThat(http.put("/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + parentId + "/artifacts/x.txt",
        "x".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(403);
    // reads that MLflow sends as POST still answer
    assertThat(http.post("/api/2.0/mlflow/runs/search", "{\"experiment_ids\": [\"" + experimentId + "\"]}").status()).isEqualTo(200);
    assertThat(server.store.runIds(experimentId)).hasSize((int) before);
    assertThat(server.store.getRun(parentId).tags()).doesNotContainKey("k");
  }
}
