package io.tracklog;

import java.util.Objects;

/** A run's input: a key and a string value, immutable once logged. */
public record Param(String key, String value) {
  public Param {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
