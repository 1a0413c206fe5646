package io.tracklog.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.benchmarks.Fixtures;
import io.tracklog.benchmarks.OpenStoreBenchmark;
import io.tracklog.benchmarks.SearchBenchmark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #13's budgets for the tracking server, server and load generator in one JVM on this machine,
 * HTTP/1.1 keep-alive, one connection per client thread:
 *
 * <ul>
 *   <li>{@code logMetric}: {@code runs/log-metric}, 16 client threads each logging into its own run
 *       (≥ 20 k requests/s, p99 ≤ 5 ms). Run in Throughput and SampleTime modes.
 *   <li>{@code logBatch}: {@code runs/log-batch} of 1000 metrics (10 keys × 100 steps), 4 client
 *       threads; metrics/s = ops/s × 1000 (≥ 1 M metrics/s).
 *   <li>{@code search}: {@code runs/search}, 100 results over {@link OpenStoreBenchmark}'s 100 k-run
 *       store (a copy) with {@link SearchBenchmark}'s filter and order, one client (≤ 10 ms end to end).
 * </ul>
 *
 * <p>{@code transport}: the same {@link TrackingServer} (its {@link Api}, store, writer cache) behind
 * {@code JETTY} (the server's own Jetty 12 connector) or {@code JDK} ({@link JdkHttpTransport}, the
 * JDK's built-in server), so the HTTP stack is the only difference. {@code client}: the load
 * generator ({@link LoadClient}): {@code RAW} sockets or the JDK's {@code HTTPCLIENT}.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=warn"})
public class ServerBenchmark {
  static final String API = "/api/2.0/mlflow/";
  static final ObjectMapper JSON = new ObjectMapper();

  /** A server behind the chosen transport over a store in {@code root}; closed and deleted at the end. */
  abstract static class Served {
    Path root;
    Store store;
    TrackingServer server;
    JdkHttpTransport jdk;
    URI uri;

    void open(String transport, StoreOptions options) {
      store = Store.open(root, options);
      ServerOptions o = ServerOptions.defaults().withPort(0);
      server = TrackingServer.start(store, o);
      if (transport.equals("JDK")) {
        jdk = JdkHttpTransport.start(server, o.threads(), o.maxRequestBytes());
        uri = jdk.uri();
      } else {
        uri = server.uri();
      }
    }

    void close() {
      if (jdk != null) {
        jdk.close();
      }
      server.close();
      store.close();
      Fixtures.deleteTree(root);
    }
  }

  static StoreOptions options() {
    return StoreOptions.builder().sourceTags(false).shutdownPolicy(StoreOptions.ShutdownPolicy.OWNER_CLOSES)
        .compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  /** A server over a fresh temp store with one experiment. */
  @State(Scope.Benchmark)
  public static class Target extends Served {
    @Param({"JETTY", "JDK"})
    public String transport;

    @Param({"RAW"})
    public String client;

    String experimentId;

    @Setup(Level.Trial)
    public void setUp() {
      root = Fixtures.tempDir("tracklog-bench-server-");
      open(transport, options());
      try (LoadClient c = LoadClient.open(client, uri)) {
        experimentId = json(c.ok(API + "experiments/create", "{\"name\": \"bench\"}")).get("experiment_id").asText();
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  /** One client thread: its connection and its own run. */
  @State(Scope.Thread)
  public static class Client {
    LoadClient http;
    String runId;
    byte[] runIdJson;
    long step;
    byte[][] batches;
    int next;

    @Setup(Level.Trial)
    public void setUp(Target t) {
      http = LoadClient.open(t.client, t.uri);
      runId = json(http.ok(API + "runs/create", "{\"experiment_id\": \"" + t.experimentId + "\", \"start_time\": 1767225600000}"))
          .at("/run/info/run_id").asText();
      batches = new byte[16][];
      for (int b = 0; b < batches.length; b++) {
        batches[b] = batch(runId, b * 100).getBytes(StandardCharsets.UTF_8);
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      http.close();
    }
  }

  /** A log-batch body: 10 keys × 100 steps from {@code firstStep}, 1000 metrics. */
  static String batch(String runId, int firstStep) {
    StringBuilder sb = new StringBuilder(100_000).append("{\"run_id\": \"").append(runId).append("\", \"metrics\": [");
    for (int s = 0; s < 100; s++) {
      for (int k = 0; k < 10; k++) {
        sb.append(s + k == 0 ? "" : ", ").append("{\"key\": \"train/metric_").append(k).append("\", \"value\": ")
            .append(1.0 / (firstStep + s + k + 1)).append(", \"timestamp\": ").append(1_767_225_600_000L + 10L * (firstStep + s))
            .append(", \"step\": ").append(firstStep + s).append('}');
      }
    }
    return sb.append("]}").toString();
  }

  static JsonNode json(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int check(int status, LoadClient http) {
    if (status != 200) {
      throw new IllegalStateException("HTTP " + status + ": " + http.body());
    }
    return status;
  }

  @Benchmark
  @Threads(16)
  @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int logMetric(Client c) {
    long step = c.step++;
    String body = "{\"run_id\": \"" + c.runId + "\", \"key\": \"train/loss\", \"value\": " + (1.0 / (step + 1))
        + ", \"timestamp\": " + (1_767_225_600_000L + step) + ", \"step\": " + step + "}";
    return check(c.http.post(API + "runs/log-metric", body.getBytes(StandardCharsets.UTF_8)), c.http);
  }

  @Benchmark
  @Threads(4)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public int logBatch(Client c) {
    byte[] body = c.batches[c.next++ & (c.batches.length - 1)];
    return check(c.http.post(API + "runs/log-batch", body), c.http);
  }

  /** A server over a copy of the 100 k-run store, behind the chosen transport. */
  @State(Scope.Benchmark)
  public static class SearchTarget extends Served {
    @Param({"JETTY", "JDK"})
    public String transport;

    @Param({"RAW"})
    public String client;

    byte[] request;

    @Setup(Level.Trial)
    public void setUp() {
      root = Fixtures.tempDir("tracklog-bench-server-search-");
      Fixtures.copyTree(OpenStoreBenchmark.ensureFixture(100_000), root);
      open(transport, options());
      request = ("{\"experiment_ids\": [\"1\", \"2\", \"3\", \"4\"], \"filter\": \"" + SearchBenchmark.FILTER
          + "\", \"order_by\": [\"" + SearchBenchmark.ORDER + "\"], \"max_results\": 100}").getBytes(StandardCharsets.UTF_8);
      try (LoadClient c = LoadClient.open(client, uri)) {
        JsonNode page = json(c.ok(API + "runs/search", new String(request, StandardCharsets.UTF_8)));
        if (page.get("runs").size() != 100 || !page.has("next_page_token")) {
          throw new IllegalStateException("Expected a full page of 100 runs and more: " + page.get("runs").size());
        }
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      close();
    }
  }

  /** One search client's connection. */
  @State(Scope.Thread)
  public static class SearchClient {
    LoadClient http;

    @Setup(Level.Trial)
    public void setUp(SearchTarget t) {
      http = LoadClient.open(t.client, t.uri);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      http.close();
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int search(SearchTarget t, SearchClient c) {
    return check(c.http.post(API + "runs/search", t.request), c.http);
  }
}
