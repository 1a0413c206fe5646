package io.tracklog.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Every file operation by which a store writes a file aside and publishes it (store.json, catalog
 * head and checkpoint parts, artifacts, out-of-line events, segments, manifests, and the deletions
 * of compaction's clean-up), behind one seam, so that tests can fail the N-th one, or make the disk
 * full, and check that the store is left as it was. {@link AsideWrite} is the one way these files
 * are written. Not an API: public only because the store's packages and their tests share it.
 */
public interface FileOps {
  FileOps DEFAULT = new FileOps() {};

  default void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  /** Creates a new file for writing; fails if it exists. */
  default FileChannel create(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  default int write(FileChannel channel, ByteBuffer src) throws IOException {
    return channel.write(src);
  }

  default void force(FileChannel channel) throws IOException {
    channel.force(true);
  }

  /** Atomically renames {@code from} to {@code to}, replacing it. */
  default void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Atomically publishes {@code existing} under the new name {@code link}; fails with {@link
   * java.nio.file.FileAlreadyExistsException} if {@code link} exists (a hard link never replaces).
   */
  default void link(Path link, Path existing) throws IOException {
    Files.createLink(link, existing);
  }

  default void delete(Path file) throws IOException {
    Files.deleteIfExists(file);
  }

  /** Makes a directory's entries (renames, links) durable. */
  default void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open directories; the rename is still atomic there.
    }
  }

  /** {@link #delete}, ignoring failure: for temp files and files nothing refers to any more. */
  default void deleteQuietly(Path file) {
    try {
      delete(file);
    } catch (IOException | RuntimeException ignored) {
      // a leftover is harmless: listings skip temp files, and the next clean-up removes it
    }
  }
}
