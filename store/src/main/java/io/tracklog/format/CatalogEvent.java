package io.tracklog.format;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One fact in the store's catalog log: experiments and their changes, and which runs exist in which
 * experiment. The catalog's state is a pure function of these events ({@link CatalogState}).
 */
public sealed interface CatalogEvent {
  Kind kind();

  enum Kind {
    EXPERIMENT_CREATED,
    EXPERIMENT_RENAMED,
    EXPERIMENT_TAG_SET,
    EXPERIMENT_TAG_DELETED,
    EXPERIMENT_DELETED,
    EXPERIMENT_RESTORED,
    RUN_REGISTERED,
    RUN_REOPENED,
    EXPERIMENT_REPLACED,
    PURGED,
    LANE_FORCED
  }

  record ExperimentCreated(
      String experimentId,
      String name,
      String artifactLocation,
      long creationTime,
      long lastUpdateTime,
      Map<String, String> tags)
      implements CatalogEvent {
    public ExperimentCreated {
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(artifactLocation, "artifactLocation");
      tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    @Override
    public Kind kind() {
      return Kind.EXPERIMENT_CREATED;
    }
  }

  record ExperimentRenamed(String experimentId, String name, long time) implements CatalogEvent {
    public ExperimentRenamed {
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(name, "name");
    }

    @Override
    public Kind kind() {
      return Kind.EXPERIMENT_RENAMED;
    }
  }

  record ExperimentTagSet(String experimentId, String key, String value) implements CatalogEvent {
    public ExperimentTagSet {
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public Kind kind() {
      return Kind.EXPERIMENT_TAG_SET;
    }
  }

  record ExperimentTagDeleted(String experimentId, String key) implements CatalogEvent {
    public ExperimentTagDeleted {
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(key, "key");
    }

    @Override
    public Kind kind() {
      return Kind.EXPERIMENT_TAG_DELETED;
    }
  }

  record ExperimentDeleted(String experimentId, long time) implements CatalogEvent {
    public ExperimentDeleted {
      Objects.requireNonNull(experimentId, "experimentId");
    }

    @Override
    public Kind kind() {
      return Kind.EXPERIMENT_DELETED;
    }
  }

  record ExperimentRestored(String experimentId, long time) implements CatalogEvent {
    public ExperimentRestored {
      Objects.requireNonNull(experimentId, "experimentId");
    }

    @Override
    public Kind kind() {
      return Kind.EXPERIMENT_RESTORED;
    }
  }

  /**
   * A run was created in an experiment. In a lane store its events begin at {@code laneToken} of
   * lane {@code lane}; in a store of format 1 ({@code lane} -1) its own log holds them.
   */
  record RunRegistered(String runId, String experimentId, long time, int lane, long laneToken)
      implements CatalogEvent {
    public RunRegistered {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(experimentId, "experimentId");
    }

    /** A registration of format 1: the run has a log of its own. */
    public RunRegistered(String runId, String experimentId, long time) {
      this(runId, experimentId, time, -1, -1);
    }

    @Override
    public Kind kind() {
      return Kind.RUN_REGISTERED;
    }
  }

  /**
   * Something is about to append to an existing run again (a resumed writer, a delete, a status
   * update). Readers that trusted a sealed compaction of the run read it again from here on. In a lane
   * store the appends go to lane {@code lane} from {@code laneToken} on (an ATTACHED frame).
   */
  record RunReopened(String runId, long time, int lane, long laneToken) implements CatalogEvent {
    public RunReopened {
      Objects.requireNonNull(runId, "runId");
    }

    /** A reopening of format 1: appends go to the run's own log. */
    public RunReopened(String runId, long time) {
      this(runId, time, -1, -1);
    }

    @Override
    public Kind kind() {
      return Kind.RUN_REOPENED;
    }
  }

  /**
   * Import path: replaces every attribute of an experiment that has no runs yet (the Default
   * experiment a store starts with, when an import brings its own experiment "0").
   */
  record ExperimentReplaced(
      String experimentId,
      String name,
      String artifactLocation,
      long creationTime,
      long lastUpdateTime,
      Map<String, String> tags)
      implements CatalogEvent {
    public ExperimentReplaced {
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(artifactLocation, "artifactLocation");
      tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    @Override
    public Kind kind() {
      return Kind.EXPERIMENT_REPLACED;
    }
  }

  /**
   * {@code tracklog gc}: the runs and experiments named are permanently deleted (docs/FORMAT.md
   * §Catalog events, tag 73). Every run named was registered and not purged before; every experiment
   * named was deleted, and each of its runs is named here or was purged before. After it the catalog
   * knows none of them: their ids are unknown, the experiments' names free.
   */
  record Purged(long time, java.util.List<String> experimentIds, java.util.List<String> runIds) implements CatalogEvent {
    public Purged {
      experimentIds = java.util.List.copyOf(experimentIds);
      runIds = java.util.List.copyOf(runIds);
    }

    @Override
    public Kind kind() {
      return Kind.PURGED;
    }
  }

  /**
   * Lane {@code lane} held a frame at Chronicle index {@code lastToken}, and everything up to it was
   * forced to the storage device before this event was appended (docs/FORMAT.md §Catalog events, tag
   * 74, store format 5). Appended when a store releases a lane, so a lane found shorter than this
   * was damaged.
   */
  record LaneForced(int lane, long lastToken, long time) implements CatalogEvent {
    public LaneForced {
      if (lane < 0 || lastToken < 0) {
        throw new IllegalArgumentException("Invalid lane " + lane + " or token " + lastToken);
      }
    }

    @Override
    public Kind kind() {
      return Kind.LANE_FORCED;
    }
  }
}
