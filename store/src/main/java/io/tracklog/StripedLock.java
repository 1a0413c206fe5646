package io.tracklog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Many cross-process locks in one file: lock {@code i} is byte {@code i} of the file, taken with an
 * OS byte-range lock after an in-JVM lock (as {@link io.tracklog.log.ProcessLock}). A store keys its runs'
 * check-then-act locks by a hash of the run id into {@link #STRIPES} such locks, so no run needs a
 * lock file of its own; two runs sharing a stripe only ever wait for each other briefly.
 *
 * <p>One instance per file per JVM, shared by whoever {@link #open}s it and kept with its channel
 * open until the last {@link #close}: closing a channel on a file drops every lock the process
 * holds on that file, and keeping it open makes a lock two system calls. Thread-safe.
 */
final class StripedLock implements AutoCloseable {
  /** Locks per file. */
  static final int STRIPES = 4096;

  private static final Map<Path, StripedLock> OPEN = new HashMap<>(); // guarded by itself

  private final Path file;
  private final FileChannel channel;
  // Made on first use: a store that takes no run lock (a reader, a short-lived CLI) allocates none.
  private final AtomicReferenceArray<ReentrantLock> inJvm = new AtomicReferenceArray<>(STRIPES);
  private int users; // guarded by OPEN

  private StripedLock(Path file, FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /** The JVM's instance for {@code lockFile} (created if absent); close it when done. */
  static StripedLock open(Path lockFile) {
    Path key = lockFile.toAbsolutePath().normalize();
    synchronized (OPEN) {
      StripedLock lock = OPEN.get(key);
      if (lock == null) {
        try {
          Files.createDirectories(key.getParent());
          lock = new StripedLock(key, FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot open " + key, e);
        }
        OPEN.put(key, lock);
      }
      lock.users++;
      return lock;
    }
  }

  /** The stripe of a key. */
  static int stripe(String key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /** Runs {@code action} holding stripe {@code stripe(key)}. */
  <T> T withLock(String key, Supplier<T> action) {
    int stripe = stripe(key);
    ReentrantLock local = inJvm(stripe);
    local.lock();
    try {
      if (local.getHoldCount() > 1) {
        return action.get();
      }
      FileLock lock = lock(stripe);
      try {
        return action.get();
      } finally {
        lock.release();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + file + " stripe " + stripe, e);
    } finally {
      local.unlock();
    }
  }

  private ReentrantLock inJvm(int stripe) {
    ReentrantLock lock = inJvm.get(stripe);
    if (lock == null) {
      ReentrantLock fresh = new ReentrantLock();
      lock = inJvm.compareAndExchange(stripe, null, fresh);
      if (lock == null) {
        lock = fresh;
      }
    }
    return lock;
  }

  /** Takes byte {@code stripe}, retrying false deadlock reports (see io.tracklog.log.ProcessLock). */
  private FileLock lock(int stripe) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return channel.lock(stripe, 1, false);
      } catch (IOException e) {
        if (e.getMessage() == null || !e.getMessage().contains("Resource deadlock avoided")) {
          throw e;
        }
        LockSupport.parkNanos(Math.min(1L << Math.min(attempt, 10), 1000L) * 1_000L);
      }
    }
  }

  /** Releases this user's share; the channel closes with the last. Idempotent per user is not tracked. */
  @Override
  public void close() {
    synchronized (OPEN) {
      if (--users > 0) {
        return;
      }
      OPEN.remove(file);
    }
    try {
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + file, e);
    }
  }
}
