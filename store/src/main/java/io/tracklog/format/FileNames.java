package io.tracklog.format;

/** Pieces of the store's file names (docs/FORMAT.md §Layout), built without {@code String.format}. */
public final class FileNames {
  private FileNames() {}

  /** {@code value} in decimal, left-padded with zeros to {@code width} digits (more if it needs them). */
  public static String zeroPadded(long value, int width) {
    if (value < 0) {
      throw new IllegalArgumentException("negative file number: " + value);
    }
    String digits = Long.toString(value);
    if (digits.length() >= width) {
      return digits;
    }
    return "0".repeat(width - digits.length()) + digits;
  }
}
