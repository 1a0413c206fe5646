package io.tracklog;

import java.util.Objects;

/**
 * A run's attributes, as MLflow's {@code RunInfo}. {@code endTime} is null while the run has not
 * ended; {@code userId} may be null.
 */
public record RunInfo(
    String runId,
    String runName,
    String experimentId,
    String userId,
    RunStatus status,
    long startTime,
    Long endTime,
    String artifactUri,
    LifecycleStage lifecycleStage) {
  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(runName, "runName");
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(artifactUri, "artifactUri");
    Objects.requireNonNull(lifecycleStage, "lifecycleStage");
  }
}
