package io.tracklog.model;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

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
  /**
   * A numpy dtype's {@code str()}: a kind and bit width ({@code float32}), a flexible kind ({@code str},
   * {@code bytes}, {@code object}), a unit for times ({@code datetime64[ns]}); not a type code with a
   * size ({@code <U5}), which MLflow refuses.
   */
  static final Pattern DTYPE = Pattern.compile("[a-z]+[0-9]*(\\[[a-zA-Z0-9]+\\])?");

  public TensorSpec {
    Objects.requireNonNull(dtype, "dtype");
    if (!DTYPE.matcher(dtype).matches()) {
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
