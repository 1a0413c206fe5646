package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracklog.ArtifactInfo;
import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import io.tracklog.reader.search.RunPage;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.Page;
import org.mlflow_project.google.protobuf.util.JsonFormat;

/**
 * The official Java client, {@code org.mlflow:mlflow-client} 2.17.2 (which sends int64 fields as
 * JSON strings), logging into a server, and everything it wrote read back through Tracklog's own
 * {@link StoreReader}: both must agree.
 *
 * <p>The client's artifact methods ({@code logArtifact}, {@code listArtifacts},
 * {@code downloadArtifacts}) fork Python's {@code mlflow} CLI ({@code CliBasedArtifactRepository}),
 * so they are not used: files are uploaded and downloaded with plain HTTP through the server's
 * mlflow-artifacts proxy, and listed with the client's own HTTP caller ({@code sendGet}).
 */
class MlflowJavaClientTest {
  static final long T0 = 1_700_000_000_000L;

  @TempDir Path root;
  Store store;
  TrackingServer server;
  MlflowClient client;
  Http http;
  StoreReader reader;

  @BeforeEach
  void start() {
    store = Store.open(root, StoreOptions.builder().shutdownPolicy(StoreOptions.ShutdownPolicy.OWNER_CLOSES).sourceTags(false).build());
    server = TrackingServer.start(store, ServerOptions.defaults().withPort(0));
    client = new MlflowClient(server.uri().toString());
    http = new Http(server.uri());
    reader = StoreReader.of(store);
  }

  @AfterEach
  void stop() {
    client.close();
    reader.close();
    server.close();
    store.close();
  }

  private String createRun(String experimentId, String name, long startTime, Map<String, String> tags) {
    Service.CreateRun.Builder request =
        Service.CreateRun.newBuilder().setExperimentId(experimentId).setRunName(name).setStartTime(startTime).setUserId("ada");
    tags.forEach((k, v) -> request.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
    Service.RunInfo info = client.createRun(request.build());
    assertThat(info.getStatus()).isEqualTo(Service.RunStatus.RUNNING);
    assertThat(info.getArtifactUri()).isEqualTo("mlflow-artifacts:/" + experimentId + "/" + info.getRunId() + "/artifacts");
    return info.getRunId();
  }

  private static Service.Metric metric(String key, double value, long timestamp, long step) {
    return Service.Metric.newBuilder().setKey(key).setValue(value).setTimestamp(timestamp).setStep(step).build();
  }

  /** The reader's run, as the client would receive it: MLflow's JSON parsed into the client's proto. */
  private static Service.Run asProto(Run run) throws Exception {
    Service.Run.Builder b = Service.Run.newBuilder();
    JsonFormat.parser().merge(MlflowJson.dumps(MlflowJson.run(run)), b);
    return b.build();
  }

  @Test
  void whatTheJavaClientLogsIsWhatTheReaderReads() throws Exception {
    String exp = client.createExperiment("java-client");
    client.setExperimentTag(exp, "team", "vision");
    assertThat(client.getExperimentByName("java-client")).map(Service.Experiment::getExperimentId).contains(exp);
    assertThat(client.getExperiment(exp).getTagsList()).extracting(Service.ExperimentTag::getValue).containsExactly("vision");
    assertThat(reader.snapshot().getExperiment(exp).tags()).containsEntry("team", "vision");

    String parent = createRun(exp, "sweep", T0, Map.of("kind", "sweep"));
    List<String> children = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String child = createRun(exp, "trial-" + i, T0 + 10 + i, Map.of("mlflow.parentRunId", parent));
      children.add(child);
      client.logParam(child, "lr", String.valueOf(0.1 / (i + 1)));
      client.setTag(child, "trial", String.valueOf(i));
      for (int step = 0; step < 3; step++) {
        client.logMetric(child, "loss", 1.0 / (i + step + 1), T0 + 100 + step, step);
      }
      client.logBatch(
          child,
          List.of(metric("acc", 0.5 + i / 10.0, T0 + 200, 3), metric("acc", 0.4, T0 + 200, 2), metric("big_step", 1, T0 + 1, 1L << 40)),
          List.of(Service.Param.newBuilder().setKey("depth").setValue(String.valueOf(i % 3)).build()),
          List.of(Service.RunTag.newBuilder().setKey("fold").setValue(i % 2 == 0 ? "even" : "odd").build()));
    }
    client.logMetric(parent, "odd", Double.NaN, T0 + 5, 0);
    client.logMetric(parent, "odd", Double.POSITIVE_INFINITY, T0 + 6, 1);
    client.deleteTag(children.get(4), "trial");

    // get-history: what the client gets is the reader's history, in append order
    Snapshot snap = reader.snapshot();
    for (String run : List.of(children.get(0), children.get(3), parent)) {
      for (String key : snap.getRun(run).metrics().keySet()) {
        List<Service.Metric> got = client.getMetricHistory(run, key);
        List<Metric> expected = snap.metricHistory(run, key);
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.size(); i++) {
          assertThat(got.get(i).getTimestamp()).isEqualTo(expected.get(i).timestampMs());
          assertThat(got.get(i).getStep()).isEqualTo(expected.get(i).step());
          assertThat(Double.compare(got.get(i).getValue(), expected.get(i).value())).as(key).isZero();
        }
      }
    }
    assertThat(client.getMetricHistory(children.get(1), "big_step").get(0).getStep()).isEqualTo(1L << 40);

    // search: filter, order_by and pages, the client following page tokens
    String filter = "tags.mlflow.parentRunId = '" + parent + "' and params.depth != '2'";
    List<String> orderBy = List.of("metrics.acc DESC");
    List<String> clientOrder = new ArrayList<>();
    Page<Service.Run> page = client.searchRuns(List.of(exp), filter, Service.ViewType.ACTIVE_ONLY, 2, orderBy, null);
    int pages = 1;
    page.getItems().forEach(r -> clientOrder.add(r.getInfo().getRunId()));
    while (page.hasNextPage()) {
      page = page.getNextPage();
      pages++;
      page.getItems().forEach(r -> clientOrder.add(r.getInfo().getRunId()));
    }
    RunPage all = RunSearch.search(reader.snapshot(), SearchRequest.builder(exp).filter(filter).orderBy(orderBy).build());
    assertThat(clientOrder).isEqualTo(all.runs().stream().map(r -> r.info().runId()).toList());
    assertThat(clientOrder).containsExactly(children.get(4), children.get(3), children.get(1), children.get(0));
    assertThat(pages).isEqualTo(2);
    // the IN list as MLflow's parser takes it: lowercase, double quotes
    List<Service.RunInfo> in =
        client.searchRuns(List.of(exp), "attributes.run_id in (\"" + children.get(0) + "\", \"" + parent + "\")");
    assertThat(in).extracting(Service.RunInfo::getRunId).containsExactlyInAnyOrder(children.get(0), parent);
    // a filter error is MLflow's 400, not a crash
    assertThatThrownBy(() -> client.searchRuns(List.of(exp), "metrics.acc >"))
        .isInstanceOfSatisfying(MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(400));

    // set terminated: the run ends, with the given end time, and its writer closes
    client.setTerminated(children.get(0), Service.RunStatus.FINISHED, T0 + 1000);
    client.setTerminated(children.get(1), Service.RunStatus.FAILED, T0 + 1001);
    client.setTerminated(children.get(2));
    Run ended = reader.snapshot().getRun(children.get(0));
    assertThat(ended.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(ended.info().endTime()).isEqualTo(T0 + 1000);
    assertThat(reader.snapshot().getRun(children.get(2)).info().status()).isEqualTo(RunStatus.FINISHED);

    // artifacts: uploaded and downloaded through the proxy, listed through the client's HTTP caller
    String base = "/api/2.0/mlflow-artifacts/artifacts/" + exp + "/" + parent + "/artifacts/";
    byte[] model = "weights".getBytes(StandardCharsets.UTF_8);
    byte[] notes = "all good\n".getBytes(StandardCharsets.UTF_8);
    assertThat(http.put(base + "model/weights.bin", model).status()).isEqualTo(200);
    assertThat(http.put(base + "notes.txt", notes).status()).isEqualTo(200);
    JsonNode top = Http.JSON.readTree(client.sendGet("artifacts/list?run_id=" + parent));
    assertThat(top.get("root_uri").asText()).isEqualTo("mlflow-artifacts:/" + exp + "/" + parent + "/artifacts");
    assertThat(listed(top)).isEqualTo(listed(store.listArtifacts(parent, null)));
    JsonNode dir = Http.JSON.readTree(client.sendGet("artifacts/list?run_id=" + parent + "&path=" + enc("model")));
    assertThat(listed(dir)).containsExactly("model/weights.bin false 7").isEqualTo(listed(store.listArtifacts(parent, "model")));
    assertThat(http.bytes(base + "model/weights.bin")).isEqualTo(model);
    try (var in2 = store.openArtifact(parent, "notes.txt")) {
      assertThat(in2.readAllBytes()).isEqualTo(notes).isEqualTo(http.bytes(base + "notes.txt"));
    }

    // delete and restore: runs and experiments
    client.deleteRun(children.get(3));
    assertThat(reader.snapshot().getRun(children.get(3)).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertThat(client.searchRuns(List.of(exp), "", Service.ViewType.DELETED_ONLY))
        .extracting(Service.RunInfo::getRunId).containsExactly(children.get(3));
    assertThat(client.searchRuns(List.of(exp), "")).extracting(Service.RunInfo::getRunId).doesNotContain(children.get(3));
    client.restoreRun(children.get(3));
    assertThat(client.getRun(children.get(3)).getInfo().getLifecycleStage()).isEqualTo("active");
    client.deleteExperiment(exp);
    assertThat(reader.snapshot().getExperiment(exp).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertThat(client.searchExperiments("name = 'java-client'").getItems()).isEmpty();
    client.restoreExperiment(exp);
    assertThat(client.searchExperiments("name = 'java-client'").getItems())
        .extracting(Service.Experiment::getExperimentId).containsExactly(exp);

    // every run, as the client sees it, is the reader's run
    Snapshot last = reader.snapshot();
    List<String> everyRun = new ArrayList<>(children);
    everyRun.add(parent);
    for (String id : everyRun) {
      assertThat(client.getRun(id)).as(id).isEqualTo(asProto(last.getRun(id)));
    }
    Run child4 = last.getRun(children.get(4));
    assertThat(child4.params()).containsEntry("lr", String.valueOf(0.1 / 5)).containsEntry("depth", "1");
    assertThat(child4.tags()).containsEntry("mlflow.parentRunId", parent).containsEntry("fold", "even").doesNotContainKey("trial");
    assertThat(child4.metrics().get("acc").value()).as("the latest by step, not by call").isEqualTo(0.9);
    assertThat(child4.info().userId()).isEqualTo("ada");
    assertThat(client.searchRuns(List.of(exp), "", Service.ViewType.ALL, 1000, List.of(), null).getItems())
        .hasSize(everyRun.size())
        .allSatisfy(r -> assertThat(r).isEqualTo(asProto(last.getRun(r.getInfo().getRunId()))));
  }

  @Test
  void theClientsDefaultsWork() {
    // createRun() with no argument: the Default experiment "0", a start time and user from the client
    Service.RunInfo info = client.createRun();
    assertThat(info.getExperimentId()).isEqualTo("0");
    client.logMetric(info.getRunId(), "m", 2.5); // timestamp now, step 0
    client.setTerminated(info.getRunId());
    Run run = reader.snapshot().getRun(info.getRunId());
    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.info().startTime()).isEqualTo(info.getStartTime());
    assertThat(run.info().endTime()).isNotNull();
    assertThat(run.metrics().get("m").value()).isEqualTo(2.5);
    assertThat(client.listRunInfos("0")).extracting(Service.RunInfo::getRunId).containsExactly(info.getRunId());
    assertThat(client.searchExperiments().getItems()).extracting(Service.Experiment::getName).containsExactly("Default");
    assertThatThrownBy(() -> client.getRun("feedfeedfeedfeedfeedfeedfeedfeed"))
        .isInstanceOfSatisfying(MlflowHttpException.class, e -> assertThat(e.getStatusCode()).isEqualTo(404));
  }

  /** A run is its client's: the server's own user name never becomes a run's user_id or mlflow.user tag. */
  @Test
  void aRunCreatedWithoutAUserIsNotTheServersUser() {
    String bare = http.ok("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"0\"}").at("/run/info/run_id").asText();
    String tagged = http.ok("/api/2.0/mlflow/runs/create",
        "{\"experiment_id\": \"0\", \"tags\": [{\"key\": \"mlflow.user\", \"value\": \"bob\"}]}").at("/run/info/run_id").asText();
    Service.RunInfo sent = client.createRun(Service.CreateRun.newBuilder().setExperimentId("0").setUserId("ada").build());
    Snapshot snap = reader.snapshot();
    assertThat(snap.getRun(bare).info().userId()).isEmpty();
    assertThat(snap.getRun(bare).tags()).doesNotContainKey("mlflow.user");
    assertThat(client.getRun(bare).getInfo().getUserId()).isEmpty();
    assertThat(snap.getRun(tagged).info().userId()).isEqualTo("bob");
    assertThat(snap.getRun(sent.getRunId()).info().userId()).isEqualTo("ada");
  }

  @Test
  void experimentsThroughTheClient() {
    String a = client.createExperiment(
        Service.CreateExperiment.newBuilder().setName("a").setArtifactLocation("file:///elsewhere/a")
            .addTags(Service.ExperimentTag.newBuilder().setKey("team").setValue("core")).build());
    String b = client.createExperiment("b");
    assertThatThrownBy(() -> client.createExperiment("b"))
        .isInstanceOfSatisfying(MlflowHttpException.class, e -> {
          assertThat(e.getStatusCode()).isEqualTo(400);
          assertThat(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS");
        });
    assertThat(client.getExperimentByName("no such experiment")).isEmpty();
    client.renameExperiment(b, "b2");
    assertThat(reader.snapshot().getExperiment(b).name()).isEqualTo("b2");
    assertThat(client.getExperiment(a).getArtifactLocation()).isEqualTo("file:///elsewhere/a");
    assertThat(reader.snapshot().getExperiment(a).tags()).containsEntry("team", "core");

    // pages of one, the client following the tokens
    List<String> names = new ArrayList<>();
    Page<Service.Experiment> page = client.searchExperiments("", Service.ViewType.ALL, 1, List.of("name ASC"));
    page.getItems().forEach(e -> names.add(e.getName()));
    while (page.hasNextPage()) {
      page = page.getNextPage();
      page.getItems().forEach(e -> names.add(e.getName()));
    }
    assertThat(names).containsExactly("Default", "a", "b2");
    assertThat(client.searchExperiments("tags.team = 'core'").getItems())
        .extracting(Service.Experiment::getExperimentId).containsExactly(a);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static List<String> listed(JsonNode listing) {
    List<String> out = new ArrayList<>();
    for (JsonNode f : listing.path("files")) {
      out.add(f.get("path").asText() + " " + f.get("is_dir").asBoolean() + (f.has("file_size") ? " " + f.get("file_size").asLong() : ""));
    }
    return out;
  }

  private static List<String> listed(List<ArtifactInfo> files) {
    return files.stream().map(f -> f.path() + " " + f.isDir() + (f.fileSize() == null ? "" : " " + f.fileSize())).toList();
  }
}
