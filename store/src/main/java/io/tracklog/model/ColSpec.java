package io.tracklog.model;

import java.util.Objects;

/**
 * A column of a column-based {@link Schema} (mlflow/types/schema.py, {@code ColSpec}), written as
 * {@code {"type": "double", "name": "x", "required": true}}; {@code name} is left out when null.
 *
 * @param type the column's type
 * @param name the column's name, or null for an unnamed column
 * @param required false for an optional column (one with missing or null values)
 */
public record ColSpec(ColType type, String name, boolean required) implements SchemaElement {
  public ColSpec {
    Objects.requireNonNull(type, "type");
  }

  /** A required named column. */
  public static ColSpec of(String name, ColType type) {
    return new ColSpec(type, name, true);
  }
}
