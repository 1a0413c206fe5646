package io.tracklog.benchmarks;

import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Log bytes per single-point {@code logMetric} call (not a timing): one run logs {@code N} points
 * (default 200 000) of one key, and the growth of the lane's cycle files, counted to their last
 * non-zero byte (Chronicle preallocates past its content), is divided by {@code N}. This is the log
 * side of a point logged one call at a time: its frame, its check (store format 4) and Chronicle's
 * header and padding; the compacted side is {@link BytesPerPoint}.
 *
 * <pre>
 * scripts/bench.sh --main io.tracklog.benchmarks.LogBytesPerCall [N]
 * </pre>
 */
public final class LogBytesPerCall {
  private LogBytesPerCall() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Path root = Fixtures.tempDir("tracklog-log-bytes-");
    try (Store store = Store.open(root, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      String exp = store.createExperiment("bytes");
      try (RunWriter w = store.startRun(exp)) {
        long before = laneBytes(root);
        for (int i = 0; i < n; i++) {
          w.logMetric("loss", 1.0 / (i + 1), i);
        }
        System.out.printf(Locale.ROOT, "log bytes per logMetric call: %.2f (%d points)%n", (laneBytes(root) - before) / (double) n, n);
      }
    } finally {
      Fixtures.deleteTree(root);
    }
  }

  private static long laneBytes(Path root) {
    long total = 0;
    try (Stream<Path> files = Files.walk(root.resolve("logs"))) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".cq4") && f.toString().contains("lane-")).toList()) {
        byte[] bytes = Files.readAllBytes(p);
        int used = bytes.length;
        while (used > 0 && bytes[used - 1] == 0) {
          used--;
        }
        total += used;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return total;
  }
}
