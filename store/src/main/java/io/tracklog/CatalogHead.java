package io.tracklog;

import io.tracklog.error.StorageException;
import io.tracklog.internal.AsideWrite;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How many events the catalog log holds, kept beside it in {@code logs/catalog.head} by the writers
 * that append to it (docs/FORMAT.md §Catalog head), so that a process can tell without opening the
 * log that a checkpoint covers all of it, and that nothing was appended since it last looked.
 *
 * <p>The file is 16 bytes: the magic {@code TLCHEAD1}, then one little-endian word, mapped and read
 * and written whole (volatile), so every process sees one value. The word is the position (bits
 * 0–39), a check of it (bits 40–62, so a damaged word is not believed) and a pending flag (bit 63). A
 * writer, holding the catalog lock, marks the word pending before it appends and publishes the new
 * position after: a reader that finds a published position {@code p} knows the log held exactly
 * {@code p} events at that moment; one that finds the word pending (an append under way, or a writer
 * killed in the middle) or unreadable reads the log instead. The next writer to take the lock repairs
 * the word from the log. Not thread-safe for writing: writers hold the catalog lock.
 */
final class CatalogHead implements AutoCloseable {
  /** What {@link #position} returns when the word cannot be believed: read the log. */
  static final long UNKNOWN = -1;

  static final int LENGTH = 16;
  private static final byte[] MAGIC = "TLCHEAD1".getBytes(StandardCharsets.US_ASCII);
  private static final int WORD = 8;
  private static final long POSITION_MASK = (1L << 40) - 1;
  private static final long PENDING = 1L << 63;
  private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final Path file;
  private final MappedByteBuffer map;

  private CatalogHead(Path file, MappedByteBuffer map) {
    this.file = file;
    this.map = map;
  }

  /** Maps the head file, or returns null if there is none (a store written before it existed). */
  static CatalogHead openIfExists(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (ch.size() < LENGTH) {
        return null; // not a head file: the writer that takes the lock makes one
      }
      return new CatalogHead(file, ch.map(FileChannel.MapMode.READ_WRITE, 0, LENGTH));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot map " + file, e);
    }
  }

  /**
   * Creates the head file holding {@code position} (written aside, forced and renamed in: a process
   * never maps a half-written one) and maps it. The caller holds the catalog lock, has read the whole
   * log, and checked that no head file exists; an existing one is repaired in place instead, as other
   * processes may have it mapped.
   *
   * @throws StorageException if it cannot be written; there is then no head file
   */
  static CatalogHead create(Path file, long position, FileOps ops) {
    byte[] bytes = new byte[LENGTH];
    System.arraycopy(MAGIC, 0, bytes, 0, MAGIC.length);
    long word = encode(position);
    for (int i = 0; i < 8; i++) {
      bytes[WORD + i] = (byte) (word >>> (8 * i));
    }
    try {
      ops.createDirectories(file.getParent());
      AsideWrite.replace(ops, file, bytes);
    } catch (IOException e) {
      throw StorageException.writing("catalog head", file, e);
    }
    CatalogHead head = openIfExists(file);
    if (head == null) {
      throw new IllegalStateException("catalog head " + file + " vanished as it was written");
    }
    return head;
  }

  /** The published position, or {@link #UNKNOWN} if an append is pending or the file is damaged. */
  long position() {
    if (!hasMagic()) {
      return UNKNOWN;
    }
    long word = (long) LONGS.getVolatile(map, WORD);
    if ((word & PENDING) != 0 || word != encode(word & POSITION_MASK)) {
      return UNKNOWN;
    }
    return word & POSITION_MASK;
  }

  /** Marks an append under way: readers read the log until {@link #publish}. */
  void beginAppend() {
    LONGS.setVolatile(map, WORD, (long) LONGS.getVolatile(map, WORD) | PENDING);
  }

  /** Publishes that the log holds exactly {@code position} events (also repairs a damaged file). */
  void publish(long position) {
    if (!hasMagic()) {
      map.put(0, MAGIC);
    }
    LONGS.setVolatile(map, WORD, encode(position));
  }

  /** Forces the word to the storage device ({@link Store#sync()}). */
  void force() {
    map.force();
  }

  Path file() {
    return file;
  }

  /** Unmapping is left to the collector; nothing to release now. */
  @Override
  public void close() {}

  private boolean hasMagic() {
    for (int i = 0; i < MAGIC.length; i++) {
      if (map.get(i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** The published word of {@code position}: the position and 23 bits of a hash of it. */
  static long encode(long position) {
    if (position < 0 || position > POSITION_MASK) {
      throw new IllegalArgumentException("catalog position out of range: " + position);
    }
    long check = ((position + 1) * 0x9E3779B97F4A7C15L) >>> 41; // 23 bits, never 0 for position 0
    return (check << 40) | position;
  }
}
