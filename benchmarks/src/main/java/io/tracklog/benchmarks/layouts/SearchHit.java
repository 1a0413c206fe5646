package io.tracklog.benchmarks.layouts;

import java.util.ArrayList;
import java.util.List;

/**
 * A run that passed a scanning layout's filter, with what the order needs; {@link #top} sorts as
 * MLflow does (runs without the order metric last, ties by start time descending, then run id).
 */
record SearchHit(String runId, long startTime, double order, boolean hasOrder) {

  /** True if (step, timestamp, value) beats the latest so far (MLflow's latest-metric rule). */
  static boolean newer(long step, long ts, double value, long bestStep, long bestTs, double bestValue) {
    if (step != bestStep) {
      return step > bestStep;
    }
    if (ts != bestTs) {
      return ts > bestTs;
    }
    return value > bestValue;
  }

  static List<String> top(List<SearchHit> hits, StorageLayout.RunQuery q) {
    hits.sort(
        (a, b) -> {
          if (a.hasOrder != b.hasOrder) {
            return a.hasOrder ? -1 : 1;
          }
          int c = q.descending() ? Double.compare(b.order, a.order) : Double.compare(a.order, b.order);
          if (c != 0) {
            return c;
          }
          c = Long.compare(b.startTime, a.startTime);
          return c != 0 ? c : a.runId.compareTo(b.runId);
        });
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < Math.min(q.limit(), hits.size()); i++) {
      ids.add(hits.get(i).runId);
    }
    return ids;
  }
}
