package io.tracklog.benchmarks.layouts;

import io.tracklog.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * The history of a 1 M-point series (issue #6): one run, one key ({@code train/loss}), steps 0..999 999,
 * written per trial through the layout's log_batch (1000 calls of 1000 points), the run ended and the
 * store compacted ({@link StorageLayout#compact()}), then read back whole as {@code List<Metric>} by a
 * warm store handle. Every op sums the points (value + step + timestamp) so nothing stays lazy.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LayoutHistoryBenchmark {
  static final int POINTS = 1_000_000;
  static final String KEY = "train/loss";

  @State(Scope.Benchmark)
  public static class Fixture {
    @Param({"TRACKLOG", "MLFLOW_FILES", "SQLITE", "JSONL", "ROCKSDB"})
    public Layout layout;

    Path dir;
    StorageLayout store;
    String runId;

    @Setup(Level.Trial)
    public void build() {
      dir = DiskUsage.tempDir("layouts-history-");
      store = layout.open(dir.resolve("store"));
      String exp = store.createExperiment("history");
      long base = 1_767_225_600_000L;
      try (StorageLayout.LayoutRun run = store.startRun(exp, null, "one-series", base)) {
        runId = run.runId();
        for (int from = 0; from < POINTS; from += 1000) {
          List<Metric> batch = new ArrayList<>(1000);
          for (int s = from; s < from + 1000; s++) {
            batch.add(new Metric(KEY, 1.0 / (s + 1) + (s % 13) * 1e-4, base + 10L * s, s));
          }
          run.logBatch(batch, List.of(), List.of());
        }
        run.end(base + 10L * POINTS);
      }
      store.compact();
      if (read(this) == 0) {
        throw new IllegalStateException("empty history");
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      try {
        store.close();
      } finally {
        DiskUsage.deleteTree(dir);
      }
    }
  }

  static double read(Fixture f) {
    List<Metric> points = f.store.metricHistory(f.runId, KEY);
    if (points.size() != POINTS) {
      throw new IllegalStateException(f.layout + " returned " + points.size() + " points, not " + POINTS);
    }
    double sum = 0;
    for (Metric m : points) {
      sum += m.value() + m.step() + m.timestampMs();
    }
    return sum;
  }

  @Benchmark
  public double history(Fixture f) {
    return read(f);
  }
}
