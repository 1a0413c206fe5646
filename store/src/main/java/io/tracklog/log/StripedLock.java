package io.tracklog.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Many cross-process locks in one file: lock {@code i} is byte {@code i} of the file, taken with an
 * OS byte-range lock after an in-JVM lock (as {@link ProcessLock}). A store keys its runs'
 * check-then-act locks by a hash of the run id into {@link #STRIPES} such locks, so no run needs a
 * lock file of its own; two runs sharing a stripe only ever wait for each other briefly.
 *
 * <p>The JVM keeps one channel per file while any stripe of it is held, because closing a channel
 * on a file drops every lock the process holds on that file.
 */
public final class StripedLock {
  /** Locks per file. */
  public static final int STRIPES = 4096;

  private static final ConcurrentHashMap<String, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<Path, Shared> CHANNELS = new ConcurrentHashMap<>();

  private static final class Shared {
    FileChannel channel;
    int holders;
  }

  private StripedLock() {}

  /**
   * Keeps the file's channel open until {@link #unretain}: a store retains its lock files while open,
   * so taking a lock costs the two lock system calls, not also an open and a close.
   */
  public static void retain(Path lockFile) {
    try {
      open(lockFile.toAbsolutePath().normalize());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open " + lockFile, e);
    }
  }

  public static void unretain(Path lockFile) {
    try {
      release(lockFile.toAbsolutePath().normalize());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + lockFile, e);
    }
  }

  /** The stripe of a key. */
  public static int stripe(String key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /** Runs {@code action} holding stripe {@code stripe(key)} of {@code lockFile} (created if absent). */
  public static <T> T withLock(Path lockFile, String key, Supplier<T> action) {
    Path file = lockFile.toAbsolutePath().normalize();
    int stripe = stripe(key);
    ReentrantLock local = IN_JVM.computeIfAbsent(file + "#" + stripe, k -> new ReentrantLock());
    local.lock();
    try {
      if (local.getHoldCount() > 1) {
        return action.get();
      }
      FileChannel ch = open(file);
      try {
        FileLock lock = lock(ch, stripe);
        try {
          return action.get();
        } finally {
          lock.release();
        }
      } finally {
        release(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + file + " stripe " + stripe, e);
    } finally {
      local.unlock();
    }
  }

  private static FileChannel open(Path file) throws IOException {
    Shared shared = CHANNELS.computeIfAbsent(file, k -> new Shared());
    synchronized (shared) {
      if (shared.channel == null) {
        Files.createDirectories(file.getParent());
        shared.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      }
      shared.holders++;
      return shared.channel;
    }
  }

  private static void release(Path file) throws IOException {
    Shared shared = CHANNELS.get(file);
    synchronized (shared) {
      if (--shared.holders == 0) {
        FileChannel ch = shared.channel;
        shared.channel = null;
        ch.close();
      }
    }
  }

  /** Takes byte {@code stripe}, retrying false deadlock reports (see ProcessLock). */
  private static FileLock lock(FileChannel ch, int stripe) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return ch.lock(stripe, 1, false);
      } catch (IOException e) {
        if (e.getMessage() == null || !e.getMessage().contains("Resource deadlock avoided")) {
          throw e;
        }
        LockSupport.parkNanos(Math.min(1L << Math.min(attempt, 10), 1000L) * 1_000L);
      }
    }
  }
}
