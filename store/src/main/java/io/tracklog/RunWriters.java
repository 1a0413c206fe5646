package io.tracklog;

import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.InvalidStateException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.error.RunNotActiveException;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.RunEvent;
import io.tracklog.format.Validation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The run writers a store hands out: starting a run (validation, its first frame, its registration
 * in the catalog), resuming one, at most one open writer per run in a store, and the status and
 * lifecycle changes that must reach a writer open here. Split out of {@link Store}, which delegates
 * to it and closes what is still open when it closes. Thread-safe.
 */
final class RunWriters {
  private final Store store;
  private final StoreOptions options;
  private final Catalog catalog;
  private final RunLogs logs;
  private final Map<String, RunWriter> open = new ConcurrentHashMap<>();

  RunWriters(Store store, StoreOptions options, Catalog catalog, RunLogs logs) {
    this.store = store;
    this.options = options;
    this.catalog = catalog;
    this.logs = logs;
  }

  /** See {@link Store#startRun(RunSpec)}. */
  RunWriter start(RunSpec spec) {
    Objects.requireNonNull(spec, "spec");
    catalog.checkOpen();
    Validation.experimentId(spec.experimentId());
    if (spec.runId() != null) {
      Validation.runId(spec.runId());
      if (spec.runId().getBytes(StandardCharsets.UTF_8).length > Store.MAX_RUN_ID_BYTES) {
        throw new InvalidParameterException(
            "Invalid run ID: '"
                + spec.runId()
                + "'. Tracklog names a folder after each run, so a run ID may be at most "
                + Store.MAX_RUN_ID_BYTES
                + " bytes of UTF-8");
      }
    }
    if (spec.parentRunId() != null) {
      Validation.runId(spec.parentRunId());
    }
    if (spec.startTime() != null && spec.startTime() < 0) {
      throw new InvalidParameterException("Invalid start time " + spec.startTime());
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (RunTag t : spec.tags()) {
      Validation.tag(t);
      tags.put(t.key(), t.value());
    }
    String tagName = tags.get(SystemTags.RUN_NAME);
    if (spec.runName() != null && tagName != null && !spec.runName().equals(tagName)) {
      throw new InvalidParameterException(
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values"
              + " (run_name='"
              + spec.runName()
              + "', mlflow.runName='"
              + tagName
              + "').");
    }
    String runName =
        spec.runName() != null
            ? spec.runName()
            : tagName != null ? tagName : RunNames.generate(ThreadLocalRandom.current());
    Validation.runName(runName);
    String user = spec.userId() != null ? spec.userId() : options.userName();
    tags.put(SystemTags.RUN_NAME, runName);
    if (!user.isEmpty()) { // an empty user (a REST client that sent none) gets no mlflow.user tag
      tags.putIfAbsent(SystemTags.USER, user);
    }
    if (options.sourceTags()) {
      SourceTags.current().forEach(tags::putIfAbsent); // MLflow's source tags; the caller's win
    }
    if (spec.parentRunId() != null) {
      tags.put(SystemTags.PARENT_RUN_ID, spec.parentRunId());
    }
    List<RunTag> startTags = new ArrayList<>();
    tags.forEach((k, v) -> startTags.add(new RunTag(k, v)));
    String runId = spec.runId() != null ? spec.runId() : UUID.randomUUID().toString().replace("-", "");
    long startTime = spec.startTime() != null ? spec.startTime() : options.clock().millis();

    return catalog.withLock(
        cat -> {
          Experiment exp = Experiments.require(cat, spec.experimentId());
          if (!exp.isActive()) {
            throw new InvalidStateException(
                "Could not create run under non-active experiment with ID " + exp.experimentId() + ".");
          }
          requireRunIdFree(cat, runId);
          if (open.containsKey(runId)) {
            throw new IllegalStateException("Cannot start run " + runId + ": this store has a writer open on it");
          }
          String location = spec.artifactLocation() != null ? spec.artifactLocation() : exp.artifactLocation();
          String artifactUri = io.tracklog.format.FileNames.runArtifactUri(location, runId);
          RunEvent.RunStarted started =
              new RunEvent.RunStarted(runId, exp.experimentId(), runName, user, startTime, artifactUri, startTags);
          // The run's first frame, then its registration: a crash in between leaves a frame of an
          // ordinal nobody registered at that token, which no reader ever reads.
          int ordinal = cat.runCount();
          Lanes lanes = logs.lanes();
          Lane lane = lanes.attach(cat);
          RunAttachment attachment;
          try {
            long token = lane.appendRunEvent(ordinal, 0, started);
            catalog.append(
                new CatalogEvent.RunRegistered(runId, exp.experimentId(), options.clock().millis(), lane.number, token));
            attachment = new RunAttachment(logs, lane, runId, ordinal, started);
          } catch (RuntimeException | Error e) {
            lanes.detach(lane);
            throw e;
          }
          return register(attachment);
        });
  }

  /**
   * @throws ResourceAlreadyExistsException if a run has this id, or had it and was purged (tracklog
   *     gc): the catalog keeps a purged run's registration, so its id is not given again
   */
  static void requireRunIdFree(io.tracklog.format.CatalogState cat, String runId) {
    if (cat.experimentOfRun(runId) != null) {
      throw new ResourceAlreadyExistsException("Run with id '" + runId + "' already exists.");
    }
    if (cat.isPurgedRun(runId)) {
      throw new ResourceAlreadyExistsException(
          "Run with id '" + runId + "' was permanently deleted (tracklog gc); its id cannot be reused.");
    }
  }

  /** See {@link Store#resumeRun} ({@code setRunning}) and {@link Store#attachRun}. */
  RunWriter resume(String runId, boolean setRunning) {
    logs.requireRun(runId);
    catalog.checkOpen();
    if (open.containsKey(runId)) {
      throw new IllegalStateException(
          "Cannot open run " + runId + ": this store already has a writer open on it; share that RunWriter");
    }
    RunWriter writer = register(logs.attach(runId));
    try {
      Run run = writer.state();
      if (run.info().lifecycleStage() == LifecycleStage.DELETED) {
        throw new RunNotActiveException(runId);
      }
      if (setRunning && run.info().status() != RunStatus.RUNNING) {
        writer.updateStatus(RunStatus.RUNNING, null);
      }
      return writer;
    } catch (RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  private RunWriter register(RunAttachment attachment) {
    RunWriter writer;
    try {
      writer = new RunWriter(store, attachment, options.durability());
    } catch (RuntimeException | Error e) {
      attachment.close();
      throw e;
    }
    if (open.putIfAbsent(attachment.runId, writer) != null) {
      writer.close();
      throw new IllegalStateException("Cannot open run " + attachment.runId + ": opened concurrently in this store");
    }
    return writer;
  }

  /** A writer of this store closed: the run may be opened here again. */
  void closed(RunWriter writer) {
    open.remove(writer.runId(), writer);
  }

  /** Whether this store has a writer open on the run. */
  boolean isOpen(String runId) {
    return open.containsKey(runId);
  }

  /** The writers open now, for closing them or ending their runs. */
  List<RunWriter> openWriters() {
    return List.copyOf(open.values());
  }

  /** See {@link Store#updateRun}. */
  void update(String runId, RunStatus status, Long endTime) {
    Objects.requireNonNull(status, "status");
    logs.requireRun(runId);
    if (endTime != null && endTime < 0) { // as RunWriter.updateStatus: the log must not get it
      throw new InvalidParameterException("Invalid end time " + endTime + " for run '" + runId + "'");
    }
    RunWriter writer = open.get(runId);
    if (writer != null) {
      writer.updateStatus(status, endTime);
      return;
    }
    logs.append(
        runId,
        state -> {
          if (state.lifecycleStage() == LifecycleStage.DELETED) {
            throw new RunNotActiveException(runId);
          }
          return new RunEvent.StatusChanged(status, endTime);
        });
  }

  /** Soft-deletes or restores a run (a no-op if it is in that stage already) and tells its writer here. */
  void setLifecycle(String runId, LifecycleStage stage, long time) {
    logs.append(
        runId,
        state -> {
          if (state.lifecycleStage() == stage) {
            return null;
          }
          return stage == LifecycleStage.DELETED ? new RunEvent.RunDeleted(time) : new RunEvent.RunRestored(time);
        });
    RunWriter writer = open.get(runId);
    if (writer != null) {
      writer.markDeleted(stage == LifecycleStage.DELETED);
    }
  }
}
