package io.tracklog;

import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.InvalidStateException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.error.TagNotFoundException;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.CatalogState;
import io.tracklog.format.Validation;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * MLflow's experiment operations (create, set, rename, tag, delete, restore) as catalog events,
 * each checked and appended under the catalog lock. Split out of {@link Store}, which delegates to
 * it; the rules and messages are MLflow's. Thread-safe.
 */
final class Experiments {
  private final Catalog catalog;
  private final RunWriters runs; // deleting or restoring an experiment does the same to its runs
  private final InstantSource clock;

  Experiments(Catalog catalog, RunWriters runs, InstantSource clock) {
    this.catalog = catalog;
    this.runs = runs;
    this.clock = clock;
  }

  /** See {@link Store#createExperiment(String, String, Map)}. */
  String create(String name, String artifactLocation, Map<String, String> tags) {
    Validation.experimentName(name);
    Validation.artifactLocation(artifactLocation);
    Validation.experimentTags(Objects.requireNonNull(tags, "tags"));
    return catalog.withLock(
        cat -> {
          requireNameFree(cat, name);
          String id = cat.nextExperimentId();
          long now = clock.millis();
          catalog.append(
              new CatalogEvent.ExperimentCreated(
                  id,
                  name,
                  artifactLocation == null ? catalog.defaultArtifactLocation() : artifactLocation,
                  now,
                  now,
                  tags));
          return id;
        });
  }

  private static void requireNameFree(CatalogState cat, String name) {
    if (cat.experimentByName(name) != null) {
      throw new ResourceAlreadyExistsException("Experiment '" + name + "' already exists.");
    }
  }

  /** See {@link Store#setExperiment}. */
  Experiment set(String name) {
    Validation.experimentName(name);
    Experiment existing = catalog.read(cat -> cat.experimentByName(name));
    if (existing == null) {
      existing =
          catalog.withLock(
              cat -> {
                Experiment e = cat.experimentByName(name);
                if (e != null) {
                  return e;
                }
                long now = clock.millis();
                String id = cat.nextExperimentId();
                catalog.append(
                    new CatalogEvent.ExperimentCreated(
                        id, name, catalog.defaultArtifactLocation(), now, now, Map.of()));
                return cat.experiment(id);
              });
    }
    if (!existing.isActive()) {
      throw new InvalidParameterException(
          "Cannot set a deleted experiment '"
              + name
              + "' as the active experiment. You can restore the experiment, or permanently delete"
              + " the experiment to create a new one.");
    }
    return existing;
  }

  /** See {@link Store#getExperiment}. */
  Experiment get(String experimentId) {
    Validation.experimentId(experimentId);
    Experiment e = catalog.read(cat -> cat.experiment(experimentId));
    if (e == null) {
      throw ExperimentNotFoundException.withId(experimentId);
    }
    return e;
  }

  /** See {@link Store#renameExperiment}. */
  void rename(String experimentId, String newName) {
    Validation.experimentName(newName);
    catalog.withLock(
        cat -> {
          Experiment e = require(cat, experimentId);
          if (!e.isActive()) {
            throw new InvalidStateException("Cannot rename a non-active experiment.");
          }
          if (!e.name().equals(newName)) {
            requireNameFree(cat, newName);
            catalog.append(new CatalogEvent.ExperimentRenamed(experimentId, newName, clock.millis()));
          }
          return null;
        });
  }

  /** See {@link Store#setExperimentTag}. */
  void setTag(String experimentId, String key, String value) {
    Validation.experimentTag(key, value);
    catalog.withLock(
        cat -> {
          requireActive(require(cat, experimentId));
          catalog.append(new CatalogEvent.ExperimentTagSet(experimentId, key, value));
          return null;
        });
  }

  /** See {@link Store#deleteExperimentTag}. */
  void deleteTag(String experimentId, String key) {
    Validation.tagKey(key);
    catalog.withLock(
        cat -> {
          Experiment e = requireActive(require(cat, experimentId));
          if (!e.tags().containsKey(key)) {
            throw TagNotFoundException.ofExperiment(experimentId, key);
          }
          catalog.append(new CatalogEvent.ExperimentTagDeleted(experimentId, key));
          return null;
        });
  }

  /** See {@link Store#deleteExperiment}. */
  void delete(String experimentId) {
    Validation.experimentId(experimentId);
    if (experimentId.equals(Experiment.DEFAULT_ID)) {
      throw new InvalidStateException(
          "Cannot delete the default experiment '0'. This is an internally reserved experiment.");
    }
    catalog.withLock(
        cat -> {
          Experiment e = require(cat, experimentId);
          if (!e.isActive()) {
            throw new InvalidStateException(
                "Cannot delete experiment '" + experimentId + "': it is already deleted.");
          }
          long now = clock.millis();
          // Runs first: a crash half-way leaves an active experiment with some deleted runs, and
          // deleting it again finishes the job.
          for (String runId : cat.runIds(experimentId)) {
            runs.setLifecycle(runId, LifecycleStage.DELETED, now);
          }
          catalog.append(new CatalogEvent.ExperimentDeleted(experimentId, now));
          return null;
        });
  }

  /** See {@link Store#restoreExperiment}. */
  void restore(String experimentId) {
    Validation.experimentId(experimentId);
    catalog.withLock(
        cat -> {
          Experiment e = require(cat, experimentId);
          if (e.isActive()) {
            throw new InvalidStateException(
                "Cannot restore an active experiment: '" + experimentId + "' is not deleted.");
          }
          long now = clock.millis();
          for (String runId : cat.runIds(experimentId)) {
            runs.setLifecycle(runId, LifecycleStage.ACTIVE, now);
          }
          catalog.append(new CatalogEvent.ExperimentRestored(experimentId, now));
          return null;
        });
  }

  /**
   * The experiment with this id in {@code cat}, active or deleted.
   *
   * @throws ExperimentNotFoundException if there is none
   */
  static Experiment require(CatalogState cat, String experimentId) {
    Validation.experimentId(experimentId);
    Experiment e = cat.experiment(experimentId);
    if (e == null) {
      throw ExperimentNotFoundException.withId(experimentId);
    }
    return e;
  }

  private static Experiment requireActive(Experiment e) {
    if (!e.isActive()) {
      throw new InvalidParameterException(
          "The experiment " + e.experimentId() + " must be in the 'active' state. Current state is deleted.");
    }
    return e;
  }
}
