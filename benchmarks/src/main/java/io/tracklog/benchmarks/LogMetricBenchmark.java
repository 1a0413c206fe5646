package io.tracklog.benchmarks;

import io.tracklog.Durability;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
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
 * Throughput of {@link RunWriter#logMetric(String, double, long)}, the hot path: one score is one
 * metric event appended, so ops/s is events/s. {@code oneThread} logs to one run from one thread;
 * {@code fourThreads} runs four threads, each on its own run in the same store, and JMH reports their
 * aggregate throughput.
 *
 * <p>Each trial gets a fresh store in a temp directory, deleted in the trial teardown. Each thread
 * starts a new run for every iteration, closes it (leaving it RUNNING) and deletes its files
 * afterwards, so disk use stays at about
 * one iteration's worth of events per thread (~40 B per event: a 2 s iteration at 2 M events/s is
 * ~160 MB). Keep iterations short (docs/BENCHMARKS.md, "Running").
 *
 * <p>The JVM flags Chronicle needs are not in this jar's manifest for the fork to see; run it through
 * {@code scripts/bench.sh}, which puts {@code @cli/target/jvm.options} on the host command line so
 * that JMH's forks inherit them. Check with {@code -prof gc} that {@code gc.alloc.rate.norm} of
 * {@code oneThread} stays near 0 B/op: logMetric must allocate nothing in steady state.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LogMetricBenchmark {

  /**
   * Realistic metric keys (10-20 characters), a small fixed set of instances reused on every call
   * as a training loop does, so RunWriter's identity cache of validated keys applies.
   */
  static final String[] KEYS = {
    "train/loss",
    "train/accuracy",
    "val/loss",
    "val/accuracy",
    "learning_rate",
    "grad_norm/global",
    "throughput.samples",
    "gpu0/memory_used_mb",
  };

  /** A copy of {@link #KEYS}, for benchmarks in other packages that log the same keys. */
  public static String[] metricKeys() {
    return KEYS.clone();
  }

  /** One store per trial, shared by all benchmark threads. */
  @State(Scope.Benchmark)
  public static class StoreState {
    /** SYNC_ON_END is the default; logMetric never syncs per call under either setting. */
    @Param({"SYNC_ON_END"})
    public Durability durability;

    Path root;
    Store store;
    String experimentId;

    /**
     * Runs started and not yet ended. JMH lets the first thread to finish its last iteration run this
     * state's trial teardown while the other threads are still in their iteration teardown (see the
     * generated {@code fourThreads_Throughput}), so {@link #closeStore} waits for them: closing the
     * store under a writer that is ending its run made Chronicle throw from the run's tailer.
     */
    final AtomicInteger openRuns = new AtomicInteger();

    @Setup(Level.Trial)
    public void openStore() throws IOException {
      root = Files.createTempDirectory("tracklog-bench-");
      store = Store.open(root, StoreOptions.builder().durability(durability).build());
      experimentId = store.setExperiment("log-metric-benchmark").experimentId();
    }

    @TearDown(Level.Trial)
    public void closeStore() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (openRuns.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      try {
        if (store != null) {
          store.close();
        }
      } finally {
        deleteTree(root);
      }
    }
  }

  /** One run per thread, replaced every iteration so disk use stays bounded. */
  @State(Scope.Thread)
  public static class RunState {
    StoreState shared;
    RunWriter run;
    Path runDir;
    long step;
    int keyIndex;

    @Setup(Level.Iteration)
    public void startRun(StoreState s) {
      shared = s;
      run = s.store.startRun(s.experimentId);
      s.openRuns.incrementAndGet();
      // The run's folder (artifacts only, in format 2: its events are in the store's lanes, which
      // the trial's teardown deletes with the store).
      runDir = s.store.root().resolve("runs").resolve(run.runId());
      step = 0;
      keyIndex = 0;
    }

    /**
     * Closes the writer without ending the run, then deletes the run's files. Not {@code
     * run.end(FINISHED)}: end() first replays every event of the run into the writer's state mirror
     * (RunWriter.appendChecked → refreshMirror), decoding each metric into objects, ~137 B and about a
     * third of the logging time per event. JMH's gc profiler counts teardown allocations in the
     * iteration, so that replay would hide whether logMetric itself allocates; see docs/BENCHMARKS.md.
     */
    @TearDown(Level.Iteration)
    public void closeRun() {
      try {
        run.close();
      } finally {
        try {
          deleteTree(runDir);
        } finally {
          shared.openRuns.decrementAndGet();
        }
      }
    }

    /** One logMetric call: the next key of the cycle, the next step, a value derived from it. */
    void logOne() {
      String key = KEYS[keyIndex];
      keyIndex = (keyIndex + 1) & (KEYS.length - 1);
      long st = step++;
      run.logMetric(key, 1.0 / (st + 1), st);
    }
  }

  @Benchmark
  @Threads(1)
  public void oneThread(RunState r) {
    r.logOne();
  }

  @Benchmark
  @Threads(4)
  public void fourThreads(RunState r) {
    r.logOne();
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete benchmark directory " + dir, e);
    }
  }
}
