package io.tracklog.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The type of a column in a column-based {@link Schema}: a scalar {@link DataType}, or one of MLflow's
 * composite types (mlflow/types/schema.py: {@code Array}, {@code Map}, {@code Object}, {@code AnyType},
 * {@code SparkMLVector}).
 * Immutable values.
 */
public sealed interface ColType permits DataType, ColType.ArrayOf, ColType.MapOf, ColType.ObjectOf, ColType.Any,
    ColType.SparkMlVector {

  /** {@code {"type": "array", "items": ...}}. */
  record ArrayOf(ColType items) implements ColType {
    public ArrayOf {
      Objects.requireNonNull(items, "items");
    }
  }

  /** {@code {"type": "map", "values": ...}}: string keys. */
  record MapOf(ColType values) implements ColType {
    public MapOf {
      Objects.requireNonNull(values, "values");
    }
  }

  /** {@code {"type": "object", "properties": {...}}}: at least one property, unique names, kept sorted by name. */
  record ObjectOf(List<Property> properties) implements ColType {
    public ObjectOf {
      List<Property> sorted = new ArrayList<>(properties);
      if (sorted.isEmpty()) {
        throw new IllegalArgumentException("Invalid object type: it needs at least one property");
      }
      sorted.sort((a, b) -> io.tracklog.internal.CodePoints.compare(a.name(), b.name()));
      for (int i = 1; i < sorted.size(); i++) {
        if (sorted.get(i).name().equals(sorted.get(i - 1).name())) {
          throw new IllegalArgumentException("Invalid object type: duplicate property '" + sorted.get(i).name() + "'");
        }
      }
      properties = List.copyOf(sorted);
    }
  }

  /** A property of an {@link ObjectOf}. */
  record Property(String name, ColType type, boolean required) {
    public Property {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
    }
  }

  /** {@code {"type": "any"}}: anything, what inference falls back to for nulls. */
  record Any() implements ColType {}

  /** {@code {"type": "sparkml_vector"}}: a Spark ML vector column. */
  record SparkMlVector() implements ColType {}
}
