package io.tracklog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every run a process starts shares, written once in the LANE_OPENED frame that begins its
 * session on a lane (docs/FORMAT.md §Lanes), so each RUN_STARTED frame of the session refers to it
 * instead of repeating it: the store's default artifact location and MLflow's source tags.
 *
 * @param artifactLocation where runs of experiments without their own location keep artifacts
 *     ({@code file:///…/runs}), or null
 * @param sourceTags the process's {@code mlflow.source.*} tags, in order
 */
record LaneSession(String artifactLocation, List<RunTag> sourceTags) {
  /** A session of a LANE_OPENED frame of version 1, which recorded neither. */
  static final LaneSession NONE = new LaneSession(null, List.of());

  LaneSession {
    sourceTags = List.copyOf(sourceTags);
  }

  static LaneSession of(String artifactLocation, Map<String, String> sourceTags) {
    List<RunTag> tags = new ArrayList<>();
    sourceTags.forEach((k, v) -> tags.add(new RunTag(k, v)));
    return new LaneSession(artifactLocation, tags);
  }

  /** The artifact URI a run started in this session gets by default, or null if none is recorded. */
  String defaultArtifactUri(String runId) {
    return artifactLocation == null ? null : io.tracklog.format.FileNames.runArtifactUri(artifactLocation, runId);
  }
}
