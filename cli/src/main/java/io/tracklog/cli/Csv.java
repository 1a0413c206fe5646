package io.tracklog.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * CSV as pandas' {@code to_csv} writes it: comma-separated, {@code \n} line ends, a field quoted
 * only when it holds a comma, a quote or a line break, quotes inside doubled. A null cell is empty.
 */
final class Csv {
  private final PrintWriter out;

  Csv(PrintWriter out) {
    this.out = out;
  }

  void row(List<?> cells) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      Object cell = cells.get(i);
      line.append(cell == null ? "" : quote(cell.toString()));
    }
    out.print(line.append('\n'));
  }

  void flush() {
    out.flush();
  }

  static String quote(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
