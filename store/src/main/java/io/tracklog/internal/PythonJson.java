package io.tracklog.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Python's {@code json.dumps} and {@code repr(float)}, for files and answers that must be byte for
 * byte what MLflow writes: maps keep their order, strings are escaped as with {@code ensure_ascii},
 * floats are spelled as Python spells them, NaN and infinities as {@code NaN}, {@code Infinity} and
 * {@code -Infinity} (Python's {@code allow_nan}). Not API.
 */
public final class PythonJson {
  private PythonJson() {}

  /** How NaN and the infinities are written. */
  public enum NonFinite {
    /** {@code NaN}, {@code Infinity}, {@code -Infinity}: Python's {@code allow_nan}. */
    BARE,
    /** {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}: protobuf JSON's strings (MLflow's REST answers). */
    STRING
  }

  /** {@code json.dumps(value)}: one line, separators {@code ", "} and {@code ": "}. */
  public static String dumps(Object value) {
    return dumps(value, -1, NonFinite.BARE);
  }

  /** {@code json.dumps(value, indent=indent)}. */
  public static String dumps(Object value, int indent) {
    return dumps(value, indent, NonFinite.BARE);
  }

  /** {@code json.dumps(value, indent=indent)} ({@code indent} < 0: one line), non-finite floats as asked. */
  public static String dumps(Object value, int indent, NonFinite nonFinite) {
    StringBuilder sb = new StringBuilder();
    write(sb, value, indent, 0, nonFinite);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object value, int indent, int depth, NonFinite nonFinite) {
    if (value == null) {
      sb.append("null");
    } else if (value instanceof String s) {
      writeString(sb, s);
    } else if (value instanceof Boolean b) {
      sb.append(b ? "true" : "false");
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger) {
      sb.append(value);
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (nonFinite == NonFinite.STRING && !Double.isFinite(d)) {
        writeString(sb, floatRepr(d));
      } else {
        sb.append(floatRepr(d));
      }
    } else if (value instanceof Map<?, ?> map) {
      if (map.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        separator(sb, first, indent, depth + 1);
        first = false;
        writeString(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        write(sb, e.getValue(), indent, depth + 1, nonFinite);
      }
      newline(sb, indent, depth);
      sb.append('}');
    } else if (value instanceof List<?> list) {
      if (list.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      boolean first = true;
      for (Object item : list) {
        separator(sb, first, indent, depth + 1);
        first = false;
        write(sb, item, indent, depth + 1, nonFinite);
      }
      newline(sb, indent, depth);
      sb.append(']');
    } else {
      throw new IllegalArgumentException("Invalid JSON value: " + value + " (" + value.getClass().getName() + ")");
    }
  }

  private static void separator(StringBuilder sb, boolean first, int indent, int depth) {
    if (!first) {
      sb.append(indent < 0 ? ", " : ",");
    }
    newline(sb, indent, depth);
  }

  private static void newline(StringBuilder sb, int indent, int depth) {
    if (indent >= 0) {
      sb.append('\n').append(" ".repeat(indent * depth));
    }
  }

  /** A JSON string as Python's json module writes it with ensure_ascii. */
  public static void writeString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c >= ' ' && c <= '~') {
            sb.append(c);
          } else { // surrogates one by one: a pair, as Python writes astral characters
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          }
        }
      }
    }
    sb.append('"');
  }

  /** A float as json.dumps writes it: {@link #repr} for finite values, else NaN, Infinity, -Infinity. */
  public static String floatRepr(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Infinity" : "-Infinity";
    }
    return repr(v);
  }

  /**
   * Python's {@code repr(float)} for a finite double: the shortest digits that read back as the
   * same double (the closest such to the double), positional when the decimal exponent is in
   * [-4, 16), else {@code d.ddde±XX}; a positional integer keeps {@code .0}. The digits come from
   * the Schubfach algorithm in jackson-core (what JDK 19's {@code Double.toString} uses) instead of
   * a search over {@link BigDecimal} precisions, which made rendering a search response's numbers
   * most of its cost (docs/BENCHMARKS.md, "Tracking server"); JDK 17's {@code Double.toString}
   * sometimes gives more digits than needed. PythonReprTest holds the two to the same answers.
   */
  public static String repr(double v) {
    if (v == 0) {
      return (1 / v < 0) ? "-0.0" : "0.0";
    }
    String java = com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal.toString(Math.abs(v));
    int e = java.indexOf('E');
    String mantissa = e < 0 ? java : java.substring(0, e);
    int dot = mantissa.indexOf('.');
    String all = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
    int decpt = dot + (e < 0 ? 0 : Integer.parseInt(java.substring(e + 1))); // |v| = 0.all × 10^decpt
    int lead = 0;
    while (lead < all.length() - 1 && all.charAt(lead) == '0') {
      lead++;
      decpt--;
    }
    int end = all.length();
    while (end > lead + 1 && all.charAt(end - 1) == '0') {
      end--;
    }
    String digits = all.substring(lead, end);
    if (digits.length() == 2) {
      // Java's rule takes a closer two-digit decimal over a one-digit one that also reads back
      // (4.9E-324); Python's repr takes the shortest (5e-324).
      String one = oneDigit(Math.abs(v), digits, decpt);
      if (one != null) {
        if (one.length() == 2) { // 9.x rounded up to 10: one digit, one place higher
          digits = "1";
          decpt++;
        } else {
          digits = one;
        }
      }
    }
    return notation(v < 0, digits, decpt);
  }

  /**
   * Python's notation of {@code (-)0.digits × 10^decpt}: positional when the exponent is in [-4, 16),
   * else {@code d.ddde±XX}; a positional integer keeps {@code .0}.
   */
  static String notation(boolean negative, String digits, int decpt) {
    StringBuilder sb = new StringBuilder();
    if (negative) {
      sb.append('-');
    }
    if (decpt > -4 && decpt <= 16) {
      if (decpt <= 0) {
        sb.append("0.").append("0".repeat(-decpt)).append(digits);
      } else if (decpt >= digits.length()) {
        sb.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
      } else {
        sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
      }
    } else {
      sb.append(digits.charAt(0));
      if (digits.length() > 1) {
        sb.append('.').append(digits, 1, digits.length());
      }
      int exponent = decpt - 1;
      sb.append('e').append(exponent < 0 ? '-' : '+');
      String x = Integer.toString(Math.abs(exponent));
      sb.append(x.length() < 2 ? "0" + x : x);
    }
    return sb.toString();
  }

  /**
   * The one-digit decimal ({@code d × 10^(decpt-1)}) nearest {@code abs} among those that read back
   * as it, or null if none does; "10" when rounding 9.x up does.
   */
  private static String oneDigit(double abs, String twoDigits, int decpt) {
    int d = twoDigits.charAt(0) - '0';
    String best = null;
    BigDecimal bestDistance = null;
    BigDecimal exact = new BigDecimal(abs);
    for (int c = d; c <= d + 1; c++) {
      if (c == 0) {
        continue;
      }
      BigDecimal candidate = new BigDecimal(BigInteger.valueOf(c), -(decpt - 1));
      if (candidate.doubleValue() != abs) {
        continue;
      }
      BigDecimal distance = candidate.subtract(exact).abs();
      if (best == null || distance.compareTo(bestDistance) < 0) {
        best = Integer.toString(c);
        bestDistance = distance;
      }
    }
    return best;
  }
}
