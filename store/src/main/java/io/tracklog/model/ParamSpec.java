package io.tracklog.model;

import java.util.List;
import java.util.Objects;

/**
 * An inference parameter (mlflow/types/schema.py, {@code ParamSpec}), written as {@code {"name": "k",
 * "default": 3, "shape": null, "type": "long"}}.
 *
 * @param name the parameter's name
 * @param type its type; not {@link DataType#BINARY}
 * @param defaultValue its default value (a list for shape {@code [-1]}; ISO text for a datetime)
 * @param shape null for a scalar, {@code [-1]} for a list
 */
public record ParamSpec(String name, DataType type, Object defaultValue, List<Long> shape) {
  public ParamSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (type == DataType.BINARY) {
      throw new IllegalArgumentException("Invalid param '" + name + "': binary is not a param type");
    }
    if (shape != null) {
      shape = List.copyOf(shape);
      if (!shape.equals(List.of(-1L))) {
        throw new IllegalArgumentException("Invalid param '" + name + "': shape is null or [-1], not " + shape);
      }
    }
  }
}
