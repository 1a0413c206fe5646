package io.tracklog.reader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where an archive is written beside its target {@code FILE}: the container {@code
 * <FILE>.tmp-<uuid>} (renamed over {@code FILE} once whole) and the folder {@code
 * <FILE>.tmp-<uuid>.d} of its compacted segments. The writer holds an exclusive lock on the
 * container file from before the folder exists until after it is deleted, so staging whose
 * container nobody has locked was left by a killed creation: {@link #create} deletes that of the
 * same {@code FILE} first, and a folder whose container is gone.
 *
 * @param file the container, locked
 * @param dir the folder of the segments
 * @param channel the container, open for writing, holding its lock
 */
record ArchiveStaging(Path file, Path dir, FileChannel channel) implements AutoCloseable {
  private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  /** Deletes the stale staging of {@code target}, then makes and locks a new one. */
  static ArchiveStaging create(Path target) throws IOException {
    removeStale(target);
    while (true) {
      Path file = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
      FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
      boolean ok = false;
      try {
        try {
          ch.lock();
        } catch (IOException e) {
          // a file system without locks: unlocked, but no cleanup can lock (and delete) it either
        }
        // Another creation's cleanup may have locked and deleted it before this lock: then anew.
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
          Path dir = folderOf(file);
          Files.createDirectory(dir);
          ok = true;
          return new ArchiveStaging(file, dir, ch);
        }
      } catch (OverlappingFileLockException e) {
        // this JVM's cleanup holds it for a moment: try another name
      } finally {
        if (!ok) {
          ch.close();
        }
      }
    }
  }

  /**
   * Deletes the folder, then the container if it was not renamed, then releases the lock. Best
   * effort: what is left is stale staging, which the next creation of the file deletes.
   */
  @Override
  public void close() {
    try {
      ArchiveSource.deleteTree(dir);
      Files.deleteIfExists(file);
    } catch (IOException | UncheckedIOException e) {
      // left for the next creation
    } finally {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the lock goes with the process anyway
      }
    }
  }

  private static Path folderOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".d");
  }

  /**
   * Deletes each {@code <target>.tmp-<uuid>} nobody holds locked (with its folder), and each
   * {@code <target>.tmp-<uuid>.d} without its container. Best effort: what cannot be deleted stays.
   */
  static void removeStale(Path target) {
    Pattern stale = Pattern.compile(Pattern.quote(target.getFileName().toString()) + "\\.tmp-" + UUID_RE + "(\\.d)?");
    try (DirectoryStream<Path> siblings = Files.newDirectoryStream(target.getParent())) {
      for (Path p : siblings) {
        if (!stale.matcher(p.getFileName().toString()).matches()) {
          continue;
        }
        if (p.getFileName().toString().endsWith(".d")) {
          Path file = p.resolveSibling(p.getFileName().toString().replaceFirst("\\.d$", ""));
          if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            ArchiveSource.deleteTree(p);
          }
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          deleteIfUnlocked(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort: stale staging costs disk space, not correctness
    }
  }

  private static void deleteIfUnlocked(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      FileLock lock = ch.tryLock();
      if (lock == null) {
        return; // another process is writing it
      }
      Path dir = folderOf(file);
      if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        ArchiveSource.deleteTree(dir);
      }
      Files.deleteIfExists(file);
    } catch (OverlappingFileLockException e) {
      // this JVM is writing it
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }
}
