package io.tracklog.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Line protocol for child main classes: print a flushed line to stdout, read a line from stdin. */
final class ChildIo {
  private static final PrintStream OUT = System.out;
  private static final BufferedReader IN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  private ChildIo() {}

  /** Prints one line and flushes it, so the parent can read it even if this JVM is killed next. */
  static void say(String line) {
    synchronized (OUT) {
      OUT.println(line);
      OUT.flush();
    }
  }

  /** The next line from the parent; fails if stdin ended (the parent is gone). */
  static String hear() {
    try {
      String line = IN.readLine();
      if (line == null) {
        throw new IllegalStateException("stdin closed: parent gone");
      }
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for exactly {@code expected} on stdin. */
  static void expect(String expected) {
    String line = hear();
    if (!line.equals(expected)) {
      throw new IllegalStateException("expected '" + expected + "' on stdin, got '" + line + "'");
    }
  }
}
