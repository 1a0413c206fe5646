package io.tracklog;

import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Orphan recovery: finds runs left RUNNING by a writer that is gone (its process died, or it closed
 * without ending the run) and ends them KILLED. A run is orphaned when every attachment of it has
 * ended: a DETACHED frame, a new session on its lane, or a lane nobody holds, which is then sealed
 * (drained while held, so no new session starts). Split out of {@link Store}; the compactor's view
 * seals lanes the same way ({@link #sealOpenLanes}). Thread-safe.
 */
final class Orphans {
  private final Catalog catalog;
  private final RunLogs logs;
  private final RunWriters writers;
  private final InstantSource clock;

  Orphans(Catalog catalog, RunLogs logs, RunWriters writers, InstantSource clock) {
    this.catalog = catalog;
    this.logs = logs;
    this.writers = writers;
    this.clock = clock;
  }

  /** See {@link Store#orphanedRuns}. */
  List<String> find() {
    List<String> orphans = new ArrayList<>();
    for (String runId : catalog.allRunIds()) {
      if (!writers.isOpen(runId) && isOrphan(runId)) {
        orphans.add(runId);
      }
    }
    return orphans;
  }

  /** See {@link Store#endOrphanedRuns}. */
  List<String> end() {
    List<String> ended = new ArrayList<>();
    long now = clock.millis();
    catalog.withLock(
        cat -> {
          for (String runId : catalog.allRunIds()) {
            if (writers.isOpen(runId) || !isOrphan(runId)) {
              continue;
            }
            logs.append(
                runId,
                state -> {
                  if (state.status() != RunStatus.RUNNING) {
                    return null;
                  }
                  ended.add(runId);
                  return new RunEvent.StatusChanged(RunStatus.KILLED, now);
                });
          }
          return null;
        });
    return ended;
  }

  /** RUNNING, and no attachment of it can still be appended to. */
  private boolean isOrphan(String runId) {
    CatalogSnapshot snap = catalog.snapshot();
    try (RunStream stream = logs.stream(snap, runId, true)) {
      RunState state = new RunState();
      for (ByteSource src = stream.next(); src != null; src = stream.next()) {
        state.apply(stream.decode(src, EventCodec::decodeRunEvent));
      }
      if (state.status() != RunStatus.RUNNING) {
        return false;
      }
      return sealOpenLanes(logs.layout(), stream);
    }
  }

  /**
   * For each attachment of {@code stream} that has not ended: if nobody holds its lane, drains it
   * while holding the lane (so no new session starts) and marks it ended. Returns whether every
   * attachment has ended and nothing more was found.
   */
  static boolean sealOpenLanes(StoreLayout layout, RunStream stream) {
    boolean[] quiet = {true};
    for (int lane : new LinkedHashSet<>(stream.openLanes())) {
      Lanes.ifFree(
          layout,
          lane,
          () -> {
            if (stream.next() != null) {
              quiet[0] = false;
            }
            stream.markLaneEnded(lane);
          });
    }
    return quiet[0] && stream.allEnded();
  }
}
