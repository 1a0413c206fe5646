package io.tracklog.reader.search;

import io.tracklog.Run;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.reader.PageToken;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.search.Clause.Entity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * MLflow's search_runs over a {@link Snapshot}. {@link #search} evaluates compacted runs on columns
 * ({@link ColumnarRunSearch}); {@code searchNaive} is the plain evaluation (every run of the
 * requested experiments read, filtered with {@link RunFilter#matches}, sorted with {@link #ordering}
 * and paged), the reference the columnar one is checked against, so it stays simple.
 * docs/SEARCH.md describes the grammar and the choices where MLflow's stores disagree.
 *
 * <p>Stateless and thread-safe.
 *
 * <pre>{@code
 * RunPage page = RunSearch.search(snapshot, SearchRequest.builder("1")
 *     .filter("params.model = 'cnn'").orderBy("metrics.acc DESC").maxResults(10).build());
 * for (Run run : page.runs()) { ... }
 * }</pre>
 */
public final class RunSearch {
  private RunSearch() {}

  /**
   * One page of the runs of {@code req.experimentIds()} (unknown ids contribute nothing) in the
   * view that match the filter, in order. Every part of the request is checked before any run is
   * read.
   *
   * @throws InvalidFilterException if the filter or an order_by element is invalid
   * @throws InvalidParameterException if max_results is not in 1..50000 or the page token is invalid
   */
  public static RunPage search(Snapshot snapshot, SearchRequest req) {
    return ColumnarRunSearch.search(snapshot, req);
  }

  /**
   * {@link #search}, as an Arrow table with the columns of {@code mlflow.search_runs()}'s DataFrame
   * ({@link RunTable}); the caller closes it. The next page token is {@link #search}'s.
   *
   * @throws InvalidFilterException if the filter or an order_by element is invalid
   * @throws InvalidParameterException if max_results is not in 1..50000 or the page token is invalid
   */
  public static RunTable searchToArrow(Snapshot snapshot, SearchRequest req, org.apache.arrow.memory.BufferAllocator allocator) {
    return search(snapshot, req).toArrow(allocator);
  }

  /** The reference evaluation: every run read, filtered, sorted, paged. */
  static RunPage searchNaive(Snapshot snapshot, SearchRequest req) {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(req, "req");
    checkMaxResults(req.maxResults());
    RunFilter filter = RunFilter.parse(req.filter());
    List<OrderBy> order = OrderBy.parseForRuns(req.orderBy());
    long offset = PageToken.decode(req.pageToken());

    List<Run> hits = new ArrayList<>();
    for (String experimentId : new LinkedHashSet<>(req.experimentIds())) {
      Objects.requireNonNull(experimentId, "experimentId");
      for (String runId : snapshot.runIds(experimentId)) {
        Run run = snapshot.getRun(runId);
        if (req.viewType().includes(run.info().lifecycleStage()) && filter.matches(run)) {
          hits.add(run);
        }
      }
    }
    hits.sort(ordering(order));
    int from = (int) Math.min(offset, hits.size());
    int to = (int) Math.min((long) from + req.maxResults(), hits.size());
    // FileStore's rule: a token only when more rows remain (docs/SEARCH.md)
    return new RunPage(hits.subList(from, to), to < hits.size() ? PageToken.encode(to) : null, hits.size());
  }

  static void checkMaxResults(int maxResults) {
    if (maxResults < 1) {
      throw new InvalidParameterException(
          "Invalid value " + maxResults + " for parameter 'max_results' supplied. It must be at least 1.");
    }
    if (maxResults > SearchRequest.MAX_RESULTS_LIMIT) {
      throw new InvalidParameterException(
          "Invalid value for request parameter max_results. It must be at most "
              + SearchRequest.MAX_RESULTS_LIMIT + ", but got value " + maxResults);
    }
  }

  /**
   * MLflow's run order: the order_by keys in turn, then start_time DESC, then run_id ASC. In every
   * direction a run without the value comes last, and a NaN metric after every number but before
   * the missing; strings compare by code point.
   */
  public static Comparator<Run> ordering(List<OrderBy> orderBy) {
    List<OrderBy> keys = List.copyOf(orderBy);
    return (a, b) -> {
      for (OrderBy key : keys) {
        int c = compareKey(a, b, key);
        if (c != 0) {
          return c;
        }
      }
      int c = Long.compare(b.info().startTime(), a.info().startTime());
      return c != 0 ? c : Compare.compareCodePoints(a.runId(), b.runId());
    };
  }

  private static int compareKey(Run a, Run b, OrderBy key) {
    Object x = sortValue(a, key);
    Object y = sortValue(b, key);
    int rx = rank(x);
    int ry = rank(y);
    if (rx != ry || rx != 0) {
      return Integer.compare(rx, ry); // the same order in both directions
    }
    int c;
    if (x instanceof Double dx) {
      c = Compare.compareNumbers(dx, (Double) y);
    } else if (x instanceof Long lx) {
      c = Long.compare(lx, (Long) y);
    } else {
      c = Compare.compareCodePoints((String) x, (String) y);
    }
    return key.ascending() ? c : -c;
  }

  /** 0 for a value, 1 for NaN, 2 for missing. */
  private static int rank(Object v) {
    return v == null ? 2 : v instanceof Double d && d.isNaN() ? 1 : 0;
  }

  static Object sortValue(Run run, OrderBy key) {
    return switch (key.entity()) {
      case METRIC -> run.metric(key.key());
      case PARAM -> run.params().get(key.key());
      case TAG -> run.tags().get(key.key());
      case ATTRIBUTE -> RunFilter.NUMERIC_ATTRIBUTES.contains(key.key())
          ? RunFilter.numericAttribute(run.info(), key.key())
          : RunFilter.stringAttribute(run.info(), key.key());
      case DATASET -> throw new IllegalArgumentException("Invalid order_by entity type '" + Entity.DATASET + "'");
    };
  }
}
