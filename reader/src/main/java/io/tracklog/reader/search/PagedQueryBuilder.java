package io.tracklog.reader.search;

import io.tracklog.reader.ViewType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What the search_runs and search_experiments builders share: filter, order_by, page size, page token
 * and view type, with MLflow's defaults. Each setter may be called once.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class PagedQueryBuilder<B extends PagedQueryBuilder<B>> {
  String filter;
  final List<String> orderBy = new ArrayList<>();
  Integer maxResults;
  String pageToken;
  ViewType viewType;

  PagedQueryBuilder() {}

  abstract B self();

  private static void once(Object current, String name) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set to " + current);
    }
  }

  /** The filter string; null or "" for none. */
  public B filter(String filter) {
    once(this.filter, "filter");
    this.filter = filter;
    return self();
  }

  /** Adds order_by elements, most significant first. */
  public B orderBy(String... elements) {
    orderBy.addAll(Arrays.asList(elements));
    return self();
  }

  /** Adds order_by elements, most significant first. */
  public B orderBy(List<String> elements) {
    orderBy.addAll(elements);
    return self();
  }

  /** The page size: 1 to {@value SearchRequest#MAX_RESULTS_LIMIT}, checked when searched. */
  public B maxResults(int maxResults) {
    once(this.maxResults, "maxResults");
    this.maxResults = maxResults;
    return self();
  }

  /** The token of the page to return; null for the first. */
  public B pageToken(String pageToken) {
    once(this.pageToken, "pageToken");
    this.pageToken = pageToken;
    return self();
  }

  /** Which lifecycle stages to return; ACTIVE_ONLY by default. */
  public B viewType(ViewType viewType) {
    once(this.viewType, "viewType");
    this.viewType = Objects.requireNonNull(viewType, "viewType");
    return self();
  }

  int maxResultsOrDefault() {
    return maxResults == null ? SearchRequest.DEFAULT_MAX_RESULTS : maxResults;
  }

  ViewType viewTypeOrDefault() {
    return viewType == null ? ViewType.ACTIVE_ONLY : viewType;
  }
}
