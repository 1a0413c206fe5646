package io.tracklog.benchmarks;

import io.tracklog.Store;
import io.tracklog.compact.Compactor;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Disk bytes per compacted metric point (issue #3 budget: ≤ 24 B per compacted point). Not a timing:
 * writes a store of realistic data, compacts it, and prints the sizes of the compacted files and of the
 * raw Chronicle logs, divided by the number of points.
 *
 * <p>Data: {@code RUNSxKEYSxSTEPS} (default {@code 10x10x10000} = 1 M points), one experiment; every
 * run logs all its keys at each step, timestamps 10 ms apart (2026-01-01 on), values uniform random
 * doubles (full-entropy mantissas: no encoding can shrink them below 8 B), steps 0..STEPS-1.
 *
 * <p>Sizes come from the newest manifest's file entries ({@code length}, {@code rows}), summed over
 * every segment, so this does not depend on the Arrow layout: the metrics file's bytes ÷ points is
 * the figure for the budget whatever its rows are. Points are counted from the fixture and checked
 * against {@code Compactor.Result.pointsWritten()}. Chronicle cycle files are sparse (preallocated in
 * 1 MiB blocks), so their apparent size ({@code ls -l}) overstates them; the allocated size ({@code du
 * -B1}) is printed next to it.
 *
 * <pre>
 * java @cli/target/jvm.options -cp benchmarks/target/benchmarks.jar io.tracklog.benchmarks.BytesPerPoint [10x10x10000] [--keep]
 * scripts/bench.sh --main io.tracklog.benchmarks.BytesPerPoint [10x10x10000] [--keep]
 * </pre>
 *
 * {@code --keep} leaves the store in place (its path is printed) instead of deleting it.
 */
public final class BytesPerPoint {
  private BytesPerPoint() {}

  public static void main(String[] args) {
    Fixtures.Shape shape = Fixtures.Shape.parse("10x10x10000");
    boolean keep = false;
    for (String a : args) {
      if (a.equals("--keep")) {
        keep = true;
      } else {
        shape = Fixtures.Shape.parse(a);
      }
    }
    Path root = Fixtures.tempDir("tracklog-bytes-per-point-");
    try {
      long t0 = System.nanoTime();
      List<String> runIds = Fixtures.writeStore(root, shape, Fixtures.Values.RANDOM, 1);
      long t1 = System.nanoTime();
      Manifest manifest;
      Compactor.Result result;
      try (Store store = Store.open(root, Fixtures.manualCompaction())) {
        result = store.compact();
        manifest = ManifestFiles.latest(root, store.storeId());
      }
      long t2 = System.nanoTime();
      long points = shape.points();
      if (result.pointsWritten() != points || result.runsWritten() != runIds.size()) {
        throw new IllegalStateException("Compaction wrote " + result + ", expected " + points + " points of " + runIds.size() + " runs");
      }

      long runsBytes = 0, latestBytes = 0, metricsBytes = 0, runsRows = 0, latestRows = 0, metricsRows = 0;
      for (Manifest.Segment s : manifest.segments()) {
        runsBytes += s.runsFile().length();
        runsRows += s.runsFile().rows();
        latestBytes += s.latestFile().length();
        latestRows += s.latestFile().rows();
        metricsBytes += s.metricsFile().length();
        metricsRows += s.metricsFile().rows();
      }
      Path runsDir = root.resolve("logs"); // the catalog and the lanes: every log of the store
      long logApparent = Fixtures.apparentBytes(runsDir);
      long logAllocated = Fixtures.allocatedBytes(runsDir);
      long compactedApparent = Fixtures.apparentBytes(root.resolve("compacted"));

      System.out.printf(Locale.ROOT, "store %s%n", root);
      System.out.printf(Locale.ROOT, "data: %s = %,d points (%d runs x %d keys x %d steps), random doubles, timestamps %d ms apart%n",
          shape, points, shape.runs(), shape.keys(), shape.steps(), Fixtures.STEP_INTERVAL_MS);
      System.out.printf(Locale.ROOT, "write %.2f s, compact %.2f s (cold JVM; not a benchmark), manifest generation %d, %d segment(s)%n",
          (t1 - t0) / 1e9, (t2 - t1) / 1e9, manifest.generation(), manifest.segments().size());
      System.out.printf(Locale.ROOT, "%-36s %15s %10s %12s%n", "what", "bytes", "rows", "B/point");
      row("metrics Arrow files (budget <= 24)", metricsBytes, metricsRows, points);
      row("latest Arrow files", latestBytes, latestRows, points);
      row("runs Arrow files", runsBytes, runsRows, points);
      row("all three Arrow files", runsBytes + latestBytes + metricsBytes, -1, points);
      row("compacted/ (du --apparent-size)", compactedApparent, -1, points);
      row("run logs, apparent (ls -l)", logApparent, -1, points);
      row("run logs, allocated (du -B1)", logAllocated, -1, points);
      System.out.printf(Locale.ROOT, "budget <= 24 B/point for metrics files: %s (%.2f B/point)%n",
          metricsBytes <= 24L * points ? "MET" : "NOT MET", (double) metricsBytes / points);
    } finally {
      if (keep) {
        System.out.println("kept " + root);
      } else {
        Fixtures.deleteTree(root);
      }
    }
  }

  private static void row(String what, long bytes, long rows, long points) {
    System.out.printf(Locale.ROOT, "%-36s %,15d %10s %12.2f%n", what, bytes, rows < 0 ? "" : String.format(Locale.ROOT, "%,d", rows),
        (double) bytes / points);
  }
}
