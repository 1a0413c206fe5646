package io.tracklog.reader.search;

import java.util.ArrayList;
import java.util.List;

/** Python's {@code shlex.split} (POSIX mode), which MLflow applies to an order_by element. */
final class Shlex {
  private Shlex() {}

  /** The words of {@code s}, or null where Python raises ("No closing quotation", ...). */
  static List<String> split(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        i++;
        continue;
      }
      if (word == null) {
        word = new StringBuilder();
      }
      if (c == '\'') {
        int close = s.indexOf('\'', i + 1);
        if (close < 0) {
          return null;
        }
        word.append(s, i + 1, close);
        i = close + 1;
      } else if (c == '"') {
        i++;
        while (true) {
          if (i >= s.length()) {
            return null;
          }
          char d = s.charAt(i);
          if (d == '"') {
            i++;
            break;
          }
          if (d == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
            word.append(s.charAt(i + 1));
            i += 2;
          } else {
            word.append(d);
            i++;
          }
        }
      } else if (c == '\\') {
        if (i + 1 >= s.length()) {
          return null;
        }
        word.append(s.charAt(i + 1));
        i += 2;
      } else {
        word.append(c);
        i++;
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
