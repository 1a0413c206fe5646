package io.tracklog.benchmarks.layouts;

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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Search at 10 k and 100 k runs (issue #6): the runs of four experiments whose latest {@code metric_0}
 * is above 0.15 and whose {@code param_0} starts with "1", ordered by {@code metric_1} descending, the
 * first 100 ({@link SearchFixtures}). One store handle per trial (warm: reader caches and page cache);
 * every answer of the setup is checked against {@link SearchFixtures#expected}.
 *
 * <p>{@code MLFLOW_FILES} at 100 k runs needs a fixture of ~2.7 M files and directories (~11 GB
 * allocated by 4 KiB blocks); it runs only with {@code -Dlayouts.files100k=true}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LayoutSearchBenchmark {

  @State(Scope.Benchmark)
  public static class Fixture {
    @Param({"TRACKLOG", "MLFLOW_FILES", "SQLITE", "JSONL", "ROCKSDB"})
    public Layout layout;

    @Param({"10000", "100000"})
    public int runs;

    StorageLayout store;
    StorageLayout.RunQuery query;

    @Setup(Level.Trial)
    public void open() {
      if (layout == Layout.MLFLOW_FILES && runs > 10_000 && !Boolean.getBoolean("layouts.files100k")) {
        throw new IllegalStateException("MLFLOW_FILES at " + runs + " runs is skipped (~11 GB of small files); -Dlayouts.files100k=true runs it");
      }
      Path root = SearchFixtures.ensure(layout, runs);
      store = layout.open(root);
      query = SearchFixtures.query(store);
      List<String> got = store.search(query);
      List<String> want = SearchFixtures.expected(runs);
      if (!got.equals(want)) {
        throw new IllegalStateException(layout + " answered " + got.size() + " runs, not the expected " + want.size()
            + "; first " + (got.isEmpty() ? "-" : got.get(0)) + " vs " + (want.isEmpty() ? "-" : want.get(0)));
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      store.close();
    }
  }

  @Benchmark
  public List<String> search(Fixture f) {
    return f.store.search(f.query);
  }
}
