package io.tracklog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to start a run with. Only the experiment is required; everything else has MLflow's default
 * (a generated name, the store's user, now). Giving {@code runId} or {@code startTime} is the import
 * path: ids and timestamps are kept as given, so a migrated run keeps its identity. {@code
 * artifactLocation} replaces the experiment's artifact location as the base of the run's
 * {@code artifact_uri} ({@code <location>/<run id>/artifacts}): a tracking server gives its runs
 * {@code mlflow-artifacts:/<experiment id>} so that remote clients upload through it.
 */
public record RunSpec(
    String experimentId,
    String runName,
    String runId,
    Long startTime,
    String userId,
    String parentRunId,
    String artifactLocation,
    List<RunTag> tags) {

  public RunSpec {
    Objects.requireNonNull(experimentId, "experimentId");
    tags = List.copyOf(tags);
  }

  public static RunSpec of(String experimentId) {
    return builder(experimentId).build();
  }

  public static RunSpec of(String experimentId, String runName) {
    return builder(experimentId).runName(runName).build();
  }

  public static Builder builder(String experimentId) {
    return new Builder(experimentId);
  }

  /** A builder; each setter may be called once. */
  public static final class Builder {
    private final String experimentId;
    private String runName;
    private String runId;
    private Long startTime;
    private String userId;
    private String parentRunId;
    private String artifactLocation;
    private final List<RunTag> tags = new ArrayList<>();

    private Builder(String experimentId) {
      this.experimentId = Objects.requireNonNull(experimentId, "experimentId");
    }

    private static <T> T once(T current, T value, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
      return Objects.requireNonNull(value, name);
    }

    public Builder runName(String runName) {
      this.runName = once(this.runName, runName, "runName");
      return this;
    }

    /** Keeps a given run id (import); otherwise a random 32-hex-digit id is generated. */
    public Builder runId(String runId) {
      this.runId = once(this.runId, runId, "runId");
      return this;
    }

    public Builder startTime(long startTimeMs) {
      this.startTime = once(this.startTime, startTimeMs, "startTime");
      return this;
    }

    public Builder userId(String userId) {
      this.userId = once(this.userId, userId, "userId");
      return this;
    }

    /** Makes this a nested run: sets the {@code mlflow.parentRunId} tag. */
    public Builder parentRunId(String parentRunId) {
      this.parentRunId = once(this.parentRunId, parentRunId, "parentRunId");
      return this;
    }

    /** The base of the run's artifact URI instead of the experiment's artifact location. */
    public Builder artifactLocation(String artifactLocation) {
      this.artifactLocation = once(this.artifactLocation, artifactLocation, "artifactLocation");
      return this;
    }

    public Builder tag(String key, String value) {
      tags.add(new RunTag(key, value));
      return this;
    }

    public RunSpec build() {
      return new RunSpec(experimentId, runName, runId, startTime, userId, parentRunId, artifactLocation, tags);
    }
  }
}
