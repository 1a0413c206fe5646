package io.tracklog.model;

/** One entry of a {@link Schema}: a column ({@link ColSpec}) or a tensor ({@link TensorSpec}). */
public sealed interface SchemaElement permits ColSpec, TensorSpec {
  /** The name, or null for an unnamed entry. */
  String name();

  /** Whether a value must be given; tensors always are. */
  boolean required();
}
