package io.tracklog.reader;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.format.ByteSource;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import io.tracklog.format.StringCache;
import io.tracklog.log.EventReader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The part of a run's log past its compacted prefix (or the whole log, if it was never compacted),
 * folded as it is read. It keeps its reader open and advances it on demand, so a refresh reads only
 * what was appended since. Views it hands out are immutable: its point arrays only grow, by copy.
 *
 * <p>Thread-safe (synchronized).
 */
final class LiveRun implements AutoCloseable {
  private final EventReader reader;
  private final long baseSeq;
  private final boolean fromStart;
  private final RunState state;
  private final Map<String, Points> tails = new HashMap<>();
  private final StringCache keys = new StringCache();
  /** Points the reader hands over decoded (lanes): those past the compacted prefix are added. */
  private final EventCodec.MetricSink delivered;
  private long seq;
  private volatile int pointCount;

  /**
   * @param reader positioned at the log's first event
   * @param base the compacted state after {@code baseSeq} events, or null to fold the whole log
   */
  LiveRun(EventReader reader, Run base, long baseSeq) {
    this.reader = reader;
    this.fromStart = base == null;
    this.baseSeq = base == null ? 0 : baseSeq;
    this.state = base == null ? new RunState() : RunState.resume(base, baseSeq);
    this.delivered =
        (k, v, ts, step) -> {
          if (reader.position() - 1 >= this.baseSeq) {
            addPoint(k, v, ts, step);
          }
        };
  }

  /** Reads what was appended since the last call; returns the view as of the log's end now. */
  synchronized View advance() {
    // The reader starts at the log's first event: skip the compacted prefix undecoded.
    for (ByteSource src = reader.next(delivered); src != null; src = reader.next(delivered)) {
      long at = reader.position() - 1;
      if (at < baseSeq) {
        continue;
      }
      if (src == EventReader.METRIC_DELIVERED) {
        seq = at + 1;
        continue;
      }
      if (EventCodec.isMetricLogged(src)) {
        reader.decode(src, s -> {
          EventCodec.decodeMetric(s, (k, v, ts, step) -> addPoint(k, v, ts, step), keys);
          return null;
        });
      } else {
        RunEvent e = reader.decode(src, EventCodec::decodeRunEvent);
        state.apply(e);
        if (e instanceof RunEvent.BatchLogged b) {
          for (Metric m : b.metrics()) {
            addPoint(m.key(), m.value(), m.timestampMs(), m.step());
          }
        }
      }
      seq = at + 1;
    }
    Map<String, MetricPoints> views = new HashMap<>();
    tails.forEach((k, p) -> views.put(k, p.view()));
    return new View(state.hasStarted() ? state.toRun() : null, Math.max(seq, baseSeq), views, fromStart);
  }

  private void addPoint(String key, double value, long ts, long step) {
    state.applyMetric(new Metric(key, value, ts, step));
    tails.computeIfAbsent(key, Points::new).add(step, ts, value);
    pointCount++; // only advance() writes it, under the lock
  }

  /** Metric points of the tail read so far: the cache weighs live runs by it. */
  int pointCount() {
    return pointCount;
  }

  @Override
  public synchronized void close() {
    reader.close();
  }

  /**
   * The run as of {@code seq} events, and the metric points of the tail by key; {@code fromStart}
   * if the tail is the whole run (no compacted prefix under it).
   */
  record View(Run run, long seq, Map<String, MetricPoints> tails, boolean fromStart) {}

  /** Append-only primitive arrays of one key's points; grown by copy, so views stay valid. */
  private static final class Points {
    private final String key;
    private long[] steps = new long[8];
    private long[] timestamps = new long[8];
    private double[] values = new double[8];
    private int size;

    Points(String key) {
      this.key = key;
    }

    void add(long step, long ts, double value) {
      if (size == steps.length) {
        int n = size * 2;
        steps = Arrays.copyOf(steps, n);
        timestamps = Arrays.copyOf(timestamps, n);
        values = Arrays.copyOf(values, n);
      }
      steps[size] = step;
      timestamps[size] = ts;
      values[size] = value;
      size++;
    }

    /** The points so far; later appends never touch them. */
    MetricPoints view() {
      return new MetricPoints(key, steps, timestamps, values, size);
    }
  }
}
