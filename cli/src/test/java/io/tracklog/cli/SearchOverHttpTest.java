package io.tracklog.cli;

import static io.tracklog.testing.SearchSample.strings;
import static io.tracklog.testing.SearchSample.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import io.tracklog.testing.SearchSample;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of {@code conformance/search-sample.json} (the store module's test resource) asked of
 * {@code tracklog server} over HTTP ({@code runs/search}, {@code experiments/search},
 * {@code metrics/get-history}) and of the CLI with {@code --format json}, over the same store: the
 * HTTP body is byte for byte what the CLI prints (stdout for an answer, stderr for an error, every
 * page of a paged case), and its runs are the sample's expected ones. Lives in the CLI module
 * because the CLI depends on the server.
 *
 * <p>The HTTP answers are all collected first, with the server's store open; the CLI then reads the
 * closed store, as a person would after stopping the server.
 */
class SearchOverHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path root;
  static JsonNode sample;
  static Map<String, String> runIds;
  /** Case id → the HTTP answers, one per page. */
  static final Map<String, List<Reply>> HTTP = new LinkedHashMap<>();

  record Reply(int status, String body) {}

  @BeforeAll
  static void askTheServer() {
    sample = SearchSample.sample();
    runIds = SearchSample.load(sample, root, false);
    StoreOptions options =
        StoreOptions.builder().shutdownPolicy(StoreOptions.ShutdownPolicy.OWNER_CLOSES).sourceTags(false).build();
    try (Store store = Store.open(root, options);
        TrackingServer server = TrackingServer.start(store, ServerOptions.defaults().withPort(0))) {
      HttpClient client = HttpClient.newHttpClient();
      for (JsonNode c : sample.get("cases")) {
        ObjectNode body = requestBody(c, "run_view_type");
        body.set("experiment_ids", c.get("experiments"));
        if (c.has("page_token")) {
          body.put("page_token", c.get("page_token").asText());
        }
        HTTP.put(c.get("id").asText(), pages(client, server.uri(), "/api/2.0/mlflow/runs/search", body));
      }
      for (JsonNode c : sample.get("experiment_cases")) {
        HTTP.put(c.get("id").asText(),
            pages(client, server.uri(), "/api/2.0/mlflow/experiments/search", requestBody(c, "view_type")));
      }
      for (JsonNode c : sample.get("metric_history_cases")) {
        String query = "?run_id=" + runIds.get(c.get("run").asText()) + "&metric_key="
            + URLEncoder.encode(c.get("metric_key").asText(), StandardCharsets.UTF_8);
        HTTP.put(c.get("id").asText(), List.of(send(client, HttpRequest.newBuilder(
            server.uri().resolve("/api/2.0/mlflow/metrics/get-history" + query)).GET())));
      }
      // MLflow's server, unlike the CLI, answers an unknown experiment with no runs
      HTTP.put("unknown-experiment", List.of(send(client, post(server.uri(), "/api/2.0/mlflow/runs/search",
          "{\"experiment_ids\": [\"424242\"]}"))));
    }
  }

  /** A search request's filter, order_by, max_results and view (named {@code viewField}) as the case gives them. */
  private static ObjectNode requestBody(JsonNode c, String viewField) {
    ObjectNode body = JSON.createObjectNode();
    if (text(c.get("filter")) != null) {
      body.put("filter", text(c.get("filter")));
    }
    body.set("order_by", c.get("order_by"));
    body.put("max_results", c.get("max_results").asInt());
    body.put(viewField, c.get("view").asText());
    return body;
  }

  /** The same as command-line options: {@code --filter}, {@code --order-by}..., {@code --max-results}, {@code --view}. */
  private static List<String> searchOptions(JsonNode c) {
    List<String> args = new ArrayList<>();
    if (text(c.get("filter")) != null) {
      args.addAll(List.of("--filter", text(c.get("filter"))));
    }
    args.addAll(options("--order-by", strings(c.get("order_by"))));
    args.addAll(List.of("--max-results", c.get("max_results").asText(), "--view", c.get("view").asText()));
    return args;
  }

  /** One dynamic test per case of a section of the sample. */
  private static Stream<DynamicTest> each(String section, java.util.function.Consumer<JsonNode> check) {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : sample.get(section)) {
      tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> check.accept(c)));
    }
    return tests.stream();
  }

  /** POSTs a search, then again with each next_page_token, until a page has none or fails. */
  private static List<Reply> pages(HttpClient client, URI base, String path, ObjectNode body) {
    List<Reply> pages = new ArrayList<>();
    while (true) {
      Reply r = send(client, post(base, path, body.toString()));
      pages.add(r);
      JsonNode json = parse(r.body());
      if (r.status() != 200 || !json.has("next_page_token")) {
        return pages;
      }
      body.put("page_token", json.get("next_page_token").asText());
    }
  }

  private static HttpRequest.Builder post(URI base, String path, String json) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  private static Reply send(HttpClient client, HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The CLI's pages: the command run again with each next_page_token, until a page has none or fails. */
  private static List<Reply> cli(List<String> args) {
    List<Reply> pages = new ArrayList<>();
    List<String> next = new ArrayList<>(args);
    while (true) {
      CliRun run = CliRun.execute(next.toArray(String[]::new));
      if (run.exitCode() != 0) {
        assertThat(run.out()).isEmpty();
        pages.add(new Reply(run.exitCode(), run.err()));
        return pages;
      }
      assertThat(run.err()).isEmpty();
      pages.add(new Reply(0, run.out()));
      JsonNode json = parse(run.out());
      if (!json.has("next_page_token")) {
        return pages;
      }
      next = new ArrayList<>(args);
      int at = next.indexOf("--page-token");
      if (at >= 0) {
        next.set(at + 1, json.get("next_page_token").asText());
      } else {
        next.addAll(List.of("--page-token", json.get("next_page_token").asText()));
      }
    }
  }

  /** The HTTP answers equal the CLI's: 200 ↔ exit 0 with the body on stdout, 400/404 ↔ exit 2/1 with it on stderr. */
  private static void assertSameAnswers(List<Reply> http, List<Reply> cli) {
    assertThat(cli).hasSameSizeAs(http);
    for (int i = 0; i < http.size(); i++) {
      Reply h = http.get(i);
      Reply c = cli.get(i);
      assertThat(c.body()).as("page %d", i).isEqualTo(h.body() + System.lineSeparator());
      assertThat(c.status()).as("page %d", i).isEqualTo(h.status() == 200 ? 0 : h.status() == 400 ? 2 : 1);
    }
  }

  private static List<String> options(String option, List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      out.add(option);
      out.add(v);
    }
    return out;
  }

  @TestFactory
  Stream<DynamicTest> runCases() {
    return each("cases", c -> {
      List<String> args = new ArrayList<>(List.of("search", "--root", root.toString(), "--format", "json"));
      args.addAll(options("--experiment-ids", strings(c.get("experiments"))));
      args.addAll(searchOptions(c));
      if (c.has("page_token")) {
        args.addAll(List.of("--page-token", c.get("page_token").asText()));
      }
      List<Reply> http = HTTP.get(c.get("id").asText());
      assertSameAnswers(http, cli(args));

      boolean sql = SearchSample.usesSqlStoreAnswer(c);
      JsonNode sqlError = sql ? c.get("sql_store_error") : null;
      if (sqlError != null || (!sql && c.path("expect_error").asBoolean(false))) {
        JsonNode error = parse(http.get(0).body());
        assertThat(http.get(0).status()).isEqualTo(400);
        assertThat(error.get("error_code").asText())
            .isEqualTo((sqlError != null ? sqlError : c).get("error_code").asText());
        if (c.has("message_contains")) {
          assertThat(error.get("message").asText()).contains(c.get("message_contains").asText());
        }
        return;
      }
      List<List<String>> pages = new ArrayList<>();
      for (Reply page : http) {
        assertThat(page.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        parse(page.body()).path("runs").forEach(r -> names.add(runName(r)));
        pages.add(names);
      }
      if (c.has("pages")) {
        List<List<String>> expected = new ArrayList<>();
        c.get(sql && c.has("sql_store_pages") ? "sql_store_pages" : "pages").forEach(p -> expected.add(strings(p)));
        assertThat(pages).isEqualTo(expected);
      } else {
        assertThat(pages.get(0)).isEqualTo(strings(c.get(sql && c.has("expect_sql_store") ? "expect_sql_store" : "expect")));
      }
    });
  }

  private static String runName(JsonNode run) {
    return run.at("/info/run_name").asText();
  }

  @TestFactory
  Stream<DynamicTest> experimentCases() {
    return each("experiment_cases", c -> {
      List<String> args = new ArrayList<>(List.of("experiments", "--root", root.toString(), "--format", "json"));
      args.addAll(searchOptions(c));
      List<Reply> http = HTTP.get(c.get("id").asText());
      assertSameAnswers(http, cli(args));
      JsonNode answer = parse(http.get(0).body());
      if (c.path("expect_error").asBoolean(false)) {
        assertThat(answer.get("error_code").asText()).isEqualTo(c.get("error_code").asText());
        assertThat(answer.get("message").asText()).contains(c.get("message_contains").asText());
      } else {
        List<String> names = new ArrayList<>();
        answer.path("experiments").forEach(e -> names.add(e.get("name").asText()));
        assertThat(names).isEqualTo(strings(c.get("expect")));
      }
    });
  }

  @TestFactory
  Stream<DynamicTest> metricHistoryCases() {
    return each("metric_history_cases", c -> {
      List<Reply> http = HTTP.get(c.get("id").asText());
      assertSameAnswers(http, cli(List.of("history", "--root", root.toString(), "--format", "json",
          "--run", runIds.get(c.get("run").asText()), "--key", c.get("metric_key").asText())));
      List<List<Object>> points = new ArrayList<>();
      parse(http.get(0).body()).path("metrics").forEach(m -> points.add(List.of(
          SearchSample.value(m.get("value")), m.get("timestamp").asLong(), m.get("step").asLong())));
      List<List<Object>> expected = new ArrayList<>();
      for (JsonNode p : c.get(SearchSample.usesSqlStoreAnswer(c) ? "expect_sql_store" : "expect")) {
        expected.add(List.of(SearchSample.value(p.get(0)), p.get(1).asLong(), p.get(2).asLong()));
      }
      assertThat(points).isEqualTo(expected);
    });
  }

  /** Where REST and CLI differ on purpose (docs/SEARCH.md): an unknown experiment id. */
  @Test
  void anUnknownExperimentIsNoRunsOverRest_butAnErrorOnTheCommandLine() {
    assertThat(HTTP.get("unknown-experiment")).containsExactly(new Reply(200, "{}"));
    CliRun run = CliRun.execute("search", "--root", root.toString(), "--format", "json", "--experiment-ids", "424242");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(parse(run.err()).get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
  }
}
