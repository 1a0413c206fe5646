package io.tracklog;

import java.util.List;

/**
 * What {@link Store#gc} did. Immutable.
 *
 * @param purgedRunIds the runs this call purged (unknown from now on), in the order of its catalog event
 * @param purgedExperimentIds the experiments this call purged with all their runs
 * @param skipped deleted runs and experiments it left, each with why (a run still being written to,
 *     an experiment with a run that is not deleted); only for what it chose itself: what was named
 *     explicitly is purged or the call fails
 * @param artifactFoldersDeleted folders {@code runs/<id>/} of purged runs removed (this call's, and
 *     any an interrupted gc left)
 * @param segmentsRewritten compacted segments rewritten without purged runs
 * @param generation the manifest generation current when it finished (0: none)
 */
public record GcReport(
    List<String> purgedRunIds,
    List<String> purgedExperimentIds,
    List<String> skipped,
    int artifactFoldersDeleted,
    int segmentsRewritten,
    long generation) {
  public GcReport {
    purgedRunIds = List.copyOf(purgedRunIds);
    purgedExperimentIds = List.copyOf(purgedExperimentIds);
    skipped = List.copyOf(skipped);
  }
}
