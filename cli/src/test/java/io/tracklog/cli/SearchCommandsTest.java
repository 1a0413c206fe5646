package io.tracklog.cli;

import io.tracklog.server.MlflowJson;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tracklog search}, {@code experiments} and {@code history}: every format, pages, views and
 * MLflow's error JSON, over a small store loaded through the import API (given ids and times).
 */
class SearchCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final long T0 = 1_700_000_000_000L;
  static final String A = "a0000000000000000000000000000001";
  static final String B = "b0000000000000000000000000000002";
  static final String C = "c0000000000000000000000000000003";
  static final String D = "d0000000000000000000000000000004";

  @TempDir Path dir;

  record Result(int exitCode, String out, String err) {}

  private Result run(String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.isEmpty() && !all.get(0).startsWith("-") && !all.contains("--root")) {
      all.addAll(1, List.of("--root", dir.toString()));
    }
    int code = cmd.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private Result ok(String... args) {
    Result r = run(args);
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    return r;
  }

  private JsonNode json(String... args) throws Exception {
    return JSON.readTree(ok(args).out());
  }

  /**
   * Experiments 1 (vision, tagged), 2 (nlp) and 3 (old, deleted); runs A (FINISHED, metrics incl.
   * NaN, a dataset, a non-ASCII tag) and B (RUNNING) in 1, C (deleted) in 1, D in 2.
   */
  @BeforeEach
  void load() {
    StoreOptions options =
        StoreOptions.builder()
            .clock(InstantSource.fixed(Instant.ofEpochMilli(T0)))
            .compaction(StoreOptions.CompactionTrigger.MANUAL)
            .sourceTags(false) // the expected answers list every tag; the working directory's git state is not theirs
            .build();
    try (Store store = Store.open(dir, options)) {
      store.importExperiment(
          new Experiment("1", "vision", "file:///mlruns/1", LifecycleStage.ACTIVE, T0 + 1000, T0 + 2000, Map.of("team", "core")));
      store.importExperiment(
          new Experiment("2", "nlp", "file:///mlruns/2", LifecycleStage.ACTIVE, T0 + 3000, T0 + 3000, Map.of()));
      store.importExperiment(
          new Experiment("3", "old", "file:///mlruns/3", LifecycleStage.DELETED, T0 + 500, T0 + 4000, Map.of()));
      try (RunWriter a = store.startRun(spec("1", A, "cnn", "alice", T0 + 10_000))) {
        a.logParam("model", "cnn");
        a.logParam("lr", "0.01");
        a.logMetric("acc", 0.5, T0 + 10_100, 0);
        a.logMetric("acc", 0.91, T0 + 10_200, 1);
        a.logMetric("loss", Double.NaN, T0 + 10_150, 0);
        a.logMetric("tiny", 1e-5, T0 + 10_160, 0);
        a.logMetric("big", 1e16, T0 + 10_170, 0);
        a.setTag("note", "h\u00e9llo \"q\"\n");
        a.logInput(DatasetInput.of(new Dataset("mnist", "abc123", "local", "/data/mnist", null, null), "training"));
        a.end(RunStatus.FINISHED, T0 + 20_000);
      }
      try (RunWriter b = store.startRun(spec("1", B, "mlp", "bob", T0 + 11_000))) {
        b.logParam("model", "mlp");
        b.logMetric("acc", 0.75, T0 + 11_100, 0);
        // closed without ending: stays RUNNING
      }
      try (RunWriter c = store.startRun(spec("1", C, "rf", "carol", T0 + 12_000))) {
        c.logParam("model", "rf");
        c.logMetric("acc", 0.95, T0 + 12_100, 0);
        c.end(RunStatus.FINISHED, T0 + 13_000);
      }
      store.deleteRun(C);
      try (RunWriter d = store.startRun(spec("2", D, "bert", "dave", T0 + 9_000))) {
        d.logParam("model", "bert");
        d.logMetric("acc", 0.99, T0 + 9_100, 0);
        d.end(RunStatus.FAILED, T0 + 9_500);
      }
    }
  }

  private static RunSpec spec(String exp, String runId, String name, String user, long start) {
    return RunSpec.builder(exp).runId(runId).runName(name).userId(user).startTime(start).build();
  }

  // ---- JSON: the exact shape of MLflow's responses -----------------------------------------------

  @Test
  void search_json_isMlflowsRunsSearchResponse_byteForByte() {
    Result r = ok("search", "--experiment-ids", "1", "--format", "json");

    // Hand-written from MLflow's rules (MlflowJson): RunInfo in field-number order (run_uuid first,
    // run_id last), no end_time while RUNNING, empty repeated fields left out, "inputs" always
    // there, NaN as a string, floats as Python's repr, non-ASCII escaped, indent 2.
    String expected =
        """
        {
          "runs": [
            {
              "info": {
                "run_uuid": "b0000000000000000000000000000002",
                "experiment_id": "1",
                "run_name": "mlp",
                "user_id": "bob",
                "status": "RUNNING",
                "start_time": 1700000011000,
                "artifact_uri": "file:///mlruns/1/b0000000000000000000000000000002/artifacts",
                "lifecycle_stage": "active",
                "run_id": "b0000000000000000000000000000002"
              },
              "data": {
                "metrics": [
                  {
                    "key": "acc",
                    "value": 0.75,
                    "timestamp": 1700000011100,
                    "step": 0
                  }
                ],
                "params": [
                  {
                    "key": "model",
                    "value": "mlp"
                  }
                ],
                "tags": [
                  {
                    "key": "mlflow.runName",
                    "value": "mlp"
                  },
                  {
                    "key": "mlflow.user",
                    "value": "bob"
                  }
                ]
              },
              "inputs": {}
            },
            {
              "info": {
                "run_uuid": "a0000000000000000000000000000001",
                "experiment_id": "1",
                "run_name": "cnn",
                "user_id": "alice",
                "status": "FINISHED",
                "start_time": 1700000010000,
                "end_time": 1700000020000,
                "artifact_uri": "file:///mlruns/1/a0000000000000000000000000000001/artifacts",
                "lifecycle_stage": "active",
                "run_id": "a0000000000000000000000000000001"
              },
              "data": {
                "metrics": [
                  {
                    "key": "acc",
                    "value": 0.91,
                    "timestamp": 1700000010200,
                    "step": 1
                  },
                  {
                    "key": "big",
                    "value": 1e+16,
                    "timestamp": 1700000010170,
                    "step": 0
                  },
                  {
                    "key": "loss",
                    "value": "NaN",
                    "timestamp": 1700000010150,
                    "step": 0
                  },
                  {
                    "key": "tiny",
                    "value": 1e-05,
                    "timestamp": 1700000010160,
                    "step": 0
                  }
                ],
                "params": [
                  {
                    "key": "lr",
                    "value": "0.01"
                  },
                  {
                    "key": "model",
                    "value": "cnn"
                  }
                ],
                "tags": [
                  {
                    "key": "mlflow.runName",
                    "value": "cnn"
                  },
                  {
                    "key": "mlflow.user",
                    "value": "alice"
                  },
                  {
                    "key": "note",
                    "value": "h\\u00e9llo \\"q\\"\\n"
                  }
                ]
              },
              "inputs": {
                "dataset_inputs": [
                  {
                    "tags": [
                      {
                        "key": "mlflow.data.context",
                        "value": "training"
                      }
                    ],
                    "dataset": {
                      "name": "mnist",
                      "digest": "abc123",
                      "source_type": "local",
                      "source": "/data/mnist"
                    }
                  }
                ]
              }
            }
          ]
        }
        """;
    assertThat(r.out()).isEqualTo(expected);
  }

  @Test
  void experiments_json_isMlflowsExperimentsSearchResponse_byteForByte() {
    Result r = ok("experiments", "--filter", "name != 'Default'", "--view", "ALL", "--format", "json");

    String expected =
        """
        {
          "experiments": [
            {
              "experiment_id": "2",
              "name": "nlp",
              "artifact_location": "file:///mlruns/2",
              "lifecycle_stage": "active",
              "last_update_time": 1700000003000,
              "creation_time": 1700000003000
            },
            {
              "experiment_id": "1",
              "name": "vision",
              "artifact_location": "file:///mlruns/1",
              "lifecycle_stage": "active",
              "last_update_time": 1700000002000,
              "creation_time": 1700000001000,
              "tags": [
                {
                  "key": "team",
                  "value": "core"
                }
              ]
            },
            {
              "experiment_id": "3",
              "name": "old",
              "artifact_location": "file:///mlruns/3",
              "lifecycle_stage": "deleted",
              "last_update_time": 1700000004000,
              "creation_time": 1700000000500
            }
          ]
        }
        """;
    assertThat(r.out()).isEqualTo(expected);
  }

  @Test
  void history_json_isMlflowsGetHistoryResponse_inAppendOrder() {
    Result r = ok("history", "--run", A, "--key", "acc", "--format", "json");

    String expected =
        """
        {
          "metrics": [
            {
              "key": "acc",
              "value": 0.5,
              "timestamp": 1700000010100,
              "step": 0
            },
            {
              "key": "acc",
              "value": 0.91,
              "timestamp": 1700000010200,
              "step": 1
            }
          ]
        }
        """;
    assertThat(r.out()).isEqualTo(expected);
  }

  @Test
  void emptyAnswers_areEmptyResponses() throws Exception {
    assertThat(ok("search", "--experiment-ids", "1", "--filter", "metrics.acc > 2", "--format", "json").out())
        .isEqualTo("{}\n");
    assertThat(ok("history", "--run", A, "--key", "nope", "--format", "json").out()).isEqualTo("{}\n");
    assertThat(json("experiments", "--filter", "name = 'none'", "--format", "json")).isEmpty();
  }

  // ---- pages -------------------------------------------------------------------------------------

  @Test
  void search_pagesRoundTripThroughNextPageToken() throws Exception {
    List<String> all = runIds(json("search", "--experiment-ids", "1,2", "--view", "ALL", "--format", "json"));
    assertThat(all).containsExactly(C, B, A, D); // start_time DESC

    List<String> paged = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      List<String> args =
          new ArrayList<>(List.of("search", "--experiment-ids", "1", "--experiment-ids", "2", "--view", "ALL"));
      args.addAll(List.of("--max-results", "1", "--format", "json"));
      if (token != null) {
        args.addAll(List.of("--page-token", token));
      }
      JsonNode page = json(args.toArray(String[]::new));
      assertThat(page.get("runs")).hasSize(1);
      paged.addAll(runIds(page));
      token = page.has("next_page_token") ? page.get("next_page_token").asText() : null;
      pages++;
    } while (token != null);

    assertThat(pages).isEqualTo(4);
    assertThat(paged).isEqualTo(all);
  }

  @Test
  void search_firstPageToken_isMlflowsOffsetToken() throws Exception {
    JsonNode page = json("search", "--experiment-ids", "1", "--max-results", "1", "--format", "json");
    assertThat(page.get("next_page_token").asText()).isEqualTo("eyJvZmZzZXQiOiAxfQ=="); // {"offset": 1}
    assertThat(page.size()).isEqualTo(2);
  }

  @Test
  void experiments_and_history_pagesRoundTrip() throws Exception {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      List<String> args = new ArrayList<>(List.of("experiments", "--view", "ALL", "--order-by", "name"));
      args.addAll(List.of("--max-results", "2", "--format", "json"));
      if (token != null) {
        args.addAll(List.of("--page-token", token));
      }
      JsonNode page = json(args.toArray(String[]::new));
      page.get("experiments").forEach(e -> ids.add(e.get("name").asText()));
      token = page.has("next_page_token") ? page.get("next_page_token").asText() : null;
    } while (token != null);
    assertThat(ids).containsExactly("Default", "nlp", "old", "vision");

    JsonNode first = json("history", "--run", A, "--key", "acc", "--max-results", "1", "--format", "json");
    assertThat(first.get("metrics").get(0).get("value").asDouble()).isEqualTo(0.5);
    JsonNode second =
        json("history", "--run", A, "--key", "acc", "--max-results", "1", "--page-token",
            first.get("next_page_token").asText(), "--format", "json");
    assertThat(second.get("metrics").get(0).get("value").asDouble()).isEqualTo(0.91);
    assertThat(second.has("next_page_token")).isFalse();
  }

  // ---- views -------------------------------------------------------------------------------------

  @Test
  void search_viewTypes_selectByLifecycleStage() throws Exception {
    assertThat(runIds(json("search", "--experiment-ids", "1", "--format", "json"))).containsExactly(B, A);
    assertThat(runIds(json("search", "--experiment-ids", "1", "--view", "DELETED_ONLY", "--format", "json")))
        .containsExactly(C);
    assertThat(runIds(json("search", "--experiment-ids", "1", "--view", "all", "--format", "json")))
        .containsExactly(C, B, A);
    JsonNode deleted = json("search", "--experiment-ids", "1", "--view", "DELETED_ONLY", "--format", "json");
    assertThat(deleted.get("runs").get(0).get("info").get("lifecycle_stage").asText()).isEqualTo("deleted");
  }

  @Test
  void experiments_viewTypes() throws Exception {
    assertThat(names(json("experiments", "--format", "json"))).containsExactlyInAnyOrder("Default", "vision", "nlp");
    assertThat(names(json("experiments", "--view", "DELETED_ONLY", "--format", "json"))).containsExactly("old");
    assertThat(names(json("experiments", "--view", "ALL", "--format", "json"))).hasSize(4);
  }

  // ---- filter, order_by ---------------------------------------------------------------------------

  @Test
  void search_filterAndOrderBy_areMlflows() throws Exception {
    JsonNode page =
        json("search", "--experiment-ids", "1,2", "--filter", "params.model != 'mlp' AND metrics.acc > 0.6",
            "--order-by", "metrics.acc DESC", "--format", "json");
    assertThat(runIds(page)).containsExactly(D, A);
  }

  // ---- table and csv ------------------------------------------------------------------------------

  @Test
  void search_table_showsTheNamedMetricsAndParams() {
    Result r =
        ok("search", "--experiment-ids", "1", "--filter", "params.model LIKE '%'", "--order-by", "metrics.acc DESC");

    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0).split("\\s{2,}"))
        .containsExactly("RUN ID", "NAME", "STATUS", "START TIME", "params.model", "metrics.acc");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1).split("\\s{2,}"))
        .containsExactly(A, "cnn", "FINISHED", "2023-11-14T22:13:30Z", "cnn", "0.91");
    assertThat(lines.get(2).split("\\s{2,}"))
        .containsExactly(B, "mlp", "RUNNING", "2023-11-14T22:13:31Z", "mlp", "0.75");
  }

  @Test
  void search_table_pointsToTheNextPage_andSaysWhenNothingMatches() {
    Result r = ok("search", "--experiment-ids", "1", "--max-results", "1");
    assertThat(r.out()).contains(B).doesNotContain(A).endsWith("More runs: --page-token eyJvZmZzZXQiOiAxfQ==\n");

    assertThat(ok("search", "--experiment-ids", "1", "--filter", "tags.x = 'y'").out()).isEqualTo("No runs.\n");
  }

  @Test
  void search_csv_hasTheColumnsOfMlflowSearchRuns() {
    Result r = ok("search", "--experiment-ids", "1", "--format", "csv");

    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "run_id,experiment_id,status,artifact_uri,start_time,end_time,"
                + "metrics.acc,metrics.big,metrics.loss,metrics.tiny,params.lr,params.model,"
                + "tags.mlflow.runName,tags.mlflow.user,tags.note");
    assertThat(lines.get(1))
        .isEqualTo(
            B + ",1,RUNNING,file:///mlruns/1/" + B + "/artifacts,2023-11-14T22:13:31.000Z,,"
                + "0.75,,,,,mlp,mlp,bob,");
    // the note tag holds a quote and a newline: one quoted field across two lines
    assertThat(r.out())
        .contains(
            A + ",1,FINISHED,file:///mlruns/1/" + A + "/artifacts,2023-11-14T22:13:30.000Z,2023-11-14T22:13:40.000Z,"
                + "0.91,1e+16,NaN,1e-05,0.01,cnn,cnn,alice,\"h\u00e9llo \"\"q\"\"\n\"\n");
  }

  @Test
  void experiments_and_history_tableAndCsv() {
    Result table = ok("experiments", "--filter", "tags.team = 'core'");
    assertThat(table.out().lines().toList().get(0).split("\\s{2,}"))
        .containsExactly("ID", "NAME", "LIFECYCLE", "CREATED", "LAST UPDATE", "tags.team");
    assertThat(table.out().lines().toList().get(1).split("\\s{2,}"))
        .containsExactly("1", "vision", "active", "2023-11-14T22:13:21Z", "2023-11-14T22:13:22Z", "core");

    Result csv = ok("experiments", "--filter", "name LIKE '%i%'", "--format", "csv");
    assertThat(csv.out())
        .isEqualTo(
            "experiment_id,name,artifact_location,lifecycle_stage,creation_time,last_update_time,tags.team\n"
                + "1,vision,file:///mlruns/1,active,1700000001000,1700000002000,core\n");

    Result history = ok("history", "--run", A, "--key", "acc");
    assertThat(history.out().lines().toList())
        .containsExactly(
            "STEP  TIMESTAMP                 VALUE",
            "0     2023-11-14T22:13:30.100Z  0.5",
            "1     2023-11-14T22:13:30.200Z  0.91");
    Result historyCsv = ok("history", "--run", A, "--key", "loss", "--format", "csv");
    assertThat(historyCsv.out()).isEqualTo("key,value,timestamp,step\nloss,NaN,1700000010150,0\n");
  }

  @Test
  void csv_nextPageToken_goesToStderr() {
    Result r = run("search", "--experiment-ids", "1", "--max-results", "1", "--format", "csv");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines()).hasSize(2);
    assertThat(r.err()).isEqualTo("next_page_token: eyJvZmZzZXQiOiAxfQ==\n");
  }

  // ---- errors ------------------------------------------------------------------------------------

  @Test
  void malformedFilter_printsMlflowsErrorJson_namingThePosition_andExits2() throws Exception {
    Result r = run("search", "--experiment-ids", "1", "--filter", "metrics.acc > 0.5 AND params.model > 'x'");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .startsWith("{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": \"Invalid comparator '>'")
        .endsWith("(clause 'params.model > 'x'' at position 22)\"}\n");
    JsonNode error = JSON.readTree(r.err());
    assertThat(error.get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(error.size()).isEqualTo(2);
  }

  @Test
  void malformedFilter_isAnErrorInEveryFormat_evenWhenNoRunReachesIt() throws Exception {
    for (String format : List.of("table", "json", "csv")) {
      Result r = run("search", "--experiment-ids", "2", "--filter", "metrics.acc > 2 AND params.p < '1'", "--format", format);
      assertThat(r.exitCode()).isEqualTo(2);
      assertThat(r.out()).isEmpty();
      assertThat(JSON.readTree(r.err()).get("message").asText()).endsWith("at position 20)");
    }
  }

  @Test
  void badOrderBy_pageToken_maxResults_view_areInvalidParameterValues() throws Exception {
    assertInvalid(run("search", "--experiment-ids", "1", "--order-by", "metrics.acc SIDEWAYS"), "order_by");
    assertInvalid(run("search", "--experiment-ids", "1", "--page-token", "not-a-token"), "Invalid page token");
    assertInvalid(run("search", "--experiment-ids", "1", "--max-results", "0"), "max_results");
    assertInvalid(run("search", "--experiment-ids", "1", "--max-results", "50001"), "max_results");
    assertInvalid(run("search", "--experiment-ids", "1", "--max-results", "ten"), "max_results");
    assertInvalid(run("search", "--experiment-ids", "1", "--view", "SOME"), "run_view_type");
    assertInvalid(run("experiments", "--filter", "attributes.name = 'x'"), "");
    assertInvalid(run("experiments", "--view", "nope"), "view_type");
    assertInvalid(run("history", "--run", A, "--key", "acc", "--max-results", "0"), "max_results");
  }

  private static void assertInvalid(Result r, String messagePart) throws Exception {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    JsonNode error = JSON.readTree(r.err());
    assertThat(error.get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(error.get("message").asText()).contains(messagePart);
  }

  @Test
  void unknownRun_isResourceDoesNotExist_exit1() throws Exception {
    String missing = "f".repeat(32);
    Result r = run("history", "--run", missing, "--key", "acc", "--format", "json");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo("{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", \"message\": \"Run '" + missing + "' not found\"}\n");
  }

  @Test
  void unknownExperiment_isResourceDoesNotExist_exit1() throws Exception {
    Result r = run("search", "--experiment-ids", "1,99");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    JsonNode error = JSON.readTree(r.err());
    assertThat(error.get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(error.get("message").asText()).isEqualTo("No Experiment with id=99 exists");
  }

  @Test
  void usageErrors_keepPicocliForm_exit2() {
    Result missingIds = run("search");
    assertThat(missingIds.exitCode()).isEqualTo(2);
    assertThat(missingIds.err()).startsWith("error: Missing required option: '--experiment-ids");

    Result noStore = run("search", "--root", dir.resolve("none").toString(), "--experiment-ids", "1");
    assertThat(noStore.exitCode()).isEqualTo(2);
    assertThat(noStore.err()).contains("No Tracklog store at");
  }

  @Test
  void help_listsTheCommands_andTheExitCodes() {
    Result r = run("--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .contains("search", "experiments", "history", "Exit codes:", "RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE");
  }

  private static List<String> runIds(JsonNode page) {
    List<String> ids = new ArrayList<>();
    if (page.has("runs")) {
      page.get("runs").forEach(r -> ids.add(r.get("info").get("run_id").asText()));
    }
    return ids;
  }

  private static List<String> names(JsonNode page) {
    List<String> names = new ArrayList<>();
    page.get("experiments").forEach(e -> names.add(e.get("name").asText()));
    return names;
  }
}
