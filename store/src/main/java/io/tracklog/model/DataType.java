package io.tracklog.model;

import java.util.Locale;

/**
 * MLflow's scalar column types (mlflow/types/schema.py, {@code DataType}), written by their lower-case
 * names: {@code boolean}, {@code integer} (int32), {@code long} (int64), {@code float} (float32),
 * {@code double} (float64), {@code string}, {@code binary}, {@code datetime}.
 */
public enum DataType implements ColType {
  BOOLEAN,
  INTEGER,
  LONG,
  FLOAT,
  DOUBLE,
  STRING,
  BINARY,
  DATETIME;

  /** The name MLflow writes: {@code "double"}, {@code "long"}, ... */
  public String mlflowName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The type MLflow names {@code name}, or null. */
  static DataType ofName(String name) {
    for (DataType t : values()) {
      if (t.mlflowName().equals(name)) {
        return t;
      }
    }
    return null;
  }
}
