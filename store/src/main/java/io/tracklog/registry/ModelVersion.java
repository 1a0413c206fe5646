package io.tracklog.registry;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A live model version as MLflow returns it (mlflow/entities/model_registry/model_version.py).
 * {@code userId} (except on a version imported with one: {@link ModelRegistry#importModelVersion})
 * and {@code statusMessage} are always null and {@code status} always {@link #STATUS_READY}, as with
 * MLflow's own stores; {@code storageLocation} is where the version's files
 * are ({@link ModelRegistry#downloadUri}); {@code aliases} are the model's aliases pointing here.
 */
public record ModelVersion(
    String name,
    int version,
    long creationTimestamp,
    long lastUpdatedTimestamp,
    String userId,
    ModelStage currentStage,
    String description,
    String source,
    String runId,
    String runLink,
    String status,
    String statusMessage,
    Map<String, String> tags,
    List<String> aliases,
    String storageLocation) {
  /** The only status MLflow's stores write (MLflow's {@code ModelVersionStatus.READY}). */
  public static final String STATUS_READY = "READY";

  public ModelVersion {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(currentStage, "currentStage");
    Objects.requireNonNull(status, "status");
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    aliases = List.copyOf(aliases);
  }
}
