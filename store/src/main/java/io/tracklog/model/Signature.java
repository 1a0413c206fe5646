package io.tracklog.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model signature (mlflow/models/signature.py, {@code ModelSignature}): the schema of its inputs,
 * of its outputs and of its inference parameters, any of them absent but not all. In an MLmodel file
 * each is a JSON string, or null:
 *
 * <pre>
 * signature:
 *   inputs: '[{"type": "double", "name": "x", "required": true}]'
 *   outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
 *   params: null
 * </pre>
 *
 * <pre>{@code
 * Signature sig = Signature.infer(List.of(Map.of("x", 1.0, "s", "a")), new double[] {0.5});
 * }</pre>
 *
 * <p>An immutable value.
 *
 * @param inputs the inputs' schema, or null
 * @param outputs the outputs' schema, or null
 * @param params the inference parameters, or null
 */
public record Signature(Schema inputs, Schema outputs, ParamSchema params) {
  public Signature {
    if (inputs == null && outputs == null && params == null) {
      throw new IllegalArgumentException("Invalid signature: it needs inputs, outputs or params");
    }
  }

  /** A signature of inputs and outputs (outputs may be null). */
  public static Signature of(Schema inputs, Schema outputs) {
    return new Signature(inputs, outputs, null);
  }

  /**
   * MLflow's {@code infer_signature(input, output)} (mlflow/models/signature.py, mlflow/types/utils.py).
   * Examples are read as their Python counterparts:
   *
   * <ul>
   *   <li>a list of rows ({@code List<Map<String, ?>>}, a pandas DataFrame's records): one column per
   *       key in first-seen order, optional where a row lacks it or holds null;
   *   <li>a map ({@code Map<String, ?>}, a dict): one column per entry; a list value gives an {@code
   *       array} column, a scalar its type, null {@code any} (optional); a primitive or String array
   *       value makes the whole map named tensors (a dict of numpy arrays);
   *   <li>a 2-D primitive array ({@code double[][]}, {@code float[][]}, {@code long[][]}, {@code
   *       int[][]}, a numpy array): one tensor of shape {@code [-1, columns]}; a 1-D one shape {@code [-1]};
   *   <li>a list of lists: one unnamed {@code array} column; a list of scalars, or a scalar: one
   *       unnamed column of its type.
   * </ul>
   *
   * Scalars: Integer and Long → long (Python int), Float and Double → double (Python float), String →
   * string, Boolean → boolean, byte[] → binary, Instant/LocalDateTime → datetime. A list mixing
   * element types is refused.
   *
   * @param input the input example
   * @param output an output example, or null
   * @throws io.tracklog.error.InvalidParameterException if an example mixes types in a list or is not
   *     one of the kinds above
   */
  public static Signature infer(Object input, Object output) {
    return new Signature(Schema.infer(input), output == null ? null : Schema.infer(output), null);
  }

  /** {@link #infer(Object, Object)} of an input example alone. */
  public static Signature infer(Object input) {
    return infer(input, null);
  }

  /**
   * {@link #infer(Object, Object)} with inference parameters: each value's type, a list giving shape
   * {@code [-1]}, the value as the default.
   */
  public static Signature infer(Object input, Object output, Map<String, ?> params) {
    return new Signature(
        Schema.infer(input), output == null ? null : Schema.infer(output), TypeInference.params(params));
  }

  /** The {@code signature} mapping of an MLmodel file: inputs, outputs, params as JSON or null. */
  Map<String, Object> toYamlMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("inputs", inputs == null ? null : inputs.toJson());
    m.put("outputs", outputs == null ? null : outputs.toJson());
    m.put("params", params == null ? null : params.toJson());
    return m;
  }
}
