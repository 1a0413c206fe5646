package io.tracklog.log;

import java.util.zip.CRC32C;

/**
 * The check every log excerpt carries since store format 4 (docs/FORMAT.md §Checked frames): bit 7
 * of the first byte marks a checked excerpt (event and frame tags are below 128), and the excerpt
 * ends with a CRC of everything before it, marked byte included: CRC-16/CCITT (2 bytes) for
 * excerpts of at most {@link #SHORT_LIMIT} bytes in all, where a logMetric frame of 12 bytes should
 * not pay 4 more, else CRC32C (4 bytes). Both detect every error burst of up to 16 bits in an
 * excerpt, so one damaged byte never passes; CRC-16 passes one random excerpt in 65 536.
 */
final class FrameCheck {
  /** The first byte of a checked excerpt has this bit set. */
  static final int MARK = 0x80;
  /** Excerpts of up to this many bytes, check included, end in a CRC-16; longer ones in a CRC32C. */
  static final int SHORT_LIMIT = 66;

  /** CRC-16/CCITT of one byte: the register's top byte XOR the byte, shifted through 8 bits. */
  private static final int[] BYTE = new int[256];
  /** The same for two bytes at once: two independent lookups per pair instead of a chain of two. */
  private static final int[] PAIR = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int b = 0; b < 8; b++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      BYTE[i] = crc & 0xFFFF;
    }
    for (int i = 0; i < 256; i++) {
      PAIR[i] = ((BYTE[i] & 0xFF) << 8) ^ BYTE[BYTE[i] >>> 8];
    }
  }

  private FrameCheck() {}

  /** How many check bytes an excerpt of {@code payload} bytes gets. */
  static int checkLength(int payload) {
    return payload + 2 <= SHORT_LIMIT ? 2 : 4;
  }

  /**
   * Writes {@code bytes[0, length)} into {@code out} as a checked excerpt; returns its length.
   * {@code out} must hold {@code length + 4} bytes.
   */
  static int seal(byte[] bytes, int length, byte[] out) {
    System.arraycopy(bytes, 0, out, 0, length);
    out[0] = (byte) (out[0] | MARK);
    int check = checkLength(length);
    long value = check == 2 ? crc16(out, length) : crc32c(out, length);
    for (int i = 0; i < check; i++) {
      out[length + i] = (byte) (value >>> (8 * i));
    }
    return length + check;
  }

  /** True if the excerpt {@code bytes[0, length)} is marked as checked. */
  static boolean isChecked(byte[] bytes, int length) {
    return length > 0 && (bytes[0] & MARK) != 0;
  }

  /**
   * The payload length of the checked excerpt {@code bytes[0, length)} with its mark cleared in
   * place, or -1 if its check fails.
   */
  static int open(byte[] bytes, int length) {
    int check = length <= SHORT_LIMIT ? 2 : 4;
    int payload = length - check;
    if (payload < 1) {
      return -1;
    }
    long expected = check == 2 ? crc16(bytes, payload) : crc32c(bytes, payload);
    long found = 0;
    for (int i = 0; i < check; i++) {
      found |= (bytes[payload + i] & 0xFFL) << (8 * i);
    }
    if (found != expected || checkLength(payload) != check) {
      return -1;
    }
    bytes[0] = (byte) (bytes[0] & ~MARK);
    return payload;
  }

  static int crc16(byte[] bytes, int length) {
    int crc = 0xFFFF;
    int i = 0;
    for (; i + 1 < length; i += 2) {
      // two bytes: the register XOR the pair; its high byte goes through both steps, its low one
      // through the second (CRC-16 is linear over XOR, so the two lookups combine by XOR)
      int x = crc ^ (((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF));
      crc = PAIR[x >>> 8] ^ BYTE[x & 0xFF];
    }
    if (i < length) {
      crc = ((crc << 8) ^ BYTE[((crc >>> 8) ^ bytes[i]) & 0xFF]) & 0xFFFF;
    }
    return crc;
  }


  private static long crc32c(byte[] bytes, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, length);
    return crc.getValue();
  }
}
