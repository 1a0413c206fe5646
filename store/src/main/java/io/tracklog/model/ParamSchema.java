package io.tracklog.model;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A model's inference parameters (mlflow/types/schema.py, {@code ParamSchema}): a JSON array of
 * {@link ParamSpec}s with unique names.
 */
public record ParamSchema(List<ParamSpec> params) {
  public ParamSchema {
    params = List.copyOf(params);
    Set<String> names = new HashSet<>();
    for (ParamSpec p : params) {
      if (!names.add(p.name())) {
        throw new IllegalArgumentException("Invalid param schema: duplicate param name '" + p.name() + "'");
      }
    }
  }

  /** MLflow's {@code ParamSchema.to_json()}. */
  public String toJson() {
    return SchemaJson.dumps(this);
  }
}
