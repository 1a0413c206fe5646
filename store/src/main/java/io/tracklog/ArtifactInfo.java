package io.tracklog;

import java.util.Objects;

/**
 * One entry of an artifact listing, in MLflow's {@code list_artifacts} shape: the path relative to the
 * run's artifact root ({@code /}-separated), whether it is a directory, and the size in bytes of a
 * file (null for a directory).
 */
public record ArtifactInfo(String path, boolean isDir, Long fileSize) {
  public ArtifactInfo {
    Objects.requireNonNull(path, "path");
    if (isDir != (fileSize == null)) {
      throw new IllegalArgumentException("A directory has no size and a file has one: " + path);
    }
  }

  public static ArtifactInfo file(String path, long size) {
    return new ArtifactInfo(path, false, size);
  }

  public static ArtifactInfo dir(String path) {
    return new ArtifactInfo(path, true, null);
  }
}
