package io.tracklog.format;

import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.format.CatalogEvent.ExperimentCreated;
import io.tracklog.format.CatalogEvent.ExperimentDeleted;
import io.tracklog.format.CatalogEvent.ExperimentRenamed;
import io.tracklog.format.CatalogEvent.ExperimentRestored;
import io.tracklog.format.CatalogEvent.ExperimentTagDeleted;
import io.tracklog.format.CatalogEvent.ExperimentTagSet;
import io.tracklog.format.CatalogEvent.RunRegistered;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The catalog folded from its events: experiments by id and by name, and the runs registered in each
 * experiment, in creation order. Not thread-safe; the store guards it.
 */
public final class CatalogState {
  private final Map<String, Experiment> experiments = new LinkedHashMap<>();
  private final Map<String, String> idsByName = new HashMap<>();
  private final Map<String, List<String>> runsByExperiment = new HashMap<>();
  private final Map<String, String> experimentByRun = new HashMap<>();
  private final Map<String, Long> lastReopened = new HashMap<>();
  private long maxNumericId = -1;
  private long position;
  private CatalogSnapshot lastSnapshot; // copying 100k runs per reader snapshot adds up

  public void apply(CatalogEvent event) {
    long at = position++;
    switch (event.kind()) {
      case EXPERIMENT_CREATED -> {
        ExperimentCreated e = (ExperimentCreated) event;
        if (experiments.containsKey(e.experimentId())) {
          throw new DecodeException("experiment " + e.experimentId() + " created twice");
        }
        experiments.put(
            e.experimentId(),
            new Experiment(
                e.experimentId(),
                e.name(),
                e.artifactLocation(),
                LifecycleStage.ACTIVE,
                e.creationTime(),
                e.lastUpdateTime(),
                e.tags()));
        idsByName.put(e.name(), e.experimentId());
        noteId(e.experimentId());
      }
      case EXPERIMENT_RENAMED -> {
        ExperimentRenamed e = (ExperimentRenamed) event;
        Experiment old = require(e.experimentId());
        idsByName.remove(old.name());
        idsByName.put(e.name(), e.experimentId());
        put(with(old, e.name(), old.lifecycleStage(), Math.max(old.lastUpdateTime(), e.time()), old.tags()));
      }
      case EXPERIMENT_TAG_SET -> {
        ExperimentTagSet e = (ExperimentTagSet) event;
        Experiment old = require(e.experimentId());
        Map<String, String> tags = new TreeMap<>(old.tags());
        tags.put(e.key(), e.value());
        put(with(old, old.name(), old.lifecycleStage(), old.lastUpdateTime(), tags));
      }
      case EXPERIMENT_TAG_DELETED -> {
        ExperimentTagDeleted e = (ExperimentTagDeleted) event;
        Experiment old = require(e.experimentId());
        Map<String, String> tags = new TreeMap<>(old.tags());
        tags.remove(e.key());
        put(with(old, old.name(), old.lifecycleStage(), old.lastUpdateTime(), tags));
      }
      case EXPERIMENT_DELETED -> {
        ExperimentDeleted e = (ExperimentDeleted) event;
        Experiment old = require(e.experimentId());
        put(with(old, old.name(), LifecycleStage.DELETED, Math.max(old.lastUpdateTime(), e.time()), old.tags()));
      }
      case EXPERIMENT_RESTORED -> {
        ExperimentRestored e = (ExperimentRestored) event;
        Experiment old = require(e.experimentId());
        put(with(old, old.name(), LifecycleStage.ACTIVE, Math.max(old.lastUpdateTime(), e.time()), old.tags()));
      }
      case RUN_REGISTERED -> {
        RunRegistered e = (RunRegistered) event;
        require(e.experimentId());
        if (experimentByRun.putIfAbsent(e.runId(), e.experimentId()) != null) {
          throw new DecodeException("run " + e.runId() + " registered twice");
        }
        runsByExperiment.computeIfAbsent(e.experimentId(), k -> new ArrayList<>()).add(e.runId());
      }
      case EXPERIMENT_REPLACED -> {
        CatalogEvent.ExperimentReplaced e = (CatalogEvent.ExperimentReplaced) event;
        Experiment old = require(e.experimentId());
        if (!runsByExperiment.getOrDefault(e.experimentId(), List.of()).isEmpty()) {
          throw new DecodeException("experiment " + e.experimentId() + " replaced after it got runs");
        }
        idsByName.remove(old.name());
        idsByName.put(e.name(), e.experimentId());
        put(
            new Experiment(
                e.experimentId(),
                e.name(),
                e.artifactLocation(),
                LifecycleStage.ACTIVE,
                e.creationTime(),
                e.lastUpdateTime(),
                e.tags()));
      }
      case RUN_REOPENED -> {
        CatalogEvent.RunReopened e = (CatalogEvent.RunReopened) event;
        if (!experimentByRun.containsKey(e.runId())) {
          throw new DecodeException("reopened unknown run " + e.runId());
        }
        lastReopened.put(e.runId(), at);
      }
    }
  }

  /** An immutable copy of the current state; the same instance while no event was applied since. */
  public CatalogSnapshot snapshot() {
    CatalogSnapshot last = lastSnapshot;
    if (last == null || last.position() != position) {
      last = new CatalogSnapshot(position, experiments, runsByExperiment, experimentByRun, lastReopened);
      lastSnapshot = last;
    }
    return last;
  }

  /** How many events have been applied. */
  public long position() {
    return position;
  }

  /** The position of the last RunReopened event of a run, or -1. */
  public long lastReopened(String runId) {
    return lastReopened.getOrDefault(runId, -1L);
  }

  private void noteId(String id) {
    if (!id.isEmpty() && id.length() < 19 && id.chars().allMatch(c -> c >= '0' && c <= '9')) {
      maxNumericId = Math.max(maxNumericId, Long.parseLong(id));
    }
  }

  private Experiment require(String id) {
    Experiment e = experiments.get(id);
    if (e == null) {
      throw new DecodeException("event for unknown experiment " + id);
    }
    return e;
  }

  private void put(Experiment e) {
    experiments.put(e.experimentId(), e);
  }

  private static Experiment with(
      Experiment old, String name, LifecycleStage stage, long lastUpdate, Map<String, String> tags) {
    return new Experiment(
        old.experimentId(), name, old.artifactLocation(), stage, old.creationTime(), lastUpdate, tags);
  }

  public Experiment experiment(String id) {
    return experiments.get(id);
  }

  public Experiment experimentByName(String name) {
    String id = idsByName.get(name);
    return id == null ? null : experiments.get(id);
  }

  /** All experiments, active and deleted, in creation order. */
  public Collection<Experiment> experiments() {
    return List.copyOf(experiments.values());
  }

  /** The id the next created experiment gets: one past the largest numeric id so far. */
  public String nextExperimentId() {
    return Long.toString(maxNumericId + 1);
  }

  /** Runs registered in an experiment, in creation order. */
  public List<String> runIds(String experimentId) {
    return List.copyOf(runsByExperiment.getOrDefault(experimentId, List.of()));
  }

  /** The experiment a run was registered in, or null for an unknown run. */
  public String experimentOfRun(String runId) {
    return experimentByRun.get(runId);
  }

  public int runCount() {
    return experimentByRun.size();
  }
}
