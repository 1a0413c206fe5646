package io.tracklog.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Marks a run as having a live writer: a shared OS lock on {@code writer.lock} that every writing
 * process holds while its writer is open. The OS drops it when the process dies, however it dies, so
 * a run whose lease can be taken exclusively has no writer left (DESIGN.md §4).
 *
 * <p>At most one lease per file per JVM; the JVM-wide registry also keeps {@link #isAbandoned} from
 * opening a second channel on a file this JVM holds (closing it could drop the lock).
 */
public final class WriterLease implements AutoCloseable {
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private WriterLease(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes a shared lease, waiting while an orphan sweep holds the file exclusively. */
  public static WriterLease acquire(Path lockFile) {
    Path key = lockFile.toAbsolutePath().normalize();
    synchronized (WriterLease.class) {
      return acquireHoldingMonitor(key);
    }
  }

  private static WriterLease acquireHoldingMonitor(Path key) {
    if (!HELD.add(key)) {
      throw new IllegalStateException("This JVM already holds a writer lease on " + key);
    }
    FileChannel ch = null;
    try {
      Files.createDirectories(key.getParent());
      ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      FileLock lock = ch.lock(0, Long.MAX_VALUE, true);
      return new WriterLease(key, ch, lock);
    } catch (IOException | RuntimeException e) {
      HELD.remove(key);
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Cannot lock " + key, io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * Runs {@code action} if no process holds a lease on {@code lockFile}, holding the file exclusively
   * meanwhile so no writer can attach; returns whether it ran.
   */
  public static synchronized boolean ifAbandoned(Path lockFile, Runnable action) {
    Path key = lockFile.toAbsolutePath().normalize();
    if (HELD.contains(key) || !Files.exists(key)) {
      return false;
    }
    try (FileChannel ch = FileChannel.open(key, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        return false;
      }
      if (lock == null) {
        return false;
      }
      try (lock) {
        action.run();
        return true;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check writer lease " + key, e);
    }
  }

  @Override
  public void close() {
    try {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot release writer lease " + file, e);
    } finally {
      HELD.remove(file);
    }
  }
}
