package io.tracklog.benchmarks.layouts;

import io.tracklog.Metric;
import io.tracklog.benchmarks.OpenStoreBenchmark;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Opening a store cold (issue #6): one op opens a fresh handle on a search fixture
 * ({@link SearchFixtures}), reads one run's {@code metric_0} history (4 points) and closes it, so it
 * pays what a short-lived tool pays before its first answer (Tracklog: catalog replay, manifest,
 * snapshot; SQLite: connection and schema; RocksDB: manifest and WAL recovery; the file layouts:
 * finding the run's directory). Warm JVM, warm page cache.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class LayoutOpenBenchmark {

  @State(Scope.Benchmark)
  public static class Fixture {
    @Param({"TRACKLOG", "MLFLOW_FILES", "SQLITE", "JSONL", "ROCKSDB"})
    public Layout layout;

    @Param({"10000", "100000"})
    public int runs;

    Path root;
    String runId;

    @Setup(Level.Trial)
    public void find() {
      if (layout == Layout.MLFLOW_FILES && runs > 10_000 && !Boolean.getBoolean("layouts.files100k")) {
        throw new IllegalStateException("MLFLOW_FILES at " + runs + " runs is skipped (~11 GB of small files); -Dlayouts.files100k=true runs it");
      }
      root = SearchFixtures.ensure(layout, runs);
      runId = OpenStoreBenchmark.runId(runs / 2);
    }
  }

  @Benchmark
  public int openReadClose(Fixture f) {
    try (StorageLayout store = f.layout.open(f.root)) {
      List<Metric> points = store.metricHistory(f.runId, SearchFixtures.METRIC);
      if (points.size() != 4) {
        throw new IllegalStateException(f.layout + ": " + points.size() + " points");
      }
      return points.size();
    }
  }
}
