package io.tracklog.registry;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A logged model of MLflow 3 (mlflow/entities/logged_model.py): what {@code mlflow.<flavor>.log_model}
 * creates before it uploads the model's files to {@code artifactLocation} and finalizes it. Its id is
 * {@code m-<32 hex digits>}, as MLflow makes them; {@code name} is the one given, or a generated one.
 * Kept in the registry log (docs/FORMAT.md §Model registry log, tags 17–24).
 */
public record LoggedModel(
    String modelId,
    String experimentId,
    String name,
    long creationTimestamp,
    long lastUpdatedTimestamp,
    String artifactLocation,
    Status status,
    String modelType,
    String sourceRunId,
    Map<String, String> tags,
    Map<String, String> params) {
  /** MLflow's LoggedModelStatus (service.proto), in proto-number order from 1. */
  public enum Status {
    /** Created; its files are not all uploaded yet. */
    PENDING,
    /** Its files are uploaded: ready for use. */
    READY,
    /** Uploading its files failed. */
    UPLOAD_FAILED;

    /** The proto name: {@code LOGGED_MODEL_READY}. */
    public String protoName() {
      return "LOGGED_MODEL_" + name();
    }
  }

  public LoggedModel {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(status, "status");
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    params = Collections.unmodifiableSortedMap(new TreeMap<>(params));
  }
}
