package io.tracklog;

import java.util.Objects;

/** A tag on a dataset input; {@code mlflow.data.context} names its context ("training", ...). */
public record InputTag(String key, String value) {
  /** The input tag that holds a dataset input's context. */
  public static final String CONTEXT = "mlflow.data.context";

  public InputTag {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }
}
