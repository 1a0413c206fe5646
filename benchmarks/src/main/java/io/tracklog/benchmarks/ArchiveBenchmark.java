package io.tracklog.benchmarks;

import io.tracklog.Store;
import io.tracklog.reader.Archive;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.search.RunPage;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
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
 * Offline archives (issue #12 budget: an archive of 1 k runs × 10 k points created in ≤ 2 s, opened
 * and searched once in ≤ 200 ms, ≤ 20 B per point). Once per trial {@link Fixtures#writeStore}
 * writes a store of {@code shape} (one experiment) and compacts it, and one archive of the
 * experiment is made for {@link #openAndSearch}. {@link #create}: {@code Archive.create} of the
 * whole experiment (its runs are sealed in the store's one segment, whose files are re-written with
 * ZSTD rather than compacted again from the logs; the file written, hashed and fsynced).
 * {@link #openAndSearch}: {@code StoreReader.open(archive)} (checks and extracts every entry),
 * one filtered, ordered {@code search_runs} page of 100, close. The archive's size per point is
 * printed at the end of the trial ({@code archive bytes/point}).
 *
 * <p>Run: {@code scripts/bench.sh ArchiveBenchmark -f 1 -wi 2 -i 5}. Disk: the store (~50 B per
 * point of log) and two archives.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
@State(Scope.Benchmark)
public class ArchiveBenchmark {
  @Param({"1000x1x10000"})
  public String shape;

  Path dir;
  Store store;
  String experimentId;
  Path archive;
  Path created;

  @Setup(Level.Trial)
  public void setUp() {
    Fixtures.Shape parsed = Fixtures.Shape.parse(shape);
    dir = Fixtures.tempDir("tracklog-bench-archive-");
    Fixtures.writeStore(dir.resolve("store"), parsed, Fixtures.Values.CURVE, 42);
    store = Store.open(dir.resolve("store"), Fixtures.manualCompaction());
    store.compact();
    experimentId = store.findExperimentByName("benchmark").orElseThrow().experimentId();
    archive = dir.resolve("fixture.tlar");
    created = dir.resolve("created.tlar");
    Archive.create(store, Archive.Selection.ofExperiments(List.of(experimentId)), archive);
    try {
      long bytes = Files.size(archive);
      System.out.printf("%narchive bytes: %d, bytes/point: %.2f%n", bytes, (double) bytes / parsed.points());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
    Fixtures.deleteTree(dir);
  }

  @Benchmark
  public Object create() {
    return Archive.create(store, Archive.Selection.ofExperiments(List.of(experimentId)), created);
  }

  @Benchmark
  public RunPage openAndSearch() {
    try (StoreReader reader = StoreReader.open(archive)) {
      Snapshot snap = reader.snapshot();
      RunPage page = RunSearch.search(snap, SearchRequest.builder(experimentId)
          .filter("metrics.`train/loss` < 0.5").orderBy("metrics.`train/loss` ASC").maxResults(100).build());
      if (page.runs().isEmpty()) {
        throw new IllegalStateException("the search found nothing");
      }
      return page;
    }
  }
}
