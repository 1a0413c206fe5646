package io.tracklog.benchmarks.layouts;

import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunTag;
import java.nio.file.Path;
import java.util.List;

/**
 * One way of storing experiment-tracking data on disk, behind the operations the layout benchmarks
 * (issue #6) measure: runs are started, logged to and ended through {@link LayoutRun}; the store is
 * searched and a metric's history read back. Every adapter writes each call to at least the OS page
 * cache before returning (it survives the process being killed, not a power loss), except where its
 * javadoc says otherwise ({@link Layout#SQLITE_BATCHED}).
 *
 * <p>Adapters open lazily what they need ({@link Layout#open}); {@link #close()} releases it. Thread
 * safety: an adapter may be used from several threads, each with its own {@link LayoutRun}s.
 */
public interface StorageLayout extends AutoCloseable {

  /** The layout's root directory. */
  Path root();

  /** Creates an experiment and returns its id. */
  String createExperiment(String name);

  /** The id of an existing experiment. */
  String experimentId(String name);

  /**
   * Starts a run (status RUNNING).
   *
   * @param runId the run's id (32 lower-case hex digits), or null for a generated one
   * @param runName the run's name, or null
   */
  LayoutRun startRun(String experimentId, String runId, String runName, long startTimeMs);

  /**
   * The ids of the active runs of {@code query.experimentIds()} whose latest value of
   * {@code query.metricKey()} is greater than {@code query.metricAbove()} and whose param
   * {@code query.paramKey()} starts with {@code query.paramPrefix()}, ordered by the latest value of
   * {@code query.orderMetric()} (descending or ascending), ties by start time descending, then run id;
   * at most {@code query.limit()} of them. The MLflow filter is {@link RunQuery#mlflowFilter()}.
   */
  List<String> search(RunQuery query);

  /** Every point of one run's metric, in the order the layout returns them. */
  List<Metric> metricHistory(String runId, String key);

  /** Bytes allocated on disk under {@link #root()} ({@code du -B1}). */
  default long bytesOnDisk() {
    return DiskUsage.allocatedBytes(root());
  }

  /** Makes everything written durable in the layout's steady-state form (compaction, flush, checkpoint). */
  default void compact() {}

  @Override
  void close();

  /** A run being written; one per thread. */
  interface LayoutRun extends AutoCloseable {
    String runId();

    void logMetric(String key, double value, long timestampMs, long step);

    void logBatch(List<Metric> metrics, List<Param> params, List<RunTag> tags);

    /** A batch of one param, unless the layout has a cheaper write for it. */
    default void logParam(String key, String value) {
      logBatch(List.of(), List.of(new Param(key, value)), List.of());
    }

    /** A batch of one tag, unless the layout has a cheaper write for it. */
    default void setTag(String key, String value) {
      logBatch(List.of(), List.of(), List.of(new RunTag(key, value)));
    }

    /** Ends the run FINISHED. */
    void end(long endTimeMs);

    @Override
    void close();
  }

  /** The search of the benchmarks: a metric filter and a param prefix, ordered by a metric. */
  record RunQuery(
      List<String> experimentIds,
      String metricKey,
      double metricAbove,
      String paramKey,
      String paramPrefix,
      String orderMetric,
      boolean descending,
      int limit) {
    public RunQuery {
      experimentIds = List.copyOf(experimentIds);
    }

    /** The same search as an MLflow filter string. */
    public String mlflowFilter() {
      return "metrics." + metricKey + " > " + metricAbove + " AND params." + paramKey + " LIKE '" + paramPrefix + "%'";
    }

    /** The same order as an MLflow order_by element. */
    public String mlflowOrderBy() {
      return "metrics." + orderMetric + (descending ? " DESC" : " ASC");
    }
  }
}
