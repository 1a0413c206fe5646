package io.tracklog.log;

import io.tracklog.format.ByteSource;

/**
 * Reads a log's events in order. {@link #next()} returns null at the current end; calling it again
 * later returns events appended since (a tail). Not thread-safe; the caller closes it.
 */
public interface EventReader extends AutoCloseable {

  /**
   * The next complete event, or null if there is none yet. The source is valid until the next call.
   *
   * @throws io.tracklog.error.CorruptFileException if the log holds bytes that are not an event
   */
  ByteSource next();

  /** How many events this reader has returned: the {@code seq} of the next one. */
  long position();

  @Override
  void close();
}
