package io.tracklog.reader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes the container {@link ArchiveZip} reads: stored entries, data aligned to {@value
 * ArchiveZip#ALIGNMENT} bytes (padding in the local header's extra field, id 0xD935 as Android's
 * zipalign), CRC-32 patched into the local header after the data, so each file is read once. Not
 * thread-safe; the caller owns and closes the channel.
 */
final class ArchiveZipWriter {
  static final long MAX_SIZE = 0xffffffffL - 1;
  private final FileChannel out;
  private final List<byte[]> central = new ArrayList<>();
  private long pos;

  /** What was written of one entry. */
  record Written(String name, long size, String sha256) {}

  ArchiveZipWriter(FileChannel out) {
    this.out = out;
  }

  Written add(String name, InputStream data) throws IOException {
    return add(name, data, 0100644);
  }

  /** Adds an entry with a Unix mode (tests write links with it). */
  Written add(String name, InputStream data, int unixMode) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    long local = pos;
    int pad = (int) ((ArchiveZip.ALIGNMENT - (local + 30 + nameBytes.length + 4) % ArchiveZip.ALIGNMENT) % ArchiveZip.ALIGNMENT);
    int extraLen = 4 + pad;
    ByteBuffer h = le(30 + nameBytes.length + extraLen);
    h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800).putShort((short) 0)
        .putShort((short) 0).putShort((short) 0x21) // 1980-01-01, as reproducible zips
        .putInt(0).putInt(0).putInt(0) // crc and sizes, patched below
        .putShort((short) nameBytes.length).putShort((short) extraLen).put(nameBytes)
        .putShort((short) 0xD935).putShort((short) pad);
    write(h.position(h.capacity()).flip()); // the padding bytes are zeros
    CRC32 crc = new CRC32();
    MessageDigest sha = ArchiveZip.sha256();
    byte[] buf = new byte[1 << 16];
    long size = 0;
    for (int n = data.read(buf); n >= 0; n = data.read(buf)) {
      crc.update(buf, 0, n);
      sha.update(buf, 0, n);
      write(ByteBuffer.wrap(buf, 0, n));
      size += n;
    }
    if (size > MAX_SIZE || pos > MAX_SIZE) {
      throw new IOException("Cannot write archive entry " + name + ": archives are limited to 4 GiB (no ZIP64)");
    }
    ByteBuffer patch = le(12).putInt((int) crc.getValue()).putInt((int) size).putInt((int) size).flip();
    while (patch.hasRemaining()) {
      out.write(patch, local + 14 + patch.position());
    }
    ByteBuffer c = le(46 + nameBytes.length);
    c.putInt(0x02014b50).putShort((short) (3 << 8 | 20)).putShort((short) 20).putShort((short) 0x0800)
        .putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
        .putInt((int) crc.getValue()).putInt((int) size).putInt((int) size)
        .putShort((short) nameBytes.length).putShort((short) 0).putShort((short) 0)
        .putShort((short) 0).putShort((short) 0).putInt(unixMode << 16).putInt((int) local).put(nameBytes);
    central.add(c.array());
    return new Written(name, size, HexFormat.of().formatHex(sha.digest()));
  }

  /** Writes the central directory and its end record. */
  void finish() throws IOException {
    long cdStart = pos;
    for (byte[] c : central) {
      write(ByteBuffer.wrap(c));
    }
    if (pos > MAX_SIZE || central.size() >= 0xffff) {
      throw new IOException("Cannot write archive: over 4 GiB or 65,534 entries (no ZIP64)");
    }
    ByteBuffer e = le(22);
    e.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
        .putShort((short) central.size()).putShort((short) central.size())
        .putInt((int) (pos - cdStart)).putInt((int) cdStart).putShort((short) 0);
    write(e.flip());
  }

  private void write(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      pos += out.write(b, pos);
    }
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
