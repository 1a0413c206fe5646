package io.tracklog.reader.search;

import io.tracklog.Experiment;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.reader.PageToken;
import io.tracklog.reader.Snapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * MLflow's search_experiments over a {@link Snapshot} (mlflow/utils/search_utils.py; docs/SEARCH.md): filter, order, page.
 * Default order {@code creation_time DESC, experiment_id ASC}; when order_by is given without
 * experiment_id, ties are broken by {@code experiment_id DESC}, MLflow's rule. Stateless and
 * thread-safe.
 *
 * <pre>{@code
 * ExperimentPage page = ExperimentSearch.search(snapshot,
 *     ExperimentSearchRequest.builder().filter("name LIKE 'exp-%'").build());
 * }</pre>
 */
public final class ExperimentSearch {
  static final List<String> DEFAULT_ORDER = List.of("creation_time DESC", "experiment_id ASC");

  private ExperimentSearch() {}

  /**
   * One page of the experiments in the view that match the filter, in order.
   *
   * @throws InvalidFilterException if the filter or an order_by element is invalid
   * @throws InvalidParameterException if max_results is not in 1..50000 or the page token is invalid
   */
  public static ExperimentPage search(Snapshot snapshot, ExperimentSearchRequest req) {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(req, "req");
    RunSearch.checkMaxResults(req.maxResults());
    ExperimentFilter filter = ExperimentFilter.parse(req.filter());
    List<OrderBy> order =
        OrderBy.parseForExperiments(req.orderBy().isEmpty() ? DEFAULT_ORDER : req.orderBy());
    long offset = PageToken.decode(req.pageToken());

    List<Experiment> hits = new ArrayList<>();
    for (Experiment e : snapshot.listExperiments(req.viewType())) {
      if (filter.matches(e)) {
        hits.add(e);
      }
    }
    hits.sort(ordering(order));
    int from = (int) Math.min(offset, hits.size());
    int to = (int) Math.min((long) from + req.maxResults(), hits.size());
    return new ExperimentPage(hits.subList(from, to), to < hits.size() ? PageToken.encode(to) : null);
  }

  /** The order_by keys in turn, then experiment_id DESC unless experiment_id is one of them. */
  public static Comparator<Experiment> ordering(List<OrderBy> orderBy) {
    List<OrderBy> keys = new ArrayList<>(orderBy);
    if (keys.stream().noneMatch(k -> k.key().equals("experiment_id"))) {
      keys.add(new OrderBy(Clause.Entity.ATTRIBUTE, "experiment_id", false));
    }
    return (a, b) -> {
      for (OrderBy key : keys) {
        int c =
            switch (key.key()) {
              case "name" -> Compare.compareCodePoints(a.name(), b.name());
              case "experiment_id" -> compareIds(a.experimentId(), b.experimentId());
              case "creation_time" -> Long.compare(a.creationTime(), b.creationTime());
              case "last_update_time" -> Long.compare(a.lastUpdateTime(), b.lastUpdateTime());
              default -> throw new IllegalStateException("Unknown order_by key " + key.key());
            };
        if (c != 0) {
          return key.ascending() ? c : -c;
        }
      }
      return 0;
    };
  }

  /**
   * Experiment ids in numeric order (Tracklog's ids are sequential numbers, as the SQL store's; the
   * FileStore compares them as strings, so "10" < "9"). Ids that are not decimal numbers come after
   * all numeric ones, by code point, so that the order stays total.
   */
  static int compareIds(String a, String b) {
    boolean na = isNumber(a);
    boolean nb = isNumber(b);
    if (na != nb) {
      return na ? -1 : 1;
    }
    if (na) {
      String x = stripZeros(a);
      String y = stripZeros(b);
      if (x.length() != y.length()) {
        return Integer.compare(x.length(), y.length());
      }
      int c = x.compareTo(y);
      if (c != 0) {
        return c;
      }
    }
    return Compare.compareCodePoints(a, b);
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static String stripZeros(String s) {
    int i = 0;
    while (i < s.length() - 1 && s.charAt(i) == '0') {
      i++;
    }
    return s.substring(i);
  }
}
