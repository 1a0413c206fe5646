package io.tracklog.compact;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file operations compaction performs, behind one seam so tests can fail the N-th one and check
 * that every crash point leaves the previous generation readable.
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
}
