package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Metric;
import io.tracklog.RunSpec;
import io.tracklog.SegmentCompression;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The default compression (docs/FORMAT.md §Compression): short series are ZSTD-compressed, a series
 * too long to share a record batch keeps its points raw, and both read back exactly, in place.
 */
class AutoCompressionTest {
  private static final int LONG = 70_000; // over one batch's 65 536 points: a batch of its own

  @TempDir Path dir;

  /** Logs one long series of random values and 300 short runs; returns every series by run and key. */
  private static Map<String, List<Metric>> logStore(Path root, SegmentCompression compression) {
    Map<String, List<Metric>> logged = new LinkedHashMap<>();
    Random random = new Random(5);
    StoreOptions options =
        StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).segmentCompression(compression).build();
    try (Store store = Store.open(root, options)) {
      String exp = store.createExperiment("e");
      List<Metric> longSeries = new ArrayList<>();
      String longRun =
          store.run(
              RunSpec.of(exp, "long"),
              r -> {
                for (int i = 0; i < LONG; i++) {
                  Metric m = new Metric("loss", random.nextDouble(), 1_700_000_000_000L + i, i);
                  r.logMetric(m.key(), m.value(), m.timestampMs(), m.step());
                  longSeries.add(m);
                }
              });
      logged.put(longRun + "/loss", longSeries);
      for (int i = 0; i < 300; i++) {
        List<Metric> shortSeries = new ArrayList<>();
        String id =
            store.run(
                RunSpec.of(exp, "short-" + i),
                r -> {
                  for (int step = 0; step < 4; step++) {
                    Metric m = new Metric("acc", random.nextDouble(), 1_700_000_000_000L + step, step);
                    r.logMetric(m.key(), m.value(), m.timestampMs(), m.step());
                    shortSeries.add(m);
                  }
                });
        logged.put(id + "/acc", shortSeries);
      }
      store.compact();
    }
    return logged;
  }

  private static long metricsFileBytes(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root.resolve("compacted"))) {
      return files.filter(f -> f.getFileName().toString().startsWith("metrics-")).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  @Test
  void auto_keepsALongSeriesRaw_andCompressesShortOnes() throws IOException {
    Path auto = dir.resolve("auto");
    Path zstd = dir.resolve("zstd");
    Path none = dir.resolve("none");
    logStore(auto, SegmentCompression.AUTO);
    logStore(zstd, SegmentCompression.ZSTD);
    logStore(none, SegmentCompression.NONE);
    long rawPoints = (long) LONG * 24;
    // the long series' steps and timestamps compress to almost nothing under ZSTD; raw, they are 16 B a point
    assertThat(metricsFileBytes(zstd)).isLessThan(rawPoints / 2);
    assertThat(metricsFileBytes(auto)).isGreaterThanOrEqualTo(rawPoints);
    // the 300 short series (run id, key, offsets, 4 points each) compress under AUTO as under ZSTD
    long shortPlain = metricsFileBytes(none) - rawPoints;
    long shortAuto = metricsFileBytes(auto) - rawPoints;
    assertThat(shortAuto).isLessThan(shortPlain / 2);
  }

  @ParameterizedTest
  @EnumSource(SegmentCompression.class)
  void everySeries_readsBackAsLogged_fromMappedBatches(SegmentCompression compression) throws IOException {
    Map<String, List<Metric>> logged = logStore(dir, compression);
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      assertThat(snap.liveRunIds()).isEmpty();
      for (Map.Entry<String, List<Metric>> e : logged.entrySet()) {
        String[] runAndKey = e.getKey().split("/");
        assertThat(snap.metricHistory(runAndKey[0], runAndKey[1])).as(e.getKey()).isEqualTo(e.getValue());
      }
    }
    // and through the in-place view itself, batch by batch (a fallback would hide a failure above)
    try (Stream<Path> files = Files.walk(dir.resolve("compacted"))) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("metrics-")).toList()) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
          ArrowFileView.Batches batches = ArrowFileView.Batches.parse(f, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
          int rows = 0;
          for (int b = 0; b < batches.count(); b++) {
            assertThat(batches.foreignCodec(b)).isFalse();
            rows += batches.batch(b).rows;
          }
          assertThat(rows).isEqualTo(logged.size());
        }
      }
    }
  }
}
