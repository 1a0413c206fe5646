package io.tracklog.reader;

import io.tracklog.Metric;
import java.util.List;

/** One page of a metric's history, in append order, and the token for the next page (or null). */
public record MetricHistoryPage(List<Metric> metrics, String nextPageToken) {
  public MetricHistoryPage {
    metrics = List.copyOf(metrics);
  }
}
