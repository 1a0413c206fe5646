package io.tracklog.reader;

import io.tracklog.compact.FileChecks;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.SegmentSchemas;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;

/**
 * Opens compacted Arrow files and checks they are what the manifest says: length, CRC32C, and the
 * schema metadata (format name, version, table). Anything else is {@link CorruptFileException} or
 * {@link UnsupportedFormatException}, never a wrong answer.
 */
final class SegmentFiles {
  private SegmentFiles() {}

  /** Checks length and CRC32C of a file against its manifest entry ({@link FileChecks#verify}). */
  static void verify(Path root, Manifest.FileEntry entry) {
    FileChecks.verify(root, entry);
  }

  /**
   * Maps a whole file read-only after checking its length and CRC32C against its manifest entry (one
   * pass over the mapping); the mapping stays valid until it is garbage-collected.
   *
   * @throws CorruptFileException if the file is missing, fails a check, or is too large for one mapping
   */
  static java.nio.ByteBuffer mapVerified(Path root, Manifest.FileEntry entry) {
    Path file = root.resolve(entry.path());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size != entry.length()) {
        throw new CorruptFileException(file, "length " + size + ", manifest says " + entry.length());
      }
      if (size > Integer.MAX_VALUE) {
        throw new CorruptFileException(file, "is larger than one mapping (2 GiB)");
      }
      MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      CRC32C crc = new CRC32C();
      crc.update(buf.duplicate());
      String actual = Manifest.FileEntry.crcHex(crc.getValue());
      if (!actual.equals(entry.crc32c())) {
        throw new CorruptFileException(file, "CRC32C " + actual + ", manifest says " + entry.crc32c());
      }
      return buf;
    } catch (NoSuchFileException e) {
      throw new CorruptFileException(file, "missing", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** An initialised reader over a verified file of the given table; the caller closes both. */
  static Opened open(Path root, Manifest.FileEntry entry, String table, BufferAllocator allocator) {
    Path file = root.resolve(entry.path());
    FileChannel ch = null;
    ArrowFileReader reader = null;
    boolean success = false;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
      reader = new ArrowFileReader(ch, allocator, CommonsCompressionFactory.INSTANCE);
      Map<String, String> meta = reader.getVectorSchemaRoot().getSchema().getCustomMetadata();
      checkMetadata(file, meta, table);
      success = true;
      return new Opened(ch, reader);
    } catch (NoSuchFileException e) {
      throw new CorruptFileException(file, "missing", e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof CorruptFileException || e instanceof UnsupportedFormatException) {
        throw (RuntimeException) e;
      }
      throw new CorruptFileException(file, "not a readable Arrow IPC file: " + e.getMessage(), e);
    } finally {
      if (!success) {
        closeQuietly(reader, ch);
      }
    }
  }

  /** Checks a file's schema metadata: the format's name, a version this reader knows, the table. */
  static void checkMetadata(Path file, Map<String, String> meta, String table) {
    if (meta == null || !SegmentSchemas.FORMAT_NAME.equals(meta.get(SegmentSchemas.META_FORMAT))) {
      throw new CorruptFileException(file, "schema metadata does not name the tracklog-segment format");
    }
    int version;
    try {
      version = Integer.parseInt(meta.get(SegmentSchemas.META_FORMAT_VERSION));
    } catch (NumberFormatException e) {
      throw new CorruptFileException(file, "bad format version " + meta.get(SegmentSchemas.META_FORMAT_VERSION));
    }
    if (version < 1 || version > SegmentSchemas.FORMAT_VERSION) {
      throw UnsupportedFormatException.version("segment format of " + file, version, 1, SegmentSchemas.FORMAT_VERSION);
    }
    if (!table.equals(meta.get(SegmentSchemas.META_TABLE))) {
      throw new CorruptFileException(file, "holds table " + meta.get(SegmentSchemas.META_TABLE) + ", expected " + table);
    }
  }

  private static void closeQuietly(ArrowFileReader reader, FileChannel ch) {
    try {
      if (reader != null) {
        reader.close();
      }
    } catch (IOException | RuntimeException ignored) {
      // already failing
    }
    try {
      if (ch != null) {
        ch.close();
      }
    } catch (IOException ignored) {
      // already failing
    }
  }

  /** An open Arrow file. */
  record Opened(FileChannel channel, ArrowFileReader reader) implements AutoCloseable {
    @Override
    public void close() {
      try {
        reader.close();
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
