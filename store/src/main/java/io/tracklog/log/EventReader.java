package io.tracklog.log;

import io.tracklog.error.CorruptFileException;
import io.tracklog.format.ByteSource;
import io.tracklog.format.DecodeException;
import io.tracklog.format.EventCodec;
import java.nio.file.Path;
import java.util.function.Function;

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

  /**
   * As {@link #next()}, except that a reader which holds a MetricLogged event decoded (a lane's
   * frames are) may hand it to {@code metrics} instead of encoding it only to be decoded again, and
   * return {@link #METRIC_DELIVERED}; {@link #position()} already counts it while the sink runs.
   * Readers of encoded events return {@link #next()}.
   */
  default ByteSource next(EventCodec.MetricSink metrics) {
    return next();
  }

  /** What {@link #next(EventCodec.MetricSink)} returns for a point it handed to the sink (compare by identity; empty). */
  ByteSource METRIC_DELIVERED = new ByteSource(new byte[0], 0, 0);

  /** How many events this reader has returned: the {@code seq} of the next one. */
  long position();

  /**
   * The log's own token for the event {@link #next()} returned last (stable for the life of the log
   * files, for {@link #seek}), or -1 if there is none or this reader cannot name events.
   */
  default long lastToken() {
    return -1;
  }

  /**
   * Moves this reader so that {@link #next()} returns the event named by {@code token} (from {@link
   * #lastToken()} of a reader of the same log), counting it as the event at {@code position}. The
   * caller vouches for the position: check the event that comes back. Returns false, with the reader
   * back at the log's start, if the log has no such event or this reader cannot seek.
   */
  default boolean seek(long token, long position) {
    rewind();
    return false;
  }

  /** Moves this reader back to the log's first event (position 0). */
  default void rewind() {
    throw new UnsupportedOperationException("this reader cannot rewind");
  }

  /** The log (file or folder) the event {@link #next()} returned last came from, for errors. */
  Path source();

  /**
   * Decodes {@code src}, an event this reader returned: bytes that do not decode are a {@link
   * CorruptFileException} naming the log and the event's position, never a raw decoding error.
   */
  default <T> T decode(ByteSource src, Function<ByteSource, T> decoder) {
    try {
      return decoder.apply(src);
    } catch (DecodeException e) {
      throw corrupt(e.getMessage(), e);
    }
  }

  /** A {@link CorruptFileException} about the event {@link #next()} returned last. */
  default CorruptFileException corrupt(String detail, Throwable cause) {
    return new CorruptFileException(source(), "event " + (position() - 1) + ": " + detail, cause);
  }

  @Override
  void close();
}
