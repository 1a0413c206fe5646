package io.tracklog.compact;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.format.ByteSource;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import io.tracklog.format.StringCache;
import io.tracklog.log.EventReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One run folded for compaction: its state (attributes, params, tags, inputs) and every metric
 * point, plus how many events of its log that covers.
 */
final class RunDigest {
  private final RunState state = new RunState();
  private final Map<String, MetricSeries> series = new HashMap<>();
  private long seq;
  private Run run;

  /** Reads {@code reader} to its current end. */
  static RunDigest read(EventReader reader) {
    RunDigest d = new RunDigest();
    EventCodec.MetricSink sink = d::addMetric;
    StringCache keys = new StringCache();
    for (ByteSource src = reader.next(sink); src != null; src = reader.next(sink)) {
      if (src == EventReader.METRIC_DELIVERED) { // a lane's point, handed to the sink decoded
        d.seq++;
        continue;
      }
      if (EventCodec.isMetricLogged(src)) {
        reader.decode(src, s -> {
          EventCodec.decodeMetric(s, sink, keys);
          return null;
        });
      } else {
        RunEvent event = reader.decode(src, EventCodec::decodeRunEvent);
        d.state.apply(event);
        if (event instanceof RunEvent.BatchLogged b) {
          for (Metric m : b.metrics()) {
            d.addMetric(m.key(), m.value(), m.timestampMs(), m.step());
          }
        }
      }
      d.seq++;
    }
    return d;
  }

  private void addMetric(String key, double value, long timestampMs, long step) {
    if (!state.hasStarted()) {
      throw new io.tracklog.format.DecodeException("run log does not begin with RUN_STARTED");
    }
    MetricSeries s = last != null && last.key == key ? last : seriesOf(key);
    s.add(step, timestampMs, value);
    last = s;
  }

  private MetricSeries last; // the series of the previous point: consecutive points often share it
  private final MetricSeries[] firstSeries = new MetricSeries[8];
  private int firstCount;

  /**
   * The series of {@code key}. Keys come from a string cache, so a run's first few keys are found by
   * identity in a small array (a training loop logs a handful of keys in turn); others by hash.
   */
  private MetricSeries seriesOf(String key) {
    for (int i = 0; i < firstCount; i++) {
      if (firstSeries[i].key == key) {
        return firstSeries[i];
      }
    }
    MetricSeries s = series.computeIfAbsent(key, MetricSeries::new);
    if (firstCount < firstSeries.length && s.size() == 0) {
      firstSeries[firstCount++] = s;
    }
    return s;
  }

  /** The run's state without metrics (those are in {@link #series()}). */
  Run run() {
    if (run == null) {
      run = state.toRun();
    }
    return run;
  }

  String runId() {
    return state.runId();
  }

  boolean hasStarted() {
    return state.hasStarted();
  }

  /** Events covered. */
  long seq() {
    return seq;
  }

  /** Series sorted by key. */
  List<MetricSeries> series() {
    List<MetricSeries> list = new ArrayList<>(series.values());
    list.sort((a, b) -> a.key.compareTo(b.key));
    return list;
  }

  long pointCount() {
    long n = 0;
    for (MetricSeries s : series.values()) {
      n += s.size();
    }
    return n;
  }
}
