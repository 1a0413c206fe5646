package io.tracklog.log;

import io.tracklog.error.CorruptFileException;
import io.tracklog.error.StorageException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.internal.AsideWrite;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
  private final Frames frames;
  private final ReentrantLock appendLock = new ReentrantLock();
  /** Tailers of closed readers, for the next {@link #openReader()}; guarded by itself. */
  private final java.util.ArrayDeque<ExcerptTailer> idleTailers = new java.util.ArrayDeque<>();
  private static final int MAX_IDLE_TAILERS = 8;
  private ExcerptAppender appender; // guarded by appendLock; created on first append
  private byte[] sealed = new byte[256]; // guarded by appendLock
  private volatile boolean closed;

  private ChronicleEventLog(Path dir, SingleChronicleQueue queue, Frames frames) {
    this.dir = dir;
    this.blobDir = dir.resolveSibling(dir.getFileName() + "-blobs");
    this.queue = queue;
    this.frames = frames;
  }

  /**
   * Which excerpts a reader accepts. Writers always append checked ones (docs/FORMAT.md §Checked
   * frames); a log of a store created before format 4 also holds unchecked ones from before.
   */
  public enum Frames {
    /** Every excerpt must be checked: an unchecked one is corrupt. */
    CHECKED,
    /** Unchecked excerpts are read as they are (logs written before store format 4). */
    UNCHECKED_TOO
  }

  /**
   * How many events a log takes in a UTC day (index entries an array, squared, times the spacing),
   * which sizes Chronicle's two-level index: a cycle file starts with the index's first two arrays
   * (8 bytes an entry each, sparse until written), and a file whose content fits in its first 64 KiB
   * block maps one block less. The spacing is how many excerpts one index entry covers: Chronicle
   * finds where to append by scanning the excerpts after the last index entry on every append, so
   * a small spacing keeps single appends fast (docs/DESIGN-NOTES.md, "Lanes index every 32nd frame").
   */
  public enum Volume {
    /**
     * Up to 2^31 events a day, 8 192 entries an array, an entry every 32 excerpts (Chronicle's
     * {@code FAST_DAILY} has 4 096 and 256: an append then scans 128 excerpts on average): writer lanes.
     */
    HIGH(8192, 32),
    /** Up to 2^30 events a day, in files from 128 KiB: the catalog, an event per run or experiment change. */
    LOW(2048, 256);

    private final int indexCount;
    private final int indexSpacing;

    Volume(int indexCount, int indexSpacing) {
      this.indexCount = indexCount;
      this.indexSpacing = indexSpacing;
    }
  }

  /** Opens the queue in {@code dir} for {@link Volume#HIGH}, creating it if absent. */
  public static ChronicleEventLog open(Path dir, Frames frames) {
    return open(dir, Volume.HIGH, frames);
  }

  /**
   * Opens the queue in {@code dir}, creating it if absent. {@code volume} sizes the index of the
   * cycle files this queue creates; files that exist keep theirs (each file records its own), so a
   * queue may mix them.
   *
   * @throws CorruptFileException if the queue's metadata or a cycle file cannot be opened
   */
  public static ChronicleEventLog open(Path dir, Volume volume, Frames frames) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create log directory " + dir, e);
    }
    Path metadata = dir.resolve(METADATA);
    checkMetadata(metadata);
    checkCycleHeaders(dir);
    SingleChronicleQueue queue;
    try {
      queue =
          SingleChronicleQueueBuilder.binary(dir)
              .blockSize(BLOCK_SIZE)
              .rollCycle(RollCycles.FAST_DAILY)
              .indexCount(volume.indexCount)
              .indexSpacing(volume.indexSpacing)
              .timeoutMS(LOCK_TIMEOUT_MS)
              .build();
    } catch (Exception e) { // Chronicle throws checked exceptions it does not declare
      throw new CorruptFileException(metadata, "Chronicle cannot open the queue: " + e, e);
    }
    return new ChronicleEventLog(dir, queue, frames);
  }

  /**
   * Refuses a cycle file whose first header is not a complete metadata header, unless it was
   * modified in the last {@link #LOCK_TIMEOUT_MS} (a writer may be creating it): Chronicle would
   * wait for that header for ever.
   */
  private static void checkCycleHeaders(Path dir) {
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (!file.getFileName().toString().endsWith(".cq4")) {
          continue;
        }
        String problem = headerProblem(file);
        if (problem != null && System.currentTimeMillis() - Files.getLastModifiedTime(file).toMillis() > LOCK_TIMEOUT_MS) {
          throw new CorruptFileException(file, "does not start with a complete Chronicle header (" + problem + ")");
        }
      }
    } catch (NoSuchFileException e) {
      // a new queue
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir, e);
    }
  }

  /** Chronicle's file of queue metadata: no events, and rebuilt by Chronicle when it is missing. */
  static final String METADATA = "metadata.cq4t";

  /** How long Chronicle waits for a lock of its metadata file before giving up. */
  private static final long LOCK_TIMEOUT_MS = 10_000;

  /**
   * Refuses a metadata file that Chronicle would wait on or misread: shorter than its first
   * header, or not starting with a complete metadata header. A missing file is fine (Chronicle
   * makes a new one).
   */
  private static void checkMetadata(Path file) {
    try {
      String problem = headerProblem(file);
      if (problem != null) {
        throw new CorruptFileException(
            file, "not a Chronicle queue metadata file (" + problem
                + "); it holds no events: with no process using the store, delete it and it is rebuilt");
      }
    } catch (NoSuchFileException e) {
      // a new queue, or one whose metadata was deleted: Chronicle writes it
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /**
   * Null if {@code file} starts with a complete Chronicle metadata header (the first header of every
   * queue file: length in bits 0–29, "metadata" bit 30 set, "not complete" bit 31 clear), else what
   * it starts with.
   */
  private static String headerProblem(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer header = ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      while (header.hasRemaining() && ch.read(header) > 0) {}
      int word = header.flip().remaining() == 4 ? header.getInt() : 0;
      int length = word & 0x3FFF_FFFF;
      boolean complete = (word & 0xC000_0000) == 0x4000_0000 && length >= 8 && ch.size() >= 4L + length;
      return complete ? null : ch.size() + " bytes, header 0x" + Integer.toHexString(word);
    }
  }

  /** True if {@code dir} holds a queue Tracklog created. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(METADATA));
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
      if (sealed.length < length + 4) {
        sealed = new byte[Math.max(length + 4, sealed.length * 2)];
      }
      int sealedLength = FrameCheck.seal(bytes, length, sealed);
      try (DocumentContext dc = appender.writingDocument()) {
        try {
          dc.wire().bytes().write(sealed, 0, sealedLength);
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

  /**
   * Opens a reader at the log's first event. Readers closed earlier are reused: each new Chronicle
   * tailer acquires its own cycle-file store, and every store adds a cleaning thread-local to a
   * process-wide set that Chronicle walks on each new one, so creating tailers without end (a
   * server attaching to runs all day) gets slower with every one (docs/DESIGN-NOTES.md, "Tailers
   * are pooled").
   */
  @Override
  public EventReader openReader() {
    ensureOpen();
    ExcerptTailer idle;
    synchronized (idleTailers) {
      idle = idleTailers.poll();
    }
    if (idle != null) {
      Reader reader = new Reader(idle);
      reader.rewind();
      return reader;
    }
    try {
      return new Reader(queue.createTailer());
    } catch (Exception e) { // Chronicle's, some checked and undeclared
      throw new CorruptFileException(dir, "Chronicle cannot read the queue: " + e, e);
    }
  }

  /** Keeps a closed reader's tailer for the next {@link #openReader()}, or closes it. */
  private void release(ExcerptTailer tailer) {
    synchronized (idleTailers) {
      if (!closed && idleTailers.size() < MAX_IDLE_TAILERS) {
        idleTailers.push(tailer);
        return;
      }
    }
    tailer.close();
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

  /**
   * Forces every Chronicle cycle file below {@code dir} to the storage device, whoever wrote it
   * (the page cache is shared: an fsync of any descriptor of a file writes back its dirty pages).
   */
  public static void force(Path dir) {
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      for (Path file : (Iterable<Path>) files.filter(p -> p.getFileName().toString().endsWith(".cq4"))::iterator) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
          ch.force(true);
        } catch (NoSuchFileException e) {
          // a file removed meanwhile holds nothing to keep
        }
      }
    } catch (NoSuchFileException e) {
      // no logs yet
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot force the logs in " + dir, e);
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
      synchronized (idleTailers) {
        closed = true;
        for (ExcerptTailer t : idleTailers) {
          t.close();
        }
        idleTailers.clear();
      }
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
    private boolean released;

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
      } catch (CorruptFileException e) {
        throw e;
      } catch (Exception e) { // Chronicle's, some checked and undeclared: a damaged cycle file
        throw new CorruptFileException(dir, "after event " + (position - 1) + ": Chronicle cannot read the queue: " + e, e);
      }
      position++;
      lastToken = token;
      if (FrameCheck.isChecked(buf, length)) {
        length = FrameCheck.open(buf, length);
        if (length < 0) {
          throw corrupt("fails its check (Chronicle index 0x" + Long.toHexString(token) + ")", null);
        }
      } else if (frames == Frames.CHECKED) {
        throw corrupt("has no check (Chronicle index 0x" + Long.toHexString(token) + ")", null);
      }
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

    @Override
    public Path source() {
      return dir;
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
      } catch (Exception e) { // Chronicle's, some checked and undeclared
        found = false; // an index of no cycle file of this queue, or a damaged one
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
      if (!released) {
        released = true;
        release(tailer);
      }
    }
  }
}
