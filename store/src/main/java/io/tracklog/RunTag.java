package io.tracklog;

import java.util.Objects;

/** A mutable key/value label on a run. */
public record RunTag(String key, String value) {
  public RunTag {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
