package io.tracklog;

import java.util.Objects;

/**
 * A dataset a run consumed, as MLflow describes it. {@code schema} and {@code profile} may be null.
 */
public record Dataset(
    String name, String digest, String sourceType, String source, String schema, String profile) {
  public Dataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(sourceType, "sourceType");
    Objects.requireNonNull(source, "source");
  }
}
