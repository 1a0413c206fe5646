package io.tracklog.reader;

import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The container of an archive (docs/FORMAT.md §Archives): a plain zip file whose entries are all
 * STORED (no zip compression: the Arrow files inside are ZSTD-compressed already, and a stored
 * entry is a byte range of the file that can be mapped), each entry's data aligned to 64 bytes, no
 * ZIP64 (archives under 4 GiB). Written and parsed here rather than with {@code java.util.zip} so
 * that reading can refuse what a hostile file may hold: links, directories, duplicate or escaping
 * names, compressed entries (ratio bombs), overlapping entries or sizes past the file (size bombs),
 * a truncated file. Immutable once opened: entries are read with positional reads, so several
 * threads may read at once; the caller closes it.
 */
final class ArchiveZip implements AutoCloseable {
  static final int ALIGNMENT = 64;
  private static final int LOCAL = 0x04034b50;
  private static final int CENTRAL = 0x02014b50;
  private static final int END = 0x06054b50;
  private static final int UNIX_LINK = 0120000;
  private static final int UNIX_TYPE = 0170000;

  /** One stored entry: its data is bytes {@code [offset, offset + size)} of the file. */
  record Entry(String name, long offset, long size, long crc32) {}

  private final Path file;
  private final FileChannel channel;
  private final Map<String, Entry> entries;

  private ArchiveZip(Path file, FileChannel channel, Map<String, Entry> entries) {
    this.file = file;
    this.channel = channel;
    this.entries = entries;
  }

  /**
   * Parses the central directory and every local header.
   *
   * @throws CorruptFileException naming the file and the entry, for anything not a well-formed
   *     archive container
   */
  static ArchiveZip open(Path file) {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open archive " + file, e);
    }
    boolean ok = false;
    try {
      ArchiveZip zip = new ArchiveZip(file, ch, parse(file, ch));
      ok = true;
      return zip;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read archive " + file, e);
    } finally {
      if (!ok) {
        closeQuietly(ch);
      }
    }
  }

  private static Map<String, Entry> parse(Path file, FileChannel ch) throws IOException {
    long size = ch.size();
    if (size < 22) {
      throw new CorruptFileException(file, "is truncated: " + size + " bytes, no end of central directory");
    }
    int tail = (int) Math.min(size, 22 + 65535);
    ByteBuffer end = read(ch, size - tail, tail);
    int at = -1;
    for (int i = tail - 22; i >= 0; i--) {
      if (end.getInt(i) == END && i + 22 + (end.getShort(i + 20) & 0xffff) == tail) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      throw new CorruptFileException(file, "has no end of central directory record (truncated, or not an archive)");
    }
    int count = end.getShort(at + 10) & 0xffff;
    long cdSize = end.getInt(at + 12) & 0xffffffffL;
    long cdOffset = end.getInt(at + 16) & 0xffffffffL;
    if (count == 0xffff || cdOffset == 0xffffffffL) {
      throw new UnsupportedFormatException("Cannot read archive " + file + ": a ZIP64 file (archives are under 4 GiB, format 1.." + ArchiveFormat.VERSION + ")");
    }
    long endPos = size - tail + at;
    if (cdOffset + cdSize != endPos) {
      throw new CorruptFileException(file, "central directory at " + cdOffset + " (+" + cdSize + ") does not end at " + endPos);
    }
    ByteBuffer cd = read(ch, cdOffset, (int) cdSize);
    Map<String, Entry> out = new LinkedHashMap<>();
    int p = 0;
    for (int i = 0; i < count; i++) {
      if (p + 46 > cdSize || cd.getInt(p) != CENTRAL) {
        throw new CorruptFileException(file, "central directory entry " + i + " is damaged");
      }
      int flags = cd.getShort(p + 8) & 0xffff;
      int method = cd.getShort(p + 10) & 0xffff;
      long crc = cd.getInt(p + 16) & 0xffffffffL;
      long csize = cd.getInt(p + 20) & 0xffffffffL;
      long usize = cd.getInt(p + 24) & 0xffffffffL;
      int nameLen = cd.getShort(p + 28) & 0xffff;
      int extraLen = cd.getShort(p + 30) & 0xffff;
      int commentLen = cd.getShort(p + 32) & 0xffff;
      int external = cd.getInt(p + 38);
      long local = cd.getInt(p + 42) & 0xffffffffL;
      if (p + 46 + nameLen + extraLen + commentLen > cdSize) {
        throw new CorruptFileException(file, "central directory entry " + i + " is damaged");
      }
      String name = utf8(file, cd, p + 46, nameLen);
      p += 46 + nameLen + extraLen + commentLen;
      String where = "entry " + name;
      ArchiveFormat.checkEntryName(file, name);
      if (((external >>> 16) & UNIX_TYPE) == UNIX_LINK) {
        throw new CorruptFileException(file, where + " is a symbolic link");
      }
      if ((flags & 1) != 0) {
        throw new CorruptFileException(file, where + " is encrypted");
      }
      if (method != 0 || csize != usize) {
        throw new CorruptFileException(file, where + " is compressed (method " + method + ", " + csize + " -> " + usize
            + " bytes): archive entries are stored");
      }
      if (out.containsKey(name)) {
        throw new CorruptFileException(file, where + " appears twice");
      }
      if (local + 30 > cdOffset) {
        throw new CorruptFileException(file, where + " starts past the entries");
      }
      ByteBuffer lh = read(ch, local, 30);
      if (lh.getInt(0) != LOCAL) {
        throw new CorruptFileException(file, where + " has no local header at " + local);
      }
      int lName = lh.getShort(26) & 0xffff;
      int lExtra = lh.getShort(28) & 0xffff;
      if (local + 30 + lName + lExtra > cdOffset || !utf8(file, read(ch, local + 30, lName), 0, lName).equals(name)) {
        throw new CorruptFileException(file, where + ": its local header does not match the central directory");
      }
      long data = local + 30 + lName + lExtra;
      if (data + usize > cdOffset) {
        throw new CorruptFileException(file, where + " claims " + usize + " bytes, past the end of the entries (truncated, or a size bomb)");
      }
      out.put(name, new Entry(name, data, usize, crc));
    }
    if (p != cdSize) {
      throw new CorruptFileException(file, "central directory has " + (cdSize - p) + " bytes past its " + count + " entries");
    }
    // No two entries share bytes (overlapping entries are how a stored zip becomes a ratio bomb).
    List<Entry> sorted = new ArrayList<>(out.values());
    sorted.sort(Comparator.comparingLong(Entry::offset));
    for (int i = 1; i < sorted.size(); i++) {
      Entry prev = sorted.get(i - 1);
      if (prev.offset() + prev.size() > sorted.get(i).offset() - 30) {
        throw new CorruptFileException(file, "entry " + sorted.get(i).name() + " overlaps entry " + prev.name());
      }
    }
    return out;
  }

  private static String utf8(Path file, ByteBuffer buf, int at, int len) {
    ByteBuffer b = buf.duplicate();
    b.position(at).limit(at + len);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(b)
          .toString();
    } catch (CharacterCodingException e) {
      throw new CorruptFileException(file, "an entry name is not UTF-8");
    }
  }

  private static ByteBuffer read(FileChannel ch, long at, int len) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, at + b.position()) < 0) {
        throw new IOException("unexpected end of file at " + (at + b.position()));
      }
    }
    return b.flip();
  }

  Path file() {
    return file;
  }

  /** The entries, in central-directory order. */
  Map<String, Entry> entries() {
    return entries;
  }

  /** The stream of an entry's bytes, unchecked. */
  InputStream open(Entry e) {
    return new InputStream() {
      private long pos = e.offset();
      private final long end = e.offset() + e.size();

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos >= end) {
          return -1;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
        if (n < 0) {
          throw new IOException("unexpected end of file");
        }
        pos += n;
        return n;
      }
    };
  }

  /**
   * Reads a whole entry, checking its CRC-32 (the zip's) and, if given, its SHA-256.
   *
   * @throws CorruptFileException naming the entry if a check fails
   */
  byte[] readAll(Entry e, String sha256, long maxBytes) {
    if (e.size() > maxBytes) {
      throw new CorruptFileException(file, "entry " + e.name() + " has " + e.size() + " bytes, more than " + maxBytes);
    }
    try {
      ByteBuffer b = read(channel, e.offset(), (int) e.size());
      byte[] bytes = b.array();
      check(e, sha256, bytes);
      return bytes;
    } catch (IOException x) {
      throw new UncheckedIOException("Cannot read archive " + file, x);
    }
  }

  /**
   * Streams an entry through {@code sink} (null: only checked), checking its CRC-32 and SHA-256;
   * the sink has seen every byte before the check fails.
   */
  void copy(Entry e, String sha256, java.io.OutputStream sink) {
    CRC32 crc = new CRC32();
    MessageDigest sha = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = open(e)) {
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        crc.update(buf, 0, n);
        sha.update(buf, 0, n);
        if (sink != null) {
          sink.write(buf, 0, n);
        }
      }
    } catch (IOException x) {
      throw new UncheckedIOException("Cannot read entry " + e.name() + " of archive " + file, x);
    }
    compare(e, sha256, crc.getValue(), sha.digest());
  }

  /**
   * Checks an entry's CRC-32 over its mapped bytes (no copy): what opening an archive checks of
   * the entries it does not extract yet.
   *
   * @throws CorruptFileException naming the entry if it fails
   */
  void checkCrc(Entry e) {
    CRC32 crc = new CRC32();
    try {
      for (long at = 0; at < e.size(); at += 1 << 30) {
        crc.update(channel.map(FileChannel.MapMode.READ_ONLY, e.offset() + at, Math.min(1 << 30, e.size() - at)));
      }
    } catch (IOException x) {
      throw new UncheckedIOException("Cannot read entry " + e.name() + " of archive " + file, x);
    }
    if (crc.getValue() != e.crc32()) {
      throw new CorruptFileException(file, "entry " + e.name() + " fails its CRC-32");
    }
  }

  private void check(Entry e, String sha256, byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    MessageDigest sha = sha256();
    sha.update(bytes);
    compare(e, sha256, crc.getValue(), sha.digest());
  }

  private void compare(Entry e, String sha256, long crc, byte[] digest) {
    if (crc != e.crc32()) {
      throw new CorruptFileException(file, "entry " + e.name() + " fails its CRC-32");
    }
    if (sha256 != null && !HexFormat.of().formatHex(digest).equals(sha256)) {
      throw new CorruptFileException(file, "entry " + e.name() + " fails its SHA-256");
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // already failing
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }
}
