package io.tracklog.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
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
      Files.createDirectories(key.getParent());
      try (FileChannel ch =
              FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        return action.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot lock " + key, e);
    } finally {
      local.unlock();
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
