package io.tracklog.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * PyYAML's {@code safe_dump(data, default_flow_style=False)} for the values an MLmodel file holds
 * (maps, lists, strings, numbers, booleans, null), byte for byte: block style, sequences inside a
 * mapping not indented, keys sorted by code point when asked (PyYAML's default {@code sort_keys}),
 * strings plain when PyYAML would read them back as strings and single-quoted (double-quoted with
 * escapes for non-ASCII or control characters: no {@code allow_unicode}) otherwise, long scalars
 * folded at PyYAML's width of 80. Follows yaml/emitter.py ({@code analyze_scalar},
 * {@code choose_scalar_style}, {@code write_plain}, {@code write_single_quoted},
 * {@code write_double_quoted}) and yaml/resolver.py's implicit resolvers. Thread-safe: each dump
 * uses its own writer. Internal: the model package writes MLmodel, conda.yaml and python_env.yaml
 * with it, the MLflow export its registry files.
 */
public final class PyYaml {
  private static final int BEST_WIDTH = 80;
  private static final int BEST_INDENT = 2;

  /** Python's str ordering: by code point (Java's compareTo orders UTF-16 units). */
  static final Comparator<String> CODE_POINT_ORDER = CodePoints::compare;

  // yaml/resolver.py: a plain scalar matching one of these is not read back as a string.
  private static final Pattern BOOL =
      Pattern.compile("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
  private static final Pattern FLOAT = Pattern.compile(
      "[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
          + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
  private static final Pattern INT = Pattern.compile(
      "[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");
  private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
  private static final Pattern TIMESTAMP = Pattern.compile(
      "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
          + "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9]"
          + "(?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?");

  private final StringBuilder out = new StringBuilder();
  private final boolean sortKeys;
  private int column;

  private PyYaml(boolean sortKeys) {
    this.sortKeys = sortKeys;
  }

  /**
   * {@code yaml.safe_dump(map, default_flow_style=False, sort_keys=sortKeys)}; also what MLflow's
   * FileStore registry files are written with (io.tracklog.mlflow).
   *
   * @throws IllegalArgumentException if a value is not a map, list, string, number, boolean or null
   */
  public static String dump(Map<String, ?> map, boolean sortKeys) {
    PyYaml y = new PyYaml(sortKeys);
    if (map.isEmpty()) {
      y.write("{}");
      y.lineBreak();
    } else {
      y.mapping(map, 0, false);
    }
    return y.out.toString();
  }

  private void mapping(Map<?, ?> map, int indent, boolean inline) {
    List<String> keys = new ArrayList<>();
    for (Object k : map.keySet()) {
      keys.add((String) k);
    }
    if (sortKeys) {
      keys.sort(CODE_POINT_ORDER);
    }
    boolean first = true;
    for (String key : keys) {
      if (!(first && inline)) {
        indentTo(indent);
      }
      first = false;
      simpleKey(key);
      write(":");
      Object value = map.get(key);
      if (value instanceof Map<?, ?> m && !m.isEmpty()) {
        lineBreak();
        mapping(m, indent + BEST_INDENT, false);
      } else if (value instanceof List<?> l && !l.isEmpty()) {
        lineBreak();
        sequence(l, indent); // PyYAML does not indent a sequence inside a mapping
      } else {
        scalarOrEmpty(value, indent + BEST_INDENT);
        lineBreak();
      }
    }
  }

  private void sequence(List<?> list, int indent) {
    boolean first = true;
    for (Object item : list) {
      if (!first || column == 0) {
        indentTo(indent);
      }
      first = false;
      write("-");
      if (item instanceof Map<?, ?> m && !m.isEmpty()) {
        write(" ");
        mapping(m, indent + BEST_INDENT, true);
      } else if (item instanceof List<?> l && !l.isEmpty()) {
        write(" ");
        sequence(l, indent + BEST_INDENT);
      } else {
        scalarOrEmpty(item, indent + BEST_INDENT);
        lineBreak();
      }
    }
  }

  private void scalarOrEmpty(Object value, int indent) {
    write(" ");
    if (value instanceof Map<?, ?>) {
      write("{}");
    } else if (value instanceof List<?>) {
      write("[]");
    } else if (value instanceof String s) {
      string(s, indent);
    } else {
      write(nonString(value));
    }
  }

  /** yaml/representer.py's SafeRepresenter for null, bool, int and float. */
  static String nonString(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
        || value instanceof BigInteger) {
      return value.toString();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d)) {
        return ".nan";
      }
      if (Double.isInfinite(d)) {
        return d > 0 ? ".inf" : "-.inf";
      }
      String r = PythonJson.repr(d).toLowerCase(java.util.Locale.ROOT);
      return r.indexOf('.') < 0 && r.indexOf('e') >= 0 ? r.replace("e", ".0e") : r;
    }
    throw new IllegalArgumentException("Cannot write " + value.getClass().getName() + " to YAML: " + value);
  }

  private void simpleKey(String key) {
    Analysis a = analyze(key);
    if (resolvesAsString(key) && a.allowBlockPlain && !a.empty && !a.multiline) {
      write(key);
    } else if (a.allowSingleQuoted && !a.multiline) {
      singleQuoted(key, 0, false);
    } else {
      doubleQuoted(key, 0, false);
    }
  }

  private void string(String s, int indent) {
    Analysis a = analyze(s);
    if (resolvesAsString(s) && a.allowBlockPlain) {
      plain(s, indent);
    } else if (a.allowSingleQuoted) {
      singleQuoted(s, indent, true);
    } else {
      doubleQuoted(s, indent, true);
    }
  }

  /** Whether PyYAML's implicit resolvers give a plain {@code s} the str tag. */
  static boolean resolvesAsString(String s) {
    if (s.isEmpty()) {
      return false; // resolves as null
    }
    char c = s.charAt(0);
    if ("yYnNtTfFoO".indexOf(c) >= 0 && BOOL.matcher(s).matches()) {
      return false;
    }
    if ("-+0123456789.".indexOf(c) >= 0 && FLOAT.matcher(s).matches()) {
      return false;
    }
    if ("-+0123456789".indexOf(c) >= 0 && INT.matcher(s).matches()) {
      return false;
    }
    if ("~nN".indexOf(c) >= 0 && NULL.matcher(s).matches()) {
      return false;
    }
    if ("0123456789".indexOf(c) >= 0 && TIMESTAMP.matcher(s).matches()) {
      return false;
    }
    return !s.equals("<<") && !s.equals("=");
  }

  private record Analysis(boolean empty, boolean multiline, boolean allowBlockPlain, boolean allowSingleQuoted) {}

  private static boolean isSpaceOrBreak(char ch) {
    return ch == '\0' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\u0085' || ch == '\u2028'
        || ch == '\u2029';
  }

  private static boolean isBreak(char ch) {
    return ch == '\n' || ch == '\u0085' || ch == '\u2028' || ch == '\u2029';
  }

  /** emitter.py's analyze_scalar, without allow_unicode; only what block context needs. */
  private static Analysis analyze(String s) {
    if (s.isEmpty()) {
      return new Analysis(true, false, true, true);
    }
    boolean blockIndicators = s.startsWith("---") || s.startsWith("...");
    boolean lineBreaks = false;
    boolean special = false;
    boolean leadingSpace = false;
    boolean leadingBreak = false;
    boolean trailingSpace = false;
    boolean trailingBreak = false;
    boolean breakSpace = false;
    boolean spaceBreak = false;
    boolean precededByWhitespace = true;
    boolean followedByWhitespace = s.length() == 1 || isSpaceOrBreak(s.charAt(1));
    boolean previousSpace = false;
    boolean previousBreak = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (i == 0) {
        if ("#,[]{}&*!|>'\"%@`".indexOf(ch) >= 0) {
          blockIndicators = true;
        }
        if ((ch == '?' || ch == ':' || ch == '-') && followedByWhitespace) {
          blockIndicators = true;
        }
      } else {
        if (ch == ':' && followedByWhitespace) {
          blockIndicators = true;
        }
        if (ch == '#' && precededByWhitespace) {
          blockIndicators = true;
        }
      }
      if (isBreak(ch)) {
        lineBreaks = true;
      }
      if (!(ch == '\n' || (ch >= '\u0020' && ch <= '\u007e'))) {
        special = true; // no allow_unicode: every other character is escaped in double quotes
      }
      if (ch == ' ') {
        if (i == 0) {
          leadingSpace = true;
        }
        if (i == s.length() - 1) {
          trailingSpace = true;
        }
        if (previousBreak) {
          breakSpace = true;
        }
        previousSpace = true;
        previousBreak = false;
      } else if (isBreak(ch)) {
        if (i == 0) {
          leadingBreak = true;
        }
        if (i == s.length() - 1) {
          trailingBreak = true;
        }
        if (previousSpace) {
          spaceBreak = true;
        }
        previousSpace = false;
        previousBreak = true;
      } else {
        previousSpace = false;
        previousBreak = false;
      }
      precededByWhitespace = isSpaceOrBreak(ch);
      followedByWhitespace = i + 2 >= s.length() || isSpaceOrBreak(s.charAt(i + 2));
    }
    boolean plain = !(leadingSpace || leadingBreak || trailingSpace || trailingBreak);
    boolean single = true;
    if (breakSpace) {
      plain = false;
      single = false;
    }
    if (spaceBreak || special) {
      plain = false;
      single = false;
    }
    if (lineBreaks || blockIndicators) {
      plain = false;
    }
    return new Analysis(false, lineBreaks, plain, single);
  }

  private void plain(String text, int indent) {
    boolean spaces = false;
    int start = 0;
    int end = 0;
    while (end <= text.length()) {
      char ch = end < text.length() ? text.charAt(end) : 0;
      boolean atEnd = end == text.length();
      if (spaces) {
        if (atEnd || ch != ' ') {
          if (start + 1 == end && column > BEST_WIDTH) {
            indentBreak(indent);
          } else {
            write(text.substring(start, end));
          }
          start = end;
        }
      } else if (atEnd || ch == ' ') {
        write(text.substring(start, end));
        start = end;
      }
      if (!atEnd) {
        spaces = ch == ' ';
      }
      end++;
    }
  }

  private void singleQuoted(String text, int indent, boolean split) {
    write("'");
    boolean spaces = false;
    boolean breaks = false;
    int start = 0;
    int end = 0;
    while (end <= text.length()) {
      boolean atEnd = end == text.length();
      char ch = atEnd ? 0 : text.charAt(end);
      if (spaces) {
        if (atEnd || ch != ' ') {
          if (start + 1 == end && column > BEST_WIDTH && split && start != 0 && !atEnd) {
            indentBreak(indent);
          } else {
            write(text.substring(start, end));
          }
          start = end;
        }
      } else if (breaks) {
        if (atEnd || !isBreak(ch)) {
          if (text.charAt(start) == '\n') {
            lineBreak();
          }
          for (int i = start; i < end; i++) {
            out.append(text.charAt(i));
            column = 0;
          }
          indentTo(indent);
          start = end;
        }
      } else if (atEnd || ch == ' ' || isBreak(ch) || ch == '\'') {
        if (start < end) {
          write(text.substring(start, end));
          start = end;
        }
      }
      if (ch == '\'' && !atEnd) {
        write("''");
        start = end + 1;
      }
      if (!atEnd) {
        spaces = ch == ' ';
        breaks = isBreak(ch);
      }
      end++;
    }
    write("'");
  }

  private static String escape(char ch) {
    return switch (ch) {
      case '\0' -> "0";
      case '\u0007' -> "a";
      case '\b' -> "b";
      case '\t' -> "t";
      case '\n' -> "n";
      case '\u000b' -> "v";
      case '\f' -> "f";
      case '\r' -> "r";
      case '\u001b' -> "e";
      case '"' -> "\"";
      case '\\' -> "\\";
      case '\u0085' -> "N";
      case '\u00a0' -> "_";
      case '\u2028' -> "L";
      case '\u2029' -> "P";
      default -> null;
    };
  }

  private void doubleQuoted(String text, int indent, boolean split) {
    write("\"");
    int start = 0;
    int end = 0;
    int[] cps = text.codePoints().toArray(); // Python indexes code points
    String[] chars = new String[cps.length];
    for (int i = 0; i < cps.length; i++) {
      chars[i] = new String(Character.toChars(cps[i]));
    }
    while (end <= cps.length) {
      boolean atEnd = end == cps.length;
      int ch = atEnd ? -1 : cps[end];
      if (atEnd || ch == '"' || ch == '\\' || ch == 0x85 || ch == 0x2028 || ch == 0x2029 || ch == 0xFEFF
          || !(ch >= 0x20 && ch <= 0x7E)) {
        if (start < end) {
          write(join(chars, start, end));
          start = end;
        }
        if (!atEnd) {
          String e = ch <= 0xFFFF ? escape((char) ch) : null;
          String data;
          if (e != null) {
            data = "\\" + e;
          } else if (ch <= 0xFF) {
            data = String.format(java.util.Locale.ROOT, "\\x%02X", ch);
          } else if (ch <= 0xFFFF) {
            data = String.format(java.util.Locale.ROOT, "\\u%04X", ch);
          } else {
            data = String.format(java.util.Locale.ROOT, "\\U%08X", ch);
          }
          write(data);
          start = end + 1;
        }
      }
      if (end > 0 && end < cps.length - 1 && (ch == ' ' || start >= end) && column + (end - start) > BEST_WIDTH
          && split) {
        write(join(chars, start, end) + "\\");
        if (start < end) {
          start = end;
        }
        indentBreak(indent);
        if (cps[start] == ' ') {
          write("\\");
        }
      }
      end++;
    }
    write("\"");
  }

  private static String join(String[] chars, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append(chars[i]);
    }
    return sb.toString();
  }

  private void write(String s) {
    out.append(s);
    column += s.codePointCount(0, s.length());
  }

  private void lineBreak() {
    out.append('\n');
    column = 0;
  }

  private void indentBreak(int indent) {
    lineBreak();
    indentTo(indent);
  }

  private void indentTo(int indent) {
    if (column < indent) {
      out.append(" ".repeat(indent - column));
      column = indent;
    }
  }
}
