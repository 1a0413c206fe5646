package io.tracklog.model;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A tensor of a tensor-based {@link Schema} (mlflow/types/schema.py, {@code TensorSpec}), written as
 * {@code {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}}, with {@code "name"}
 * first when named.
 *
 * @param dtype a numpy dtype name without a size suffix: {@code float64}, {@code int32}, {@code bool},
 *     {@code str}, {@code bytes}, {@code object}...
 * @param shape the dimensions, -1 for a variable one (the batch dimension first)
 * @param name the tensor's name, or null
 */
public record TensorSpec(String dtype, List<Long> shape, String name) implements SchemaElement {
  /** The numpy dtype names MLflow accepts in a tensor spec (a kind plus bit width, or a flexible kind). */
  static final Set<String> DTYPES = Set.of(
      "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32",
      "float64", "float128", "complex64", "complex128", "str", "bytes", "object", "datetime64", "timedelta64");

  public TensorSpec {
    Objects.requireNonNull(dtype, "dtype");
    if (!DTYPES.contains(dtype)) {
      throw new IllegalArgumentException("Invalid tensor dtype: " + dtype);
    }
    shape = List.copyOf(shape);
    for (Long d : shape) {
      if (d < -1) {
        throw new IllegalArgumentException("Invalid tensor shape " + shape + ": dimensions are >= 0, or -1 for variable");
      }
    }
  }

  /** An unnamed tensor. */
  public static TensorSpec of(String dtype, long... shape) {
    return new TensorSpec(dtype, java.util.Arrays.stream(shape).boxed().toList(), null);
  }

  @Override
  public boolean required() {
    return true;
  }
}
