package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracklog.Store;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model registry over HTTP: MLflow's semantics, errors and HTTP statuses (mlflow/server/handlers.py). */
class RegistryEndpointsTest {
  private static final String RM = "/api/2.0/mlflow/registered-models/";
  private static final String MV = "/api/2.0/mlflow/model-versions/";

  @TempDir Path root;
  TestServer test;
  Store store;
  Http http;

  @BeforeEach
  void start() {
    test = TestServer.open(root);
    store = test.store;
    http = test.http;
  }

  @AfterEach
  void stop() {
    test.close();
  }

  private Http.Reply call(String method, String path, String json) {
    return test.call(method, path, json);
  }

  private JsonNode ok(String method, String path, String json) {
    Http.Reply r = call(method, path, json);
    assertThat(r.status()).as(method + " " + path + " " + json + ": " + r.body()).isEqualTo(200);
    return r.json();
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private void createModel(String name) {
    http.ok(RM + "create", "{\"name\": \"" + name + "\"}");
  }

  private String createVersion(String name, String source) {
    return http.ok(MV + "create", "{\"name\": \"" + name + "\", \"source\": \"" + source + "\"}").at("/model_version/version").asText();
  }

  private void assertError(Http.Reply r, int status, String code, String messagePart) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.errorCode()).as(r.body()).isEqualTo(code);
    assertThat(r.json().get("message").asText()).as(r.body()).contains(messagePart);
  }

  @Test
  void createTwiceIs400_versionsNumberPastDeletedOnes_andAnswersAreTheRegistrysInMlflowsJson() {
    JsonNode created = http.ok(RM + "create",
        "{\"name\": \"mnist\", \"description\": \"digits\", \"tags\": [{\"key\": \"team\", \"value\": \"a\"}, {\"key\": \"team\", \"value\": \"b\"}]}");
    assertThat(created.at("/registered_model/name").asText()).isEqualTo("mnist");
    assertThat(created.at("/registered_model/description").asText()).isEqualTo("digits");
    assertThat(created.at("/registered_model/tags").toString()).isEqualTo("[{\"key\":\"team\",\"value\":\"b\"}]");
    assertError(http.post(RM + "create", "{\"name\": \"mnist\"}"), 400, "RESOURCE_ALREADY_EXISTS",
        "Registered Model (name=mnist) already exists.");

    assertThat(createVersion("mnist", "s3://bucket/m/1")).isEqualTo("1");
    assertThat(createVersion("mnist", "s3://bucket/m/2")).isEqualTo("2");
    assertThat(createVersion("mnist", "s3://bucket/m/3")).isEqualTo("3");
    assertThat(ok("DELETE", MV + "delete", "{\"name\": \"mnist\", \"version\": \"3\"}").toString()).isEqualTo("{}");
    assertThat(createVersion("mnist", "s3://bucket/m/4")).as("a deleted version's number is never given again").isEqualTo("4");
    assertError(http.get(MV + "get?name=mnist&version=3"), 404, "RESOURCE_DOES_NOT_EXIST", "version=3");

    // answers are the registry's, rendered by the shared encoder
    assertThat(http.get(RM + "get?name=mnist").body())
        .isEqualTo(MlflowJson.dumps(MlflowJson.registeredModelResponse(store.registry().getRegisteredModel("mnist"))));
    assertThat(http.get(MV + "get?name=mnist&version=4").body())
        .isEqualTo(MlflowJson.dumps(MlflowJson.modelVersionResponse(store.registry().getModelVersion("mnist", 4))));
    JsonNode v4 = http.okGet(MV + "get?name=mnist&version=4").get("model_version");
    assertThat(v4.get("version").asText()).isEqualTo("4");
    assertThat(v4.get("current_stage").asText()).isEqualTo("None");
    assertThat(v4.get("status").asText()).isEqualTo("READY");
    assertThat(v4.get("description").asText()).as("proto2: an absent string is \"\"").isEmpty();
    assertThat(http.okGet(MV + "get-download-uri?name=mnist&version=2").toString())
        .isEqualTo("{\"artifact_uri\":\"s3://bucket/m/2\"}");
    // register_model's models:/ source stands for that version's files
    String v5 = http.ok(MV + "create", "{\"name\": \"mnist\", \"source\": \"models:/mnist/2\"}").at("/model_version/version").asText();
    assertThat(http.okGet(MV + "get-download-uri?name=mnist&version=" + v5).get("artifact_uri").asText()).isEqualTo("s3://bucket/m/2");
  }

  @Test
  void stagesArchiveExistingVersions_andLatestVersionsPerStage() {
    createModel("m");
    for (int i = 1; i <= 3; i++) {
      createVersion("m", "s3://b/" + i);
    }
    JsonNode moved = http.ok(MV + "transition-stage",
        "{\"name\": \"m\", \"version\": \"1\", \"stage\": \"production\", \"archive_existing_versions\": false}");
    assertThat(moved.at("/model_version/current_stage").asText()).isEqualTo("Production");
    assertError(http.post(MV + "transition-stage", "{\"name\": \"m\", \"version\": 2, \"stage\": \"Production\"}"), 400,
        "INVALID_PARAMETER_VALUE", "'version'"); // a string field, as protobuf's JSON parser has it
    http.ok(MV + "transition-stage", "{\"name\": \"m\", \"version\": \"2\", \"stage\": \"Production\", \"archive_existing_versions\": true}");
    assertThat(http.okGet(MV + "get?name=m&version=1").at("/model_version/current_stage").asText()).isEqualTo("Archived");

    JsonNode latest = http.ok(RM + "get-latest-versions", "{\"name\": \"m\"}").get("model_versions");
    List<String> stages = new ArrayList<>();
    latest.forEach(v -> stages.add(v.get("current_stage").asText() + ":" + v.get("version").asText()));
    assertThat(stages).containsExactly("None:3", "Production:2", "Archived:1");
    JsonNode viaGet = http.okGet(RM + "get-latest-versions?name=m&stages=production&stages=None");
    assertThat(viaGet.get("model_versions")).hasSize(2);
    assertThat(http.okGet(RM + "get-latest-versions?name=m&stages=Staging").toString()).isEqualTo("{}");

    long before = store.registry().snapshot().position();
    assertError(http.post(MV + "transition-stage", "{\"name\": \"m\", \"version\": \"3\", \"stage\": \"None\", \"archive_existing_versions\": true}"),
        500, "INTERNAL_ERROR", "is not an Active stage");
    assertError(http.post(MV + "transition-stage", "{\"name\": \"m\", \"version\": \"3\", \"stage\": \"Done\"}"),
        400, "INVALID_PARAMETER_VALUE", "Invalid Model Version stage: Done");
    assertError(http.post(RM + "get-latest-versions", "{\"name\": \"m\", \"stages\": [\"Done\"]}"), 400, "INVALID_PARAMETER_VALUE", "Done");
    assertError(http.post(MV + "transition-stage", "{\"name\": \"m\", \"version\": \"9\", \"stage\": \"Staging\"}"),
        404, "RESOURCE_DOES_NOT_EXIST", "version=9");
    assertThat(store.registry().snapshot().position()).as("nothing of a rejected request is written").isEqualTo(before);
  }

  @Test
  void aliasesMove_reservedNamesAreRefused_andLatestResolves() {
    createModel("m");
    createVersion("m", "s3://b/1");
    createVersion("m", "s3://b/2");
    assertThat(http.ok(RM + "alias", "{\"name\": \"m\", \"alias\": \"champion\", \"version\": \"1\"}").toString()).isEqualTo("{}");
    assertThat(http.okGet(RM + "alias?name=m&alias=champion").at("/model_version/version").asText()).isEqualTo("1");
    http.ok(RM + "alias", "{\"name\": \"m\", \"alias\": \"champion\", \"version\": \"2\"}");
    JsonNode v2 = http.okGet(RM + "alias?name=m&alias=champion").get("model_version");
    assertThat(v2.get("version").asText()).isEqualTo("2");
    assertThat(v2.get("aliases").toString()).isEqualTo("[\"champion\"]");
    assertThat(http.okGet(RM + "get?name=m").at("/registered_model/aliases").toString())
        .isEqualTo("[{\"alias\":\"champion\",\"version\":\"2\"}]");
    assertThat(http.okGet(RM + "alias?name=m&alias=LATEST").at("/model_version/version").asText()).isEqualTo("2");

    long before = store.registry().snapshot().position();
    String[][] refused = { // alias, version, HTTP status, message
      {"latest", "1", "400", "'latest' alias name (case insensitive) is reserved."},
      {"v3", "1", "400", "Version alias name 'v3' is reserved."},
      {"a b", "1", "400", "Invalid alias name: 'a b'."},
      {"x", "one", "400", "Parameter 'version' must be an integer, got 'one'."},
      {"x", "7", "404", "version=7"},
      {"x", null, "400", "Missing value for required parameter 'version'."},
    };
    for (String[] c : refused) {
      String version = c[1] == null ? "" : ", \"version\": \"" + c[1] + "\"";
      assertError(http.post(RM + "alias", "{\"name\": \"m\", \"alias\": \"" + c[0] + "\"" + version + "}"),
          Integer.parseInt(c[2]), c[2].equals("404") ? "RESOURCE_DOES_NOT_EXIST" : "INVALID_PARAMETER_VALUE", c[3]);
    }
    assertError(http.get(RM + "alias?name=m&alias=nope"), 400, "INVALID_PARAMETER_VALUE", "Registered model alias nope not found.");
    assertThat(store.registry().snapshot().position()).isEqualTo(before);

    assertThat(ok("DELETE", RM + "alias", "{\"name\": \"m\", \"alias\": \"champion\"}").toString()).isEqualTo("{}");
    assertThat(ok("DELETE", RM + "alias", "{\"name\": \"m\", \"alias\": \"champion\"}").toString()).as("a missing alias: no-op").isEqualTo("{}");
    assertThat(http.okGet(RM + "get?name=m").get("registered_model").has("aliases")).isFalse();
  }

  @Test
  void searchFiltersOrdersAndPages() {
    for (String name : List.of("alpha", "Beta", "gamma_1", "gammaX1")) {
      createModel(name);
    }
    http.ok(RM + "set-tag", "{\"name\": \"alpha\", \"key\": \"team\", \"value\": \"a\"}");
    http.ok(RM + "set-tag", "{\"name\": \"gammaX1\", \"key\": \"team\", \"value\": \"A\"}");
    assertThat(names(http.okGet(RM + "search"), "registered_models")).containsExactly("Beta", "alpha", "gammaX1", "gamma_1");
    assertThat(names(http.okGet(RM + "search?filter=" + q("name LIKE 'gamma_1'")), "registered_models"))
        .containsExactly("gammaX1", "gamma_1");
    assertThat(names(http.okGet(RM + "search?filter=" + q("tags.team ILIKE 'a'")), "registered_models"))
        .containsExactly("alpha", "gammaX1");
    assertThat(names(http.okGet(RM + "search?order_by=" + q("name DESC")), "registered_models"))
        .containsExactly("gamma_1", "gammaX1", "alpha", "Beta");

    JsonNode first = http.okGet(RM + "search?max_results=3");
    assertThat(names(first, "registered_models")).containsExactly("Beta", "alpha", "gammaX1");
    JsonNode second = http.okGet(RM + "search?max_results=3&page_token=" + q(first.get("next_page_token").asText()));
    assertThat(names(second, "registered_models")).containsExactly("gamma_1");
    assertThat(second.has("next_page_token")).as("a token only when more rows remain").isFalse();

    for (int i = 0; i < 3; i++) {
      http.ok(MV + "create", "{\"name\": \"alpha\", \"source\": \"s3://b/" + i + "\", \"run_id\": \"r" + i + "\"}");
    }
    createVersion("Beta", "s3://b/beta");
    JsonNode versions = http.okGet(MV + "search?filter=" + q("name = 'alpha'") + "&order_by=" + q("version_number ASC"));
    List<String> numbers = new ArrayList<>();
    versions.get("model_versions").forEach(v -> numbers.add(v.get("version").asText()));
    assertThat(numbers).containsExactly("1", "2", "3");
    assertThat(http.okGet(MV + "search?filter=" + q("run_id IN ('r0', 'r2')")).get("model_versions")).hasSize(2);
    JsonNode page = http.okGet(MV + "search?max_results=2");
    assertThat(page.get("model_versions")).hasSize(2);
    assertThat(page.has("next_page_token")).isTrue();

    assertError(http.get(RM + "search?filter=" + q("name = 'a' OR name = 'b'")), 400, "INVALID_PARAMETER_VALUE", "");
    assertError(http.get(RM + "search?max_results=1001"), 400, "INVALID_PARAMETER_VALUE", "1000");
    assertError(http.get(MV + "search?max_results=200001"), 400, "INVALID_PARAMETER_VALUE", "200000");
    assertError(http.get(MV + "search?filter=" + q("current_stage = 'None'")), 400, "INVALID_PARAMETER_VALUE", "");
    assertError(http.get(RM + "search?max_results=many"), 400, "INVALID_PARAMETER_VALUE", "max_results");
  }

  private static List<String> names(JsonNode response, String field) {
    List<String> out = new ArrayList<>();
    if (response.has(field)) {
      response.get(field).forEach(m -> out.add(m.get("name").asText()));
    }
    return out;
  }

  @Test
  void updatesRenamesTagsAndDeletesTakeJsonBodiesOnPatchAndDelete() {
    createModel("m");
    createVersion("m", "s3://b/1");
    JsonNode updated = ok("PATCH", RM + "update", "{\"name\": \"m\", \"description\": \"new\"}");
    assertThat(updated.at("/registered_model/description").asText()).isEqualTo("new");
    assertThat(ok("PATCH", RM + "update", "{\"name\": \"m\"}").at("/registered_model/description").asText())
        .as("absent: \"\", as MLflow's proto2 handler passes it").isEmpty();
    JsonNode version = ok("PATCH", MV + "update", "{\"name\": \"m\", \"version\": \"1\", \"description\": \"v1\"}");
    assertThat(version.at("/model_version/description").asText()).isEqualTo("v1");
    assertThat(ok("PATCH", MV + "update", "{\"name\": \"m\", \"version\": \"1\"}").get("model_version").has("description"))
        .as("absent: cleared (HasField)").isFalse();

    http.ok(MV + "set-tag", "{\"name\": \"m\", \"version\": \"1\", \"key\": \"k\", \"value\": \"v\"}");
    http.ok(RM + "set-tag", "{\"name\": \"m\", \"key\": \"k\", \"value\": \"v\"}");
    assertThat(http.okGet(MV + "get?name=m&version=1").at("/model_version/tags/0/value").asText()).isEqualTo("v");
    ok("DELETE", MV + "delete-tag", "{\"name\": \"m\", \"version\": \"1\", \"key\": \"k\"}");
    ok("DELETE", RM + "delete-tag", "{\"name\": \"m\", \"key\": \"k\"}");
    assertThat(http.okGet(MV + "get?name=m&version=1").get("model_version").has("tags")).isFalse();
    assertThat(http.okGet(RM + "get?name=m").get("registered_model").has("tags")).isFalse();

    JsonNode renamed = http.ok(RM + "rename", "{\"name\": \"m\", \"new_name\": \"n\"}");
    assertThat(renamed.at("/registered_model/latest_versions/0/name").asText()).isEqualTo("n");
    assertError(http.get(RM + "get?name=m"), 404, "RESOURCE_DOES_NOT_EXIST", "name=m");
    assertThat(ok("DELETE", RM + "delete", "{\"name\": \"n\"}").toString()).isEqualTo("{}");
    assertError(http.get(RM + "get?name=n"), 404, "RESOURCE_DOES_NOT_EXIST", "name=n");
    createModel("n");
    assertThat(createVersion("n", "s3://b/again")).as("a hard delete restarts the numbering").isEqualTo("1");
  }

  @Test
  void badRequestsGetMlflowsErrorsAndWriteNothing() {
    createModel("m");
    String exp = http.ok("/api/2.0/mlflow/experiments/create", "{\"name\": \"e\"}").get("experiment_id").asText();
    String runId = http.ok("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + exp + "\"}").at("/run/info/run_id").asText();
    long before = store.registry().snapshot().position();
    record Case(String method, String path, String body, int status, String code, String messagePart) {}
    List<Case> cases = List.of(
        new Case("POST", RM + "create", "{}", 400, "INVALID_PARAMETER_VALUE", "Missing value for required parameter 'name'."),
        new Case("POST", RM + "create", "{\"name\": \"a/b\"}", 400, "INVALID_PARAMETER_VALUE", "path separator"),
        new Case("POST", RM + "create", "{\"name\": \"x\", \"tags\": [{\"key\": \"bad key!\", \"value\": \"1\"}]}", 400,
            "INVALID_PARAMETER_VALUE", "bad key!"),
        new Case("POST", RM + "create", "{\"name\": \"x\", \"bogus\": 1}", 400, "INVALID_PARAMETER_VALUE", "no field named \"bogus\""),
        new Case("POST", RM + "rename", "{\"name\": \"m\"}", 400, "INVALID_PARAMETER_VALUE", "'new_name'"),
        new Case("POST", RM + "rename", "{\"name\": \"nope\", \"new_name\": \"x\"}", 404, "RESOURCE_DOES_NOT_EXIST",
            "Registered Model with name=nope not found"),
        new Case("PATCH", RM + "update", "{\"name\": \"nope\"}", 404, "RESOURCE_DOES_NOT_EXIST", "nope"),
        new Case("DELETE", RM + "delete", "{}", 400, "INVALID_PARAMETER_VALUE", "'name'"),
        new Case("DELETE", RM + "delete", "{\"name\": \"nope\"}", 404, "RESOURCE_DOES_NOT_EXIST", "nope"),
        new Case("POST", RM + "set-tag", "{\"name\": \"m\", \"key\": \"k\", \"value\": 5}", 400, "INVALID_PARAMETER_VALUE", "'value'"),
        new Case("POST", MV + "create", "{\"name\": \"m\"}", 400, "INVALID_PARAMETER_VALUE", "'source'"),
        new Case("POST", MV + "create", "{\"name\": \"nope\", \"source\": \"s3://b/x\"}", 404, "RESOURCE_DOES_NOT_EXIST", "nope"),
        new Case("POST", MV + "create", "{\"name\": \"m\", \"source\": \"s3://b/../../etc\"}", 400, "INVALID_PARAMETER_VALUE",
            "Invalid model version source"),
        new Case("POST", MV + "create", "{\"name\": \"m\", \"source\": \"http://h/a/%2E%2E/%2e%2e/x\"}", 400,
            "INVALID_PARAMETER_VALUE", "Invalid model version source"),
        new Case("POST", MV + "create", "{\"name\": \"m\", \"source\": \"/etc/passwd\"}", 400, "INVALID_PARAMETER_VALUE",
            "the run_id request parameter has to be specified"),
        new Case("POST", MV + "create", "{\"name\": \"m\", \"source\": \"file:///etc\", \"run_id\": \"" + runId + "\"}", 400,
            "INVALID_PARAMETER_VALUE", "contained within the artifact directory"),
        new Case("POST", MV + "create", "{\"name\": \"m\", \"source\": \"s3://b/x\", \"model_id\": \"m-1\"}", 404,
            "RESOURCE_DOES_NOT_EXIST", "Logged model with ID 'm-1' not found."),
        new Case("POST", MV + "transition-stage", "{\"name\": \"m\", \"version\": \"1\", \"stage\": \"Staging\", "
            + "\"archive_existing_versions\": \"yes\"}", 400, "INVALID_PARAMETER_VALUE", "archive_existing_versions"),
        new Case("DELETE", MV + "delete", "{\"name\": \"m\", \"version\": \"x1\"}", 400, "INVALID_PARAMETER_VALUE",
            "Parameter 'version' must be an integer, got 'x1'."),
        new Case("DELETE", MV + "delete-tag", "{\"name\": \"m\", \"version\": \"1\"}", 400, "INVALID_PARAMETER_VALUE", "'key'"),
        new Case("PATCH", MV + "update", "{\"name\": \"m\", \"version\": \"1\"", 400, "INVALID_PARAMETER_VALUE", "Malformed JSON"),
        new Case("POST", RM + "update", "{\"name\": \"m\"}", 405, "INVALID_PARAMETER_VALUE", "PATCH"),
        new Case("GET", RM + "delete?name=m", "", 405, "INVALID_PARAMETER_VALUE", "DELETE"));
    for (Case c : cases) {
      Http.Reply r = c.method().equals("GET") ? http.get(c.path()) : call(c.method(), c.path(), c.body());
      assertThat(r.status()).as(c.method() + " " + c.path() + " " + c.body() + ": " + r.body()).isEqualTo(c.status());
      assertThat(r.errorCode()).as(c.body()).isEqualTo(c.code());
      assertThat(r.json().get("message").asText()).as(c.body()).contains(c.messagePart());
    }
    assertThat(store.registry().snapshot().position()).as("nothing of a rejected request is written").isEqualTo(before);
    assertThat(http.okGet(RM + "get?name=m").get("registered_model").has("latest_versions")).isFalse();
  }

  @Test
  void aLocalSourceInsideTheRunsArtifactFolderIsAccepted() {
    createModel("m");
    // a run made by the library (not over REST) has a file: artifact URI
    String runId;
    try (var run = store.startRun(io.tracklog.Experiment.DEFAULT_ID)) {
      runId = run.runId();
    }
    String artifactUri = store.getRun(runId).info().artifactUri();
    JsonNode v = http.ok(MV + "create",
        "{\"name\": \"m\", \"source\": \"" + artifactUri + "/model\", \"run_id\": \"" + runId + "\"}").get("model_version");
    assertThat(v.get("source").asText()).isEqualTo(artifactUri + "/model");
    assertThat(v.get("run_id").asText()).isEqualTo(runId);
    assertError(http.post(MV + "create", "{\"name\": \"m\", \"source\": \"" + artifactUri + "/../x\", \"run_id\": \"" + runId + "\"}"),
        400, "INVALID_PARAMETER_VALUE", "Invalid model version source");
  }
}
