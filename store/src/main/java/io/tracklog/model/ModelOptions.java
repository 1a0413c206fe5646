package io.tracklog.model;

import java.util.Map;

/**
 * What {@link io.tracklog.RunWriter#logModel} writes besides the flavor: a signature, an input example,
 * the user's metadata (each optional). An immutable value; start from {@link #DEFAULT}.
 *
 * <pre>{@code
 * ModelOptions options = ModelOptions.DEFAULT.withSignature(Signature.infer(rows)).withInputExample(rows);
 * }</pre>
 *
 * @param signature the model's signature, or null
 * @param inputExample an input example (a kind {@link Signature#infer(Object, Object)} reads), or null
 * @param metadata the MLmodel's {@code metadata}, or null
 */
public record ModelOptions(Signature signature, Object inputExample, Map<String, Object> metadata) {
  /** No signature, no input example, no metadata. */
  public static final ModelOptions DEFAULT = new ModelOptions(null, null, null);

  public ModelOptions {
    metadata = metadata == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
  }

  public ModelOptions withSignature(Signature s) {
    return new ModelOptions(s, inputExample, metadata);
  }

  public ModelOptions withInputExample(Object example) {
    return new ModelOptions(signature, example, metadata);
  }

  public ModelOptions withMetadata(Map<String, Object> m) {
    return new ModelOptions(signature, inputExample, m);
  }
}
