package io.tracklog;

import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogCheckpoint;
import io.tracklog.format.CatalogState;
import io.tracklog.log.EventReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file {@code catalog.checkpoint} (docs/FORMAT.md §Catalog checkpoint): loaded when a store
 * opens so that only the catalog log's tail is replayed, written after compactions. Only ever a
 * shortcut: any doubt about it (missing, unreadable, corrupt, another store's, not matching the log)
 * and the store replays the whole log, as without it.
 */
final class CatalogCheckpoints {
  private CatalogCheckpoints() {}

  /**
   * Restores {@code catalog} (which has applied nothing) from the checkpoint file and moves {@code
   * reader} (at the log's start) past the checkpoint's last event, if the file is valid, belongs to
   * {@code storeId} and the log holds that very event where the file says. Returns the position
   * restored, or 0 with nothing changed (the reader at the start).
   */
  static long restore(Path file, String storeId, EventReader reader, CatalogState catalog) {
    if (!file.toFile().isFile()) {
      return 0; // none, the usual case for small stores (java.io's check throws nothing when absent)
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException | RuntimeException e) {
      return 0; // unreadable: replay the log
    }
    CatalogCheckpoint checkpoint;
    try {
      checkpoint = CatalogCheckpoint.decode(bytes);
    } catch (RuntimeException e) {
      return 0; // corrupt, truncated, or a version this code does not know
    }
    if (!checkpoint.storeId().equals(storeId)) {
      return 0;
    }
    CatalogCheckpoint.Anchor anchor = checkpoint.anchor();
    try {
      if (!reader.seek(anchor.logToken(), anchor.position() - 1)) {
        return 0;
      }
      ByteSource last = reader.next();
      if (!anchor.matches(last)) {
        reader.rewind();
        return 0; // stale: the log is not the one the checkpoint was taken of
      }
    } catch (RuntimeException e) {
      reader.rewind(); // the full replay meets the same problem and reports it
      return 0;
    }
    catalog.restore(checkpoint);
    return checkpoint.position();
  }

  /** The position of the checkpoint in {@code file}, from its header only; 0 if none or unreadable. */
  static long position(Path file) {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(512);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    try {
      return CatalogCheckpoint.headerPosition(head);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /**
   * Replaces the checkpoint: writes {@code bytes} aside, forces them to the device, renames over
   * {@code file} and forces the directory. A crash leaves the old file or the new one, whole (and a
   * stray temp file, removed by the next write). Call holding {@code compaction.lock}, which
   * serialises writers across processes.
   */
  static void write(Path file, byte[] bytes) throws IOException {
    Path dir = file.getParent();
    String name = file.getFileName().toString();
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, name + ".*.tmp")) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
      }
    }
    AtomicFiles.replace(file, bytes);
  }
}
