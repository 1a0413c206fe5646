package io.tracklog;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** An experiment: a named group of runs, as MLflow's. Immutable; tags are sorted by key. */
public record Experiment(
    String experimentId,
    String name,
    String artifactLocation,
    LifecycleStage lifecycleStage,
    long creationTime,
    long lastUpdateTime,
    Map<String, String> tags) {

  /** The id of the experiment every store starts with. */
  public static final String DEFAULT_ID = "0";

  /** The name of the experiment every store starts with. */
  public static final String DEFAULT_NAME = "Default";

  public Experiment {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(artifactLocation, "artifactLocation");
    Objects.requireNonNull(lifecycleStage, "lifecycleStage");
    tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
  }

  public boolean isActive() {
    return lifecycleStage == LifecycleStage.ACTIVE;
  }
}
