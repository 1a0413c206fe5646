package io.tracklog.format;

import java.util.Arrays;

/**
 * A growable little-endian byte buffer that events are encoded into before they are appended, so an
 * append never writes half an event. Reused across calls: encoding a metric allocates nothing once
 * the buffer has grown to fit.
 *
 * <p>Not thread-safe.
 */
public final class ByteSink {
  private byte[] buf;
  private int pos;

  public ByteSink() {
    this(256);
  }

  public ByteSink(int initialCapacity) {
    buf = new byte[initialCapacity];
  }

  public ByteSink reset() {
    pos = 0;
    return this;
  }

  /** The encoded bytes are {@code array()[0, length())}. */
  public byte[] array() {
    return buf;
  }

  public int length() {
    return pos;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  public void writeByte(int b) {
    ensure(1);
    buf[pos++] = (byte) b;
  }

  public void writeBoolean(boolean b) {
    writeByte(b ? 1 : 0);
  }

  public void writeLong(long v) {
    ensure(8);
    for (int i = 0; i < 8; i++) {
      buf[pos++] = (byte) (v >>> (8 * i));
    }
  }

  public void writeDouble(double v) {
    writeLong(Double.doubleToRawLongBits(v));
  }

  /** Unsigned LEB128. */
  public void writeVarLong(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[pos++] = (byte) v;
  }

  /** How many bytes {@link #writeVarLong} writes for {@code v}. */
  public static int varLongSize(long v) {
    return v == 0 ? 1 : (63 - Long.numberOfLeadingZeros(v)) / 7 + 1;
  }

  /** Signed, zig-zag then LEB128: small negative steps stay small. */
  public void writeZigZag(long v) {
    writeVarLong((v << 1) ^ (v >> 63));
  }

  /** Length (UTF-8 bytes, varint) then the bytes; encoded without allocating. */
  /** A count, then each string ({@link ByteSource#readStrings}). */
  public void writeStrings(java.util.List<String> strings) {
    writeVarLong(strings.size());
    for (String s : strings) {
      writeString(s);
    }
  }

  public void writeString(String s) {
    int n = s.length();
    int bytes = utf8Length(s);
    writeVarLong(bytes);
    ensure(bytes);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        buf[pos++] = (byte) c;
      } else if (c < 0x800) {
        buf[pos++] = (byte) (0xC0 | (c >> 6));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf[pos++] = (byte) (0xF0 | (cp >> 18));
        buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (cp & 0x3F));
      } else if (Character.isSurrogate(c)) {
        buf[pos++] = (byte) '?'; // unpaired surrogate, as String.getBytes(UTF_8) does
      } else {
        buf[pos++] = (byte) (0xE0 | (c >> 12));
        buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        buf[pos++] = (byte) (0x80 | (c & 0x3F));
      }
    }
  }

  /** A string that may be null: 0 for null, else 1 then the string. */
  public void writeNullableString(String s) {
    if (s == null) {
      writeByte(0);
    } else {
      writeByte(1);
      writeString(s);
    }
  }

  static int utf8Length(String s) {
    int n = s.length();
    int bytes = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        bytes += 1;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
