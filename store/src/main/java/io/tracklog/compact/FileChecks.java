package io.tracklog.compact;

import io.tracklog.error.CorruptFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The check every reader of a manifest-listed file makes before trusting it: the file exists and
 * its length and CRC32C are the ones its manifest entry records (docs/FORMAT.md §Manifest). Shared by
 * the reader's fallbacks and {@code Store.verify()}, so both judge a file the same way.
 */
public final class FileChecks {
  private FileChecks() {}

  /**
   * Checks length and CRC32C of a file against its manifest entry, reading it once.
   *
   * @throws CorruptFileException naming the file if it is missing or either check fails
   * @throws UncheckedIOException if it cannot be read
   */
  public static void verify(Path root, Manifest.FileEntry entry) {
    Path file = root.resolve(entry.path());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size != entry.length()) {
        throw new CorruptFileException(file, "length " + size + ", manifest says " + entry.length());
      }
      CRC32C crc = new CRC32C();
      for (long pos = 0; pos < size; ) {
        long chunk = Math.min(size - pos, 1L << 30);
        MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, pos, chunk);
        crc.update(buf);
        pos += chunk;
      }
      String actual = Manifest.FileEntry.crcHex(crc.getValue());
      if (!actual.equals(entry.crc32c())) {
        throw new CorruptFileException(file, "CRC32C " + actual + ", manifest says " + entry.crc32c());
      }
    } catch (NoSuchFileException e) {
      throw new CorruptFileException(file, "missing", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }
}
