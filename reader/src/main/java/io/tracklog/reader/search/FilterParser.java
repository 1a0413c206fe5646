package io.tracklog.reader.search;

import io.tracklog.reader.search.FilterLexer.Kind;
import io.tracklog.reader.search.FilterLexer.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * The structural half of filter parsing, shared by run and experiment search: splits a filter into
 * comparisons {@code operand comparator operand}, separated by optional {@code AND}s (mlflow/utils/search_utils.py, docs/SEARCH.md;
 * quirks Q1-Q3). What the operands mean is decided by {@link RunFilter} and {@link
 * ExperimentFilter}. Every structural error is raised before any clause is interpreted, as MLflow
 * checks the whole statement before its comparisons.
 */
final class FilterParser {
  enum OperandKind {
    /** A name, a quoted name, a dotted chain of them, or a double-quoted string. */
    IDENTIFIER,
    STRING,
    NUMBER,
    /** A hexadecimal literal: lexes as a number but is no number to MLflow. */
    HEX,
    LIST,
    /** Operands joined by arithmetic operators ({@code 1e+3} lexes as {@code 1e + 3}). */
    OPERATION
  }

  record Operand(OperandKind kind, String text, int start, int end) {}

  record RawClause(Operand left, String comparator, Operand right, int start, int end) {}

  private final String filter;
  private final List<Token> tokens;
  private int i;

  private FilterParser(String filter) {
    this.filter = filter;
    this.tokens = FilterLexer.tokenize(filter);
  }

  /** The comparisons of a filter; none for null or "". */
  static List<RawClause> parse(String filter) {
    if (filter == null || filter.isEmpty()) {
      return List.of();
    }
    return new FilterParser(filter).clauses();
  }

  private List<RawClause> clauses() {
    if (filter.codePoints().allMatch(FilterLexer::isSpace)) {
      throw new InvalidFilterException(
          "Invalid filter '" + filter + "'. Could not be parsed.", filter, 0);
    }
    int semi = indexOf(Kind.SEMI);
    if (semi >= 0) {
      for (int k = semi + 1; k < tokens.size(); k++) {
        if (tokens.get(k).kind() != Kind.WS) {
          Token t = tokens.get(semi);
          throw InvalidFilterException.at(
              "Search filter contained multiple expression '" + filter + "'. Provide AND-ed expression list.",
              filter, t.start(), filter.length());
        }
      }
    }
    List<RawClause> out = new ArrayList<>();
    i = 0;
    while (true) {
      skipWs();
      if (i >= tokens.size()) {
        return out;
      }
      Token t = tokens.get(i);
      if (t.isWord("AND")) {
        i++;
        continue;
      }
      int start = t.start();
      Operand left = operand();
      if (left == null) {
        throw invalidClause(t.start(), t.end());
      }
      skipWs();
      Token op = i < tokens.size() ? tokens.get(i) : null;
      if (op == null || (op.kind() != Kind.COMPARATOR && op.kind() != Kind.IN)) {
        throw invalidClause(start, left.end());
      }
      i++;
      skipWs();
      Operand right = operand();
      if (right == null || (op.kind() == Kind.IN && right.kind() != OperandKind.LIST)) {
        throw invalidClause(start, right == null ? op.end() : right.end());
      }
      out.add(new RawClause(left, op.text(), right, start, right.end()));
    }
  }

  private InvalidFilterException invalidClause(int start, int end) {
    return InvalidFilterException.at(
        "Invalid clause(s) in filter string: '" + filter.substring(start, end) + "'", filter, start, end);
  }

  private int indexOf(Kind kind) {
    for (int k = 0; k < tokens.size(); k++) {
      if (tokens.get(k).kind() == kind) {
        return k;
      }
    }
    return -1;
  }

  private void skipWs() {
    while (i < tokens.size() && tokens.get(i).kind() == Kind.WS) {
      i++;
    }
  }

  /**
   * The operand at the cursor, consumed; null (nothing consumed) if there is none. Operands joined
   * by arithmetic operators make one OPERATION operand, as sqlparse groups them.
   */
  private Operand operand() {
    Operand first = basicOperand();
    if (first == null) {
      return null;
    }
    Operand result = first;
    while (true) {
      int save = i;
      skipWs();
      if (i < tokens.size() && isOperator(tokens.get(i))) {
        i++;
        skipWs();
        Operand next = basicOperand();
        if (next != null) {
          result =
              new Operand(
                  OperandKind.OPERATION,
                  filter.substring(result.start(), next.end()),
                  result.start(),
                  next.end());
          continue;
        }
      }
      i = save;
      return result;
    }
  }

  private static boolean isOperator(Token t) {
    return t.kind() == Kind.OPERATOR || (t.kind() == Kind.OTHER && t.text().equals("*"));
  }

  private Operand basicOperand() {
    if (i >= tokens.size()) {
      return null;
    }
    Token t = tokens.get(i);
    switch (t.kind()) {
      case NAME, QNAME, DQ_STRING -> {
        if (t.kind() == Kind.NAME && FilterLexer.isKeyword(t)) {
          return null;
        }
        return identifier();
      }
      case SQ_STRING -> {
        i++;
        return new Operand(OperandKind.STRING, t.text(), t.start(), t.end());
      }
      case INTEGER, FLOAT -> {
        i++;
        return new Operand(OperandKind.NUMBER, t.text(), t.start(), t.end());
      }
      case HEX -> {
        i++;
        return new Operand(OperandKind.HEX, t.text(), t.start(), t.end());
      }
      case LPAREN -> {
        int depth = 0;
        for (int k = i; k < tokens.size(); k++) {
          Kind kind = tokens.get(k).kind();
          if (kind == Kind.LPAREN) {
            depth++;
          } else if (kind == Kind.RPAREN && --depth == 0) {
            Token close = tokens.get(k);
            i = k + 1;
            return new Operand(
                OperandKind.LIST, filter.substring(t.start(), close.end()), t.start(), close.end());
          }
        }
        return null;
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * A dotted chain {@code part(.part)*}, the parts adjacent: the first a name, quoted name or
   * double-quoted string, the others may also be single-quoted (sqlparse's group_period).
   */
  private Operand identifier() {
    Token first = tokens.get(i++);
    int end = first.end();
    while (i + 1 < tokens.size()
        && tokens.get(i).kind() == Kind.DOT
        && tokens.get(i).start() == end) {
      Token part = tokens.get(i + 1);
      boolean valid =
          part.start() == tokens.get(i).end()
              && (part.kind() == Kind.NAME
                  || part.kind() == Kind.QNAME
                  || part.kind() == Kind.DQ_STRING
                  || part.kind() == Kind.SQ_STRING);
      if (!valid) {
        throw InvalidFilterException.at(
            "Invalid identifier '" + filter.substring(first.start(), tokens.get(i).end())
                + "': a '.' must be followed directly by a key (quote keys with special characters)",
            filter, first.start(), tokens.get(i).end());
      }
      end = part.end();
      i += 2;
    }
    if (i < tokens.size() && tokens.get(i).kind() == Kind.DOT && tokens.get(i).start() == end) {
      throw InvalidFilterException.at(
          "Invalid identifier '" + filter.substring(first.start(), tokens.get(i).end())
              + "': a '.' must be followed directly by a key (quote keys with special characters)",
          filter, first.start(), tokens.get(i).end());
    }
    return new Operand(OperandKind.IDENTIFIER, filter.substring(first.start(), end), first.start(), end);
  }

  // ---- pieces shared by the run and experiment parsers ----------------------------------------

  static boolean isQuoted(String value, char quote) {
    return value.length() >= 2 && value.charAt(0) == quote && value.charAt(value.length() - 1) == quote;
  }

  /** MLflow's {@code _trim_backticks}. */
  static String trimBackticks(String s) {
    return isQuoted(s, '`') ? s.substring(1, s.length() - 1) : s;
  }

  /** MLflow's {@code _strip_quotes} without a required quote: removes one outer pair of ' or ". */
  static String stripQuotes(String s) {
    return isQuoted(s, '\'') || isQuoted(s, '"') ? s.substring(1, s.length() - 1) : s;
  }

  /**
   * The string a value operand stands for: a single-quoted string or a double-quoted "identifier",
   * without its outer quotes and with no escape processing (MLflow only strips the quotes). Anything
   * else is MLflow's "not quoted" error.
   */
  static String quotedValue(String filter, RawClause c) {
    Operand v = c.right();
    if (isQuoted(v.text(), '\'') || isQuoted(v.text(), '"')) {
      return v.text().substring(1, v.text().length() - 1);
    }
    throw error(
        filter,
        c,
        "Parameter value is either not quoted or unidentified quote types used for string value "
            + v.text()
            + ". Use either single or double quotes.");
  }

  static InvalidFilterException error(String filter, RawClause c, String detail) {
    return InvalidFilterException.at(detail, filter, c.start(), c.end());
  }

  /**
   * The strings of an IN list, as MLflow reads them: the parenthesised text is a Python literal
   * ({@link PythonStrings}) that must be a string or a non-empty tuple of strings, in single or
   * double quotes alike; then every element that is not all lower case ({@code str.islower()}) is
   * dropped, since run ids are (mlflow/utils/search_utils.py, {@code _parse_run_ids};
   * docs/SEARCH.md). Where MLflow's literal reader raises something other than SyntaxError (an
   * unquoted name), MLflow answers INTERNAL_ERROR; this is INVALID_PARAMETER_VALUE.
   */
  static List<String> listValue(String filter, RawClause c) {
    Operand v = c.right();
    PythonStrings.Value value = PythonStrings.literal(v.text());
    if (value == null) {
      throw error(
          filter,
          c,
          "While parsing a list in the query, expected a non-empty list of string values, but got"
              + " ill-formed list.");
    }
    List<PythonStrings.Value> items = value instanceof PythonStrings.Tuple t ? t.items() : List.of(value);
    if (items.isEmpty()) {
      throw error(
          filter, c, "While parsing a list in the query, expected a non-empty list of string values, but got empty list");
    }
    List<String> kept = new ArrayList<>();
    for (PythonStrings.Value item : items) {
      if (!(item instanceof PythonStrings.Str str)) {
        throw error(
            filter,
            c,
            "While parsing a list in the query, expected string value, punctuation, or whitespace,"
                + " but got different type in list: " + v.text());
      }
      if (PythonStrings.isLower(str.value())) {
        kept.add(str.value());
      }
    }
    return List.copyOf(kept);
  }
}
