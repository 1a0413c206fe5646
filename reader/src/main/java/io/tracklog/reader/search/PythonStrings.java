package io.tracklog.reader.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of Python's literal syntax to read an IN list as MLflow does: the parenthesised list,
 * quotes included, goes to {@code ast.literal_eval}, which must give a string or a tuple of strings
 * (mlflow/utils/search_utils.py, {@code _parse_list_from_sql_token}, {@code
 * _check_valid_identifier_list}). So strings may be single-, double- or triple-quoted, raw ({@code
 * r'...'}) or {@code u'...'}; side-by-side strings concatenate; backslash escapes are processed; a
 * trailing comma, newlines and nested parentheses around a string are fine. Anything else that is a
 * value (a number, a name, bytes, a nested tuple or list) makes the list "of a different type".
 */
final class PythonStrings {
  /** What a Python expression evaluates to, as far as an IN list cares. */
  sealed interface Value {}

  record Str(String value) implements Value {}

  record Tuple(List<Value> items) implements Value {}

  /** Any other value: a number, name, bytes, list, set... (MLflow refuses them, or crashes on names). */
  record Other(String text) implements Value {}

  private static final String ATOM_CHARS = "_.+-";

  private final String s;
  private int i;

  private PythonStrings(String s) {
    this.s = s;
  }

  /** {@code text} read as one Python expression, or null where {@code ast.literal_eval} raises SyntaxError. */
  static Value literal(String text) {
    PythonStrings p = new PythonStrings(text);
    try {
      Value v = p.expression();
      p.skipSpace();
      return p.i == text.length() ? v : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private Value expression() {
    skipSpace();
    if (i >= s.length()) {
      throw new IllegalArgumentException("expected a value");
    }
    char c = s.charAt(i);
    if (c == '(') {
      return parenthesised();
    }
    if (c == '[' || c == '{') {
      return new Other(balanced());
    }
    int quote = quoteAfterPrefix();
    if (quote >= 0) {
      return strings();
    }
    int start = i;
    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || ATOM_CHARS.indexOf(s.charAt(i)) >= 0)) {
      i++;
    }
    if (i == start) {
      throw new IllegalArgumentException("expected a value");
    }
    return new Other(s.substring(start, i));
  }

  /** {@code ( )}: the empty tuple; {@code (x)}: x; {@code (x,)}, {@code (x, y)}: a tuple. */
  private Value parenthesised() {
    i++;
    skipSpace();
    List<Value> items = new ArrayList<>();
    if (i < s.length() && s.charAt(i) == ')') {
      i++;
      return new Tuple(items);
    }
    boolean comma = false;
    while (true) {
      items.add(expression());
      skipSpace();
      if (i >= s.length()) {
        throw new IllegalArgumentException("unclosed '('");
      }
      char c = s.charAt(i++);
      if (c == ')') {
        return comma ? new Tuple(items) : items.get(0);
      }
      if (c != ',') {
        throw new IllegalArgumentException("expected ',' or ')'");
      }
      comma = true;
      skipSpace();
      if (i < s.length() && s.charAt(i) == ')') {
        i++;
        return new Tuple(items);
      }
    }
  }

  /** A bracketed list, set or dict, skipped whole (strings inside included). */
  private String balanced() {
    int start = i;
    int depth = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (quoteAfterPrefix() >= 0) {
        strings();
        continue;
      }
      i++;
      if (c == '[' || c == '{' || c == '(') {
        depth++;
      } else if ((c == ']' || c == '}' || c == ')') && --depth == 0) {
        return s.substring(start, i);
      }
    }
    throw new IllegalArgumentException("unclosed bracket");
  }

  /** The index of the opening quote if a string literal (with an optional prefix) starts here, else -1. */
  private int quoteAfterPrefix() {
    int j = i;
    while (j < s.length() && j - i < 2 && "rRuUbBfF".indexOf(s.charAt(j)) >= 0) {
      j++;
    }
    return j < s.length() && (s.charAt(j) == '\'' || s.charAt(j) == '"') ? j : -1;
  }

  /** Side-by-side string literals, concatenated; bytes and f-strings are not strings here. */
  private Value strings() {
    StringBuilder out = new StringBuilder();
    boolean plain = true;
    int start = i;
    do {
      int quote = quoteAfterPrefix();
      String prefix = s.substring(i, quote).toLowerCase(java.util.Locale.ROOT);
      if (!(prefix.isEmpty() || prefix.equals("r") || prefix.equals("u"))) {
        plain = false; // bytes (another type) or an f-string (not a literal)
      }
      i = quote;
      out.append(string(prefix.contains("r")));
      skipSpace();
    } while (i < s.length() && quoteAfterPrefix() >= 0);
    return plain ? new Str(out.toString()) : new Other(s.substring(start, i));
  }

  /** Python's whitespace between tokens, inside brackets: newlines and comments included. */
  private void skipSpace() {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '#') {
        while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
          i++;
        }
      } else if (c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r') {
        i++;
      } else {
        return;
      }
    }
  }

  /** One string literal at its opening quote; {@code raw}: backslashes are kept (and escape nothing). */
  private String string(boolean raw) {
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
      if (c == '\\' && raw) {
        out.append(c);
        if (i + 1 < s.length()) {
          out.append(s.charAt(i + 1));
        }
        i += 2;
      } else if (c == '\\') {
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
