package io.tracklog.reader;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A compacted file a reader stopped trusting: it failed its checks (a CRC32C or length that is not
 * the manifest's, an unreadable footer, a missing file…), so the reader answers what it held from
 * the run logs, or for a search file from its segment's runs and latest files. The answers are the
 * same, only slower. {@link StoreReader#fallbacks()} lists them; each is also logged once, as a
 * {@code System.Logger} WARNING of the logger named after {@link StoreReader}.
 *
 * @param file the file, absolute
 * @param reason what failed, e.g. {@code CRC32C 1a2b3c4d, manifest says 9a1b2c3d}
 * @param answeredFrom what the reader answers from instead
 */
public record Fallback(Path file, String reason, Source answeredFrom) {
  public Fallback {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(answeredFrom, "answeredFrom");
  }

  /** What serves instead of a file that failed. */
  public enum Source {
    /** The runs' event logs (runs, latest, metrics and run index files). */
    LOGS("the run logs"),
    /** The segment's runs and latest files (a search file). */
    SEGMENT_FILES("the segment's runs and latest files");

    private final String description;

    Source(String description) {
      this.description = description;
    }
  }

  /** One line for people: {@code <file> failed its checks (<reason>); answering from <source> instead}. */
  public String message() {
    return file + " failed its checks (" + reason + "); answering from " + answeredFrom.description + " instead";
  }
}
