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
 * A mutual-exclusion lock across threads and processes: an in-JVM lock per file, then an OS lock on
 * the file (the way Lucene's {@code NativeFSLockFactory} pairs them). The in-JVM lock comes first
 * because OS locks belong to the process: two threads of one JVM would otherwise both "hold" it, and
 * closing any channel on the file can drop the process's lock.
 */
public final class ProcessLock {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();
  /** Channels kept open by {@link #retain}, with how many retain them; guarded by the map. */
  private static final java.util.HashMap<Path, Object[]> RETAINED = new java.util.HashMap<>();

  /**
   * Keeps a channel on {@code lockFile} open until the matching {@link #unretain}, so that {@link
   * #withLock} takes the lock with two system calls instead of also opening and closing the file (a
   * store retains its catalog lock while open).
   */
  public static void retain(Path lockFile) {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock local = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
    local.lock(); // no withLock is between opening and closing a channel of its own
    try {
      synchronized (RETAINED) {
        Object[] held = RETAINED.get(key);
        if (held == null) {
          Files.createDirectories(key.getParent());
          RETAINED.put(key, new Object[] {FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE), 1});
        } else {
          held[1] = (Integer) held[1] + 1;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open " + key, e);
    } finally {
      local.unlock();
    }
  }

  public static void unretain(Path lockFile) {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock local = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
    local.lock();
    try {
      FileChannel closing = null;
      synchronized (RETAINED) {
        Object[] held = RETAINED.get(key);
        if (held != null) {
          int n = (Integer) held[1] - 1;
          if (n == 0) {
            RETAINED.remove(key);
            closing = (FileChannel) held[0];
          } else {
            held[1] = n;
          }
        }
      }
      if (closing != null) {
        closing.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close " + key, e);
    } finally {
      local.unlock();
    }
  }

  private ProcessLock() {}

  /** Runs {@code action} holding the lock on {@code lockFile} (created if absent). */
  public static <T> T withLock(Path lockFile, Supplier<T> action) {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock local = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
    local.lock();
    try {
      if (local.getHoldCount() > 1) {
        return action.get(); // re-entered: this thread already holds the OS lock
      }
      FileChannel retained;
      synchronized (RETAINED) {
        Object[] held = RETAINED.get(key);
        retained = held == null ? null : (FileChannel) held[0];
      }
      if (retained != null) {
        try (FileLock ignored = lockRetryingFalseDeadlocks(retained, false)) {
          return action.get();
        }
      }
      Files.createDirectories(key.getParent());
      try (FileChannel ch =
              FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = lockRetryingFalseDeadlocks(ch, false)) {
        return action.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + key, e);
    } finally {
      local.unlock();
    }
  }

  /**
   * Takes the OS lock, retrying when the kernel reports a deadlock that is not one. fcntl locks
   * belong to the process, so Linux's deadlock detection sees a cycle between two multi-threaded
   * processes where there is none: thread a1 holds X while a2 waits for Y, and thread b1 holds Y
   * while b2 asks for X. b2 gets EDEADLK although a1 will release X without needing Y. Tracklog
   * takes its file locks in one order (catalog, then a run's writer lease, then its state lock), so
   * a real cycle cannot occur, and waiting a little and asking again is correct.
   */
  static FileLock lockRetryingFalseDeadlocks(FileChannel ch, boolean shared) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return ch.lock(0, Long.MAX_VALUE, shared);
      } catch (IOException e) {
        if (!isDeadlockAvoided(e)) {
          throw e;
        }
        LockSupport.parkNanos(Math.min(1L << Math.min(attempt, 10), 1000L) * 1_000L); // 1 µs .. 1 ms
      }
    }
  }

  /** EDEADLK, as the JDK reports it (strerror text; no errno is exposed). */
  private static boolean isDeadlockAvoided(IOException e) {
    String message = e.getMessage();
    return message != null && message.contains("Resource deadlock avoided");
  }

  /**
   * Runs {@code action} if the lock on {@code lockFile} is free now, in this JVM and in every other
   * process; returns false without running it if not.
   */
  public static boolean tryWithLock(Path lockFile, Runnable action) {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock local = IN_JVM.computeIfAbsent(key, k -> new ReentrantLock());
    if (!local.tryLock()) {
      return false;
    }
    try {
      if (local.getHoldCount() > 1) {
        action.run();
        return true;
      }
      FileChannel retained;
      synchronized (RETAINED) {
        Object[] held = RETAINED.get(key);
        retained = held == null ? null : (FileChannel) held[0];
      }
      if (retained != null) {
        return tryRun(retained, action); // closing another channel would drop the process's locks
      }
      Files.createDirectories(key.getParent());
      try (FileChannel ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        return tryRun(ch, action);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + key, e);
    } finally {
      local.unlock();
    }
  }

  private static boolean tryRun(FileChannel ch, Runnable action) throws IOException {
    FileLock lock = ch.tryLock();
    if (lock == null) {
      return false;
    }
    try (lock) {
      action.run();
      return true;
    }
  }

  public static void withLock(Path lockFile, Runnable action) {
    withLock(
        lockFile,
        () -> {
          action.run();
          return null;
        });
  }
}
