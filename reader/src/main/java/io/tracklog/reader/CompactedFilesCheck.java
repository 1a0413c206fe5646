package io.tracklog.reader;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.VerifyReport;
import io.tracklog.VerifyReport.Kind;
import io.tracklog.VerifyReport.Problem;
import io.tracklog.compact.Manifest;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.RunState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The deep part of {@code tracklog verify} ({@link StoreReader#deepVerify()}): every live Arrow file
 * says what the logs say. For each segment of the newest manifest and each of its runs that readers
 * answer from it (not reopened since), the run's first {@code seq} events are folded from its log and
 * compared with the run's rows as the reader decodes them: the runs and latest files (attributes,
 * params, tags, inputs, latest metrics), the metrics file (every key's history, in append order),
 * the search file (the run's row of search columns) and the run index (the run and its {@code seq}).
 * Files whose length or CRC32C fail are skipped: {@link io.tracklog.Store#verify()} reports them,
 * and readers never use them. This catches a file whose checksum matches bytes that say something
 * else (a compactor bug, a file rewritten along with its manifest entry). Not thread-safe; one check.
 */
final class CompactedFilesCheck {
  private final StoreReader reader;
  private final Path root;
  private final BufferAllocator allocator;
  private final Set<Path> skipped;
  private final List<Problem> problems = new ArrayList<>();

  /** @param skipped files already reported as failing their checks */
  CompactedFilesCheck(StoreReader reader, Path root, BufferAllocator allocator, Set<Path> skipped) {
    this.reader = reader;
    this.root = root;
    this.allocator = allocator;
    this.skipped = skipped;
  }

  VerifyReport check(Manifest manifest, CatalogSnapshot catalog) {
    for (Manifest.Segment segment : manifest.segments()) {
      checkSegment(manifest, catalog, segment);
    }
    return new VerifyReport(problems);
  }

  private boolean usable(Manifest.FileEntry entry) {
    return entry != null && !skipped.contains(file(entry));
  }

  private Path file(Manifest.FileEntry entry) {
    return root.resolve(entry.path()).toAbsolutePath().normalize();
  }

  private void content(Manifest.FileEntry entry, String message) {
    problems.add(new Problem(Kind.CONTENT, file(entry), Problem.UNKNOWN_POSITION, message));
  }

  private void checkSegment(Manifest manifest, CatalogSnapshot catalog, Manifest.Segment segment) {
    try {
      segment.runs().load();
    } catch (CorruptFileException e) {
      return; // its run index and runs file both fail their checks: reported, and read from the logs
    }
    Map<String, SegmentReader.CompactedRun> rows = null;
    if (usable(segment.runsFile()) && usable(segment.latestFile())) {
      try {
        rows = SegmentReader.readRuns(root, segment, allocator);
      } catch (CorruptFileException | UnsupportedFormatException e) {
        content(segment.runsFile(), "runs and latest files do not decode: " + e.getMessage());
      }
    }
    RunColumns columns = null;
    if (usable(segment.searchFile())) {
      try {
        columns = SearchFileReader.read(root, segment);
      } catch (CorruptFileException | UnsupportedFormatException e) {
        content(segment.searchFile(), "does not decode: " + e.getMessage());
      }
    }
    Set<String> runIds = new TreeSet<>(segment.runs().keySet());
    if (rows != null && !rows.keySet().equals(runIds)) {
      Manifest.FileEntry index = segment.runIndexFile() != null ? segment.runIndexFile() : segment.runsFile();
      content(index, "disagrees with the runs file on the segment's runs: " + difference(runIds, rows.keySet()));
    }
    for (String runId : runIds) {
      if (catalog.isPurged(runId)) {
        continue; // tracklog gc committed; the next compaction rewrites the segment without it
      }
      if (!catalog.containsRun(runId)) {
        content(segment.runsFile(), "holds run " + runId + ", which the catalog does not have");
      } else if (catalog.lastReopened(runId) < manifest.catalogPosition()) {
        // a run reopened since is read from its logs whole: readers do not use its rows
        checkRun(segment, runId, segment.runs().get(runId).seq(), rows == null ? null : rows.get(runId), columns);
      }
    }
  }

  /** {@code only here [..], only in the runs file [..]} of the runs listed and the runs file's rows. */
  private static String difference(Set<String> listed, Set<String> rows) {
    Set<String> onlyListed = new TreeSet<>(listed);
    onlyListed.removeAll(rows);
    Set<String> onlyRows = new TreeSet<>(rows);
    onlyRows.removeAll(listed);
    return "only here " + onlyListed + ", only in the runs file " + onlyRows;
  }

  private void checkRun(Manifest.Segment segment, String runId, long seq, SegmentReader.CompactedRun row, RunColumns columns) {
    RunState state = new RunState();
    Map<String, List<Metric>> histories = new TreeMap<>();
    long[] events = {0};
    try {
      reader.eachEvent(runId, seq, e -> {
        state.apply(e);
        StoreReader.eachMetric(e, m -> histories.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m));
        events[0]++;
      });
    } catch (RuntimeException e) {
      return; // a log that does not decode: Store.verify() reports it
    }
    if (events[0] < seq) {
      content(segment.runsFile(), "covers " + seq + " events of run " + runId + ", its log holds " + events[0]);
      return;
    }
    Run expected = state.toRun();
    if (row != null) {
      if (row.seq() != seq) {
        content(segment.runsFile(), "run " + runId + " has seq " + row.seq() + ", the run index says " + seq);
      }
      String diff = difference(row.run(), expected);
      if (diff != null) {
        content(diff.startsWith("metric ") ? segment.latestFile() : segment.runsFile(), "run " + runId + ": " + diff);
      }
    }
    if (columns != null) {
      int at = columns.rowOf(runId);
      String diff = at < 0 ? "has no row" : difference(columns.run(at), expected);
      if (diff != null) {
        content(segment.searchFile(), "run " + runId + ": " + diff);
      }
    }
    if (usable(segment.metricsFile())) {
      Set<String> keys = new TreeSet<>(histories.keySet());
      keys.addAll(expected.metrics().keySet());
      try {
        for (String key : keys) {
          List<Metric> file = reader.readHistory(segment.metricsFile(), runId, key);
          List<Metric> log = histories.getOrDefault(key, List.of());
          if (!file.equals(log)) {
            content(segment.metricsFile(), "history of " + runId + "/" + key + " has " + file.size()
                + " points, the log " + log.size() + (file.size() == log.size() ? ", with other values" : ""));
          }
        }
      } catch (CorruptFileException | UnsupportedFormatException e) {
        content(segment.metricsFile(), "does not decode: " + e.getMessage());
      }
    }
  }

  /** The first way a compacted run differs from its log's, or null; a latest metric's starts with "metric". */
  private static String difference(Run file, Run log) {
    if (!file.info().equals(log.info())) {
      return "attributes " + file.info() + ", the log says " + log.info();
    }
    String diff = difference("param", file.params(), log.params());
    if (diff == null) {
      diff = difference("tag", file.tags(), log.tags());
    }
    if (diff == null && !Objects.equals(file.inputs(), log.inputs())) {
      diff = "dataset inputs " + file.inputs() + ", the log says " + log.inputs();
    }
    return diff != null ? diff : difference("metric", file.metrics(), log.metrics());
  }

  /** The first key whose value differs, as {@code <what> <key>: <file's>, the log says <log's>}, or null. */
  private static <V> String difference(String what, Map<String, V> file, Map<String, V> log) {
    Set<String> keys = new TreeSet<>(file.keySet());
    keys.addAll(log.keySet());
    for (String key : keys) {
      V a = file.get(key);
      V b = log.get(key);
      if (!Objects.equals(a, b)) {
        return what + " " + key + ": " + (a == null ? "none" : a) + ", the log says " + (b == null ? "none" : b);
      }
    }
    return null;
  }
}
