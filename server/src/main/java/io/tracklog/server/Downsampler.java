package io.tracklog.server;

import io.tracklog.Metric;
import java.util.Arrays;
import java.util.List;

/**
 * Shrinks a metric's history to what a chart {@code width} pixels wide can show, without losing its
 * shape: the x range is cut into {@code width} buckets and each keeps its first, lowest, highest and
 * last point (M4; Jugel et al., "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB
 * 2014). A line drawn through those points covers the same pixels as one through every point, so a
 * one-step spike in a million points still shows, unlike MLflow's evenly spaced sampling of steps;
 * and every point kept is one that was logged, so hovering shows exact values.
 *
 * <p>NaN values are kept in order (a gap in the line) but never chosen as a bucket's min or max.
 */
final class Downsampler {
  private Downsampler() {}

  /** Which number is a point's x. */
  enum Axis {
    /** The step. */
    STEP,
    /** The timestamp, ms since the epoch. */
    TIME,
    /** ms since the run started. */
    RELATIVE
  }

  /** Points in x order: x and y of each; {@code downsampled} when some were left out. */
  record Series(long[] x, double[] y, int size, boolean downsampled) {}

  /**
   * The points of {@code history} with x in [{@code from}, {@code to}] (null: the data's own bound),
   * at most about 4 per bucket.
   *
   * @param runStart the run's start time, for {@link Axis#RELATIVE}
   */
  static Series downsample(List<Metric> history, Axis axis, long runStart, Long from, Long to, int width) {
    int n = history.size();
    long[] xs = new long[n];
    double[] ys = new double[n];
    boolean sorted = true;
    for (int i = 0; i < n; i++) {
      Metric m = history.get(i);
      xs[i] = switch (axis) {
        case STEP -> m.step();
        case TIME -> m.timestampMs();
        case RELATIVE -> m.timestampMs() - runStart;
      };
      ys[i] = m.value();
      sorted &= i == 0 || xs[i - 1] <= xs[i];
    }
    if (!sorted) {
      sortByX(xs, ys);
    }
    int lo = from == null ? 0 : lowerBound(xs, n, from);
    int hi = to == null ? n : lowerBound(xs, n, to == Long.MAX_VALUE ? to : to + 1);
    int count = Math.max(0, hi - lo);
    if (count <= 4L * width) {
      return new Series(Arrays.copyOfRange(xs, lo, lo + count), Arrays.copyOfRange(ys, lo, lo + count), count, false);
    }
    return m4(xs, ys, lo, hi, width);
  }

  /** Bucket by bucket, the indices of first, min, max and last, in index order, without repeats. */
  private static Series m4(long[] xs, double[] ys, int lo, int hi, int width) {
    long[] outX = new long[4 * width];
    double[] outY = new double[4 * width];
    int size = 0;
    double x0 = xs[lo];
    double span = (double) xs[hi - 1] - x0 + 1;
    int i = lo;
    while (i < hi) {
      int bucket = bucket(xs[i], x0, span, width);
      int first = i;
      int min = -1;
      int max = -1;
      int j = i;
      while (j < hi && bucket(xs[j], x0, span, width) == bucket) {
        double y = ys[j];
        if (!Double.isNaN(y)) {
          if (min < 0 || y < ys[min]) {
            min = j;
          }
          if (max < 0 || y > ys[max]) {
            max = j;
          }
        }
        j++;
      }
      int last = j - 1;
      int[] keep = {first, min, max, last};
      Arrays.sort(keep);
      int previous = -1;
      for (int k : keep) {
        if (k >= 0 && k != previous) {
          outX[size] = xs[k];
          outY[size] = ys[k];
          size++;
          previous = k;
        }
      }
      i = j;
    }
    return new Series(Arrays.copyOf(outX, size), Arrays.copyOf(outY, size), size, true);
  }

  private static int bucket(long x, double x0, double span, int width) {
    return (int) Math.min(width - 1, (long) ((x - x0) / span * width));
  }

  /** The first index whose x is at least {@code value}. */
  private static int lowerBound(long[] xs, int n, long value) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (xs[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Sorts both arrays by x, ties in their logged order (a stable sort of indices). */
  private static void sortByX(long[] xs, double[] ys) {
    int n = xs.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    long[] x = xs.clone();
    double[] y = ys.clone();
    Arrays.sort(order, (a, b) -> Long.compare(x[a], x[b])); // TimSort: stable
    for (int i = 0; i < n; i++) {
      xs[i] = x[order[i]];
      ys[i] = y[order[i]];
    }
  }
}
