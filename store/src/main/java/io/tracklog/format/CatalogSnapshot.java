package io.tracklog.format;

import io.tracklog.Experiment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable copy of the catalog after {@code position} events: what a reader's snapshot pins.
 *
 * @param experiments by id, in creation order
 * @param runsByExperiment run ids per experiment, in creation order
 * @param experimentByRun each run's experiment
 * @param lastReopened catalog position of each reopened run's last RunReopened event
 */
public record CatalogSnapshot(
    long position,
    Map<String, Experiment> experiments,
    Map<String, List<String>> runsByExperiment,
    Map<String, String> experimentByRun,
    Map<String, Long> lastReopened) {

  public CatalogSnapshot {
    experiments = Collections.unmodifiableMap(new LinkedHashMap<>(experiments));
    Map<String, List<String>> runs = new LinkedHashMap<>();
    runsByExperiment.forEach((k, v) -> runs.put(k, List.copyOf(v)));
    runsByExperiment = Collections.unmodifiableMap(runs);
    experimentByRun = Map.copyOf(experimentByRun);
    lastReopened = Map.copyOf(lastReopened);
  }

  public Experiment experiment(String id) {
    return experiments.get(id);
  }

  public List<String> runIds(String experimentId) {
    return runsByExperiment.getOrDefault(experimentId, List.of());
  }

  public long lastReopened(String runId) {
    return lastReopened.getOrDefault(runId, -1L);
  }
}
