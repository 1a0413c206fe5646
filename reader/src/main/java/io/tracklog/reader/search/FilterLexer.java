package io.tracklog.reader.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a filter or order_by string into tokens the way MLflow's lexer (sqlparse) does for
 * everything a valid filter can contain: the same token boundaries, so that the same strings are
 * accepted. Inputs that MLflow rejects are also rejected here, though possibly with another of its
 * messages. Never throws: anything unknown becomes an {@link Kind#OTHER} token.
 */
final class FilterLexer {
  enum Kind {
    WS,
    /** A bare word: {@code metrics}, {@code acc}, {@code AND}, {@code 1abc}. */
    NAME,
    /** A backtick- (or acute-accent-) quoted name, quotes included. */
    QNAME,
    /** {@code '...'}, quotes included. */
    SQ_STRING,
    /** {@code "..."}, quotes included (sqlparse's String.Symbol: a name, or a string value). */
    DQ_STRING,
    INTEGER,
    FLOAT,
    HEX,
    DOT,
    COMMA,
    LPAREN,
    RPAREN,
    SEMI,
    /** {@code = != < <= > >= <> == ...} (any run of {@code <>=~!}), LIKE, ILIKE, RLIKE, REGEXP, NOT LIKE... */
    COMPARATOR,
    /** {@code IN} or {@code NOT IN}; text is normalised to one of those. */
    IN,
    OPERATOR,
    COMMENT,
    OTHER
  }

  record Token(Kind kind, String text, int start, int end) {
    boolean isWord(String word) {
      return kind == Kind.NAME && text.equalsIgnoreCase(word);
    }
  }

  /** Words sqlparse reads as keywords that cannot stand where a filter needs a name or value. */
  private static final Set<String> KEYWORDS =
      Set.of(
          "OR", "NOT", "IS", "BETWEEN", "ESCAPE", "EXISTS", "CASE", "WHEN", "THEN", "ELSE", "END",
          "SELECT", "FROM", "WHERE", "AS", "ASC", "DESC", "BY", "ORDER", "GROUP", "LIMIT", "UNION",
          "ALL", "TRUE", "FALSE", "IN", "LIKE", "ILIKE", "RLIKE", "REGEXP", "AND");

  private static final String NOT_LETTER = "(?![_A-Za-z\\u00C0-\\u00DC\\u00E0-\\u00FC])";
  private static final Pattern HEX = Pattern.compile("-?0x[0-9a-f]+", Pattern.CASE_INSENSITIVE);
  private static final Pattern FLOAT_EXP =
      Pattern.compile("-?[0-9]+(?:\\.[0-9]+)?e-?[0-9]+", Pattern.CASE_INSENSITIVE);
  private static final Pattern FLOAT = Pattern.compile("-?(?:[0-9]+\\.[0-9]*|\\.[0-9]+)" + NOT_LETTER);
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+" + NOT_LETTER);
  private static final Pattern IN =
      Pattern.compile("(?:(NOT)[\\s\\u00A0\\u0085]+)?IN(?![\\w$#])", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern LIKE =
      Pattern.compile(
          "(?:(NOT)[\\s\\u00A0\\u0085]+)?(LIKE|ILIKE|RLIKE|REGEXP)(?![\\w$#])",
          Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CHARACTER_CLASS);

  private final String s;
  private final int n;
  private final List<Token> tokens = new ArrayList<>();
  private int lastSingle = -2;
  private int lastDouble = -2;
  private int lastBacktick = -2;
  private int lastAcute = -2;

  private FilterLexer(String s) {
    this.s = s;
    this.n = s.length();
  }

  static List<Token> tokenize(String s) {
    FilterLexer lexer = new FilterLexer(s);
    lexer.run();
    return lexer.tokens;
  }

  static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
  }

  /** Python's {@code \w} in Unicode mode, near enough: letters, digits, marks, underscore. */
  static boolean isWordChar(int cp) {
    if (cp == '_' || Character.isLetterOrDigit(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK
        || type == Character.COMBINING_SPACING_MARK
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  private void add(Kind kind, int start, int end) {
    tokens.add(new Token(kind, s.substring(start, end), start, end));
  }

  private void run() {
    int i = 0;
    while (i < n) {
      i = next(i);
    }
  }

  /** Lexes one token at {@code i}; returns where the next one starts. */
  private int next(int i) {
    int cp = s.codePointAt(i);
    char c = s.charAt(i);
    if (isSpace(cp)) {
      int j = i;
      while (j < n && isSpace(s.codePointAt(j))) {
        j += Character.charCount(s.codePointAt(j));
      }
      add(Kind.WS, i, j);
      return j;
    }
    // comments come first in sqlparse: "-- ...", "# ...", "/* ... */"
    if (s.startsWith("--", i) || s.startsWith("# ", i)) {
      int j = i;
      while (j < n && s.charAt(j) != '\n' && s.charAt(j) != '\r') {
        j++;
      }
      add(Kind.COMMENT, i, j);
      return j;
    }
    if (s.startsWith("/*", i)) {
      int close = s.indexOf("*/", i + 2);
      if (close >= 0) {
        add(Kind.COMMENT, i, close + 2);
        return close + 2;
      }
    }
    if (c == '`' || c == '\u00B4') {
      int end = quoted(i, c, false);
      if (end > 0) {
        add(Kind.QNAME, i, end);
        return end;
      }
      add(Kind.OTHER, i, i + 1);
      return i + 1;
    }
    if (isWordChar(cp)) {
      Matcher in = region(IN, i);
      if (in.lookingAt()) {
        tokens.add(new Token(Kind.IN, in.group(1) == null ? "IN" : "NOT IN", i, in.end()));
        return in.end();
      }
    }
    if (c == '-' || c == '.' || (c >= '0' && c <= '9')) {
      for (Pattern p : new Pattern[] {HEX, FLOAT_EXP, FLOAT, INTEGER}) {
        Matcher m = region(p, i);
        if (m.lookingAt()) {
          add(p == HEX ? Kind.HEX : p == INTEGER ? Kind.INTEGER : Kind.FLOAT, i, m.end());
          return m.end();
        }
      }
    }
    if (c == '\'' || c == '"') {
      int end = quoted(i, c, true);
      if (end > 0) {
        add(c == '\'' ? Kind.SQ_STRING : Kind.DQ_STRING, i, end);
        return end;
      }
      add(Kind.OTHER, i, i + 1);
      return i + 1;
    }
    if (isWordChar(cp)) {
      int j = i;
      while (j < n) {
        int d = s.codePointAt(j);
        if (!(isWordChar(d) || d == '$' || d == '#')) {
          break;
        }
        j += Character.charCount(d);
      }
      // "NOT LIKE", "ILIKE"... are comparators unless the word is a name before "." or "("
      boolean nameLike = j < n && (s.charAt(j) == '(' || s.charAt(j) == '.');
      if (!nameLike) {
        Matcher like = region(LIKE, i);
        if (like.lookingAt()) {
          String text = like.group(2).toUpperCase(Locale.ROOT);
          tokens.add(new Token(Kind.COMPARATOR, like.group(1) == null ? text : "NOT " + text, i, like.end()));
          return like.end();
        }
      }
      add(Kind.NAME, i, j);
      return j;
    }
    switch (c) {
      case '.' -> add(Kind.DOT, i, i + 1);
      case ',' -> add(Kind.COMMA, i, i + 1);
      case '(' -> add(Kind.LPAREN, i, i + 1);
      case ')' -> add(Kind.RPAREN, i, i + 1);
      case ';' -> add(Kind.SEMI, i, i + 1);
      default -> {
        if ("<>=~!".indexOf(c) >= 0) {
          int j = i;
          while (j < n && "<>=~!".indexOf(s.charAt(j)) >= 0) {
            j++;
          }
          add(Kind.COMPARATOR, i, j);
          return j;
        }
        if ("+/@#%^&|-".indexOf(c) >= 0) {
          int j = i;
          while (j < n && "+/@#%^&|-".indexOf(s.charAt(j)) >= 0) {
            j++;
          }
          add(Kind.OPERATOR, i, j);
          return j;
        }
        int end = i + Character.charCount(cp);
        add(Kind.OTHER, i, end);
        return end;
      }
    }
    return i + 1;
  }

  private Matcher region(Pattern p, int i) {
    Matcher m = p.matcher(s);
    m.region(i, n);
    m.useTransparentBounds(true);
    return m;
  }

  /**
   * The end (exclusive) of the quoted token starting at {@code start}, or -1 if it is not closed:
   * the match sqlparse's greedy regex {@code q(qq|\q|[^q])*q} finds (the backslash alternative
   * only where {@code backslash}). A doubled quote, or an escaped one, continues the token only if
   * another quote follows somewhere, otherwise the regex backtracks and the token ends there.
   */
  private int quoted(int start, char q, boolean backslash) {
    int last = lastIndex(q);
    int p = start + 1;
    if (last < p) {
      return -1;
    }
    while (true) {
      char c = s.charAt(p);
      if (c == q) {
        if (p + 1 < n && s.charAt(p + 1) == q && last >= p + 2) {
          p += 2;
          continue;
        }
        return p + 1;
      }
      if (backslash && c == '\\' && p + 1 < n && s.charAt(p + 1) == q && last >= p + 2) {
        p += 2;
        continue;
      }
      p++;
    }
  }

  private int lastIndex(char q) {
    switch (q) {
      case '\'' -> {
        if (lastSingle == -2) {
          lastSingle = s.lastIndexOf(q);
        }
        return lastSingle;
      }
      case '"' -> {
        if (lastDouble == -2) {
          lastDouble = s.lastIndexOf(q);
        }
        return lastDouble;
      }
      case '`' -> {
        if (lastBacktick == -2) {
          lastBacktick = s.lastIndexOf(q);
        }
        return lastBacktick;
      }
      default -> {
        if (lastAcute == -2) {
          lastAcute = s.lastIndexOf(q);
        }
        return lastAcute;
      }
    }
  }

  static boolean isKeyword(Token t) {
    return t.kind() == Kind.NAME && KEYWORDS.contains(t.text().toUpperCase(Locale.ROOT));
  }
}
