package io.tracklog;

import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import java.util.List;
import java.util.function.Function;

/**
 * One writer's attachment to a run: where it appends (a lane of its store), how it encodes the
 * run's metrics there, and its view of the run's state for check-then-act writes, kept current
 * from every attachment of the run (other processes may write to the run too).
 *
 * <p>Thread-safe: metric appends go through the lane's lock; stateful appends hold the run's state
 * lock, whose in-JVM half also guards the mirror.
 */
final class RunAttachment implements AutoCloseable {
  final String runId;
  final int ordinal;
  private final RunLogs logs;
  private final Lane lane;
  private final Lane.MetricState metrics;
  // Guarded by the state lock. While the run has no attachment but this one (a run this writer
  // started: nearly always), the mirror is kept from what this writer appends and nothing is read;
  // once the catalog shows another, the run's stateful events are read from every attachment.
  private RunStream history;
  private RunState mirror = new RunState();
  private long nextOrder;
  private boolean detached; // guarded by this

  /** Attaches a writer to a run it has just started: {@code started} is the run's first frame. */
  RunAttachment(RunLogs logs, Lane lane, String runId, int ordinal, RunEvent.RunStarted started) {
    this(logs, lane, runId, ordinal);
    mirror.apply(started);
    nextOrder = 1;
  }

  /** Attaches a writer to an existing run: its history is read from every attachment. */
  RunAttachment(RunLogs logs, Lane lane, String runId, int ordinal) {
    this.logs = logs;
    this.lane = lane;
    this.runId = runId;
    this.ordinal = ordinal;
    this.metrics = new Lane.MetricState(ordinal);
  }

  void logMetric(String key, double value, long timestampMs, long step) {
    lane.appendMetric(metrics, key, value, timestampMs, step);
  }

  /**
   * Under the run's state lock: catch up with every attachment of the run, let {@code decide}
   * check the state and name the event (or null for none), append it in its place in the run's
   * order. Returns the state as checked.
   */
  RunState appendChecked(Function<RunState, RunEvent> decide) {
    return logs.stateLocks().withLock(
        runId,
        () -> {
          catchUp();
          RunEvent event = decide.apply(mirror);
          if (event != null) {
            lane.appendRunEvent(metrics, nextOrder, event);
            if (history == null) {
              mirror.apply(event); // else it is read back with the others' events
              nextOrder++;
            }
          }
          return mirror;
        });
  }

  /** The run's state (metrics aside) as of now, under the state lock. */
  <T> T withState(Function<RunState, T> read) {
    return logs.stateLocks().withLock(
        runId,
        () -> {
          catchUp();
          return read.apply(mirror);
        });
  }

  /**
   * The state of a run this writer has just started, before anything else could have been written
   * to it (its registration is only now visible): no lock, nothing to read. Null for an attachment
   * to an existing run.
   */
  RunState startedState() {
    return history == null && nextOrder == 1 ? mirror : null;
  }

  /** Reads what every attachment appended since; the caller holds the state lock. */
  private void catchUp() {
    CatalogSnapshot snap = logs.catalog().snapshot();
    List<CatalogSnapshot.Attachment> all = snap.attachments(runId);
    if (all.isEmpty()) {
      throw new io.tracklog.error.RunNotFoundException(runId); // purged (tracklog gc) meanwhile
    }
    if (history == null) {
      if (all.size() == 1 && nextOrder > 0) {
        return; // only this writer's attachment, and its mirror holds everything it appended
      }
      history = new RunStream(logs.layout(), ordinal, List.of(), true, snap::laneEnd);
      mirror = new RunState();
    }
    history.laneEnds(snap::laneEnd);
    for (int i = history.attachmentCount(); i < all.size(); i++) {
      history.add(all.get(i));
    }
    for (ByteSource src = history.next(); src != null; src = history.next()) {
      mirror.apply(history.decode(src, EventCodec::decodeRunEvent));
    }
    nextOrder = history.nextOrder();
  }

  void sync() {
    lane.sync();
  }

  /** Appends DETACHED: this writer appends no more to the run here. Idempotent. */
  @Override
  public synchronized void close() {
    if (detached) {
      return;
    }
    detached = true;
    try {
      if (history != null) {
        logs.stateLocks().withLock(runId, () -> {
          history.close();
          return null;
        });
      }
      if (!lane.isClosed()) {
        lane.detach(metrics);
      }
    } finally {
      logs.lanes().detach(lane);
    }
  }
}
