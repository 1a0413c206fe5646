package io.tracklog;

import java.util.Objects;

/**
 * One metric point: a double (NaN and ±Infinity allowed), the time it was taken in epoch
 * milliseconds, and the step (any long, 0 by default).
 */
public record Metric(String key, double value, long timestampMs, long step) {
  public Metric {
    Objects.requireNonNull(key, "key");
  }

  /**
   * True if this point replaces {@code other} as the run's latest value for the key: MLflow compares
   * {@code (step, timestamp, value)} as a tuple, so a higher step beats a later timestamp, and a NaN
   * value never wins a tie (mlflow/store/tracking/file_store.py).
   */
  public boolean isNewerThan(Metric other) {
    if (step != other.step) {
      return step > other.step;
    }
    if (timestampMs != other.timestampMs) {
      return timestampMs > other.timestampMs;
    }
    return value > other.value;
  }
}
