package io.tracklog;

import io.tracklog.error.AlreadyClosedException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.RunNotActiveException;
import io.tracklog.error.TagNotFoundException;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import io.tracklog.format.Validation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The one way to write to a run: metrics, params, tags, dataset inputs, status. Get one from {@link
 * Store#startRun} or {@link Store#resumeRun}; close it when done. Closing releases the run without
 * ending it; end it with {@link #end(RunStatus)}, or let {@link Store#run} do both.
 *
 * <pre>{@code
 * try (RunWriter run = store.startRun(RunSpec.of(experimentId, "baseline"))) {
 *   run.logParam("lr", "0.01");
 *   for (int step = 0; step < 100; step++) run.logMetric("loss", loss(step), step);
 *   run.end(RunStatus.FINISHED);
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may log to one writer; each thread's events keep their order.
 * Other processes may write to the same run at the same time through their own writers. Every call
 * validates first and writes nothing if its input is invalid; when it returns, its event is in the OS
 * page cache ({@link Durability}).
 *
 * <p>{@code logMetric} is the hot path: it validates the key (cached by identity) and appends one
 * frame to its store's lane, encoded against what this writer logged before (key index, timestamp
 * and step deltas), allocating nothing. Params, tags and status changes check the run's current
 * state under a cross-process lock first (a param may not change value; a deleted run takes no
 * writes).
 */
public final class RunWriter implements AutoCloseable {
  private static final int KEY_CACHE_SIZE = 64;

  private final Store store;
  private final String runId;
  private final String experimentId;
  private final RunAttachment attachment;
  private final Durability durability;

  /** Keys already validated, compared by identity: loops that reuse a key string skip the check. */
  private final String[] validKeys = new String[KEY_CACHE_SIZE];

  private volatile boolean deleted;
  private volatile boolean endedHere;
  private volatile boolean closed;
  private volatile Throwable tragedy;

  RunWriter(Store store, RunAttachment attachment, Durability durability) {
    this.store = store;
    this.runId = attachment.runId;
    this.attachment = attachment;
    this.durability = durability;
    RunState started = attachment.startedState();
    RunState state = started != null ? started : attachment.withState(s -> s);
    this.experimentId = state.experimentId();
    this.deleted = state.lifecycleStage() == LifecycleStage.DELETED;
  }

  public String runId() {
    return runId;
  }

  public String experimentId() {
    return experimentId;
  }

  // ---- metrics: the hot path -------------------------------------------------------------------

  /** Logs {@code value} at step 0, timestamped now. */
  public void logMetric(String key, double value) {
    logMetric(key, value, store.clock().millis(), 0L);
  }

  /** Logs {@code value} at {@code step}, timestamped now. */
  public void logMetric(String key, double value, long step) {
    logMetric(key, value, store.clock().millis(), step);
  }

  /**
   * Logs one metric point. NaN and ±Infinity are valid values.
   *
   * @throws InvalidParameterException if the key breaks MLflow's rules or the timestamp is negative
   * @throws RunNotActiveException if the run is deleted
   * @throws AlreadyClosedException if this writer is closed
   */
  public void logMetric(String key, double value, long timestampMs, long step) {
    checkMetricKey(key);
    if (timestampMs < 0) {
      Validation.metricTimestamp(key, value, timestampMs);
    }
    checkWritable();
    try {
      attachment.logMetric(key, value, timestampMs, step);
    } catch (RuntimeException | Error e) {
      throw failed(e);
    }
  }

  private void checkMetricKey(String key) {
    int slot = System.identityHashCode(key) & (KEY_CACHE_SIZE - 1);
    // null must not match an empty cache slot (it would skip validation and fail later with an NPE)
    if (key == null || validKeys[slot] != key) {
      Validation.metricKey(key);
      validKeys[slot] = key;
    }
  }

  // ---- stateful writes -------------------------------------------------------------------------

  /**
   * Logs a param. Logging the same value again does nothing; a different value is an error.
   *
   * @throws InvalidParameterException if the key or value is invalid, or the param has another value
   */
  public void logParam(String key, String value) {
    Validation.paramKey(key);
    Validation.paramValue(key, value);
    appendChecked(
        state -> {
          String old = state.param(key);
          if (old == null) {
            return new RunEvent.ParamLogged(new Param(key, value));
          }
          if (old.equals(value)) {
            return null;
          }
          throw paramChanged(key, old, value);
        });
  }

  private InvalidParameterException paramChanged(String key, String old, String value) {
    return new InvalidParameterException(
        "Changing param values is not allowed. Param with key='"
            + key
            + "' was already logged with value='"
            + old
            + "' for run ID='"
            + runId
            + "'. Attempted logging new value '"
            + value
            + "'.");
  }

  /** Sets a tag; setting {@code mlflow.runName} renames the run. */
  public void setTag(String key, String value) {
    Validation.tagKey(key);
    Validation.tagValue(key, value);
    appendChecked(state -> new RunEvent.TagSet(new RunTag(key, value)));
  }

  /**
   * Deletes a tag.
   *
   * @throws TagNotFoundException if the run has no such tag
   */
  public void deleteTag(String key) {
    Validation.tagKey(key);
    appendChecked(
        state -> {
          if (!state.hasTag(key)) {
            throw new TagNotFoundException(runId, key);
          }
          return new RunEvent.TagDeleted(key);
        });
  }

  /** Renames the run (and its {@code mlflow.runName} tag). */
  public void setName(String runName) {
    Validation.runName(runName);
    appendChecked(state -> new RunEvent.TagSet(new RunTag(SystemTags.RUN_NAME, runName)));
  }

  /**
   * MLflow's log_batch, as one event: all of it is applied or none. Limits: 1000 metrics, 100
   * params, 100 tags, 1000 in total; a param key may appear once.
   *
   * @throws InvalidParameterException if any entity is invalid or a limit is passed; nothing is written
   */
  public void logBatch(List<Metric> metrics, List<Param> params, List<RunTag> tags) {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(params, "params");
    Objects.requireNonNull(tags, "tags");
    Validation.batch(metrics, params, tags);
    appendChecked(
        state -> {
          for (Param p : params) {
            String old = state.param(p.key());
            if (old != null && !old.equals(p.value())) {
              throw paramChanged(p.key(), old, p.value());
            }
          }
          return new RunEvent.BatchLogged(metrics, params, tags);
        });
  }

  /** Logs dataset inputs (MLflow's log_inputs). */
  public void logInputs(List<DatasetInput> inputs) {
    Objects.requireNonNull(inputs, "inputs");
    for (DatasetInput input : inputs) {
      Validation.datasetInput(input);
    }
    appendChecked(state -> new RunEvent.InputsLogged(new ArrayList<>(inputs)));
  }

  public void logInput(DatasetInput input) {
    logInputs(List.of(input));
  }

  // ---- artifacts -------------------------------------------------------------------------------

  /**
   * MLflow's log_artifact: copies {@code file} to {@code <artifactPath>/<file name>} in the run's
   * artifact folder (null or {@code ""} for the folder itself), replacing an artifact of that path,
   * and appends an ArtifactWritten event with its size and SHA-256.
   *
   * @throws io.tracklog.error.InvalidArtifactPathException if the path leaves the artifact folder;
   *     nothing is written
   * @throws InvalidParameterException if {@code file} is not a regular file
   * @throws RunNotActiveException if the run is deleted
   */
  public void logArtifact(Path file, String artifactPath) {
    Objects.requireNonNull(file, "file");
    List<String> dir = RunArtifacts.segments(artifactPath, true);
    if (!Files.isRegularFile(file)) {
      throw new InvalidParameterException("Cannot log artifact " + file + ": not a regular file");
    }
    List<String> target = RunArtifacts.child(dir, file.getFileName().toString());
    writeArtifacts(List.of(new PendingArtifact(target, out -> Files.copy(file, out))));
  }

  /**
   * MLflow's log_artifacts: copies every file below {@code dir} to {@code <artifactPath>/<its path
   * relative to dir>}. Every target path is checked before the first file is written.
   *
   * @throws io.tracklog.error.InvalidArtifactPathException if any path leaves the artifact folder;
   *     nothing is written
   * @throws InvalidParameterException if {@code dir} is not a directory
   */
  public void logArtifacts(Path dir, String artifactPath) {
    Objects.requireNonNull(dir, "dir");
    List<String> base = RunArtifacts.segments(artifactPath, true);
    if (!Files.isDirectory(dir)) {
      throw new InvalidParameterException("Cannot log artifacts from " + dir + ": not a directory");
    }
    List<PendingArtifact> pending = new ArrayList<>();
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        List<String> target = base;
        for (Path name : dir.relativize(file)) {
          target = RunArtifacts.child(target, name.toString());
        }
        pending.add(new PendingArtifact(target, out -> Files.copy(file, out)));
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot list artifacts in " + dir, e);
    }
    writeArtifacts(pending);
  }

  /**
   * Writes what {@code in} holds to the artifact file at {@code artifactFile} (a tracking server's
   * upload), replacing an artifact of that path, with its ArtifactWritten event, size and SHA-256.
   * The caller closes {@code in}.
   *
   * @throws io.tracklog.error.InvalidArtifactPathException if the path leaves the artifact folder;
   *     nothing is written
   * @throws RunNotActiveException if the run is deleted
   */
  public void logArtifact(java.io.InputStream in, String artifactFile) {
    Objects.requireNonNull(in, "in");
    List<String> target = RunArtifacts.segments(artifactFile, false);
    writeArtifacts(List.of(new PendingArtifact(target, in::transferTo)));
  }

  /** MLflow's log_text: {@code text} as UTF-8 in the artifact file at {@code artifactFile}. */
  public void logText(String text, String artifactFile) {
    Objects.requireNonNull(text, "text");
    List<String> target = RunArtifacts.segments(artifactFile, false);
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    writeArtifacts(List.of(new PendingArtifact(target, out -> out.write(bytes))));
  }

  /**
   * MLflow's log_dict: {@code map} as YAML when {@code artifactFile} ends in {@code .yaml} or {@code
   * .yml}, else as JSON (indented by 2, as MLflow).
   */
  public void logDict(java.util.Map<String, ?> map, String artifactFile) {
    Objects.requireNonNull(map, "map");
    List<String> target = RunArtifacts.segments(artifactFile, false);
    byte[] bytes = ArtifactFormats.dictBytes(map, artifactFile);
    writeArtifacts(List.of(new PendingArtifact(target, out -> out.write(bytes))));
  }

  /**
   * MLflow's {@code log_model}: writes a model directory (the flavor's files, an input example, an
   * MLmodel with this run's id, a new model_uuid and the time) to {@code artifactPath} among the run's
   * artifacts, each file with its ArtifactWritten event, then appends it to the run tag {@code
   * mlflow.log-model.history} as MLflow 2.x does. The directory is staged and checked before the
   * first file is logged (docs/FORMAT.md §Models).
   *
   * <pre>{@code
   * ModelInfo info = run.logModel("model", OnnxFlavor.of(Path.of("model.onnx")),
   *     ModelOptions.DEFAULT.withSignature(Signature.infer(rows)).withInputExample(rows));
   * }</pre>
   *
   * @return the model's URI ({@code runs:/<run_id>/<artifactPath>}) and MLmodel
   * @throws io.tracklog.error.InvalidArtifactPathException if {@code artifactPath} is empty or leaves
   *     the artifact folder; nothing is written
   * @throws InvalidParameterException if the flavor's input or the example is invalid; nothing is written
   * @throws RunNotActiveException if the run is deleted
   */
  public io.tracklog.model.ModelInfo logModel(
      String artifactPath, io.tracklog.model.ModelFlavor flavor, io.tracklog.model.ModelOptions options) {
    checkWritable();
    io.tracklog.model.ModelInfo info = io.tracklog.model.Models.log(this, artifactPath, flavor, options);
    recordLoggedModel(info.mlmodel());
    return info;
  }

  /**
   * Appends a model logged elsewhere to the run's {@code mlflow.log-model.history} tag, as MLflow's
   * {@code record_logged_model} does (a 2.x client's {@code runs/log-model} call, after it uploaded
   * the model's files).
   *
   * @throws RunNotActiveException if the run is deleted
   */
  public void recordLoggedModel(io.tracklog.model.MLmodel model) {
    Objects.requireNonNull(model, "model");
    checkWritable();
    String tag = io.tracklog.model.Models.LOG_MODEL_HISTORY_TAG;
    // MLflow's own tag: appended under the run's state lock, not held to user tags' length limit.
    appendChecked(state -> new RunEvent.TagSet(
        new RunTag(tag, io.tracklog.model.Models.appendHistory(state.tag(tag), model))));
  }

  /** {@link #logModel(String, io.tracklog.model.ModelFlavor, io.tracklog.model.ModelOptions)} without options. */
  public io.tracklog.model.ModelInfo logModel(String artifactPath, io.tracklog.model.ModelFlavor flavor) {
    return logModel(artifactPath, flavor, io.tracklog.model.ModelOptions.DEFAULT);
  }

  /** The run's artifact folder, for reading. */
  public RunArtifacts artifacts() {
    return store.artifacts(runId);
  }

  private record PendingArtifact(List<String> segments, RunArtifacts.Content content) {}

  private void writeArtifacts(List<PendingArtifact> pending) {
    checkWritable();
    RunArtifacts folder = store.artifacts(runId);
    for (PendingArtifact p : pending) {
      folder.checkResolvesInside(p.segments(), true);
    }
    for (PendingArtifact p : pending) {
      RunArtifacts.Written w = folder.write(p.segments(), p.content());
      checkOpen();
      // The file is whole before its event: no state check (as metrics), but the run's order.
      RunEvent event = new RunEvent.ArtifactWritten(w.path(), w.size(), w.sha256());
      try {
        attachment.appendChecked(state -> event);
      } catch (RuntimeException | Error e) {
        throw failed(e);
      }
    }
  }

  /** Ends the run with a terminal status, end time now. */
  public void end(RunStatus status) {
    end(status, store.clock().millis());
  }

  /**
   * Ends the run with a terminal status (FINISHED, FAILED or KILLED) at {@code endTimeMs}.
   *
   * @throws IllegalArgumentException if the status is not terminal
   */
  public void end(RunStatus status, long endTimeMs) {
    Objects.requireNonNull(status, "status");
    if (!status.isTerminal()) {
      throw new IllegalArgumentException("Cannot end a run with non-terminal status " + status);
    }
    updateStatus(status, endTimeMs);
    endedHere = true;
    if (durability != Durability.PAGE_CACHE) {
      sync();
    }
  }

  /** MLflow's update_run: any status, with an optional end time. */
  public void updateStatus(RunStatus status, Long endTimeMs) {
    Objects.requireNonNull(status, "status");
    if (endTimeMs != null && endTimeMs < 0) {
      throw new InvalidParameterException("Invalid end time " + endTimeMs + " for run '" + runId + "'");
    }
    appendChecked(state -> new RunEvent.StatusChanged(status, endTimeMs));
    // A terminal status set here ends the run as end() does: Store.run must not override it.
    endedHere = status.isTerminal();
  }

  /** Forces this run's log to the storage device (power-loss safety). */
  public void sync() {
    checkOpen();
    attachment.sync();
  }

  /** The run as its logs say now: attributes, latest metrics, params, tags, inputs. */
  public Run state() {
    checkOpen();
    return store.getRun(runId);
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /**
   * Under the run's state lock: catch up with the run's logs, let {@code decide} check the state
   * and name the event to append (or null for none), then append it.
   */
  private void appendChecked(Function<RunState, RunEvent> decide) {
    checkOpen();
    try {
      attachment.appendChecked(
          state -> {
            checkOpen();
            if (state.lifecycleStage() == LifecycleStage.DELETED) {
              deleted = true;
              throw new RunNotActiveException(runId);
            }
            deleted = false;
            return decide.apply(state);
          });
      if (durability == Durability.SYNC_EACH_CALL) {
        attachment.sync();
      }
    } catch (io.tracklog.error.StoreException | IllegalArgumentException | IllegalStateException e) {
      throw e;
    } catch (RuntimeException | Error e) {
      throw failed(e);
    }
  }

  /**
   * An append failed with an unexpected error: the writer's state is unknown, so it closes and
   * keeps the cause for every later call (Lucene's "tragedy"), unless it was closed under the call.
   */
  private RuntimeException failed(Throwable e) {
    if (closed && tragedy == null) {
      // Another thread closed this writer (or its store) under us: nothing was acknowledged.
      return (AlreadyClosedException)
          new AlreadyClosedException("RunWriter for run " + runId + " was closed during the call").initCause(e);
    }
    tragedy = e;
    closeQuietly();
    if (e instanceof Error err) {
      throw err;
    }
    return (RuntimeException) e;
  }

  private void checkWritable() {
    checkOpen();
    if (deleted) {
      throw new RunNotActiveException(runId);
    }
  }

  private void checkOpen() {
    if (closed) {
      AlreadyClosedException e = new AlreadyClosedException("RunWriter for run " + runId + " is closed");
      if (tragedy != null) {
        e.initCause(tragedy);
      }
      throw e;
    }
  }

  /** Called by the store when it deletes or restores this run. */
  void markDeleted(boolean isDeleted) {
    deleted = isDeleted;
  }

  boolean hasEndedHere() {
    return endedHere;
  }

  boolean isClosed() {
    return closed;
  }

  /** At JVM shutdown: a run this writer left RUNNING ends as KILLED (as MLflow's atexit hook). */
  void killIfRunning() {
    if (closed || endedHere) {
      return;
    }
    try {
      Run run = state();
      if (run.info().status() == RunStatus.RUNNING && run.info().lifecycleStage() == LifecycleStage.ACTIVE) {
        end(RunStatus.KILLED);
      }
    } catch (RuntimeException ignored) {
      // Best effort at shutdown; the run stays RUNNING and orphanedRuns() finds it later.
    }
  }

  /**
   * Releases the run: syncs it (unless durability is {@link Durability#PAGE_CACHE}), drops this
   * process's writer lease and closes the log if nothing else here uses it. Does not end the run.
   * Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    RuntimeException failure = null;
    if (durability != Durability.PAGE_CACHE && tragedy == null) {
      try {
        attachment.sync();
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    closeQuietly();
    if (failure != null) {
      throw failure;
    }
    if (endedHere && tragedy == null && store.compactsOnClose()) {
      store.compactRun(runId);
    }
  }

  private synchronized void closeQuietly() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      attachment.close();
    } finally {
      store.writerClosed(this);
    }
  }
}
