package io.tracklog.server;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.function.IntUnaryOperator;

/**
 * Not a benchmark: the CPU time a request costs, which a loaded machine inflates far less than it
 * inflates wall-clock figures. One client thread sends requests one after another over a keep-alive
 * connection; the process's CPU time (server, client, JIT, GC) and the client thread's own are read
 * around a measured batch, after a warm-up. {@code 2 cores ÷ CPU per request} bounds what the
 * machine can serve with both sides on it.
 *
 * <pre>{@code scripts/bench.sh --main io.tracklog.server.ServerCpuCost [JETTY|JDK ...]}</pre>
 */
public final class ServerCpuCost {
  private ServerCpuCost() {}

  public static void main(String[] args) {
    String[] transports = args.length > 0 ? args : new String[] {"JETTY", "JDK"};
    for (String transport : transports) {
      ServerBenchmark.Target t = new ServerBenchmark.Target();
      t.transport = transport;
      t.client = "RAW";
      t.setUp();
      try (LoadClient c = LoadClient.open("RAW", t.uri)) {
        String runId = ServerBenchmark.json(c.ok(ServerBenchmark.API + "runs/create",
            "{\"experiment_id\": \"" + t.experimentId + "\"}")).at("/run/info/run_id").asText();
        byte[][] batches = new byte[16][];
        for (int b = 0; b < batches.length; b++) {
          batches[b] = ServerBenchmark.batch(runId, b * 100).getBytes(StandardCharsets.UTF_8);
        }
        measure(transport, "log-metric", 30_000, 50_000, i -> c.post(ServerBenchmark.API + "runs/log-metric",
            ("{\"run_id\": \"" + runId + "\", \"key\": \"train/loss\", \"value\": " + (1.0 / (i + 1)) + ", \"timestamp\": "
                + (1_767_225_600_000L + i) + ", \"step\": " + i + "}").getBytes(StandardCharsets.UTF_8)));
        measure(transport, "log-batch 1000", 500, 1_000, i -> c.post(ServerBenchmark.API + "runs/log-batch", batches[i & 15]));
      } finally {
        t.tearDown();
      }
      ServerBenchmark.SearchTarget s = new ServerBenchmark.SearchTarget();
      s.transport = transport;
      s.client = "RAW";
      s.setUp();
      try (LoadClient c = LoadClient.open("RAW", s.uri)) {
        measure(transport, "search 100 of 100k", 100, 300, i -> c.post(ServerBenchmark.API + "runs/search", s.request));
      } finally {
        s.tearDown();
      }
    }
  }

  private static void measure(String transport, String what, int warmup, int n, IntUnaryOperator request) {
    for (int i = 0; i < warmup; i++) {
      check(request.applyAsInt(i));
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long client0 = threads.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    for (int i = warmup; i < warmup + n; i++) {
      check(request.applyAsInt(i));
    }
    double wall = (System.nanoTime() - wall0) / 1e3 / n;
    double cpu = (os.getProcessCpuTime() - cpu0) / 1e3 / n;
    double client = (threads.getCurrentThreadCpuTime() - client0) / 1e3 / n;
    System.out.printf("%-6s %-20s %8d requests: CPU %8.1f µs/request (client thread %7.1f, rest %8.1f), wall %8.1f µs/request%n",
        transport, what, n, cpu, client, cpu - client, wall);
  }

  private static void check(int status) {
    if (status != 200) {
      throw new IllegalStateException("HTTP " + status);
    }
  }
}
