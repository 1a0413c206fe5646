package io.tracklog;

import io.tracklog.format.RunEvent;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a run's log holds, folded from the whole log ({@link Store#runRecord}): the run as
 * {@link Store#getRun} gives it, every metric point per key in append order (MLflow's
 * get_metric_history), the last ArtifactWritten event per artifact path, and when the run was
 * deleted (null if it is not). Immutable.
 */
public record RunRecord(
    Run run,
    Map<String, List<Metric>> metricHistory,
    Map<String, RunEvent.ArtifactWritten> artifacts,
    Long deletedTime) {
  public RunRecord {
    Objects.requireNonNull(run, "run");
    metricHistory = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(metricHistory));
    artifacts = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(artifacts));
  }
}
