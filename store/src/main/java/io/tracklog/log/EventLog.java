package io.tracklog.log;

import io.tracklog.internal.FileOps;
import java.nio.file.Path;

/**
 * An append-only log of encoded events: one per run, one for the catalog. Appends are atomic (a
 * reader sees a whole event or none of it, also after the writing process was killed), thread-safe,
 * and may come from several processes at once; each thread's appends keep their order.
 *
 * <p>Implementations: {@link ChronicleEventLog}. Closing is idempotent.
 */
public interface EventLog extends AutoCloseable {

  /**
   * Appends one encoded event, {@code bytes[0, length)}. When this returns the event is in the OS
   * page cache: it survives the process dying, not the machine losing power ({@link #sync()}).
   * Returns the event's token (stable for the life of the log, for {@link EventReader#seek}).
   */
  long append(byte[] bytes, int length);

  /**
   * As {@link #append(byte[], int)}, writing an event too long for the log's excerpts to its own file
   * (docs/FORMAT.md §Out-of-line events) through {@code ops}.
   *
   * @throws io.tracklog.error.StorageException if that file cannot be written; nothing is appended
   */
  long append(byte[] bytes, int length, FileOps ops);

  /** A reader from the first event; the caller closes it. Thread-confined. */
  EventReader openReader();

  /** Forces appended events to the storage device. */
  void sync();

  Path directory();

  @Override
  void close();
}
