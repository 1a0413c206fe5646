package io.tracklog;

/**
 * How compacted Arrow files are compressed (Arrow IPC buffer compression, read by pyarrow, polars and
 * Arrow Java alike). Uncompressed files can be memory-mapped and read without copying, which is why
 * that is the default; ZSTD makes metric files 2–3× smaller at some cost to compaction and reads.
 *
 * <p>LZ4 is not offered for writing: Arrow Java's LZ4 codec is commons-compress's pure-Java one, which
 * took 44 s to write 40,000 points here (the dependency measurements saw the same). Readers still
 * accept LZ4 files written by other tools.
 */
public enum SegmentCompression {
  /** Plain buffers: zero-copy memory-mapping in pyarrow and polars. The default. */
  NONE,
  /** Zstandard (native zstd-jni): what to pick for archives and stores shipped around. */
  ZSTD
}
