package io.tracklog.compact;

import java.util.Arrays;

/**
 * Every point of one metric key of one run, in append order, in primitive arrays (a run can hold
 * millions of points; one object per point would dominate compaction time).
 */
final class MetricSeries {
  final String key;
  private long[] steps = new long[16];
  private long[] timestamps = new long[16];
  private double[] values = new double[16];
  private int size;

  MetricSeries(String key) {
    this.key = key;
  }

  /** Appends a point: the series keeps append order. */
  void add(long step, long timestamp, double value) {
    if (size == steps.length) {
      int n = size * 2;
      steps = Arrays.copyOf(steps, n);
      timestamps = Arrays.copyOf(timestamps, n);
      values = Arrays.copyOf(values, n);
    }
    steps[size] = step;
    timestamps[size] = timestamp;
    values[size] = value;
    size++;
  }

  int size() {
    return size;
  }

  long step(int i) {
    return steps[i];
  }

  long timestamp(int i) {
    return timestamps[i];
  }

  double value(int i) {
    return values[i];
  }

  /** The index of the latest point by MLflow's (step, timestamp, value) rule; NaN never wins a tie. */
  int latest() {
    int best = 0;
    for (int i = 1; i < size; i++) {
      if (steps[i] != steps[best] ? steps[i] > steps[best]
          : timestamps[i] != timestamps[best] ? timestamps[i] > timestamps[best]
          : values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Smallest non-NaN value, or NaN if every value is NaN. */
  double min() {
    double m = Double.NaN;
    for (int i = 0; i < size; i++) {
      double v = values[i];
      if (!Double.isNaN(v) && (Double.isNaN(m) || v < m)) {
        m = v;
      }
    }
    return m;
  }

  /** Largest non-NaN value, or NaN if every value is NaN. */
  double max() {
    double m = Double.NaN;
    for (int i = 0; i < size; i++) {
      double v = values[i];
      if (!Double.isNaN(v) && (Double.isNaN(m) || v > m)) {
        m = v;
      }
    }
    return m;
  }

  /**
   * Point indices (append positions) in (step, timestamp) order, ties in append order: the order the
   * metrics file stores the series in. Null when that is the append order itself (the usual case,
   * steps logged in order), which costs one pass.
   */
  int[] sortedOrder() {
    boolean sorted = true;
    for (int i = 1; i < size && sorted; i++) {
      sorted = compare(i - 1, i) <= 0;
    }
    if (sorted) {
      return null;
    }
    Integer[] boxed = new Integer[size];
    for (int i = 0; i < size; i++) {
      boxed[i] = i;
    }
    Arrays.sort(boxed, this::compare); // stable: ties keep append order
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = boxed[i];
    }
    return order;
  }

  long[] steps() {
    return steps;
  }

  long[] timestamps() {
    return timestamps;
  }

  double[] values() {
    return values;
  }

  private int compare(int a, int b) {
    int c = Long.compare(steps[a], steps[b]);
    return c != 0 ? c : Long.compare(timestamps[a], timestamps[b]);
  }
}
