package io.tracklog.benchmarks.layouts;

import io.tracklog.SegmentCompression;
import java.nio.file.Path;

/** The layouts compared by the benchmarks; each value opens (creating if absent) its adapter at a directory. */
public enum Layout {
  /** Tracklog as a user gets it: writer lanes, compacted Arrow files (default compression), StoreReader and RunSearch. */
  TRACKLOG,
  /**
   * Tracklog with {@code SegmentCompression.ZSTD} Arrow files: the archive setting (long series
   * compressed too, so their history is no longer read in place). Measured by {@link LayoutBytes} only.
   */
  TRACKLOG_ZSTD,
  /** MLflow's FileStore layout written from Java: a directory per run, a text file per metric. */
  MLFLOW_FILES,
  /** MLflow's SQL schema on SQLite (WAL), one transaction per log call, as MLflow's SqlAlchemyStore. */
  SQLITE,
  /**
   * The same schema, log calls grouped into transactions of up to {@value SqliteLayout#BATCH} calls:
   * faster, but a killed process loses the calls of the open transaction.
   */
  SQLITE_BATCHED,
  /** A JSON-lines file per run (Jackson), appended per call: the layout people write by hand. */
  JSONL,
  /** RocksDB (rocksdbjni), one key per point plus per-run keys, WAL without sync. */
  ROCKSDB;

  public StorageLayout open(Path dir) {
    return switch (this) {
      case TRACKLOG -> new TracklogLayout(dir, SegmentCompression.AUTO);
      case TRACKLOG_ZSTD -> new TracklogLayout(dir, SegmentCompression.ZSTD);
      case MLFLOW_FILES -> new MlflowFileLayout(dir);
      case SQLITE -> new SqliteLayout(dir, false);
      case SQLITE_BATCHED -> new SqliteLayout(dir, true);
      case JSONL -> new JsonLinesLayout(dir);
      case ROCKSDB -> new RocksDbLayout(dir);
    };
  }

  /** The name of the fixture data shared by layouts that store the same bytes (the two SQLite modes). */
  public String fixtureName() {
    return this == TRACKLOG_ZSTD ? "tracklog_zstd" : this == SQLITE_BATCHED ? SQLITE.name().toLowerCase(java.util.Locale.ROOT) : name().toLowerCase(java.util.Locale.ROOT);
  }
}
