package io.tracklog.benchmarks.layouts;

import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunTag;
import io.tracklog.benchmarks.OpenStoreBenchmark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The many-run stores of the search and open benchmarks, one per layout and size, built once and
 * cached next to {@link OpenStoreBenchmark}'s ({@code java.io.tmpdir/tracklog-bench-fixtures}, or
 * {@code -Dtracklog.bench.fixtures=DIR}). Tracklog's is {@link OpenStoreBenchmark#ensureFixture}
 * itself (written through the API, compacted every 20 000 runs); every other layout gets the same
 * runs, written through its adapter: 4 experiments, run {@code i} in {@code bench-(i % 4)} with the
 * same id, name and start time, 10 params, 5 tags and 5 metrics of 4 points in one log_batch. The data
 * definitions below must stay equal to {@code OpenStoreBenchmark.writeRun}; {@link #expected} checks
 * every layout's answer against them.
 */
public final class SearchFixtures {
  private SearchFixtures() {}

  /** The search every layout answers: ~4.8% of the runs match, the first 100 by metric_1 are returned. */
  public static final String METRIC = "metric_0";
  public static final double METRIC_ABOVE = 0.15;
  public static final String PARAM = "param_0";
  public static final String PARAM_PREFIX = "1";
  public static final String ORDER = "metric_1";

  static long startTime(int i) {
    return 1_700_000_000_000L + i;
  }

  static List<Param> params(int i) {
    List<Param> params = new ArrayList<>();
    for (int p = 0; p < 10; p++) {
      params.add(new Param("param_" + p, Integer.toString((i * 31 + p) % 1000)));
    }
    return params;
  }

  static List<RunTag> tags(int i) {
    List<RunTag> tags = new ArrayList<>();
    for (int t = 0; t < 5; t++) {
      tags.add(new RunTag("tag_" + t, "value-" + ((i + t) % 50)));
    }
    return tags;
  }

  static List<Metric> metrics(int i) {
    List<Metric> metrics = new ArrayList<>();
    long ts = startTime(i);
    for (int k = 0; k < 5; k++) {
      for (int step = 0; step < 4; step++) {
        metrics.add(new Metric("metric_" + k, 1.0 / (1 + step + k + i % 7), ts + step, step));
      }
    }
    return metrics;
  }

  /** The query over the store's four experiments. */
  public static StorageLayout.RunQuery query(StorageLayout store) {
    List<String> exps = new ArrayList<>();
    for (int e = 0; e < OpenStoreBenchmark.EXPERIMENTS; e++) {
      exps.add(store.experimentId("bench-" + e));
    }
    return new StorageLayout.RunQuery(exps, METRIC, METRIC_ABOVE, PARAM, PARAM_PREFIX, ORDER, true, 100);
  }

  /** The answer computed from the data definitions: what every layout must return. */
  public static List<String> expected(int runs) {
    record R(int i, double order) {}
    List<R> hits = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      double m0 = 1.0 / (1 + 3 + i % 7);
      String p0 = Integer.toString((i * 31) % 1000);
      if (m0 > METRIC_ABOVE && p0.startsWith(PARAM_PREFIX)) {
        hits.add(new R(i, 1.0 / (1 + 3 + 1 + i % 7)));
      }
    }
    hits.sort(Comparator.comparingDouble((R r) -> -r.order).thenComparingLong(r -> -startTime(r.i)));
    List<String> ids = new ArrayList<>();
    for (int k = 0; k < Math.min(100, hits.size()); k++) {
      ids.add(OpenStoreBenchmark.runId(hits.get(k).i));
    }
    return ids;
  }

  /** The cached store of {@code runs} runs for {@code layout}, built first if absent. */
  public static synchronized Path ensure(Layout layout, int runs) {
    if (layout == Layout.TRACKLOG) {
      return OpenStoreBenchmark.ensureFixture(runs);
    }
    Path root = OpenStoreBenchmark.fixtureDir().resolve("layout-" + layout.fixtureName() + "-" + runs + "-v1");
    if (Files.exists(root.resolve("READY"))) {
      return root.resolve("store");
    }
    try {
      DiskUsage.deleteTree(root);
      Files.createDirectories(root);
      long t0 = System.nanoTime();
      try (StorageLayout store = layout.open(root.resolve("store"))) {
        List<String> exps = new ArrayList<>();
        for (int e = 0; e < OpenStoreBenchmark.EXPERIMENTS; e++) {
          exps.add(store.createExperiment("bench-" + e));
        }
        for (int i = 0; i < runs; i++) {
          try (StorageLayout.LayoutRun run =
              store.startRun(exps.get(i % OpenStoreBenchmark.EXPERIMENTS), OpenStoreBenchmark.runId(i), "run-" + i, startTime(i))) {
            run.logBatch(metrics(i), params(i), tags(i));
            run.end(startTime(i) + 1000);
          }
          if ((i + 1) % 20_000 == 0) {
            System.out.println("# fixture " + layout + ": " + (i + 1) + " runs");
          }
        }
        store.compact();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      long bytes = DiskUsage.allocatedBytes(root);
      Files.writeString(root.resolve("READY"), "runs=" + runs + " built_ms=" + ms + " bytes=" + bytes + "\n");
      System.out.println("# fixture " + root + ": " + runs + " runs built in " + ms + " ms, " + bytes + " bytes");
      return root.resolve("store");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Builds (or finds) fixtures without running benchmarks: {@code main LAYOUT[,LAYOUT] RUNS[,RUNS]}. */
  public static void main(String[] args) {
    for (String l : args[0].split(",")) {
      for (String r : args[1].split(",")) {
        System.out.println(ensure(Layout.valueOf(l), Integer.parseInt(r)));
      }
    }
  }
}
