package io.tracklog;

import io.tracklog.error.RunNotFoundException;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import io.tracklog.format.Validation;
import io.tracklog.log.EventReader;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Access to runs' logs: a run's events are frames in the lanes its attachments wrote to, found
 * through the catalog. Reads (replay, the whole record, a live reader) and attachments (an ATTACHED
 * frame on one of this store's lanes plus a RunReopened catalog event) for writing. Split out of
 * {@link Store} so that writers, the orphan check and the compactor share one way to reach a run.
 * Thread-safe.
 */
final class RunLogs {
  private final StoreLayout layout;
  private final Catalog catalog;
  private final Lanes lanes;
  private final StripedLock stateLocks;
  private final InstantSource clock;

  RunLogs(StoreLayout layout, Catalog catalog, Lanes lanes, StripedLock stateLocks, InstantSource clock) {
    this.layout = layout;
    this.catalog = catalog;
    this.lanes = lanes;
    this.stateLocks = stateLocks;
    this.clock = clock;
  }

  StoreLayout layout() {
    return layout;
  }

  Catalog catalog() {
    return catalog;
  }

  /** The lanes of this store, which its writers and attachments append to. */
  Lanes lanes() {
    return lanes;
  }

  /** The runs' check-then-act locks (one byte-range lock file, striped by run id). */
  StripedLock stateLocks() {
    return stateLocks;
  }

  /**
   * @throws RunNotFoundException if the catalog has no such run
   */
  void requireRun(String runId) {
    Validation.runId(runId);
    if (catalog.read(cat -> cat.experimentOfRun(runId)) == null) {
      throw new RunNotFoundException(runId);
    }
  }

  /** A stream over a run's events as {@code snap} knows its attachments; the caller closes it. */
  RunStream stream(CatalogSnapshot snap, String runId, boolean statefulOnly) {
    return new RunStream(layout, snap.run(runId).ordinal(), snap.attachments(runId), statefulOnly, snap::laneEnd);
  }

  /**
   * A reader over a run's log from its first event, following attachments registered later; the
   * caller closes it.
   *
   * @throws RunNotFoundException if there is no such run
   */
  EventReader open(String runId) {
    requireRun(runId);
    return stream(catalog.snapshot(), runId, false).following(() -> catalog.snapshot().attachments(runId));
  }

  /** Folds a run's events from every lane it was written to. */
  RunState replay(String runId) {
    RunState state = new RunState();
    try (EventReader reader = open(runId)) {
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        state.apply(reader.decode(src, EventCodec::decodeRunEvent));
      }
    }
    return state;
  }

  /** Every ArtifactWritten of {@code path} the run's log holds now, oldest first. */
  List<RunEvent.ArtifactWritten> artifactHistory(String runId, String path) {
    List<RunEvent.ArtifactWritten> out = new ArrayList<>();
    try (EventReader reader = open(runId)) {
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        if (reader.decode(src, EventCodec::decodeRunEvent) instanceof RunEvent.ArtifactWritten a && a.path().equals(path)) {
          out.add(a);
        }
      }
    }
    return out;
  }

  /** See {@link Store#runRecord}. */
  RunRecord record(String runId) {
    RunState state = new RunState();
    Map<String, List<Metric>> history = new TreeMap<>();
    Long deleted = null;
    try (EventReader reader = open(runId)) {
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        RunEvent event = reader.decode(src, EventCodec::decodeRunEvent);
        state.apply(event);
        if (event instanceof RunEvent.MetricLogged m) {
          history.computeIfAbsent(m.metric().key(), k -> new ArrayList<>()).add(m.metric());
        } else if (event instanceof RunEvent.BatchLogged b) {
          for (Metric m : b.metrics()) {
            history.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
          }
        } else if (event instanceof RunEvent.RunDeleted d) {
          deleted = d.deletedTime();
        } else if (event instanceof RunEvent.RunRestored) {
          deleted = null;
        }
      }
    }
    Map<String, List<Metric>> frozen = new TreeMap<>();
    history.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new RunRecord(state.toRun(), frozen, state.artifacts(), deleted);
  }

  /**
   * Attaches to an existing run: an ATTACHED frame on a lane of this store, then a RunReopened
   * catalog event naming it, under the catalog lock. Readers that trusted a sealed compaction of the
   * run read it again from that event on; a compactor that sealed the run before read every frame
   * written before it.
   *
   * @throws RunNotFoundException if there is no such run
   */
  RunAttachment attach(String runId) {
    return catalog.withLock(
        cat -> {
          CatalogSnapshot.RunEntry entry = cat.runEntry(runId);
          if (entry == null) {
            throw new RunNotFoundException(runId);
          }
          Lane lane = lanes.attach(cat);
          try {
            long token = lane.appendMarker(LaneCodec.ATTACHED, entry.ordinal());
            catalog.append(new CatalogEvent.RunReopened(runId, clock.millis(), lane.number, token));
            return new RunAttachment(this, lane, runId, entry.ordinal());
          } catch (RuntimeException | Error e) {
            lanes.detach(lane);
            throw e;
          }
        });
  }

  /**
   * Appends to a run without a writer of this store: attach (announcing it in the catalog), let
   * {@code decide} check the run's state under its state lock and name the event (or null), detach.
   */
  void append(String runId, Function<RunState, RunEvent> decide) {
    try (RunAttachment a = attach(runId)) {
      a.appendChecked(decide);
    }
  }
}
