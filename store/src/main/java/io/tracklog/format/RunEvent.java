package io.tracklog.format;

import io.tracklog.DatasetInput;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import java.util.List;
import java.util.Objects;

/**
 * One immutable fact in a run's event log (docs/FORMAT.md §Events). A run's state is a pure function
 * of its events ({@link RunState}). The event's position in the log is its {@code seq}; it is not
 * stored in the event, so concurrent writers in several processes never have to agree on it.
 */
public sealed interface RunEvent {
  Kind kind();

  /** On-disk tags are explicit numbers, never {@code ordinal()}; see {@link EventCodec}. */
  enum Kind {
    RUN_STARTED,
    METRIC_LOGGED,
    PARAM_LOGGED,
    TAG_SET,
    TAG_DELETED,
    STATUS_CHANGED,
    INPUTS_LOGGED,
    BATCH_LOGGED,
    RUN_DELETED,
    RUN_RESTORED,
    ARTIFACT_WRITTEN
  }

  /** The first event of every run log: the run's attributes and the tags it was created with. */
  record RunStarted(
      String runId,
      String experimentId,
      String runName,
      String userId,
      long startTime,
      String artifactUri,
      List<RunTag> tags)
      implements RunEvent {
    public RunStarted {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(runName, "runName");
      Objects.requireNonNull(artifactUri, "artifactUri");
      tags = List.copyOf(tags);
    }

    @Override
    public Kind kind() {
      return Kind.RUN_STARTED;
    }
  }

  record MetricLogged(Metric metric) implements RunEvent {
    public MetricLogged {
      Objects.requireNonNull(metric, "metric");
    }

    @Override
    public Kind kind() {
      return Kind.METRIC_LOGGED;
    }
  }

  record ParamLogged(Param param) implements RunEvent {
    public ParamLogged {
      Objects.requireNonNull(param, "param");
    }

    @Override
    public Kind kind() {
      return Kind.PARAM_LOGGED;
    }
  }

  /** Sets a tag; setting {@code mlflow.runName} also renames the run, as in MLflow. */
  record TagSet(RunTag tag) implements RunEvent {
    public TagSet {
      Objects.requireNonNull(tag, "tag");
    }

    @Override
    public Kind kind() {
      return Kind.TAG_SET;
    }
  }

  record TagDeleted(String key) implements RunEvent {
    public TagDeleted {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public Kind kind() {
      return Kind.TAG_DELETED;
    }
  }

  /** MLflow's update_run: a new status and, for a terminal one, the end time (null otherwise). */
  record StatusChanged(RunStatus status, Long endTime) implements RunEvent {
    public StatusChanged {
      Objects.requireNonNull(status, "status");
    }

    @Override
    public Kind kind() {
      return Kind.STATUS_CHANGED;
    }
  }

  record InputsLogged(List<DatasetInput> inputs) implements RunEvent {
    public InputsLogged {
      inputs = List.copyOf(inputs);
    }

    @Override
    public Kind kind() {
      return Kind.INPUTS_LOGGED;
    }
  }

  /** A whole log_batch as one event, so a batch is applied entirely or not at all. */
  record BatchLogged(List<Metric> metrics, List<Param> params, List<RunTag> tags)
      implements RunEvent {
    public BatchLogged {
      metrics = List.copyOf(metrics);
      params = List.copyOf(params);
      tags = List.copyOf(tags);
    }

    @Override
    public Kind kind() {
      return Kind.BATCH_LOGGED;
    }
  }

  record RunDeleted(long deletedTime) implements RunEvent {
    @Override
    public Kind kind() {
      return Kind.RUN_DELETED;
    }
  }

  record RunRestored(long restoredTime) implements RunEvent {
    @Override
    public Kind kind() {
      return Kind.RUN_RESTORED;
    }
  }

  /**
   * An artifact file was written (or replaced) under the run's artifact folder: its path relative to
   * that folder ({@code /}-separated), its size in bytes and the SHA-256 of its content, 64 lower-case
   * hex digits. The file was renamed into place before this event was appended.
   */
  record ArtifactWritten(String path, long size, String sha256) implements RunEvent {
    public ArtifactWritten {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(sha256, "sha256");
      if (size < 0) {
        throw new IllegalArgumentException("Invalid artifact size: " + size);
      }
    }

    @Override
    public Kind kind() {
      return Kind.ARTIFACT_WRITTEN;
    }
  }
}
