package io.tracklog.benchmarks.layouts;

import io.tracklog.Metric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Bytes on disk per metric point of every layout (issue #6; not a timing): 10 runs × 10 keys ×
 * 10 000 steps (1 M points) of uniform random doubles, timestamps 10 ms apart, logged through each
 * layout's log_batch (1000 points a call), runs ended, the store compacted
 * ({@link StorageLayout#compact()}: Tracklog's Arrow compaction, SQLite's WAL checkpoint, RocksDB's
 * flush and full compaction) and closed; then {@code du -B1} of the store ÷ points. Tracklog's figure
 * counts its run logs and its Arrow files, both kept; TRACKLOG_ZSTD is the same with ZSTD Arrow files.
 *
 * <pre>scripts/bench.sh --main io.tracklog.benchmarks.layouts.LayoutBytes [--out FILE.tsv] [LAYOUT,...]</pre>
 */
public final class LayoutBytes {
  private LayoutBytes() {}

  public static void main(String[] args) throws IOException {
    Path out = null;
    List<Layout> layouts = new ArrayList<>(List.of(Layout.TRACKLOG, Layout.TRACKLOG_ZSTD, Layout.MLFLOW_FILES, Layout.SQLITE, Layout.JSONL, Layout.ROCKSDB));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out")) {
        out = Path.of(args[++i]);
      } else {
        layouts.clear();
        for (String l : args[i].split(",")) {
          layouts.add(Layout.valueOf(l));
        }
      }
    }
    int runs = 10;
    int keys = 10;
    int steps = 10_000;
    long points = (long) runs * keys * steps;
    StringBuilder tsv = new StringBuilder();
    System.out.printf(Locale.ROOT, "%-14s %14s %14s %10s%n", "layout", "allocated B", "apparent B", "B/point");
    for (Layout layout : layouts) {
      Path dir = DiskUsage.tempDir("layouts-bytes-");
      try {
        Path root = dir.resolve("store");
        SplittableRandom random = new SplittableRandom(42);
        try (StorageLayout store = layout.open(root)) {
          String exp = store.createExperiment("bytes");
          long base = 1_767_225_600_000L;
          for (int r = 0; r < runs; r++) {
            try (StorageLayout.LayoutRun run = store.startRun(exp, null, "run-" + r, base)) {
              List<Metric> batch = new ArrayList<>(1000);
              for (int s = 0; s < steps; s++) {
                for (int k = 0; k < keys; k++) {
                  batch.add(new Metric("metric_key_" + k, random.nextDouble(), base + 10L * s, s));
                  if (batch.size() == 1000) {
                    run.logBatch(batch, List.of(), List.of());
                    batch = new ArrayList<>(1000);
                  }
                }
              }
              run.end(base + 10L * steps);
            }
          }
          store.compact();
        }
        long allocated = DiskUsage.allocatedBytes(root);
        long apparent = DiskUsage.apparentBytes(root);
        double perPoint = (double) allocated / points;
        System.out.printf(Locale.ROOT, "%-14s %,14d %,14d %10.2f%n", layout, allocated, apparent, perPoint);
        tsv.append(String.format(Locale.ROOT, "bytesPerPoint\t%s\t%.3f\tB/point\n", layout, perPoint));
      } finally {
        DiskUsage.deleteTree(dir);
      }
    }
    if (out != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, tsv.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
    }
  }
}
