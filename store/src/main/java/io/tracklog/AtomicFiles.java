package io.tracklog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small files replaced whole: a reader sees the old content or the new, never a mix. */
final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code bytes} to a temp file {@code <name>.<random>.tmp} beside {@code file}, forces it to
   * the device, renames it over {@code file} and forces the directory. A crash leaves the old file or
   * the new one, whole, and at most a stray temp file.
   */
  static void replace(Path file, byte[] bytes) throws IOException {
    Path dir = file.getParent();
    Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot open directories; the rename is atomic all the same
    }
  }
}
