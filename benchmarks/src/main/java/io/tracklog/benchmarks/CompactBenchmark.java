package io.tracklog.benchmarks;

import io.tracklog.Store;
import io.tracklog.compact.Compactor;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compaction throughput (issue #3 budget: ≥ 5 M metric points/s). One op is one whole compaction of
 * a store of {@code shape} = runs × keys × steps points (both default shapes are 1,000,000 points), so
 * <b>points/s = points ÷ (score in s)</b>: 1 M points in 200 ms/op is 5 M points/s.
 *
 * <p><b>Fixture.</b> Once per trial, {@link Fixtures#writeStore} writes a pristine store (one
 * experiment, every run ended FINISHED and its writer closed) with {@code CompactionTrigger.MANUAL}, so
 * closing the writers compacts nothing. Mode SingleShotTime: every measured invocation compacts the
 * same uncompacted input.
 *
 * <ul>
 *   <li>{@link #compact}: the first compaction of a store, exactly. Before each invocation
 *       ({@code @Setup(Level.Invocation)}, not measured) the pristine store is copied into a fresh
 *       temp directory and opened; the measured part is {@code store.compact()} alone (read the
 *       manifest and catalog, open and decode every run's Chronicle log, sort, write and fsync the
 *       three Arrow files, publish the manifest). The copy leaves the logs in the OS page cache, as
 *       they are when a training job's own process compacts on close: this measures CPU cost, not a
 *       cold disk. The store is closed and the copy deleted after each invocation (not measured).
 *   <li>{@link #rebuild}: {@code store.rebuild()} on a store compacted once in the trial setup.
 *       Reading {@code Compactor}: {@code rebuild()} re-reads every run's log (each queue is opened
 *       and closed again per read, since {@code SharedLogs} closes a log when its last lease goes)
 *       and rewrites every segment through the same {@code write} path as the first compaction; it
 *       additionally deletes the files of the generation before last. It needs no copy, but depends
 *       on rebuild keeping that meaning, so {@code compact} is the reference figure; {@code rebuild}
 *       is a cross-check (the two should agree within noise).
 * </ul>
 *
 * <p>Each invocation checks {@code Compactor.Result.pointsWritten()} against the fixture size, so a
 * compaction that silently skips runs fails the benchmark instead of looking fast. The JIT is warm
 * (warmup invocations): the first compaction in a cold JVM ({@code tracklog compact}) is slower.
 *
 * <p>Disk: the pristine store plus one copy, about 45 B per point of Chronicle log plus ~40 B per
 * point of Arrow: under 200 MB for the 1 M-point shapes. Run through {@code scripts/bench.sh} (JVM
 * flags), e.g. {@code scripts/bench.sh CompactBenchmark -prof stack} for where the time goes.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(1)
public class CompactBenchmark {

  /** The pristine, never-compacted store of one trial. */
  @State(Scope.Benchmark)
  public static class Pristine {
    /** RUNSxKEYSxSTEPS; both defaults are 1 M points (many series, and one long series). */
    @Param({"20x5x10000", "1x1x1000000"})
    public String shape;

    Fixtures.Shape parsed;
    Path dir;

    @Setup(Level.Trial)
    public void write() {
      parsed = Fixtures.Shape.parse(shape);
      dir = Fixtures.tempDir("tracklog-bench-compact-pristine-");
      Fixtures.writeStore(dir, parsed, Fixtures.Values.CURVE, 42);
    }

    @TearDown(Level.Trial)
    public void delete() {
      Fixtures.deleteTree(dir);
    }
  }

  /** A fresh copy of the pristine store per invocation, for {@link #compact}. */
  @State(Scope.Benchmark)
  public static class FreshCopy {
    Path dir;
    Store store;
    Compactor.Result result;
    long expectedPoints;

    @Setup(Level.Invocation)
    public void copy(Pristine pristine) {
      expectedPoints = pristine.parsed.points();
      dir = Fixtures.tempDir("tracklog-bench-compact-");
      Fixtures.copyTree(pristine.dir, dir);
      store = Store.open(dir, Fixtures.manualCompaction());
      result = null;
    }

    @TearDown(Level.Invocation)
    public void delete() {
      try {
        if (store != null) {
          store.close();
        }
      } finally {
        Fixtures.deleteTree(dir);
      }
      checkPoints(result, expectedPoints);
    }
  }

  /** The pristine store itself, compacted once, for {@link #rebuild}. */
  @State(Scope.Benchmark)
  public static class Compacted {
    Store store;
    Compactor.Result result;
    long expectedPoints;

    @Setup(Level.Trial)
    public void open(Pristine pristine) {
      expectedPoints = pristine.parsed.points();
      store = Store.open(pristine.dir, Fixtures.manualCompaction());
      checkPoints(store.compact(), expectedPoints);
    }

    @TearDown(Level.Invocation)
    public void check() {
      checkPoints(result, expectedPoints);
    }

    @TearDown(Level.Trial)
    public void close() {
      store.close(); // runs before Pristine's trial teardown deletes the directory
    }
  }

  static void checkPoints(Compactor.Result result, long expected) {
    if (result == null || result.pointsWritten() != expected) {
      throw new IllegalStateException("Compaction wrote " + (result == null ? "nothing" : result.pointsWritten() + " points")
          + ", the fixture has " + expected + " points: the benchmark did not measure a full compaction");
    }
  }

  /** The first compaction of a copy of the pristine store. */
  @Benchmark
  public Compactor.Result compact(FreshCopy s) {
    return s.result = s.store.compact();
  }

  /** A rebuild of the already compacted store: every log re-read, every segment rewritten. */
  @Benchmark
  public Compactor.Result rebuild(Compacted s) {
    return s.result = s.store.rebuild();
  }
}
