package io.tracklog.log;

import io.tracklog.error.CorruptFileException;
import io.tracklog.error.StorageException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.internal.AsideWrite;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.locks.ReentrantLock;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * An {@link EventLog} on a Chronicle Queue: memory-mapped, append-only, lock-safe across threads and
 * processes (Chronicle's queue write lock). This is the only class in Tracklog that imports Chronicle.
 *
 * <p>Queues use a small block size so thousands of per-run queues stay cheap (docs/DESIGN-NOTES.md, "Event logs"):
 * the largest message Chronicle accepts is a quarter of a block, so an event longer than {@link
 * #MAX_INLINE_EVENT} is written aside to {@code <dir>-blobs/<sha256>} (temp file, fsync, atomic
 * rename) and the log holds a reference to it (docs/FORMAT.md §Out-of-line events).
 *
 * <p>Thread-safe: appends are serialised by one lock over one appender.
 */
public final class ChronicleEventLog implements EventLog {
  static {
    ChronicleSettings.apply();
  }

  /** Chronicle block size for every queue Tracklog creates. */
  public static final int BLOCK_SIZE = 64 << 10;
  /** Events longer than this go to a side file; under Chronicle's limit of a quarter block. */
  public static final int MAX_INLINE_EVENT = 15 * 1024;
  /** Type tag of a reference to an out-of-line event; never a real event's tag. */
  static final int BLOB_REF_TAG = 127;

  private static final int BLOB_REF_VERSION = 1;

  private final Path dir;
  private final Path blobDir;
  private final SingleChronicleQueue queue;
  private final ReentrantLock appendLock = new ReentrantLock();
  private ExcerptAppender appender; // guarded by appendLock; created on first append
  private volatile boolean closed;

  private ChronicleEventLog(Path dir, SingleChronicleQueue queue) {
    this.dir = dir;
    this.blobDir = dir.resolveSibling(dir.getFileName() + "-blobs");
    this.queue = queue;
  }

  /**
   * How many events a log takes in a UTC day, which sizes Chronicle's two-level index: a cycle file
   * starts with the index's first two arrays (8 bytes an entry each), and a file whose content fits
   * in its first 64 KiB block maps (and preallocates, sparse) one block less.
   */
  public enum Volume {
    /** Up to 2^32 events a day (Chronicle's {@code FAST_DAILY}: 4 096 entries an array): writer lanes. */
    HIGH(4096),
    /** Up to 2^30 events a day, from files 64 KiB smaller: the catalog, an event per run or experiment change. */
    LOW(2048);

    private final int indexCount;

    Volume(int indexCount) {
      this.indexCount = indexCount;
    }
  }

  /** Opens the queue in {@code dir} for {@link Volume#HIGH}, creating it if absent. */
  public static ChronicleEventLog open(Path dir) {
    return open(dir, Volume.HIGH);
  }

  /**
   * Opens the queue in {@code dir}, creating it if absent. {@code volume} sizes the index of the
   * cycle files this queue creates; files that exist keep theirs (each file records its own), so a
   * queue may mix them.
   */
  public static ChronicleEventLog open(Path dir, Volume volume) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create log directory " + dir, e);
    }
    SingleChronicleQueue queue =
        SingleChronicleQueueBuilder.binary(dir)
            .blockSize(BLOCK_SIZE)
            .rollCycle(RollCycles.FAST_DAILY)
            .indexCount(volume.indexCount)
            .build();
    return new ChronicleEventLog(dir, queue);
  }

  /** True if {@code dir} holds a queue Tracklog created. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve("metadata.cq4t"));
  }

  @Override
  public Path directory() {
    return dir;
  }

  @Override
  public long append(byte[] bytes, int length) {
    return append(bytes, length, FileOps.DEFAULT);
  }

  @Override
  public long append(byte[] bytes, int length, FileOps ops) {
    if (length > MAX_INLINE_EVENT) {
      ByteSink ref = writeBlob(bytes, length, ops);
      return appendInline(ref.array(), ref.length());
    }
    return appendInline(bytes, length);
  }

  private long appendInline(byte[] bytes, int length) {
    appendLock.lock();
    try {
      ensureOpen();
      if (appender == null) {
        appender = queue.createAppender();
        appender.singleThreadedCheckDisabled(true);
      }
      try (DocumentContext dc = appender.writingDocument()) {
        try {
          dc.wire().bytes().write(bytes, 0, length);
        } catch (RuntimeException e) {
          dc.rollbackOnClose();
          throw e;
        }
      }
      return appender.lastIndexAppended();
    } finally {
      appendLock.unlock();
    }
  }

  private ByteSink writeBlob(byte[] bytes, int length, FileOps ops) {
    byte[] digest = sha256(bytes, length);
    String name = HexFormat.of().formatHex(digest);
    Path target = blobDir.resolve(name);
    try {
      ops.createDirectories(blobDir);
      if (!Files.exists(target)) {
        AsideWrite.replace(ops, target, bytes, length);
      }
    } catch (IOException e) {
      throw StorageException.writing("out-of-line event", target, e);
    }
    ByteSink ref = new ByteSink(48);
    ref.writeByte(BLOB_REF_TAG);
    ref.writeByte(BLOB_REF_VERSION);
    ref.writeVarLong(length);
    for (byte b : digest) {
      ref.writeByte(b);
    }
    return ref;
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(bytes, 0, length);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public EventReader openReader() {
    ensureOpen();
    return new Reader(queue.createTailer());
  }

  @Override
  public void sync() {
    appendLock.lock();
    try {
      ensureOpen();
      if (appender != null) {
        appender.sync();
      }
    } finally {
      appendLock.unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new io.tracklog.error.AlreadyClosedException("Event log " + dir + " is closed");
    }
  }

  @Override
  public void close() {
    appendLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (appender != null) {
          appender.close();
        }
      } finally {
        queue.close();
      }
    } finally {
      appendLock.unlock();
    }
  }

  private final class Reader implements EventReader {
    private final ExcerptTailer tailer;
    private byte[] buf = new byte[512];
    private long position;
    private long lastToken = -1;

    Reader(ExcerptTailer tailer) {
      this.tailer = tailer;
      tailer.singleThreadedCheckDisabled(true);
    }

    @Override
    public ByteSource next() {
      int length;
      long token;
      try (DocumentContext dc = tailer.readingDocument()) {
        if (!dc.isPresent()) {
          return null;
        }
        token = dc.index();
        Bytes<?> bytes = dc.wire().bytes();
        length = (int) bytes.readRemaining();
        if (length > buf.length) {
          buf = new byte[Math.max(length, buf.length * 2)];
        }
        bytes.read(buf, 0, length);
      }
      position++;
      lastToken = token;
      if (length >= 1 && (buf[0] & 0xFF) == BLOB_REF_TAG) {
        return readBlob(length);
      }
      return new ByteSource(buf, 0, length);
    }

    private ByteSource readBlob(int refLength) {
      ByteSource ref = new ByteSource(buf, 0, refLength);
      ref.readByte();
      int version = ref.readByte();
      if (version != BLOB_REF_VERSION) {
        throw new CorruptFileException(dir, "unknown out-of-line reference version " + version);
      }
      long length = ref.readVarLong();
      byte[] digest = new byte[32];
      for (int i = 0; i < 32; i++) {
        digest[i] = (byte) ref.readByte();
      }
      Path file = blobDir.resolve(HexFormat.of().formatHex(digest));
      byte[] content;
      try {
        content = Files.readAllBytes(file);
      } catch (NoSuchFileException e) {
        throw new CorruptFileException(file, "out-of-line event is missing", e);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
      }
      if (content.length != length || !Arrays.equals(sha256(content, content.length), digest)) {
        throw new CorruptFileException(file, "out-of-line event does not match its SHA-256");
      }
      return ByteSource.of(content);
    }

    @Override
    public long position() {
      return position;
    }

    /** The Chronicle index of the last excerpt read. */
    @Override
    public long lastToken() {
      return lastToken;
    }

    @Override
    public boolean seek(long token, long position) {
      boolean found;
      try {
        found = token >= 0 && position >= 0 && tailer.moveToIndex(token);
      } catch (RuntimeException e) {
        found = false; // an index of no cycle file of this queue
      }
      if (!found) {
        rewind();
        return false;
      }
      this.position = position;
      lastToken = -1;
      return true;
    }

    @Override
    public void rewind() {
      tailer.toStart();
      position = 0;
      lastToken = -1;
    }

    @Override
    public void close() {
      tailer.close();
    }
  }
}
