package io.tracklog.benchmarks.layouts;

import io.tracklog.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * The write path of every layout (issue #6): {@code logMetric} from one thread, from four threads each
 * on its own run (aggregate ops/s), {@code logBatch1000} (one op = a log_batch of 1000 points: points/s
 * = ops/s × 1000), and {@code startEndRun} (start a run, end it FINISHED, close it).
 *
 * <p>A fresh store per iteration (in {@code java.io.tmpdir}, deleted after the iteration), so disk use
 * is bounded by one iteration; a new run per thread and iteration. Keys: the 8 keys of
 * LogMetricBenchmark, cycled; steps 0, 1, 2, ...; timestamps from {@code System.currentTimeMillis()}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LayoutWriteBenchmark {
  /** The same eight keys as LogMetricBenchmark, so the two measure the same calls. */
  static final String[] KEYS = io.tracklog.benchmarks.LogMetricBenchmark.metricKeys();

  @State(Scope.Benchmark)
  public static class StoreState {
    @Param({"TRACKLOG", "MLFLOW_FILES", "SQLITE", "SQLITE_BATCHED", "JSONL", "ROCKSDB"})
    public Layout layout;

    Path dir;
    StorageLayout store;
    String experimentId;
    /** Runs open in this iteration; the store closes only when they are closed (see LogMetricBenchmark). */
    final AtomicInteger openRuns = new AtomicInteger();

    @Setup(Level.Iteration)
    public void open() {
      dir = DiskUsage.tempDir("layouts-write-");
      store = layout.open(dir.resolve("store"));
      experimentId = store.createExperiment("write");
    }

    @TearDown(Level.Iteration)
    public void close() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (openRuns.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      try {
        store.close();
      } finally {
        DiskUsage.deleteTree(dir);
      }
    }
  }

  @State(Scope.Thread)
  public static class RunState {
    StorageLayout.LayoutRun run;
    long step;
    int keyIndex;
    StoreState shared;

    @Setup(Level.Iteration)
    public void start(StoreState s) {
      shared = s;
      run = s.store.startRun(s.experimentId, null, null, System.currentTimeMillis());
      s.openRuns.incrementAndGet();
      step = 0;
      keyIndex = 0;
    }

    @TearDown(Level.Iteration)
    public void close() {
      try {
        run.close();
      } finally {
        shared.openRuns.decrementAndGet();
      }
    }

    void logOne() {
      String key = KEYS[keyIndex];
      keyIndex = (keyIndex + 1) & (KEYS.length - 1);
      long st = step++;
      run.logMetric(key, 1.0 / (st + 1), System.currentTimeMillis(), st);
    }

    /** 1000 new points (125 steps × 8 keys), built in the op for every layout alike. */
    List<Metric> batch() {
      List<Metric> points = new ArrayList<>(1000);
      long ts = System.currentTimeMillis();
      for (int i = 0; i < 125; i++) {
        long st = step++;
        for (String key : KEYS) {
          points.add(new Metric(key, 1.0 / (st + 1), ts, st));
        }
      }
      return points;
    }
  }

  @Benchmark
  @Threads(1)
  public void logMetric(RunState r) {
    r.logOne();
  }

  @Benchmark
  @Threads(4)
  public void logMetricFourThreads(RunState r) {
    r.logOne();
  }

  @Benchmark
  @Threads(1)
  public void logBatch1000(RunState r) {
    r.run.logBatch(r.batch(), List.of(), List.of());
  }

  @Benchmark
  @Threads(1)
  public String startEndRun(StoreState s) {
    try (StorageLayout.LayoutRun run = s.store.startRun(s.experimentId, null, null, System.currentTimeMillis())) {
      run.end(System.currentTimeMillis());
      return run.runId();
    }
  }
}
