package io.tracklog.compact;

import io.tracklog.log.EventReader;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** What a {@link Compactor} needs from a store: its runs, and a way to read each run's log. */
public interface CompactionSource {

  String storeId();

  Path root();

  /** How many catalog events exist now. Read before the runs, so later reopenings are noticed. */
  long catalogPosition();

  /**
   * Forces the logs the compaction read to the storage device, so that after a power loss the
   * manifest never records more than the logs hold (its catalog position, its runs' {@code seq}).
   */
  default void forceLogs() {}

  /** Every experiment now, by id. */
  java.util.Map<String, Manifest.ExperimentEntry> experiments();

  /** How new Arrow files are compressed. */
  default io.tracklog.SegmentCompression compression() {
    return io.tracklog.SegmentCompression.AUTO;
  }

  /**
   * Called when a compaction (or rebuild) ends without error, still holding {@code
   * compaction.lock}: the store may checkpoint its catalog then. Must not throw.
   */
  default void compactionFinished() {}

  /** Every registered run. */
  List<RunRef> runs();

  /**
   * Reads a run's log to its current end through {@code read}. If no process has a writer on the
   * run, the read holds the run so that nobody can append meanwhile, and the result is sealed.
   */
  <T> Read<T> readRun(String runId, Function<EventReader, T> read);

  /**
   * A run, and the catalog position of the last time something reopened its log for appending (-1
   * if never).
   */
  record RunRef(String runId, String experimentId, long lastReopened) {}

  record Read<T>(T value, boolean sealed) {}
}
