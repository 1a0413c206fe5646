package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracklog.error.CorruptFileException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow 3's logged models over HTTP, as a 3.x client's {@code log_model} drives them: create, upload
 * the files through the artifact proxy, finalize, get and search, register a version of it; all of it
 * still there after a restart.
 */
class RegistryLoggedModelsTest {
  private static final String LM = "/api/2.0/mlflow/logged-models";
  private static final String PROXY = "/api/2.0/mlflow-artifacts/artifacts/";
  private static final String LISTING = "/api/2.0/mlflow-artifacts/artifacts?path=";

  @TempDir Path root;
  TestServer test;

  @BeforeEach
  void start() {
    test = TestServer.open(root);
  }

  @AfterEach
  void stop() {
    test.close();
  }

  private JsonNode ok(String method, String path, String json) {
    Http.Reply r = test.call(method, path, json);
    assertThat(r.status()).as(method + " " + path + " " + json + ": " + r.body()).isEqualTo(200);
    return r.json();
  }

  private void assertError(Http.Reply r, int status, String code, String messagePart) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.errorCode()).as(r.body()).isEqualTo(code);
    assertThat(r.json().get("message").asText()).as(r.body()).contains(messagePart);
  }

  private String experiment(String name) {
    return test.http.ok("/api/2.0/mlflow/experiments/create", "{\"name\": \"" + name + "\"}").get("experiment_id").asText();
  }

  private JsonNode create(String exp, String body) {
    return ok("POST", LM, "{\"experiment_id\": \"" + exp + "\"" + body + "}").get("model");
  }

  @Test
  void logModel_create_upload_finalize_get_search_register_andAllOfItAfterARestart() throws Exception {
    String exp = experiment("e");
    String runId = test.http.ok("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + exp + "\"}").at("/run/info/run_id").asText();
    JsonNode created = create(exp, ", \"name\": \"model\", \"model_type\": \"sklearn\", \"source_run_id\": \"" + runId + "\","
        + " \"params\": [{\"key\": \"alpha\", \"value\": \"0.5\"}], \"tags\": [{\"key\": \"mlflow.source.name\", \"value\": \"train.py\"}]");
    String id = created.at("/info/model_id").asText();
    assertThat(id).matches("m-[0-9a-f]{32}");
    assertThat(created.at("/info/status").asText()).isEqualTo("LOGGED_MODEL_PENDING");
    assertThat(created.at("/info/artifact_uri").asText()).isEqualTo("mlflow-artifacts:/" + exp + "/models/" + id + "/artifacts");
    assertThat(created.at("/info/source_run_id").asText()).isEqualTo(runId);
    assertThat(created.at("/data/params/0/key").asText()).isEqualTo("alpha");

    // the client uploads the model's files through the proxy, then finalizes
    String files = PROXY + exp + "/models/" + id + "/artifacts/";
    byte[] mlmodel = "artifact_path: model\nflavors: {}\n".getBytes(StandardCharsets.UTF_8);
    byte[] weights = new byte[100_000];
    new java.util.Random(7).nextBytes(weights);
    assertThat(test.http.put(files + "MLmodel", mlmodel).status()).isEqualTo(200);
    assertThat(test.http.put(files + "data/model.pkl", weights).status()).isEqualTo(200);
    JsonNode listing = test.http.okGet(LISTING + exp + "/models/" + id + "/artifacts");
    assertThat(listing.get("files").toString())
        .isEqualTo("[{\"path\":\"MLmodel\",\"is_dir\":false,\"file_size\":" + mlmodel.length + "},{\"path\":\"data\",\"is_dir\":true}]");
    assertThat(test.http.okGet(LM + "/" + id + "/artifacts/directories?artifact_directory_path=data").at("/files/0/path").asText())
        .isEqualTo("data/model.pkl");
    // log_model inside a run: the model is one of the run's outputs
    assertThat(ok("POST", "/api/2.0/mlflow/runs/outputs",
        "{\"run_id\": \"" + runId + "\", \"models\": [{\"model_id\": \"" + id + "\", \"step\": \"3\"}]}").toString()).isEqualTo("{}");
    assertThat(test.store.registry().loggedModels().outputsOf(runId)).containsExactly(java.util.Map.entry(id, 3L));
    // ... and runs/get and runs/search show it, as MLflow's Run.to_proto does
    assertThat(test.http.okGet("/api/2.0/mlflow/runs/get?run_id=" + runId).at("/run/outputs/model_outputs/0/model_id").asText())
        .isEqualTo(id);
    JsonNode found = test.http.ok("/api/2.0/mlflow/runs/search", "{\"experiment_ids\": [\"" + exp + "\"]}");
    assertThat(found.findValues("model_outputs")).hasSize(1);
    assertThat(found.findValues("model_outputs").get(0).get(0).get("step").asLong()).isEqualTo(3L);
    JsonNode ready = ok("PATCH", LM + "/" + id, "{\"model_id\": \"" + id + "\", \"status\": \"LOGGED_MODEL_READY\"}").get("model");
    assertThat(ready.at("/info/status").asText()).isEqualTo("LOGGED_MODEL_READY");

    ok("POST", LM + "/" + id + "/params", "{\"model_id\": \"" + id + "\", \"params\": [{\"key\": \"beta\", \"value\": \"2\"}]}");
    ok("PATCH", LM + "/" + id + "/tags", "{\"tags\": [{\"key\": \"team\", \"value\": \"a\"}, {\"key\": \"tmp\", \"value\": \"x\"}]}");
    assertThat(ok("DELETE", LM + "/" + id + "/tags/tmp", "").toString()).isEqualTo("{}");
    JsonNode got = test.http.okGet(LM + "/" + id).get("model");
    assertThat(got.at("/info/tags").toString())
        .isEqualTo("[{\"key\":\"mlflow.source.name\",\"value\":\"train.py\"},{\"key\":\"team\",\"value\":\"a\"}]");
    assertThat(got.at("/data/params").toString())
        .isEqualTo("[{\"key\":\"alpha\",\"value\":\"0.5\"},{\"key\":\"beta\",\"value\":\"2\"}]");

    // search, and a version registered from it (mlflow.register_model("models:/<id>", ...))
    String other = create(exp, ", \"name\": \"other\"").at("/info/model_id").asText();
    assertThat(names(ok("POST", LM + "/search", "{\"experiment_ids\": [\"" + exp + "\"]}"))).containsExactly("other", "model");
    assertThat(names(ok("POST", LM + "/search", "{\"experiment_ids\": [\"" + exp + "\"], \"filter\": \"name = 'model'"
        + " AND source_run_id = '" + runId + "' AND tags.team = 'a'\"}"))).containsExactly("model");
    JsonNode page = ok("POST", LM + "/search", "{\"experiment_ids\": [\"" + exp + "\"], \"max_results\": 1,"
        + " \"order_by\": [{\"field_name\": \"name\", \"ascending\": true}]}");
    assertThat(names(page)).containsExactly("model");
    assertThat(names(ok("POST", LM + "/search", "{\"experiment_ids\": [\"" + exp + "\"], \"max_results\": 1,"
        + " \"order_by\": [{\"field_name\": \"name\"}], \"page_token\": \"" + page.get("next_page_token").asText() + "\"}")))
        .containsExactly("other");
    test.http.ok("/api/2.0/mlflow/registered-models/create", "{\"name\": \"reg\"}");
    JsonNode version = test.http.ok("/api/2.0/mlflow/model-versions/create",
        "{\"name\": \"reg\", \"source\": \"models:/" + id + "\", \"model_id\": \"" + id + "\"}").get("model_version");
    assertThat(version.get("run_id").asText()).as("the model's source run").isEqualTo(runId);
    assertThat(test.http.okGet("/api/2.0/mlflow/model-versions/get-download-uri?name=reg&version=1").get("artifact_uri").asText())
        .isEqualTo("mlflow-artifacts:/" + exp + "/models/" + id + "/artifacts");
    JsonNode tagged = test.http.okGet(LM + "/" + id).get("model");
    assertThat(tagged.at("/info/tags/0").toString())
        .isEqualTo("{\"key\":\"mlflow.modelVersions\",\"value\":\"[{\\\"name\\\": \\\"reg\\\", \\\"version\\\": 1}]\"}");
    assertThat(ok("DELETE", LM + "/" + other, "").toString()).isEqualTo("{}");
    assertError(test.http.get(LM + "/" + other), 404, "RESOURCE_DOES_NOT_EXIST", other);

    // a restart: the store and the server anew, everything read back from disk
    String before = test.http.get(LM + "/" + id).body();
    test.close();
    test = TestServer.open(root);
    assertThat(test.http.get(LM + "/" + id).body()).isEqualTo(before);
    assertThat(test.http.bytes(files + "data/model.pkl")).isEqualTo(weights);
    assertThat(test.http.bytes(files + "MLmodel")).isEqualTo(mlmodel);
    assertThat(names(ok("POST", LM + "/search", "{\"experiment_ids\": [\"" + exp + "\"]}"))).containsExactly("model");
    assertThat(Files.readString(root.resolve("store.json"))).containsPattern("\"formatVersion\" : ([6-9]|[1-9][0-9])\\b"); // logged models: format 6 or later
  }

  private static List<String> names(JsonNode response) {
    List<String> out = new ArrayList<>();
    if (response.has("models")) {
      response.get("models").forEach(m -> out.add(m.at("/info/name").asText()));
    }
    return out;
  }

  @Test
  void badRequestsAreRefusedWithMlflowsErrors_andWriteNothing() throws Exception {
    String exp = experiment("e");
    String id = create(exp, "").at("/info/model_id").asText();
    assertThat(create(exp, "").at("/info/name").asText()).as("a generated name").isNotEmpty();
    String runId = test.http.ok("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + exp + "\"}").at("/run/info/run_id").asText();
    long before = test.store.registry().snapshot().position();
    String files = PROXY + exp + "/models/" + id + "/artifacts/";
    record Case(String method, String path, String body, int status, String code, String messagePart) {}
    List<Case> cases = List.of(
        new Case("POST", LM, "{}", 400, "INVALID_PARAMETER_VALUE", "'experiment_id'"),
        new Case("POST", LM, "{\"experiment_id\": \"424242\"}", 404, "RESOURCE_DOES_NOT_EXIST", "424242"),
        new Case("POST", LM, "{\"experiment_id\": \"" + exp + "\", \"source_run_id\": \"nope\"}", 404, "RESOURCE_DOES_NOT_EXIST", "nope"),
        new Case("POST", LM, "{\"experiment_id\": \"" + exp + "\", \"tags\": [{\"key\": \"bad key!\", \"value\": \"1\"}]}", 400,
            "INVALID_PARAMETER_VALUE", "bad key!"),
        new Case("GET", LM + "/m-nope", "", 404, "RESOURCE_DOES_NOT_EXIST", "Logged model with ID 'm-nope' not found."),
        new Case("PATCH", LM + "/" + id, "{\"status\": \"DONE\"}", 400, "INVALID_PARAMETER_VALUE", "LOGGED_MODEL_READY"),
        new Case("PATCH", LM + "/" + id, "{}", 400, "INVALID_PARAMETER_VALUE", "'status'"),
        new Case("PATCH", LM + "/m-nope", "{\"status\": \"LOGGED_MODEL_READY\"}", 404, "RESOURCE_DOES_NOT_EXIST", "m-nope"),
        new Case("DELETE", LM + "/" + id + "/tags/nope", "", 404, "RESOURCE_DOES_NOT_EXIST", "nope"),
        new Case("POST", LM + "/search", "{}", 400, "INVALID_PARAMETER_VALUE", "'experiment_ids'"),
        new Case("POST", LM + "/search", "{\"experiment_ids\": [\"" + exp + "\"], \"filter\": \"name LIKE 'm%'\"}", 400,
            "INVALID_PARAMETER_VALUE", "name LIKE"),
        new Case("POST", LM + "/search", "{\"experiment_ids\": [\"" + exp + "\"], \"filter\": \"metrics.acc > 1\"}", 400,
            "INVALID_PARAMETER_VALUE", "metrics.acc"),
        new Case("PUT", files + ".tracklog-x.tmp", "x", 400, "INVALID_PARAMETER_VALUE", ".tracklog-x.tmp"),
        new Case("PUT", PROXY + "0/models/" + id + "/artifacts/x.txt", "x", 404, "RESOURCE_DOES_NOT_EXIST", "experiment 0"),
        new Case("PUT", PROXY + exp + "/models/m-nope/artifacts/x.txt", "x", 404, "RESOURCE_DOES_NOT_EXIST", "m-nope"),
        new Case("POST", "/api/2.0/mlflow/model-versions/create", "{\"name\": \"r\", \"source\": \"models:/m-nope\", \"model_id\": \"m-nope\"}",
            404, "RESOURCE_DOES_NOT_EXIST", "m-nope"),
        new Case("GET", LM + "/search", "", 404, "RESOURCE_DOES_NOT_EXIST", "search"),
        new Case("POST", "/api/2.0/mlflow/runs/outputs", "{\"run_id\": \"" + runId + "\", \"models\": [{\"model_id\": \"" + id
            + "\", \"step\": 0}, {\"model_id\": \"m-nope\", \"step\": 0}]}", 404, "RESOURCE_DOES_NOT_EXIST", "m-nope"),
        new Case("POST", "/api/2.0/mlflow/runs/outputs", "{\"run_id\": \"nope\", \"models\": []}", 404, "RESOURCE_DOES_NOT_EXIST", "nope"),
        new Case("POST", "/api/2.0/mlflow/runs/outputs", "{\"run_id\": \"" + runId + "\", \"models\": [{\"model_id\": \"" + id
            + "\"}]}", 400, "INVALID_PARAMETER_VALUE", "'step'"));
    for (Case c : cases) {
      Http.Reply r = c.method().equals("GET") ? test.http.get(c.path())
          : c.method().equals("PUT") ? test.http.put(c.path(), c.body().getBytes(StandardCharsets.UTF_8))
          : test.call(c.method(), c.path(), c.body());
      assertThat(r.status()).as(c.method() + " " + c.path() + " " + c.body() + ": " + r.body()).isEqualTo(c.status());
      assertThat(r.errorCode()).as(r.body()).isEqualTo(c.code());
      assertThat(r.json().get("message").asText()).as(r.body()).contains(c.messagePart());
    }
    assertThat(test.store.registry().snapshot().position()).as("nothing of a rejected request is written").isEqualTo(before);
    assertThat(root.resolve("logged-models")).doesNotExist();
    assertThat(test.store.registry().loggedModels().outputsOf(runId)).as("all or none").isEmpty();
  }

  @Test
  void aLoggedModelsFilesAreCheckedAgainstWhatWasRecorded() throws Exception {
    String exp = experiment("e");
    String id = create(exp, "").at("/info/model_id").asText();
    byte[] bytes = "weights".getBytes(StandardCharsets.UTF_8);
    assertThat(test.http.put(PROXY + exp + "/models/" + id + "/artifacts/w.bin", bytes).status()).isEqualTo(200);
    Path file = root.resolve("logged-models").resolve(id).resolve("artifacts/w.bin");
    assertThat(file).hasBinaryContent(bytes);
    Files.write(file, "WEIGHTS".getBytes(StandardCharsets.UTF_8)); // same size, other bytes
    assertThatThrownBy(() -> {
      try (InputStream in = test.store.registry().loggedModels().openArtifact(id, "w.bin")) {
        in.readAllBytes();
      }
    }).isInstanceOf(CorruptFileException.class);
    Files.write(file, "w".getBytes(StandardCharsets.UTF_8)); // another size: the listing says so
    assertError(test.http.get(LISTING + exp + "/models/" + id + "/artifacts"), 500, "INTERNAL_ERROR", "w.bin");
  }
}
