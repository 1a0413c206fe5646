package io.tracklog.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decoded strings by their UTF-8 bytes, direct-mapped: replaying a log decodes the same few metric
 * keys millions of times, and this turns each into one hash over the bytes instead of a new String
 * (whose hash the series map would compute again). Not thread-safe; one per replay.
 */
public final class StringCache {
  private static final int SLOTS = 256;
  private final byte[][] keys = new byte[SLOTS][];
  private final String[] values = new String[SLOTS];

  String get(byte[] buf, int offset, int length) {
    int h = 1;
    for (int i = offset, end = offset + length; i < end; i++) {
      h = 31 * h + buf[i];
    }
    int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
    byte[] k = keys[slot];
    if (k != null && k.length == length && Arrays.equals(k, 0, length, buf, offset, offset + length)) {
      return values[slot];
    }
    String s = new String(buf, offset, length, StandardCharsets.UTF_8);
    keys[slot] = Arrays.copyOfRange(buf, offset, offset + length);
    values[slot] = s;
    return s;
  }
}
