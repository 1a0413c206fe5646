package io.tracklog;

import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.CatalogState;
import io.tracklog.format.RunEvent;
import io.tracklog.format.Validation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The import paths: experiments and whole runs written exactly as another store held them (ids,
 * times, statuses, lifecycle), for the MLflow import, archives and the upgrade from format 1. A run
 * is written to a lane first and registered in the catalog last, so no reader ever sees half of
 * one. Split out of {@link Store}, which delegates to it. Thread-safe.
 */
final class RunImporter {
  private static final int IMPORT_CHUNK = 1000;

  private final StoreLayout layout;
  private final Catalog catalog;
  private final Lanes lanes;
  private final InstantSource clock;

  RunImporter(StoreLayout layout, Catalog catalog, Lanes lanes, InstantSource clock) {
    this.layout = layout;
    this.catalog = catalog;
    this.lanes = lanes;
    this.clock = clock;
  }

  /** See {@link Store#importExperiment}. */
  Experiment importExperiment(Experiment experiment) {
    Objects.requireNonNull(experiment, "experiment");
    Validation.experimentId(experiment.experimentId());
    Validation.experimentName(experiment.name());
    Validation.artifactLocation(experiment.artifactLocation());
    Validation.experimentTags(experiment.tags());
    return catalog.withLock(
        cat -> {
          Experiment existing = cat.experiment(experiment.experimentId());
          if (existing != null && !isPristineDefault(cat, existing)) {
            throw new ResourceAlreadyExistsException(
                "Experiment with id '" + experiment.experimentId() + "' already exists.");
          }
          Experiment byName = cat.experimentByName(experiment.name());
          if (byName != null && byName != existing) {
            throw new ResourceAlreadyExistsException("Experiment '" + experiment.name() + "' already exists.");
          }
          if (existing != null) {
            // The Default experiment every store starts with, untouched: the import brings its own "0".
            catalog.append(
                new CatalogEvent.ExperimentReplaced(
                    experiment.experimentId(),
                    experiment.name(),
                    experiment.artifactLocation(),
                    experiment.creationTime(),
                    experiment.lastUpdateTime(),
                    experiment.tags()));
          } else {
            catalog.append(
                new CatalogEvent.ExperimentCreated(
                    experiment.experimentId(),
                    experiment.name(),
                    experiment.artifactLocation(),
                    experiment.creationTime(),
                    experiment.lastUpdateTime(),
                    experiment.tags()));
          }
          if (!experiment.isActive()) {
            catalog.append(
                new CatalogEvent.ExperimentDeleted(experiment.experimentId(), experiment.lastUpdateTime()));
          }
          return cat.experiment(experiment.experimentId());
        });
  }

  /** The Default experiment as a store creates it: no runs, no tags, named Default, active. */
  private static boolean isPristineDefault(CatalogState cat, Experiment e) {
    return e.experimentId().equals(Experiment.DEFAULT_ID)
        && e.name().equals(Experiment.DEFAULT_NAME)
        && e.tags().isEmpty()
        && e.isActive()
        && cat.runIds(e.experimentId()).isEmpty();
  }

  /**
   * See {@link Store#importRun}.
   *
   * @throws ExperimentNotFoundException if the experiment does not exist
   */
  void importRun(RunImport run) {
    Objects.requireNonNull(run, "run");
    Validation.runId(run.runId());
    Validation.experimentId(run.experimentId());
    if (run.runId().getBytes(StandardCharsets.UTF_8).length > Store.MAX_RUN_ID_BYTES) {
      throw new InvalidParameterException(
          "Invalid run ID: '" + run.runId() + "': longer than " + Store.MAX_RUN_ID_BYTES + " bytes");
    }
    if (run.startTime() < 0 || (run.endTime() != null && run.endTime() < 0)) {
      throw new InvalidParameterException("Invalid start or end time for run '" + run.runId() + "'");
    }
    for (RunTag t : run.tags()) {
      Validation.tagKey(t.key());
    }
    for (Param p : run.params()) {
      Validation.paramKey(p.key());
    }
    for (Metric m : run.metrics()) {
      Validation.metricKey(m.key());
      if (m.timestampMs() < 0) {
        Validation.metricTimestamp(m.key(), m.value(), m.timestampMs());
      }
    }
    List<List<String>> artifactPaths = new ArrayList<>();
    for (RunImport.ArtifactFile a : run.artifacts()) {
      artifactPaths.add(RunArtifacts.segments(a.path(), false));
    }
    catalog.withLock(
        cat -> {
          Experiments.require(cat, run.experimentId());
          RunWriters.requireRunIdFree(cat, run.runId());
          Store.deleteTree(layout.runDir(run.runId())); // artifacts of an import that failed before
          int ordinal = cat.runCount();
          Lane lane = lanes.attach(cat);
          boolean success = false;
          try {
            long[] order = {0};
            long token = writeImportedRun(lane, ordinal, order, run, artifactPaths);
            lane.appendMarker(LaneCodec.DETACHED, ordinal);
            lane.sync();
            catalog.append(
                new CatalogEvent.RunRegistered(run.runId(), run.experimentId(), clock.millis(), lane.number, token));
            success = true;
          } finally {
            lanes.detach(lane);
            if (!success) {
              Store.deleteTree(layout.runDir(run.runId()));
            }
          }
          return null;
        });
  }

  /** Writes an imported run's events to a lane; returns the token of its first frame. */
  private long writeImportedRun(Lane lane, int ordinal, long[] order, RunImport run, List<List<String>> artifactPaths) {
    long token =
        lane.appendRunEvent(
            ordinal,
            order[0]++,
            new RunEvent.RunStarted(
                run.runId(), run.experimentId(), run.runName(), run.userId(), run.startTime(), run.artifactUri(), run.tags()));
    List<Param> params = run.params();
    for (int i = 0; i < params.size(); i += IMPORT_CHUNK) {
      lane.appendRunEvent(
          ordinal,
          order[0]++,
          new RunEvent.BatchLogged(List.of(), params.subList(i, Math.min(params.size(), i + IMPORT_CHUNK)), List.of()));
    }
    List<Metric> metrics = run.metrics();
    for (int i = 0; i < metrics.size(); i += IMPORT_CHUNK) {
      lane.appendRunEvent(
          ordinal,
          order[0]++,
          new RunEvent.BatchLogged(metrics.subList(i, Math.min(metrics.size(), i + IMPORT_CHUNK)), List.of(), List.of()));
    }
    if (!run.inputs().isEmpty()) {
      lane.appendRunEvent(ordinal, order[0]++, new RunEvent.InputsLogged(run.inputs()));
    }
    RunArtifacts folder = new RunArtifacts(run.runId(), layout.runArtifacts(run.runId()), layout.ops());
    for (int i = 0; i < run.artifacts().size(); i++) {
      Path source = run.artifacts().get(i).source();
      RunArtifacts.Written w = folder.write(artifactPaths.get(i), out -> Files.copy(source, out));
      lane.appendRunEvent(ordinal, order[0]++, new RunEvent.ArtifactWritten(w.path(), w.size(), w.sha256()));
    }
    if (run.status() != RunStatus.RUNNING || run.endTime() != null) {
      lane.appendRunEvent(ordinal, order[0]++, new RunEvent.StatusChanged(run.status(), run.endTime()));
    }
    if (run.lifecycleStage() == LifecycleStage.DELETED) {
      lane.appendRunEvent(
          ordinal, order[0]++, new RunEvent.RunDeleted(run.deletedTime() == null ? 0L : run.deletedTime()));
    }
    return token;
  }

  /**
   * Upgrade from format 1: a run's events exactly as its old log held them, then its registration,
   * under the catalog lock.
   */
  void importRunEvents(String runId, String experimentId, List<RunEvent> events) {
    catalog.withLock(
        cat -> {
          int ordinal = cat.runCount();
          Lane lane = lanes.attach(cat);
          try {
            long token = -1;
            long order = 0;
            Lane.MetricState metrics = new Lane.MetricState(ordinal);
            for (RunEvent e : events) {
              if (e instanceof RunEvent.MetricLogged m && token >= 0) {
                Metric x = m.metric();
                lane.appendMetric(metrics, x.key(), x.value(), x.timestampMs(), x.step());
              } else {
                long t = lane.appendRunEvent(ordinal, order++, e);
                token = token < 0 ? t : token;
              }
            }
            lane.appendMarker(LaneCodec.DETACHED, ordinal);
            catalog.append(new CatalogEvent.RunRegistered(runId, experimentId, clock.millis(), lane.number, token));
          } finally {
            lanes.detach(lane);
          }
          return null;
        });
  }

  /** Upgrade from format 1: appends a catalog event as the old catalog held it. */
  void importCatalogEvent(CatalogEvent event) {
    catalog.withLock(
        cat -> {
          catalog.append(event);
          return null;
        });
  }
}
