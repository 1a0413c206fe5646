package io.tracklog.model;

import java.util.List;

/**
 * MLflow's {@code Schema} (mlflow/types/schema.py): the columns or the tensors of a model's inputs or
 * outputs, serialised as a JSON array of {@link ColSpec}s or {@link TensorSpec}s. Non-empty; all
 * entries named or all unnamed; all columns or all tensors; several tensors must be named; an unnamed
 * entry may not be optional.
 *
 * <p>An immutable value.
 *
 * @param elements the columns or tensors, in order
 */
public record Schema(List<SchemaElement> elements) {
  public Schema {
    elements = List.copyOf(elements);
    if (elements.isEmpty()) {
      throw new IllegalArgumentException("Invalid schema: it needs at least one column or tensor");
    }
    boolean named = elements.get(0).name() != null;
    boolean tensors = elements.get(0) instanceof TensorSpec;
    for (SchemaElement e : elements) {
      if ((e.name() != null) != named) {
        throw new IllegalArgumentException("Invalid schema: either all entries are named or none is: " + elements);
      }
      if ((e instanceof TensorSpec) != tensors) {
        throw new IllegalArgumentException("Invalid schema: it mixes columns and tensors: " + elements);
      }
      if (!named && !e.required()) {
        throw new IllegalArgumentException("Invalid schema: an unnamed entry cannot be optional: " + e);
      }
    }
    if (tensors && !named && elements.size() > 1) {
      throw new IllegalArgumentException("Invalid schema: several tensors must be named");
    }
  }

  /** A schema of these entries. */
  public static Schema of(SchemaElement... elements) {
    return new Schema(List.of(elements));
  }

  /** Whether the entries are tensors. */
  public boolean isTensorBased() {
    return elements.get(0) instanceof TensorSpec;
  }

  /** MLflow's {@code Schema.to_json()}: {@code json.dumps} of the entries. */
  public String toJson() {
    return SchemaJson.dumps(this);
  }

  /**
   * Reads MLflow's JSON form.
   *
   * @throws IllegalArgumentException if the text is not a schema
   */
  public static Schema fromJson(String json) {
    return SchemaJson.parseSchema(json);
  }

  /**
   * MLflow's {@code _infer_schema} (mlflow/types/utils.py) for an example. See {@link Signature#infer}
   * for the kinds of example and their rules.
   *
   * @throws io.tracklog.error.InvalidParameterException if a list mixes element types
   */
  public static Schema infer(Object example) {
    return TypeInference.schema(example);
  }
}
