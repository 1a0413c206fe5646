package io.tracklog.compact;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The commit point of compaction (docs/FORMAT.md §Manifest): which Arrow segments are live, and for
 * each compacted run how many of its log's events they cover. Immutable; {@code manifest-<generation>.json}
 * is never modified after it is published.
 *
 * @param catalogPosition catalog events read before the runs were: a run the catalog reopened at or
 *     after this position may have events past its coverage, even if it was sealed
 * @param experiments the catalog's experiments as of {@code catalogPosition}, by id, so that tools
 *     reading only the files (notebooks) can name them
 */
public record Manifest(
    int formatVersion,
    long generation,
    String storeId,
    long createdAt,
    long catalogPosition,
    Map<String, ExperimentEntry> experiments,
    List<Segment> segments) {

  /**
   * The version this code writes: 3, each segment's runs in its run index file. It reads 1
   * (per-run coverage objects) and 2 (runs as id → seq) too (docs/FORMAT.md §Manifest).
   */
  public static final int FORMAT_VERSION = 3;

  public Manifest {
    Objects.requireNonNull(storeId, "storeId");
    experiments = experiments == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(experiments));
    segments = List.copyOf(segments);
  }

  /** The state before any compaction: generation 0, nothing compacted. */
  public static Manifest empty(String storeId) {
    return new Manifest(FORMAT_VERSION, 0, storeId, 0, 0, Map.of(), List.of());
  }

  /** An experiment's name and lifecycle stage ({@code active} or {@code deleted}). */
  public record ExperimentEntry(String name, String lifecycleStage) {}

  /**
   * Where each compacted run lives: run id → its segment (a new map on each call). Loads the run
   * index of every segment of a format-3 manifest.
   */
  public Map<String, Segment> segmentsByRun() {
    Map<String, Segment> map = new HashMap<>();
    for (Segment s : segments) {
      for (String runId : s.runs().keySet()) {
        map.put(runId, s);
      }
    }
    return map;
  }

  /**
   * One segment: the Arrow files of some runs of one experiment, written together, and their run
   * index.
   *
   * @param runs the segment's runs and their coverage; for a manifest of format 3, backed by the
   *     run index file, which is loaded on first use (its size and unsealed runs are known without)
   * @param searchFile the segment's search columns (docs/FORMAT.md §search), or null: segments
   *     written before it existed, or by a writer that left it out, are searched from the runs and
   *     latest files
   * @param runIndexFile the segment's run index file ({@code rows}: its number of runs), or null for
   *     a segment read from a manifest of format 1 or 2, which embeds the runs instead
   */
  public record Segment(
      String experimentId,
      long generation,
      FileEntry runsFile,
      FileEntry latestFile,
      FileEntry metricsFile,
      RunCoverages runs,
      Map<String, KeyStats> metricStats,
      FileEntry searchFile,
      FileEntry runIndexFile) {
    public Segment {
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(runs, "runs");
      metricStats = Map.copyOf(metricStats);
      if (runIndexFile != null && runIndexFile.rows() != runs.size()) {
        throw new IllegalArgumentException(
            "run index " + runIndexFile.path() + " has " + runIndexFile.rows() + " rows for " + runs.size() + " runs");
      }
    }

    /** A segment without a run index file. */
    public Segment(
        String experimentId,
        long generation,
        FileEntry runsFile,
        FileEntry latestFile,
        FileEntry metricsFile,
        RunCoverages runs,
        Map<String, KeyStats> metricStats,
        FileEntry searchFile) {
      this(experimentId, generation, runsFile, latestFile, metricsFile, runs, metricStats, searchFile, null);
    }

    /** A segment without a search file or run index file. */
    public Segment(
        String experimentId,
        long generation,
        FileEntry runsFile,
        FileEntry latestFile,
        FileEntry metricsFile,
        RunCoverages runs,
        Map<String, KeyStats> metricStats) {
      this(experimentId, generation, runsFile, latestFile, metricsFile, runs, metricStats, null, null);
    }

    /** With the runs of any map, in its iteration order; no search file or run index file. */
    public Segment(
        String experimentId,
        long generation,
        FileEntry runsFile,
        FileEntry latestFile,
        FileEntry metricsFile,
        Map<String, RunCoverage> runs,
        Map<String, KeyStats> metricStats) {
      this(experimentId, generation, runsFile, latestFile, metricsFile, RunCoverages.of(runs), metricStats, null, null);
    }

    /** This segment with {@code file} as its run index file. */
    public Segment withRunIndexFile(FileEntry file) {
      return new Segment(experimentId, generation, runsFile, latestFile, metricsFile, runs, metricStats, searchFile, file);
    }

    /** Every file of the segment: runs, latest, metrics, then the search file and run index file it has. */
    public List<FileEntry> files() {
      List<FileEntry> files = new java.util.ArrayList<>(5);
      files.add(runsFile);
      files.add(latestFile);
      files.add(metricsFile);
      if (searchFile != null) {
        files.add(searchFile);
      }
      if (runIndexFile != null) {
        files.add(runIndexFile);
      }
      return List.copyOf(files);
    }

    public long pointCount() {
      return metricsFile.rows();
    }
  }

  /**
   * A file of a segment.
   *
   * @param path relative to the store root, with {@code /} separators
   * @param crc32c CRC32C of the whole file, 8 lower-case hex digits
   */
  public record FileEntry(String path, long length, String crc32c, long rows) {
    public FileEntry {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(crc32c, "crc32c");
    }

    /** A CRC32C as {@link #crc32c()} spells it: 8 lower-case hex digits (no Formatter on open paths). */
    public static String crcHex(long crc) {
      String hex = Long.toHexString(crc & 0xFFFF_FFFFL);
      return "00000000".substring(hex.length()) + hex;
    }
  }

  /**
   * How much of a run's log a segment covers.
   *
   * @param seq events covered (the run's events {@code [0, seq)})
   * @param sealed no process had a writer on the run while it was read, so unless the catalog
   *     reopens it later the log has nothing past {@code seq}
   */
  public record RunCoverage(long seq, boolean sealed) {}

  /**
   * Range of the latest values of one metric key over a segment's runs, for pruning searches.
   * NaN values are not counted (min and max are null if every latest value is NaN); {@code runs} is
   * how many runs have the key at all.
   */
  public record KeyStats(Double min, Double max, long runs) {}
}
