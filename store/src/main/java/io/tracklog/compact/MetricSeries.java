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
  private long[] ordinals = new long[16];
  private int size;

  MetricSeries(String key) {
    this.key = key;
  }

  /** @param ordinal the point's position among all metric points of its run, in append order */
  void add(long step, long timestamp, double value, long ordinal) {
    if (size == steps.length) {
      int n = size * 2;
      steps = Arrays.copyOf(steps, n);
      timestamps = Arrays.copyOf(timestamps, n);
      values = Arrays.copyOf(values, n);
      ordinals = Arrays.copyOf(ordinals, n);
    }
    steps[size] = step;
    timestamps[size] = timestamp;
    values[size] = value;
    ordinals[size] = ordinal;
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

  long ordinal(int i) {
    return ordinals[i];
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
   * Point indices sorted by (step, timestamp, ordinal): the metric-points file's order. Already sorted
   * input (the usual case: steps logged in order) costs one pass.
   */
  int[] sortedOrder() {
    int[] order = new int[size];
    boolean sorted = true;
    for (int i = 0; i < size; i++) {
      order[i] = i;
      if (i > 0 && compare(i - 1, i) > 0) {
        sorted = false;
      }
    }
    if (!sorted) {
      Integer[] boxed = new Integer[size];
      for (int i = 0; i < size; i++) {
        boxed[i] = i;
      }
      Arrays.sort(boxed, this::compare);
      for (int i = 0; i < size; i++) {
        order[i] = boxed[i];
      }
    }
    return order;
  }

  private int compare(int a, int b) {
    int c = Long.compare(steps[a], steps[b]);
    if (c == 0) {
      c = Long.compare(timestamps[a], timestamps[b]);
    }
    return c != 0 ? c : Long.compare(ordinals[a], ordinals[b]);
  }
}
