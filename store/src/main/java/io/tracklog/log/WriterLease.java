package io.tracklog.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Marks a run as being appended to: a shared OS lock on {@code writer.lock} that every process holds
 * while it may append to the run (an open writer, or a store operation such as a delete). The OS drops
 * it when the process dies, however it dies, so a run whose lease can be taken exclusively has no
 * writer left (DESIGN.md §4), and a compactor that takes it exclusively knows nobody appends while it
 * reads.
 *
 * <p>Within one JVM the lease is reference-counted: every holder shares one channel and one OS lock.
 * The JVM never opens a second channel on a file it holds, because closing any channel on a file
 * drops the process's POSIX locks on it.
 */
public final class WriterLease implements AutoCloseable {
  private static final Map<Path, Object> MONITORS = new ConcurrentHashMap<>();
  private static final Map<Path, Held> HELD = new HashMap<>(); // guarded by the path's monitor

  private static final class Held {
    final FileChannel channel;
    final FileLock lock;
    int refs;

    Held(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }
  }

  private final Path file;
  private boolean released;

  private WriterLease(Path file) {
    this.file = file;
  }

  private static Object monitor(Path key) {
    return MONITORS.computeIfAbsent(key, k -> new Object());
  }

  /** Takes a shared lease, waiting while a compactor or orphan sweep holds the file exclusively. */
  public static WriterLease acquire(Path lockFile) {
    Path key = lockFile.toAbsolutePath().normalize();
    synchronized (monitor(key)) {
      Held held;
      synchronized (HELD) {
        held = HELD.get(key);
      }
      if (held == null) {
        held = open(key);
        synchronized (HELD) {
          HELD.put(key, held);
        }
      }
      held.refs++;
      return new WriterLease(key);
    }
  }

  private static Held open(Path key) {
    FileChannel ch = null;
    try {
      Files.createDirectories(key.getParent());
      ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
      FileLock lock = ProcessLock.lockRetryingFalseDeadlocks(ch, true);
      return new Held(ch, lock);
    } catch (IOException | RuntimeException e) {
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
  public static boolean ifAbandoned(Path lockFile, Runnable action) {
    Path key = lockFile.toAbsolutePath().normalize();
    synchronized (monitor(key)) {
      synchronized (HELD) {
        if (HELD.containsKey(key)) {
          return false;
        }
      }
      if (!Files.exists(key)) {
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
  }

  /** Releases this holder's share; the OS lock goes with the last one in the JVM. Idempotent. */
  @Override
  public void close() {
    synchronized (monitor(file)) {
      if (released) {
        return;
      }
      released = true;
      Held held;
      synchronized (HELD) {
        held = HELD.get(file);
        if (held == null || --held.refs > 0) {
          return;
        }
        HELD.remove(file);
      }
      try {
        try {
          held.lock.release();
        } finally {
          held.channel.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot release writer lease " + file, e);
      }
    }
  }
}
