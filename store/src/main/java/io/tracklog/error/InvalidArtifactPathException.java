package io.tracklog.error;

/**
 * An artifact path that is not a plain relative path inside the run's artifact folder: absolute,
 * with {@code ..}, {@code .} or empty segments, with a backslash or NUL, a reserved name, or through
 * a symbolic link that points out of the folder. MLflow's {@code INVALID_PARAMETER_VALUE}; nothing of
 * the rejected call was written.
 */
public class InvalidArtifactPathException extends InvalidParameterException {
  private static final long serialVersionUID = 1L;

  private final String artifactPath;

  public InvalidArtifactPathException(String artifactPath, String reason) {
    super("Invalid artifact path '" + artifactPath + "': " + reason);
    this.artifactPath = artifactPath;
  }

  /** The path as the caller gave it. */
  public String artifactPath() {
    return artifactPath;
  }
}
