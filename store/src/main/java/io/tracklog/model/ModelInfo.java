package io.tracklog.model;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link io.tracklog.RunWriter#logModel} logged (MLflow's {@code ModelInfo}): the model's URI
 * {@code runs:/<run_id>/<artifact_path>} and its MLmodel. An immutable value.
 *
 * @param modelUri {@code runs:/<run_id>/<artifact_path>}
 * @param mlmodel the MLmodel file written
 */
public record ModelInfo(String modelUri, MLmodel mlmodel) {
  public ModelInfo {
    Objects.requireNonNull(modelUri, "modelUri");
    Objects.requireNonNull(mlmodel, "mlmodel");
  }

  public String runId() {
    return mlmodel.runId();
  }

  public String artifactPath() {
    return mlmodel.artifactPath();
  }

  public String modelUuid() {
    return mlmodel.modelUuid();
  }

  public String utcTimeCreated() {
    return mlmodel.utcTimeCreated();
  }

  public Map<String, Map<String, Object>> flavors() {
    return mlmodel.flavors();
  }

  /** The signature, or null. */
  public Signature signature() {
    return mlmodel.signature();
  }
}
