package io.tracklog;

/**
 * How compacted Arrow files are compressed (Arrow IPC buffer compression, read by pyarrow, polars,
 * DuckDB and Arrow Java alike). The search files are never compressed: readers map them and read
 * their columns in place.
 *
 * <p>LZ4 is not offered for writing: Arrow Java's LZ4 codec is commons-compress's pure-Java one, which
 * took 44 s to write 40,000 points here (the dependency measurements saw the same). Readers still
 * accept LZ4 files written by other tools.
 */
public enum SegmentCompression {
  /**
   * The default: Zstandard for the runs and latest files and for the metric points of short series;
   * a series too long to share a record batch with others keeps its points uncompressed, so its
   * history is read in place from the mapping (docs/FORMAT.md §Compression). The benchmark store's
   * runs, latest and metrics files shrink from 2 141 to 355 bytes a run.
   */
  AUTO,
  /** Plain buffers everywhere: zero-copy memory-mapping in pyarrow and polars. */
  NONE,
  /** Zstandard for every buffer, long series included: what archives and stores shipped around use. */
  ZSTD
}
