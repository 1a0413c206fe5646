package io.tracklog.testing;

import io.tracklog.format.ByteSource;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import io.tracklog.Store;
import io.tracklog.log.EventReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads a run's raw event log, in log order, below the Store API (tests check order and counts). */
public final class RunLogs {
  private RunLogs() {}

  /**
   * Every event of the run, decoded, in the run's order (from every lane it was written to).
   *
   * @throws io.tracklog.error.RunNotFoundException if the store has no such run
   */
  public static List<RunEvent> read(Path root, String runId) {
    List<RunEvent> events = new ArrayList<>();
    try (Store store = Store.open(root);
        EventReader reader = store.openRunLog(runId)) {
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        events.add(EventCodec.decodeRunEvent(src));
      }
    }
    return events;
  }

  /** Folds events into a run state; throws if they are not a valid run log. */
  public static RunState replay(List<RunEvent> events) {
    RunState state = new RunState();
    for (RunEvent e : events) {
      state.apply(e);
    }
    return state;
  }

  /** The metric events, in log order. */
  public static List<io.tracklog.Metric> metrics(List<RunEvent> events) {
    List<io.tracklog.Metric> out = new ArrayList<>();
    for (RunEvent e : events) {
      if (e instanceof RunEvent.MetricLogged m) {
        out.add(m.metric());
      }
    }
    return out;
  }
}
