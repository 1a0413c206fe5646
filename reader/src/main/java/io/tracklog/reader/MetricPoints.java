package io.tracklog.reader;

import io.tracklog.Metric;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * One metric's points held as columns: an immutable {@code List<Metric>} that makes each
 * {@link Metric} when it is asked for. A million-point history is three arrays, not a million
 * objects, until the caller walks it.
 */
final class MetricPoints extends AbstractList<Metric> implements RandomAccess {
  private final String key;
  private final long[] steps;
  private final long[] timestamps;
  private final double[] values;
  private final int size;

  /** Views the first {@code size} entries of the arrays, which the caller never changes again. */
  MetricPoints(String key, long[] steps, long[] timestamps, double[] values, int size) {
    this.key = Objects.requireNonNull(key, "key");
    this.steps = steps;
    this.timestamps = timestamps;
    this.values = values;
    this.size = size;
  }

  static MetricPoints empty(String key) {
    return new MetricPoints(key, new long[0], new long[0], new double[0], 0);
  }

  static MetricPoints of(String key, List<Metric> metrics) {
    int n = metrics.size();
    long[] st = new long[n];
    long[] ts = new long[n];
    double[] vs = new double[n];
    for (int i = 0; i < n; i++) {
      Metric m = metrics.get(i);
      st[i] = m.step();
      ts[i] = m.timestampMs();
      vs[i] = m.value();
    }
    return new MetricPoints(key, st, ts, vs, n);
  }

  @Override
  public Metric get(int index) {
    Objects.checkIndex(index, size);
    return new Metric(key, values[index], timestamps[index], steps[index]);
  }

  @Override
  public int size() {
    return size;
  }

  /** These points followed by {@code tail}'s. */
  MetricPoints concat(MetricPoints tail) {
    if (tail.size == 0) {
      return this;
    }
    if (size == 0) {
      return tail;
    }
    int n = size + tail.size;
    long[] st = Arrays.copyOf(steps, n);
    long[] ts = Arrays.copyOf(timestamps, n);
    double[] vs = Arrays.copyOf(values, n);
    System.arraycopy(tail.steps, 0, st, size, tail.size);
    System.arraycopy(tail.timestamps, 0, ts, size, tail.size);
    System.arraycopy(tail.values, 0, vs, size, tail.size);
    return new MetricPoints(key, st, ts, vs, n);
  }
}
