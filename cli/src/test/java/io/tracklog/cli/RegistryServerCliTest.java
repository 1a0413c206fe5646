package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registry answer of the server is, byte for byte, what {@code tracklog models ... --format
 * json} prints for the same store (plus the newline the CLI ends its output with): one encoder.
 */
class RegistryServerCliTest {
  private static final String API = "/api/2.0/mlflow/";

  @TempDir Path dir;
  private final HttpClient client = HttpClient.newHttpClient();

  private String send(URI base, String method, String path, String json) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(API + path));
    b = json == null ? b.GET() : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void everyRegistryAnswerOverHttpIsWhatTheCliPrints() throws Exception {
    Map<List<String>, String> answers = new LinkedHashMap<>(); // CLI arguments -> the server's body
    String root = dir.toString();
    try (Store store = Store.open(dir, StoreOptions.builder().shutdownPolicy(StoreOptions.ShutdownPolicy.OWNER_CLOSES).build());
        TrackingServer server = TrackingServer.start(store, ServerOptions.defaults().withPort(0))) {
      URI base = server.uri();
      for (String name : List.of("mnist", "Beta", "résumé")) {
        send(base, "POST", "registered-models/create",
            "{\"name\": \"" + name + "\", \"tags\": [{\"key\": \"team\", \"value\": \"" + name.length() + "\"}]}");
      }
      for (int i = 1; i <= 3; i++) {
        send(base, "POST", "model-versions/create", "{\"name\": \"mnist\", \"source\": \"s3://b/mnist/" + i + "\", \"run_id\": \"r" + i + "\"}");
      }
      send(base, "POST", "model-versions/create", "{\"name\": \"Beta\", \"source\": \"s3://b/beta\", \"description\": \"β\"}");
      send(base, "POST", "model-versions/set-tag", "{\"name\": \"mnist\", \"version\": \"2\", \"key\": \"k\", \"value\": \"v\"}");
      send(base, "POST", "model-versions/transition-stage",
          "{\"name\": \"mnist\", \"version\": \"2\", \"stage\": \"Production\", \"archive_existing_versions\": true}");
      send(base, "POST", "registered-models/alias", "{\"name\": \"mnist\", \"alias\": \"champion\", \"version\": \"3\"}");
      send(base, "PATCH", "registered-models/update", "{\"name\": \"Beta\", \"description\": \"the second\"}");

      answers.put(List.of("list"), send(base, "GET", "registered-models/search", null));
      answers.put(List.of("list", "--filter", "tags.team = '5'", "--order-by", "name DESC"),
          send(base, "GET", "registered-models/search?filter=" + q("tags.team = '5'") + "&order_by=" + q("name DESC"), null));
      String first = send(base, "GET", "registered-models/search?max_results=2", null);
      answers.put(List.of("list", "--max-results", "2"), first);
      String token = first.replaceAll("(?s).*\"next_page_token\": \"([^\"]+)\".*", "$1");
      answers.put(List.of("list", "--max-results", "2", "--page-token", token),
          send(base, "GET", "registered-models/search?max_results=2&page_token=" + q(token), null));
      answers.put(List.of("list", "--versions", "--max-results", "200000"), send(base, "GET", "model-versions/search", null));
      answers.put(List.of("list", "--versions", "--filter", "run_id IN ('r1', 'r3')", "--order-by", "version_number"),
          send(base, "GET", "model-versions/search?filter=" + q("run_id IN ('r1', 'r3')") + "&order_by=version_number&max_results=10000", null));
      for (String name : List.of("mnist", "Beta", "résumé")) {
        answers.put(List.of("show", name), send(base, "GET", "registered-models/get?name=" + q(name), null));
      }
      answers.put(List.of("show", "mnist", "--version", "2"), send(base, "GET", "model-versions/get?name=mnist&version=2", null));
      answers.put(List.of("show", "mnist", "--alias", "champion"), send(base, "GET", "registered-models/alias?name=mnist&alias=champion", null));
      answers.put(List.of("show", "mnist", "--alias", "latest"), send(base, "GET", "registered-models/alias?name=mnist&alias=latest", null));
    }
    assertThat(answers.get(List.of("list", "--max-results", "2"))).contains("next_page_token");
    for (var e : answers.entrySet()) {
      List<String> args = new ArrayList<>(List.of("models"));
      args.addAll(e.getKey());
      args.addAll(List.of("--root", root, "--format", "json"));
      CliRun cli = CliRun.execute(args.toArray(String[]::new));
      assertThat(cli.exitCode()).as(args + ": " + cli.err()).isZero();
      assertThat(cli.out()).as(String.join(" ", args)).isEqualTo(e.getValue() + "\n");
    }
  }
}
