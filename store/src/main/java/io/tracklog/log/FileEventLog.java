package io.tracklog.log;

import io.tracklog.error.CorruptFileException;
import io.tracklog.error.StorageException;
import io.tracklog.format.ByteSource;
import io.tracklog.internal.AsideWrite;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A low-volume log in one plain file (docs/FORMAT.md §Model registry log): an 8-byte header, then
 * frames of a 4-byte little-endian length and a checked excerpt ({@link FrameCheck}). Unlike a
 * Chronicle queue it maps and preallocates nothing, so a log of a few events is a file of a few
 * hundred bytes, not 256 KiB of sparse space.
 *
 * <p><b>Appends must be serialised across processes by the caller</b> (the registry appends under
 * its cross-process lock); reads need no lock. An append writes the excerpt first and its length
 * last, so a reader sees a whole frame or, where the length is still zero, the end of the log; a
 * writer killed in between leaves bytes past the last whole frame, which the next append cuts off
 * before writing. A frame whose check fails, or that ends past the end of the file (which no
 * append leaves), is damage ({@link CorruptFileException}).
 */
public final class FileEventLog implements EventLog {
  /** "TLLOG", a zero, and the file version 1 (big-endian). */
  private static final byte[] HEADER = {'T', 'L', 'L', 'O', 'G', 0, 0, 1};
  private static final int HEADER_LENGTH = HEADER.length;
  /** The longest excerpt a frame may hold: a larger length is damage, not an event. */
  static final int MAX_EXCERPT = 64 << 20;

  private final Path file;
  private FileChannel out; // guarded by this: opened for writing at the first append
  private final ByteBuffer lengthBuf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
  private byte[] sealed = new byte[256]; // guarded by this
  private long end = HEADER_LENGTH; // guarded by this: a known end of whole frames (a lower bound)

  private FileEventLog(Path file) {
    this.file = file;
  }

  /** True if {@code file} exists (a log that was created). */
  public static boolean exists(Path file) {
    return Files.isRegularFile(file);
  }

  /**
   * Opens the log in {@code file}; with {@code create}, first creates it (header written aside,
   * forced, renamed in) if absent. The caller holds the lock its appenders share while creating.
   * Nothing is opened for writing until the first append.
   *
   * @throws CorruptFileException if the file does not start with this log's header
   * @throws StorageException if it cannot be created
   * @throws UncheckedIOException if it cannot be read (or is absent, without {@code create})
   */
  public static FileEventLog open(Path file, boolean create, FileOps ops) {
    if (create && !Files.exists(file)) {
      try {
        ops.createDirectories(file.getParent());
        AsideWrite.write(ops, file, AsideWrite.tempBeside(file), AsideWrite.Publish.NEW,
            w -> AsideWrite.writeFully(w, ByteBuffer.wrap(HEADER)));
      } catch (IOException e) {
        throw StorageException.writing("the log", file, e);
      }
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      checkHeader(file, ch);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the log " + file, e);
    }
    return new FileEventLog(file);
  }

  private static void checkHeader(Path file, FileChannel ch) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(HEADER_LENGTH);
    readFully(ch, head, 0);
    for (int i = 0; i < HEADER_LENGTH; i++) {
      if (head.position() < HEADER_LENGTH || head.get(i) != HEADER[i]) {
        throw new CorruptFileException(file, "not a Tracklog log file (its first " + HEADER_LENGTH + " bytes are not the header)");
      }
    }
  }

  /** Reads into {@code buf} from {@code at} until it is full or the file ends. */
  private static void readFully(FileChannel ch, ByteBuffer buf, long at) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, at + buf.position());
      if (n < 0) {
        return;
      }
    }
  }

  @Override
  public long append(byte[] bytes, int length) {
    return append(bytes, length, FileOps.DEFAULT);
  }

  /**
   * Appends one event at the end of the whole frames, cutting off what a killed writer left past
   * them. Returns the frame's offset in the file.
   *
   * @throws StorageException if the write fails: the event is not in the log, and the next append
   *     cuts off whatever part of it was written
   */
  @Override
  public synchronized long append(byte[] bytes, int length, FileOps ops) {
    if (length < 1 || length + 4 > MAX_EXCERPT) {
      throw new IllegalArgumentException("An event must be 1 to " + (MAX_EXCERPT - 4) + " bytes, not " + length);
    }
    try {
      if (out == null) {
        out = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
      advanceEnd();
      long at = end;
      if (out.size() > at) {
        out.truncate(at); // a frame a killed or failed writer left without its length
      }
      if (sealed.length < length + 4) {
        sealed = new byte[Math.max(length + 4, sealed.length * 2)];
      }
      int n = FrameCheck.seal(bytes, length, sealed);
      writeFully(ops, ByteBuffer.wrap(sealed, 0, n), at + 4);
      ByteBuffer len = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, n);
      writeFully(ops, len, at); // last: the frame is whole from here on
      end = at + 4 + n;
      return at;
    } catch (IOException e) {
      throw StorageException.writing("an event to the log", file, e);
    }
  }

  private void writeFully(FileOps ops, ByteBuffer buf, long at) throws IOException {
    long pos = at;
    while (buf.hasRemaining()) {
      int before = buf.position();
      out.position(pos);
      ops.write(out, buf);
      pos += buf.position() - before;
    }
  }

  /** Moves {@link #end} past every whole frame another process appended (lengths only). */
  private void advanceEnd() throws IOException {
    long size = out.size();
    while (end + 4 <= size) {
      int n = readLength(end);
      if (n == 0) {
        return;
      }
      if (end + 4 + n > size) {
        throw new CorruptFileException(file, "the frame at byte " + end + " is cut short");
      }
      end += 4 + n;
    }
  }

  /** True if a frame may hold {@code n} bytes: a checked excerpt has at least a tag and a CRC-16. */
  private static boolean isFrameLength(int n) {
    return n >= 3 && n <= MAX_EXCERPT;
  }

  /** The length word at {@code at}; a value no frame can have is damage. */
  private int readLength(long at) throws IOException {
    lengthBuf.clear();
    readFully(out, lengthBuf, at);
    int n = lengthBuf.position() == 4 ? lengthBuf.getInt(0) : 0;
    if (n != 0 && !isFrameLength(n)) {
      throw new CorruptFileException(file, "frame at byte " + at + " has the impossible length " + n);
    }
    return n;
  }

  @Override
  public EventReader openReader() {
    try {
      return new Reader(FileChannel.open(file, StandardOpenOption.READ));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the log " + file, e);
    }
  }

  @Override
  public synchronized void sync() {
    if (out == null) {
      return; // nothing appended through this log
    }
    try {
      out.force(true);
    } catch (IOException e) {
      throw StorageException.writing("the log (forcing it)", file, e);
    }
  }

  /** The log's file (this log is one file, not a folder). */
  @Override
  public Path directory() {
    return file;
  }

  @Override
  public synchronized void close() {
    if (out == null) {
      return;
    }
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close the log " + file, e);
    }
  }

  /** Reads whole frames from the start; a zero length (or no length yet) is the current end. */
  private final class Reader implements EventReader {
    private final FileChannel in;
    private final ByteBuffer length = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private byte[] buf = new byte[256];
    private long at = HEADER_LENGTH;
    private long position;

    Reader(FileChannel in) {
      this.in = in;
    }

    @Override
    public ByteSource next() {
      try {
        length.clear();
        readFully(in, length, at);
        if (length.position() < 4) {
          return null;
        }
        int n = length.getInt(0);
        if (n == 0) {
          return null;
        }
        if (!isFrameLength(n)) {
          throw new CorruptFileException(file, "event " + position + " (byte " + at + ") has the impossible length " + n);
        }
        if (buf.length < n) {
          buf = new byte[Math.max(n, buf.length * 2)];
        }
        ByteBuffer body = ByteBuffer.wrap(buf, 0, n);
        readFully(in, body, at + 4);
        if (body.position() < n) {
          // An append writes the length last, so a killed writer never leaves this: the file was cut.
          throw new CorruptFileException(file, "event " + position + " (byte " + at + ") is cut short: "
              + n + " bytes announced, " + body.position() + " there");
        }
        if (!FrameCheck.isChecked(buf, n)) {
          throw new CorruptFileException(file, "event " + position + " (byte " + at + ") is not a checked excerpt");
        }
        int payload = FrameCheck.open(buf, n);
        if (payload < 0) {
          throw new CorruptFileException(file, "event " + position + " (byte " + at + ") fails its check");
        }
        at += 4 + n;
        position++;
        return new ByteSource(buf, 0, payload);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the log " + file, e);
      }
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void rewind() {
      at = HEADER_LENGTH;
      position = 0;
    }

    @Override
    public Path source() {
      return file;
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot close a reader of " + file, e);
      }
    }
  }
}
