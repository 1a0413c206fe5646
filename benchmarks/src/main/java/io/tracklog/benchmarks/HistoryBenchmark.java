package io.tracklog.benchmarks;

import io.tracklog.Metric;
import io.tracklog.Store;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.reader.MetricHistoryPage;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * {@code Snapshot.metricHistory} of one compacted series of {@code points} points (issue #3 budget:
 * the history of a 1 M-point series in ≤ 50 ms). One op is one call, score in ms/op.
 *
 * <p><b>Fixture</b>, once per trial: a store of one run with one key ({@code train/loss}) logged at
 * steps 0..points-1, timestamps 10 ms apart, the run ended and its writer closed, then {@code
 * store.compact()}. The setup checks through the manifest that the run is in a sealed segment and the
 * snapshot has no live runs, so the history comes from the Arrow files, not from the log; it also
 * checks once, with the run's log moved aside, that a fresh reader answers without the log (the reader
 * falls back to the log silently if the Arrow files fail, which would make this benchmark measure the
 * wrong thing).
 *
 * <ul>
 *   <li>{@link #warmFull}: warm reader. The {@link StoreReader} and its {@link Snapshot} are opened in
 *       {@code @Setup(Level.Trial)} and reused by every call, so whatever the reader caches (segment
 *       metadata, checksum verification) is already cached; the OS page cache holds the files.
 *   <li>{@link #coldReaderFull}: cold reader, warm OS cache: each op opens a new {@code StoreReader}
 *       (which opens the store and its catalog queue), takes a snapshot, reads the history and closes
 *       the reader, all measured. This is what a short-lived tool or a new notebook kernel pays.
 *   <li>{@link #warmFirstPage}: {@code metricHistory(runId, key, 25000, null)}, MLflow's first page.
 *   <li>{@link #warmMiddlePage}: the page at offset {@code points / 2}, with the token obtained by
 *       paging through in the setup (a page far into the series; shows whether paging costs the
 *       whole series).
 * </ul>
 *
 * <p>Every result is consumed in full ({@link #consume}: sums value, step and timestamp of every
 * point and checks the count), so a lazy list cannot look faster than materialising the series.
 * Disk: about 85 B per point (log + Arrow), ~85 MB at 1 M points, deleted after the trial.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class HistoryBenchmark {
  static final String KEY = "train/loss";
  static final int PAGE = 25_000;

  /** Points of the one series. */
  @Param({"1000000"})
  public int points;

  Path root;
  String runId;
  StoreReader reader;
  Snapshot snapshot;
  String middleToken;
  int middlePageSize;

  @Setup(Level.Trial)
  public void setUp() {
    root = Fixtures.tempDir("tracklog-bench-history-");
    runId = Fixtures.writeStore(root, new Fixtures.Shape(1, 1, points), Fixtures.Values.CURVE, 7).get(0);
    String storeId;
    try (Store store = Store.open(root, Fixtures.manualCompaction())) {
      CompactBenchmark.checkPoints(store.compact(), points);
      storeId = store.storeId();
    }
    Manifest manifest = ManifestFiles.latest(root, storeId);
    Manifest.Segment segment = manifest.segmentsByRun().get(runId);
    if (segment == null || !segment.runs().get(runId).sealed()) {
      throw new IllegalStateException("Run " + runId + " is not in a sealed segment of manifest " + manifest.generation());
    }
    checkArrowOnly();

    reader = StoreReader.open(root);
    snapshot = reader.snapshot();
    if (!snapshot.liveRunIds().isEmpty()) {
      throw new IllegalStateException("Snapshot reads runs from their logs: " + snapshot.liveRunIds());
    }
    // Page to the middle of the series once, so the benchmark has a token far in.
    String token = null;
    long offset = 0;
    while (offset < points / 2) {
      token = snapshot.metricHistory(runId, KEY, PAGE, token).nextPageToken();
      offset += PAGE;
    }
    middleToken = token;
    middlePageSize = (int) Math.min(PAGE, points - offset);
  }

  /** With the run's logs (the store's lanes) moved aside, a fresh reader must still answer in full: from Arrow. */
  private void checkArrowOnly() {
    Path runDir = root.resolve("logs").resolve("lane-000");
    Path aside = root.resolve("lane-000-aside");
    try {
      Files.move(runDir, aside);
      try (StoreReader r = StoreReader.open(root)) {
        consume(r.snapshot().metricHistory(runId, KEY), points);
      } finally {
        Files.move(aside, runDir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "Reading the history without the run's log failed: the reader does not answer from Arrow alone", e);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    try {
      if (reader != null) {
        reader.close();
      }
    } finally {
      Fixtures.deleteTree(root);
    }
  }

  /** Sums every field of every point (so nothing can stay lazy) and checks the count. */
  static double consume(List<Metric> metrics, long expected) {
    double sum = 0;
    int n = 0;
    for (Metric m : metrics) {
      sum += m.value() + m.step() + m.timestampMs();
      n++;
    }
    if (n != expected) {
      throw new IllegalStateException("History has " + n + " points, expected " + expected);
    }
    return sum;
  }

  @Benchmark
  public double warmFull() {
    return consume(snapshot.metricHistory(runId, KEY), points);
  }

  @Benchmark
  public double coldReaderFull() {
    try (StoreReader r = StoreReader.open(root)) {
      return consume(r.snapshot().metricHistory(runId, KEY), points);
    }
  }

  @Benchmark
  public double warmFirstPage() {
    MetricHistoryPage page = snapshot.metricHistory(runId, KEY, PAGE, null);
    if (page.nextPageToken() == null && points > PAGE) {
      throw new IllegalStateException("First page has no next token");
    }
    return consume(page.metrics(), Math.min(PAGE, points));
  }

  @Benchmark
  public double warmMiddlePage() {
    return consume(snapshot.metricHistory(runId, KEY, PAGE, middleToken).metrics(), middlePageSize);
  }
}
