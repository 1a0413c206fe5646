package io.tracklog.server;

import io.tracklog.Metric;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.benchmarks.Fixtures;
import io.tracklog.benchmarks.OpenStoreBenchmark;
import io.tracklog.benchmarks.SearchBenchmark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The web UI's server time (issue #14): what the page waits for before it can draw.
 *
 * <ul>
 *   <li>{@code runs}: the first page (100 rows) of the runs table of one 100 k-run experiment,
 *       filtered and sorted by a metric ({@link SearchBenchmark}'s filter and order), with three
 *       columns, and the total count; budget ≤ 50 ms.
 *   <li>{@code keys}: the metric, param and tag keys of that experiment, for the column chooser.
 *   <li>{@code experiments}: the experiment list with each one's run count and last activity.
 *   <li>{@code chart}: 10 runs × 1 M points of one metric, downsampled for a 2 000-pixel-wide chart
 *       (at most 4 points a pixel, each a logged one); budget ≤ 200 ms.
 * </ul>
 *
 * <p>{@code via}: {@code HTTP}, a GET over loopback with the JDK's client (keep-alive), the answer
 * read whole: what the browser waits for; {@code API}: the same request handed to the server's
 * routes directly (parsing, the handler, the JSON), without the HTTP exchange.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn"})
public class UiBenchmark {
  static final int CHART_RUNS = 10;
  static final int CHART_POINTS = 1_000_000;
  static final int CHART_WIDTH = 2000;

  @State(Scope.Benchmark)
  public static class Ui {
    @Param({"runs", "keys", "experiments", "chart"})
    public String view;

    @Param({"HTTP", "API"})
    public String via;

    Path root;
    Store store;
    TrackingServer server;
    HttpClient http;
    URI uri;
    Endpoint endpoint;
    Map<String, List<String>> query;

    @Setup(Level.Trial)
    public void setUp() {
      root = Fixtures.tempDir("tracklog-bench-ui-");
      Fixtures.copyTree(view.equals("chart") ? ensureChartFixture() : OpenStoreBenchmark.ensureFixture(100_000, 1), root);
      store = Store.open(root, ServerBenchmark.options());
      server = TrackingServer.start(store, ServerOptions.defaults().withPort(0).withUi(true).withReadOnly(true));
      query = new LinkedHashMap<>();
      String path;
      switch (view) {
        case "runs" -> {
          path = "runs";
          query.put("experiment_ids", List.of("1"));
          query.put("filter", List.of(SearchBenchmark.FILTER));
          query.put("order_by", List.of(SearchBenchmark.ORDER));
          query.put("max_results", List.of("100"));
          query.put("columns", List.of("metrics.metric_0", "metrics.metric_2", "params.param_1"));
        }
        case "experiments" -> path = "experiments";
        case "keys" -> {
          path = "keys";
          query.put("experiment_ids", List.of("1"));
        }
        case "chart" -> {
          path = "series";
          List<String> ids = new ArrayList<>();
          for (int i = 0; i < CHART_RUNS; i++) {
            ids.add(chartRunId(i));
          }
          query.put("run_ids", ids);
          query.put("key", List.of("loss"));
          query.put("x", List.of("step"));
          query.put("width", List.of(Integer.toString(CHART_WIDTH)));
        }
        default -> throw new IllegalArgumentException(view);
      }
      endpoint = server.api.find("GET", UiEndpoints.BASE + path);
      StringBuilder url = new StringBuilder("/api/2.0").append(UiEndpoints.BASE).append(path).append('?');
      query.forEach((k, values) -> values.forEach(v ->
          url.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&')));
      uri = server.uri().resolve(url.toString());
      http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String body = get();
      check(body);
    }

    private void check(String body) {
      boolean ok = switch (view) {
        case "runs" -> body.contains("\"total\": ") && body.split("\"run_id\"", -1).length - 1 == 100;
        case "experiments" -> body.contains("\"run_count\": 100000");
        case "keys" -> body.contains("\"metric_4\"") && body.contains("\"param_9\"") && body.contains("\"tag_4\"");
        default -> body.split("\"run_id\"", -1).length - 1 == CHART_RUNS && body.contains("\"points\": " + CHART_POINTS)
            && body.contains("\"downsampled\": true");
      };
      if (!ok) {
        throw new IllegalStateException("Unexpected answer for " + view + ": " + body.substring(0, Math.min(400, body.length())));
      }
    }

    String get() {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
          throw new IllegalStateException(r.statusCode() + ": " + r.body());
        }
        return r.body();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      server.close();
      store.close();
      Fixtures.deleteTree(root);
    }
  }

  @Benchmark
  public int request(Ui ui) {
    if (ui.via.equals("HTTP")) {
      return ui.get().length();
    }
    Api.Reply reply = ui.server.api.call(ui.endpoint, () -> ui.endpoint.schema().parseQuery(ui.query));
    if (reply.status() != 200) {
      throw new IllegalStateException(reply.body());
    }
    return reply.body().length();
  }

  static String chartRunId(int i) {
    return String.format("%032x", 0xC0FFEEL + i);
  }

  /**
   * One experiment of 10 runs, each 1 M steps of {@code loss} (a noisy decay with rare spikes),
   * compacted; cached as {@code ui-chart-10x1000000-<version>} beside the other fixtures.
   */
  static synchronized Path ensureChartFixture() {
    String version = System.getProperty("tracklog.bench.fixtureVersion", "v8");
    Path root = OpenStoreBenchmark.fixtureDir().resolve("ui-chart-" + CHART_RUNS + "x" + CHART_POINTS + "-" + version);
    if (Files.exists(root.resolve("READY"))) {
      return root;
    }
    Fixtures.deleteTree(root);
    long t0 = System.nanoTime();
    try (Store store = Store.open(root, StoreOptions.builder().sourceTags(false)
        .compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      String experimentId = store.createExperiment("curves");
      SplittableRandom random = new SplittableRandom(14);
      for (int r = 0; r < CHART_RUNS; r++) {
        try (RunWriter run = store.startRun(RunSpec.builder(experimentId).runId(chartRunId(r)).runName("curve-" + r)
            .startTime(1_767_225_600_000L).build())) {
          List<Metric> batch = new ArrayList<>(1000);
          for (int step = 0; step < CHART_POINTS; step++) {
            double value = 1.0 / (1 + step * 1e-4) + random.nextDouble() * 0.05 + (random.nextInt(100_000) == 0 ? 5 : 0);
            batch.add(new Metric("loss", value, 1_767_225_600_000L + step, step));
            if (batch.size() == 1000) {
              run.logBatch(batch, List.of(), List.of());
              batch.clear();
            }
          }
          run.end(RunStatus.FINISHED);
        }
      }
      store.compact();
      Files.writeString(root.resolve("READY"), "built_ms=" + (System.nanoTime() - t0) / 1_000_000 + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return root;
  }
}
