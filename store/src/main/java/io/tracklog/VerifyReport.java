package io.tracklog;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Store#verify()} found wrong with a store (and, with {@code --deep},
 * {@code StoreReader.deepVerify()}): one {@link Problem} per damaged file or disagreement, in the
 * order found. Empty when the store is whole. Immutable.
 *
 * <pre>{@code
 * VerifyReport report = store.verify();
 * if (!report.ok()) {
 *   report.problems().forEach(p -> System.err.println(p));
 * }
 * }</pre>
 */
public record VerifyReport(List<Problem> problems) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  /** True if nothing is wrong. */
  public boolean ok() {
    return problems.isEmpty();
  }

  /** This report followed by {@code other}'s problems. */
  public VerifyReport plus(VerifyReport other) {
    List<Problem> all = new java.util.ArrayList<>(problems);
    all.addAll(other.problems());
    return new VerifyReport(all);
  }

  /** What kind of check failed. */
  public enum Kind {
    /** A log (the catalog, a writer lane) or an out-of-line event it references does not decode. */
    LOG,
    /** A manifest does not parse, or is of a format this version does not read. */
    MANIFEST,
    /** A file the store records (in a manifest, or in an artifact's event) is not there. */
    MISSING,
    /** A file's length is not the one recorded (a manifest entry's length, an artifact's size). */
    LENGTH,
    /** A file's checksum is not the one recorded (a manifest entry's CRC32C, an artifact's SHA-256). */
    CHECKSUM,
    /**
     * A catalog checkpoint part does not decode, does not match the catalog log, or restores a
     * catalog other than the log's replay (stores ignore such a part and replay the log).
     */
    CHECKPOINT,
    /** An Arrow file passes its checksum but does not decode, or disagrees with its runs' logs (deep check). */
    CONTENT,
    /** A file could not be read at all (an I/O error other than its absence). */
    UNREADABLE
  }

  /**
   * One thing wrong.
   *
   * @param file the file (or log directory) at fault, absolute
   * @param position where in it, or {@link #UNKNOWN_POSITION}: the event's number from the start
   *     for a log, else a byte offset
   * @param message what is wrong, naming runs, events and expected values where it can
   */
  public record Problem(Kind kind, Path file, long position, String message) {
    /** The position of a problem that has none. */
    public static final long UNKNOWN_POSITION = -1;

    public Problem {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(message, "message");
    }

    /** {@code KIND file[ at position]: message}, one line. */
    @Override
    public String toString() {
      return kind + " " + file + (position >= 0 ? " at " + position : "") + ": " + message;
    }
  }
}
