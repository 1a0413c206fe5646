package io.tracklog.format;

/** Pieces of the store's file names and run artifact URIs (docs/FORMAT.md §Layout), built without {@code String.format}. */
public final class FileNames {
  private FileNames() {}

  /** A run's artifact URI under {@code location}: MLflow's {@code <location>/<run_id>/artifacts}. */
  public static String runArtifactUri(String location, String runId) {
    return location + "/" + runId + "/artifacts";
  }

  /** The location {@code uri} is {@link #runArtifactUri} of for {@code runId}, or null if it is not of that form. */
  public static String runArtifactLocation(String uri, String runId) {
    String suffix = "/" + runId + "/artifacts";
    return uri.endsWith(suffix) ? uri.substring(0, uri.length() - suffix.length()) : null;
  }

  /** {@code value} in decimal, left-padded with zeros to {@code width} digits (more if it needs them). */
  public static String zeroPadded(long value, int width) {
    if (value < 0) {
      throw new IllegalArgumentException("negative file number: " + value);
    }
    String digits = Long.toString(value);
    if (digits.length() >= width) {
      return digits;
    }
    return "0".repeat(width - digits.length()) + digits;
  }
}
