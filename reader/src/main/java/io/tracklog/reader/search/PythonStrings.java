package io.tracklog.reader.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of Python's literal syntax to read an IN list as MLflow does ({@code
 * ast.literal_eval}): a string, or a tuple of strings, where side-by-side strings concatenate and
 * backslash escapes are processed.
 */
final class PythonStrings {
  private final String s;
  private int i;

  private PythonStrings(String s) {
    this.s = s;
  }

  /** The strings of {@code (body)} read as a Python literal, or null if it is not a valid one. */
  static List<String> tuple(String body) {
    PythonStrings p = new PythonStrings(body);
    try {
      return p.elements();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private List<String> elements() {
    List<String> out = new ArrayList<>();
    skipSpace();
    while (i < s.length()) {
      StringBuilder element = new StringBuilder();
      element.append(string());
      skipSpace();
      while (i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"')) {
        element.append(string());
        skipSpace();
      }
      out.add(element.toString());
      if (i < s.length()) {
        if (s.charAt(i) != ',') {
          throw new IllegalArgumentException("expected ','");
        }
        i++;
        skipSpace();
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("empty");
    }
    return out;
  }

  private void skipSpace() {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\f'
        || s.charAt(i) == '\n' || s.charAt(i) == '\r')) {
      i++;
    }
  }

  private String string() {
    if (i >= s.length()) {
      throw new IllegalArgumentException("expected a string");
    }
    char q = s.charAt(i);
    if (q != '\'' && q != '"') {
      throw new IllegalArgumentException("expected a string");
    }
    boolean triple = s.startsWith("" + q + q + q, i);
    i += triple ? 3 : 1;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw new IllegalArgumentException("unterminated string");
      }
      char c = s.charAt(i);
      if (triple ? s.startsWith("" + q + q + q, i) : c == q) {
        i += triple ? 3 : 1;
        return out.toString();
      }
      if (!triple && (c == '\n' || c == '\r')) {
        throw new IllegalArgumentException("newline in string");
      }
      if (c == '\\') {
        escape(out);
      } else {
        out.append(c);
        i++;
      }
    }
  }

  private void escape(StringBuilder out) {
    if (i + 1 >= s.length()) {
      throw new IllegalArgumentException("trailing backslash");
    }
    char e = s.charAt(i + 1);
    i += 2;
    switch (e) {
      case '\n' -> {}
      case '\\' -> out.append('\\');
      case '\'' -> out.append('\'');
      case '"' -> out.append('"');
      case 'a' -> out.append('\u0007');
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'n' -> out.append('\n');
      case 'r' -> out.append('\r');
      case 't' -> out.append('\t');
      case 'v' -> out.append('\u000B');
      case 'x' -> out.appendCodePoint(hex(2));
      case 'u' -> out.appendCodePoint(hex(4));
      case 'U' -> {
        int cp = hex(8);
        if (cp > Character.MAX_CODE_POINT) {
          throw new IllegalArgumentException("illegal Unicode character");
        }
        out.appendCodePoint(cp);
      }
      case 'N' -> {
        int close = s.indexOf('}', i);
        if (i >= s.length() || s.charAt(i) != '{' || close < 0) {
          throw new IllegalArgumentException("malformed \\N escape");
        }
        int cp = Character.codePointOf(s.substring(i + 1, close)); // IllegalArgumentException if unknown
        out.appendCodePoint(cp);
        i = close + 1;
      }
      default -> {
        if (e >= '0' && e <= '7') {
          int v = e - '0';
          for (int k = 0; k < 2 && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7'; k++) {
            v = v * 8 + (s.charAt(i++) - '0');
          }
          out.appendCodePoint(v);
        } else {
          out.append('\\').append(e); // Python keeps unknown escapes as they are
        }
      }
    }
  }

  private int hex(int digits) {
    if (i + digits > s.length()) {
      throw new IllegalArgumentException("truncated escape");
    }
    int v = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(s.charAt(i + k), 16);
      if (d < 0) {
        throw new IllegalArgumentException("truncated escape");
      }
      v = v * 16 + d;
    }
    i += digits;
    return v;
  }

  /** Python's {@code str.islower()}: at least one cased character, and no upper- or title-case one. */
  static boolean isLower(String s) {
    boolean cased = false;
    for (int k = 0; k < s.length(); ) {
      int cp = s.codePointAt(k);
      k += Character.charCount(cp);
      if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
        return false;
      }
      if (Character.isLowerCase(cp)) {
        cased = true;
      }
    }
    return cased;
  }
}
