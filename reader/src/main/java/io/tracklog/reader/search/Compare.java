package io.tracklog.reader.search;

import io.tracklog.reader.search.Clause.Op;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/** The comparisons and orderings every search shares, written to be obviously MLflow's. */
final class Compare {
  private Compare() {}

  /** A metric comparison with IEEE semantics, as Python's: NaN is unequal to everything. */
  static boolean compare(double lhs, Op op, double rhs) {
    return switch (op) {
      case EQ -> lhs == rhs;
      case NE -> lhs != rhs;
      case GT -> lhs > rhs;
      case GE -> lhs >= rhs;
      case LT -> lhs < rhs;
      case LE -> lhs <= rhs;
      default -> throw new IllegalStateException("Not a numeric comparator: " + op);
    };
  }

  /** An integer attribute (a time in ms) against a number literal, compared exactly. */
  static boolean compare(long lhs, Op op, double rhs) {
    return holds(compareExact(lhs, rhs), op);
  }

  /** {@link #compare(long, Op, double)} without BigDecimal, for column scans; the same answers. */
  static boolean compareFast(long lhs, Op op, double rhs) {
    return holds(compareExactFast(lhs, rhs), op);
  }

  /** Whether a three-way comparison result {@code c} satisfies a numeric comparator. */
  private static boolean holds(int c, Op op) {
    return switch (op) {
      case EQ -> c == 0;
      case NE -> c != 0;
      case GT -> c > 0;
      case GE -> c >= 0;
      case LT -> c < 0;
      case LE -> c <= 0;
      default -> throw new IllegalStateException("Not a numeric comparator: " + op);
    };
  }

  /** The exact order of a long and a (non-NaN) double. */
  static int compareExactFast(long a, double b) {
    if (b >= 0x1p63) {
      return -1;
    }
    if (b < -0x1p63) {
      return 1;
    }
    double floor = Math.floor(b);
    long f = (long) floor; // exact: |floor| <= 2^63 and -2^63 is a long
    if (a != f) {
      return a < f ? -1 : 1; // a > f means a >= f + 1 > b
    }
    return floor == b ? 0 : -1;
  }

  static int compareExact(long a, double b) {
    if (Double.isInfinite(b)) {
      return b > 0 ? -1 : 1;
    }
    return new BigDecimal(a).compareTo(new BigDecimal(b));
  }

  /** A string comparison: case-sensitive except ILIKE; IN lists were already lower-cased by MLflow's rule. */
  static boolean compare(String lhs, Op op, Clause.Value rhs) {
    return switch (op) {
      case EQ -> lhs.equals(text(rhs));
      case NE -> !lhs.equals(text(rhs));
      case LIKE -> like(lhs, text(rhs), false);
      case ILIKE -> like(lhs, text(rhs), true);
      case IN -> list(rhs).contains(lhs);
      case NOT_IN -> !list(rhs).contains(lhs);
      default -> throw new IllegalStateException("Not a string comparator: " + op);
    };
  }

  /**
   * {@link #compare(String, Op, Clause.Value)} with the right-hand side prepared once, for testing
   * many values (a column's dictionary): a LIKE pattern is split into code points once, and one that
   * is a literal prefix followed only by {@code %} becomes {@link String#startsWith}.
   */
  static Predicate<String> matcher(Op op, Clause.Value rhs) {
    if (op != Op.LIKE && op != Op.ILIKE) {
      return lhs -> compare(lhs, op, rhs);
    }
    String pattern = text(rhs);
    boolean ignoreCase = op == Op.ILIKE;
    String prefix = literalPrefix(pattern);
    if (!ignoreCase && prefix != null) {
      return lhs -> lhs.startsWith(prefix);
    }
    int[] p = codePoints(pattern);
    return lhs -> like(codePoints(lhs), p, ignoreCase);
  }

  /**
   * The literal part of a pattern of the form {@code literal%...%} (no {@code _}, every {@code %} at
   * the end), or null. Null also when the literal ends in a high surrogate: a value holding that
   * surrogate paired would start with it as UTF-16 units but not as code points.
   */
  private static String literalPrefix(String pattern) {
    int first = pattern.indexOf('%');
    if (first < 0 || pattern.indexOf('_') >= 0) {
      return null;
    }
    for (int i = first; i < pattern.length(); i++) {
      if (pattern.charAt(i) != '%') {
        return null;
      }
    }
    String prefix = pattern.substring(0, first);
    return !prefix.isEmpty() && Character.isHighSurrogate(prefix.charAt(first - 1)) ? null : prefix;
  }

  private static String text(Clause.Value v) {
    return ((Clause.Text) v).value();
  }

  private static List<String> list(Clause.Value v) {
    return ((Clause.Values) v).values();
  }

  /**
   * SQL LIKE: {@code %} matches any run of characters (newlines included), {@code _} exactly one
   * character (code point), everything else itself; anchored at both ends; no escape character.
   * {@code ignoreCase} compares code points case-insensitively (ILIKE).
   */
  static boolean like(String value, String pattern, boolean ignoreCase) {
    return like(codePoints(value), codePoints(pattern), ignoreCase);
  }

  private static boolean like(int[] s, int[] p, boolean ignoreCase) {
    int i = 0;
    int j = 0;
    int star = -1;
    int mark = 0;
    while (i < s.length) {
      if (j < p.length && p[j] != '%' && (p[j] == '_' || same(p[j], s[i], ignoreCase))) {
        i++;
        j++;
      } else if (j < p.length && p[j] == '%') {
        star = j++;
        mark = i;
      } else if (star >= 0) {
        j = star + 1;
        i = ++mark;
      } else {
        return false;
      }
    }
    while (j < p.length && p[j] == '%') {
      j++;
    }
    return j == p.length;
  }

  /** The code points of {@code s}, an unpaired surrogate as itself (as {@link String#codePoints}). */
  private static int[] codePoints(String s) {
    int n = s.length();
    int[] out = new int[n];
    int k = 0;
    for (int i = 0; i < n; ) {
      int c = s.codePointAt(i);
      out[k++] = c;
      i += Character.charCount(c);
    }
    return k == n ? out : Arrays.copyOf(out, k);
  }

  private static boolean same(int a, int b, boolean ignoreCase) {
    return a == b
        || (ignoreCase
            && (Character.toLowerCase(a) == Character.toLowerCase(b)
                || Character.toUpperCase(a) == Character.toUpperCase(b)));
  }

  /** Strings by Unicode code point, as Python and SQLite compare them (not by UTF-16 unit). */
  static int compareCodePoints(String a, String b) {
    return io.tracklog.internal.CodePoints.compare(a, b);
  }

  /** Python's {@code <} on two non-NaN doubles: -0.0 and 0.0 are equal. */
  static int compareNumbers(double a, double b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
}
