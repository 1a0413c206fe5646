package io.tracklog.format;

import io.tracklog.DatasetInput;
import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.SystemTags;
import io.tracklog.format.RunEvent.BatchLogged;
import io.tracklog.format.RunEvent.InputsLogged;
import io.tracklog.format.RunEvent.MetricLogged;
import io.tracklog.format.RunEvent.ParamLogged;
import io.tracklog.format.RunEvent.RunStarted;
import io.tracklog.format.RunEvent.StatusChanged;
import io.tracklog.format.RunEvent.TagDeleted;
import io.tracklog.format.RunEvent.TagSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's state folded from its events, in log order. This is the one definition of what a run is:
 * the writer, the reader and every test replay logs through it.
 *
 * <p>Rules (MLflow's): the latest metric per key is the point with the largest (step, timestamp,
 * value); a param keeps its first value (later equal values are no-ops, the writer refuses different
 * ones); setting {@code mlflow.runName} renames the run; a dataset input with the same name and digest
 * as an earlier one is not added twice. Not thread-safe.
 */
public final class RunState {
  private RunStarted started;
  private long eventCount;
  private RunStatus status = RunStatus.RUNNING;
  private Long endTime;
  private String runName;
  private LifecycleStage lifecycle = LifecycleStage.ACTIVE;
  private final Map<String, Metric> latest = new HashMap<>();
  private final Map<String, String> params = new HashMap<>();
  private final Map<String, String> tags = new LinkedHashMap<>();
  private final List<DatasetInput> inputs = new ArrayList<>();
  // Not carried by resume(): the compacted files do not hold artifacts (see artifacts()).
  private final Map<String, RunEvent.ArtifactWritten> artifacts = new java.util.TreeMap<>();

  /**
   * The state a compacted run had after {@code seq} events, ready to apply the rest of its log: the
   * compacted prefix plus the log tail fold to the same state as the whole log.
   */
  public static RunState resume(Run run, long seq) {
    RunState state = new RunState();
    RunInfo info = run.info();
    state.started =
        new RunStarted(
            info.runId(), info.experimentId(), info.runName(), info.userId(), info.startTime(), info.artifactUri(), List.of());
    state.eventCount = seq;
    state.status = info.status();
    state.endTime = info.endTime();
    state.runName = info.runName();
    state.lifecycle = info.lifecycleStage();
    state.latest.putAll(run.metrics());
    state.params.putAll(run.params());
    state.tags.putAll(run.tags());
    state.inputs.addAll(run.inputs());
    return state;
  }

  /** Applies the next event of the log. */
  public void apply(RunEvent event) {
    if (started == null && event.kind() != RunEvent.Kind.RUN_STARTED) {
      throw new DecodeException("run log does not begin with RUN_STARTED but with " + event.kind());
    }
    eventCount++;
    switch (event.kind()) {
      case RUN_STARTED -> {
        if (started != null) {
          throw new DecodeException("second RUN_STARTED in one run log");
        }
        started = (RunStarted) event;
        runName = started.runName();
        for (RunTag t : started.tags()) {
          setTag(t);
        }
      }
      case METRIC_LOGGED -> applyMetric(((MetricLogged) event).metric());
      case PARAM_LOGGED -> applyParam(((ParamLogged) event).param());
      case TAG_SET -> setTag(((TagSet) event).tag());
      case TAG_DELETED -> tags.remove(((TagDeleted) event).key());
      case STATUS_CHANGED -> {
        StatusChanged e = (StatusChanged) event;
        status = e.status();
        if (e.endTime() != null) {
          endTime = e.endTime();
        }
      }
      case INPUTS_LOGGED -> {
        for (DatasetInput input : ((InputsLogged) event).inputs()) {
          boolean known = false;
          for (DatasetInput existing : inputs) {
            known |= existing.dataset().name().equals(input.dataset().name())
                && existing.dataset().digest().equals(input.dataset().digest());
          }
          if (!known) {
            inputs.add(input);
          }
        }
      }
      case BATCH_LOGGED -> {
        BatchLogged b = (BatchLogged) event;
        for (Param p : b.params()) {
          applyParam(p);
        }
        for (Metric m : b.metrics()) {
          applyMetric(m);
        }
        for (RunTag t : b.tags()) {
          setTag(t);
        }
      }
      case RUN_DELETED -> lifecycle = LifecycleStage.DELETED;
      case RUN_RESTORED -> lifecycle = LifecycleStage.ACTIVE;
      case ARTIFACT_WRITTEN -> {
        RunEvent.ArtifactWritten a = (RunEvent.ArtifactWritten) event;
        artifacts.put(a.path(), a);
      }
    }
  }

  /** Applies a metric without building an event (the writer's mirror of its own appends). */
  public void applyMetric(Metric m) {
    Metric old = latest.get(m.key());
    if (old == null || m.isNewerThan(old)) {
      latest.put(m.key(), m);
    }
  }

  private void applyParam(Param p) {
    params.putIfAbsent(p.key(), p.value());
  }

  private void setTag(RunTag t) {
    tags.put(t.key(), t.value());
    if (t.key().equals(SystemTags.RUN_NAME)) {
      runName = t.value();
    }
  }

  public boolean hasStarted() {
    return started != null;
  }

  /** How many events have been applied: the {@code seq} the next event will get. */
  public long eventCount() {
    return eventCount;
  }

  public String runId() {
    return started.runId();
  }

  public String experimentId() {
    return started.experimentId();
  }

  public RunStatus status() {
    return status;
  }

  public LifecycleStage lifecycleStage() {
    return lifecycle;
  }

  public boolean hasTag(String key) {
    return tags.containsKey(key);
  }

  /** The tag's value, or null. */
  public String tag(String key) {
    return tags.get(key);
  }

  /** The value the param was first logged with, or null. */
  public String param(String key) {
    return params.get(key);
  }

  public RunInfo info() {
    return new RunInfo(
        started.runId(),
        runName,
        started.experimentId(),
        started.userId(),
        status,
        started.startTime(),
        endTime,
        started.artifactUri(),
        lifecycle);
  }

  /**
   * The last ArtifactWritten event per artifact path, sorted by path. Only a state folded from a
   * whole log has them: a state made by {@link #resume} starts with none.
   */
  public Map<String, RunEvent.ArtifactWritten> artifacts() {
    return java.util.Collections.unmodifiableMap(artifacts);
  }

  /** An immutable snapshot of the state. */
  public Run toRun() {
    return new Run(info(), latest, params, tags, inputs);
  }
}
