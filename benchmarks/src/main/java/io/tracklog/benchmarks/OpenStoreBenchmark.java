package io.tracklog.benchmarks;

import io.tracklog.Durability;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunTag;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #3's budget: open a store of many compacted runs and read one run in ≤ 1 s. One op of
 * {@code openSnapshotGetRun} is {@code StoreReader.open(root)}, {@code snapshot()}, {@code getRun(id)},
 * {@code close()} on a fresh reader, so it pays every cold per-reader cost (catalog replay, manifest
 * parse, liveness pass, Arrow decode) in a warm JVM with a warm page cache.
 *
 * <p>The split: {@code open} (open + close), {@code openSnapshot} (open + snapshot + close),
 * {@code firstGetRun} (only the first getRun of a fresh reader and snapshot; the reader is opened in
 * an untimed per-invocation setup), {@code runsOfExperiment} ({@code Snapshot.runs} over one
 * experiment's runs, a quarter of the store, on a fresh reader).
 *
 * <p>Fixture: {@code runs} runs in 4 experiments, each with 10 params, 5 tags (plus the system
 * tags) and 5 metrics of 4 points, written through the public API ({@link Store#run} with given run
 * ids, from several threads, {@code PAGE_CACHE} durability, manual compaction) and compacted every
 * 20 000 runs, so an experiment has several segments, as a store compacted as it grows has. Run ids
 * are 32 hex digits from a hash of the run's number, so creation order is not id order. Built once
 * and cached in {@code tracklog.bench.fixtures} (default {@code java.io.tmpdir/tracklog-bench-fixtures})
 * as {@code open-store-<runs>-<version>} (see {@link #ensureFixture}), marked complete by a {@code
 * READY} file; at store format 8 a 100 k store takes ~11 s to build and 130 MB of disk, 1 M runs
 * ~3.4 min and 1.26 GB (docs/BENCHMARKS.md, "Store format 8"). Delete the folder to rebuild.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(1)
public class OpenStoreBenchmark {
  public static final int EXPERIMENTS = 4;
  static final int COMPACT_EVERY = 20_000;

  @State(Scope.Benchmark)
  public static class Fixture {
    @org.openjdk.jmh.annotations.Param({"10000", "100000"})
    public int runs;

    Path root;
    String runId;
    String experimentId;

    @Setup(Level.Trial)
    public void setUp() {
      root = ensureFixture(runs);
      runId = runId(runs / 2);
      experimentId = "1";
    }
  }

  /** A fresh reader and snapshot per invocation, opened outside the measurement. */
  @State(Scope.Thread)
  public static class OpenReader {
    StoreReader reader;
    Snapshot snapshot;

    @Setup(Level.Invocation)
    public void open(Fixture f) {
      reader = StoreReader.open(f.root);
      snapshot = reader.snapshot();
    }

    @TearDown(Level.Invocation)
    public void close() {
      reader.close();
    }
  }

  @Benchmark
  public Run openSnapshotGetRun(Fixture f) {
    try (StoreReader reader = StoreReader.open(f.root)) {
      return reader.snapshot().getRun(f.runId);
    }
  }

  @Benchmark
  public Object open(Fixture f) {
    try (StoreReader reader = StoreReader.open(f.root)) {
      return reader;
    }
  }

  @Benchmark
  public long openSnapshot(Fixture f) {
    try (StoreReader reader = StoreReader.open(f.root)) {
      return reader.snapshot().generation();
    }
  }

  @Benchmark
  public Run firstGetRun(Fixture f, OpenReader r) {
    return r.snapshot.getRun(f.runId);
  }

  @Benchmark
  public int runsOfExperiment(Fixture f, OpenReader r) {
    return r.snapshot.runs(f.experimentId, ViewType.ALL).size();
  }

  // ---- fixture ---------------------------------------------------------------------------------

  /** The id of run number {@code i}: 32 hex digits, not in creation order. */
  public static String runId(int i) {
    return String.format("%016x%016x", mix(i * 2L + 1), mix(i * 2L + 2));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public static Path fixtureDir() {
    return Path.of(
        System.getProperty(
            "tracklog.bench.fixtures", Path.of(System.getProperty("java.io.tmpdir"), "tracklog-bench-fixtures").toString()));
  }

  /**
   * The cached fixture store of {@code runs} runs, built first if absent or incomplete. {@code
   * -Dtracklog.bench.fixtureVersion=v4} reads another fixture instead (v4: lanes, segments without
   * search files, to measure the fallback); it is built by this code if absent, so in this code's
   * format except what that code no longer writes.
   */
  // The suffix names the on-disk format the fixture was written with: bump it when that changes
  // (v8: store format 8, RUN_STARTED frames and ZSTD (AUTO) Arrow files; v6: catalog checkpoint parts read in place, manifest format 3 (run index files), metrics batches
  // of 512 series; v5: store format 2 (writer lanes) with a search file per segment; v4: lanes without search
  // files; v3-search: format 1 with search files; v3: manifest format 2, catalog.checkpoint; v2:
  // metrics files with one row per series, no validity bitmaps for null-free columns).
  public static synchronized Path ensureFixture(int runs) {
    return ensureFixture(runs, EXPERIMENTS);
  }

  /**
   * {@link #ensureFixture(int)} with the runs spread over {@code experiments} experiments (one: a
   * single 100 k-run experiment, as the web UI's benchmark wants); cached as {@code
   * open-store-<runs>x<experiments>-<version>} when that is not the default 4.
   */
  public static synchronized Path ensureFixture(int runs, int experiments) {
    String version = System.getProperty("tracklog.bench.fixtureVersion", "v8");
    String name = experiments == EXPERIMENTS ? "open-store-" + runs : "open-store-" + runs + "x" + experiments;
    Path root = fixtureDir().resolve(name + "-" + version);
    if (Files.exists(root.resolve("READY"))) {
      return root;
    }
    try {
      deleteTree(root);
      Files.createDirectories(root);
      long t0 = System.nanoTime();
      build(root, runs, experiments);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      Files.writeString(root.resolve("READY"), "runs=" + runs + " built_ms=" + ms + "\n");
      System.out.println("# fixture " + root + ": " + runs + " runs built in " + ms + " ms");
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void build(Path root, int runs, int experimentCount) {
    StoreOptions options =
        StoreOptions.builder()
            .durability(Durability.PAGE_CACHE)
            .compaction(StoreOptions.CompactionTrigger.MANUAL)
            .userName("bench")
            .build();
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
    try (Store store = Store.open(root, options)) {
      List<String> experiments = new ArrayList<>();
      for (int e = 0; e < experimentCount; e++) {
        experiments.add(store.setExperiment("bench-" + e).experimentId());
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        for (int from = 0; from < runs; from += COMPACT_EVERY) {
          int to = Math.min(runs, from + COMPACT_EVERY);
          List<Future<?>> parts = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int thread = t;
            int lo = from;
            parts.add(
                pool.submit(
                    () -> {
                      for (int i = lo + thread; i < to; i += threads) {
                        writeRun(store, experiments.get(i % experimentCount), i);
                      }
                    }));
          }
          for (Future<?> f : parts) {
            f.get();
          }
          store.compact();
          System.out.println("# fixture: " + to + " runs written and compacted");
        }
      } catch (Exception e) {
        throw new IllegalStateException("building fixture " + root, e);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static void writeRun(Store store, String experimentId, int i) {
    RunSpec spec =
        RunSpec.builder(experimentId)
            .runId(runId(i))
            .runName("run-" + i)
            .startTime(1_700_000_000_000L + i)
            .build();
    store.run(
        spec,
        run -> {
          List<Param> params = new ArrayList<>();
          for (int p = 0; p < 10; p++) {
            params.add(new Param("param_" + p, Integer.toString((i * 31 + p) % 1000)));
          }
          List<RunTag> tags = new ArrayList<>();
          for (int t = 0; t < 5; t++) {
            tags.add(new RunTag("tag_" + t, "value-" + ((i + t) % 50)));
          }
          List<Metric> metrics = new ArrayList<>();
          long ts = 1_700_000_000_000L + i;
          for (int k = 0; k < 5; k++) {
            for (int step = 0; step < 4; step++) {
              metrics.add(new Metric("metric_" + k, 1.0 / (1 + step + k + i % 7), ts + step, step));
            }
          }
          run.logBatch(metrics, params, tags);
        });
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** Builds (or finds) the fixtures without running benchmarks: {@code main 10000 100000}. */
  public static void main(String[] args) {
    for (String a : args) {
      System.out.println(ensureFixture(Integer.parseInt(a)));
    }
  }
}
