package io.tracklog.server;

import io.tracklog.Metric;
import io.tracklog.reader.MetricHistoryPage;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * MLflow's metric-history endpoints: {@code /mlflow/metrics/get-history} (one run, paged) and
 * {@code /mlflow/metrics/get-history-bulk-interval} (the UI's chart query: up to 100 runs, the steps
 * sampled to at most {@code max_results} per run, every run's first and last step kept), both on one
 * snapshot.
 */
final class MetricEndpoints {
  /** mlflow/server/handlers.py: MAX_RUNS_GET_METRIC_HISTORY_BULK, MAX_RESULTS_PER_RUN, MAX_RESULTS_GET_METRIC_HISTORY. */
  static final int MAX_RUNS = 100;
  static final int MAX_RESULTS_PER_RUN = 2500;
  static final int MAX_POINTS_PER_RUN = 25_000;

  private final StoreReader reader;

  MetricEndpoints(StoreReader reader) {
    this.reader = reader;
  }

  void register(Api api) {
    api.add("GET", "/mlflow/metrics/get-history",
        Schema.message("GetMetricHistory").string("run_id", "run_uuid", "metric_key", "page_token").int32("max_results"),
        this::history);
    api.add("GET", "/mlflow/metrics/get-history-bulk-interval",
        Schema.message("GetMetricHistoryBulkInterval").strings("run_ids").string("metric_key")
            .int32("start_step", "end_step", "max_results"),
        this::bulkInterval);
  }

  private Map<String, Object> history(ApiRequest r) {
    String runId = r.runId();
    String key = r.required("metric_key");
    // Absent max_results: everything, as the proto documents (MLflow's handler would pass 0).
    MetricHistoryPage page = reader.snapshot().metricHistory(runId, key, r.int32("max_results"), r.string("page_token"));
    return MlflowJson.page("metrics", page.metrics().stream().map(MlflowJson::metric).toList(), page.nextPageToken());
  }

  /** mlflow/server/handlers.py, {@code get_metric_history_bulk_interval_impl}, rule for rule. */
  private Map<String, Object> bulkInterval(ApiRequest r) {
    List<String> runIds = r.strings("run_ids");
    if (runIds.isEmpty()) {
      throw ApiException.invalid("GetMetricHistoryBulkInterval request must specify at least one run_id.");
    }
    if (runIds.size() > MAX_RUNS) {
      throw ApiException.invalid("GetMetricHistoryBulkInterval request must specify at most " + MAX_RUNS
          + " run_ids. Received " + runIds.size() + " run_ids.");
    }
    String key = r.required("metric_key");
    int maxResults = r.int32("max_results") == null ? MAX_RESULTS_PER_RUN : r.int32("max_results");
    if (maxResults < 1 || maxResults > MAX_RESULTS_PER_RUN) {
      throw ApiException.invalid("max_results must be between 1 and " + MAX_RESULTS_PER_RUN + ".");
    }
    Integer start = r.int32("start_step");
    Integer end = r.int32("end_step");
    if (start != null && end != null && start > end) {
      throw ApiException.invalid(
          "end_step must be greater than start_step. Found start_step=" + start + " and end_step=" + end + ".");
    }
    if ((start == null) != (end == null)) {
      throw ApiException.invalid("If either start step or end step are specified, both must be specified.");
    }
    Snapshot snapshot = reader.snapshot();
    Map<String, List<Metric>> histories = new LinkedHashMap<>();
    TreeSet<Long> allSteps = new TreeSet<>();
    TreeSet<Long> minsAndMaxes = new TreeSet<>();
    for (String runId : runIds) {
      List<Metric> history = snapshot.metricHistory(runId, key);
      histories.put(runId, history);
      for (Metric m : history) {
        allSteps.add(m.step());
      }
      if (!history.isEmpty()) {
        minsAndMaxes.add(history.stream().mapToLong(Metric::step).min().getAsLong());
        minsAndMaxes.add(history.stream().mapToLong(Metric::step).max().getAsLong());
      }
    }
    long from = start != null ? start : 0;
    long to = end != null ? end : allSteps.isEmpty() ? 0 : allSteps.last();
    TreeSet<Long> steps = sampledSteps(from, to, maxResults, new ArrayList<>(allSteps));
    for (long s : minsAndMaxes) {
      if (from <= s && s <= to) {
        steps.add(s);
      }
    }
    List<Object> out = new ArrayList<>();
    histories.forEach((runId, history) -> history.stream()
        .filter(m -> steps.contains(m.step()))
        .sorted(Comparator.comparingLong(Metric::step).thenComparingLong(Metric::timestampMs))
        .limit(MAX_POINTS_PER_RUN)
        .forEach(m -> {
          Map<String, Object> metric = MlflowJson.metric(m);
          metric.put("run_id", runId); // MetricWithRunId: key 1, value 2, timestamp 3, step 4, run_id 5
          out.add(metric);
        }));
    return MlflowJson.page("metrics", out, null);
  }

  /**
   * {@code _get_sampled_steps_from_steps}: all steps in [from, to] if there are at most {@code
   * max} of them, else {@code max} evenly spaced ones plus the last (MLflow's index test
   * {@code idx < num_steps} kept as it is).
   */
  static TreeSet<Long> sampledSteps(long from, long to, int max, List<Long> sorted) {
    int startIdx = lowerBound(sorted, from);
    int endIdx = lowerBound(sorted, to + 1);
    TreeSet<Long> out = new TreeSet<>();
    if (endIdx - startIdx <= max) {
      out.addAll(sorted.subList(startIdx, endIdx));
      return out;
    }
    int numSteps = endIdx - startIdx;
    double interval = (double) numSteps / max;
    for (int i = 0; i < max; i++) {
      int idx = startIdx + (int) (i * interval);
      if (idx < numSteps) {
        out.add(sorted.get(idx));
      }
    }
    out.add(sorted.get(endIdx - 1));
    return out;
  }

  private static int lowerBound(List<Long> sorted, long value) {
    int lo = 0;
    int hi = sorted.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted.get(mid) < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
