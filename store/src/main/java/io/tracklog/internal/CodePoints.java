package io.tracklog.internal;

/** Strings ordered as Python, SQLite and PyYAML's {@code sort_keys} order them. Not API. */
public final class CodePoints {
  private CodePoints() {}

  /** Compares by Unicode code point (Java's {@code compareTo} compares UTF-16 units). */
  public static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
