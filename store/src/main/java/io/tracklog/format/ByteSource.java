package io.tracklog.format;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteSink} wrote, checking bounds: running past the end or reading an impossible
 * length throws {@link DecodeException}, never returns garbage. Not thread-safe.
 */
public final class ByteSource {
  private final byte[] buf;
  private int pos;
  private final int limit;

  public ByteSource(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  public static ByteSource of(byte[] bytes) {
    return new ByteSource(bytes, 0, bytes.length);
  }

  public int remaining() {
    return limit - pos;
  }

  /** The CRC32C of the remaining bytes, which stay unread. */
  public int crc32c() {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(buf, pos, limit - pos);
    return (int) crc.getValue();
  }

  private void need(int n) {
    if (n < 0 || pos + n > limit) {
      throw new DecodeException("truncated: needed " + n + " bytes at offset " + pos + ", have " + (limit - pos));
    }
  }

  /** The unread bytes as a source of their own (shares the array); this one is left at its end. */
  public ByteSource rest() {
    ByteSource r = new ByteSource(buf, pos, limit - pos);
    pos = limit;
    return r;
  }

  /** The next byte without consuming it, or -1 at the end. */
  public int peekByte() {
    return pos < limit ? buf[pos] & 0xFF : -1;
  }

  public int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  public boolean readBoolean() {
    int b = readByte();
    if (b > 1) {
      throw new DecodeException("invalid boolean " + b);
    }
    return b == 1;
  }

  public long readLong() {
    need(8);
    long v = (long) LONG_LE.get(buf, pos);
    pos += 8;
    return v;
  }

  private static final java.lang.invoke.VarHandle LONG_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  public double readDouble() {
    return Double.longBitsToDouble(readLong());
  }

  public long readVarLong() {
    int p = pos;
    if (limit - p >= 10) { // the hot path: no bounds check per byte
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        byte b = buf[p++];
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          pos = p;
          return v;
        }
      }
      throw new DecodeException("varint longer than 10 bytes");
    }
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new DecodeException("varint longer than 10 bytes");
  }

  public long readZigZag() {
    long v = readVarLong();
    return (v >>> 1) ^ -(v & 1);
  }

  /** A count of following items, each at least one byte long: bounded by what remains. */
  public int readCount() {
    long n = readVarLong();
    if (n < 0 || n > remaining()) {
      throw new DecodeException("invalid count " + n + " with " + remaining() + " bytes left");
    }
    return (int) n;
  }

  /** What {@link ByteSink#writeStrings} wrote: a count, then that many strings. */
  public java.util.List<String> readStrings() {
    int n = readCount();
    java.util.List<String> out = new java.util.ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      out.add(readString());
    }
    return out;
  }

  public String readString() {
    long n = readVarLong();
    if (n < 0 || n > remaining()) {
      throw new DecodeException("invalid string length " + n + " with " + remaining() + " bytes left");
    }
    String s = new String(buf, pos, (int) n, StandardCharsets.UTF_8);
    pos += (int) n;
    return s;
  }

  /** As {@link #readString()}, through a cache of recently decoded strings. */
  public String readString(StringCache cache) {
    long n = readVarLong();
    if (n < 0 || n > remaining()) {
      throw new DecodeException("invalid string length " + n + " with " + remaining() + " bytes left");
    }
    String s = cache.get(buf, pos, (int) n);
    pos += (int) n;
    return s;
  }

  public String readNullableString() {
    return readBoolean() ? readString() : null;
  }

  public void expectEnd() {
    if (pos != limit) {
      throw new DecodeException((limit - pos) + " unexpected trailing bytes");
    }
  }
}
