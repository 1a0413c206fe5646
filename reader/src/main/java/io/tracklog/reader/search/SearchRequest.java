package io.tracklog.reader.search;

import io.tracklog.reader.ViewType;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A search_runs request, as MLflow's: experiments to search, a filter (null or "" for none),
 * order_by elements, a page size, a page token (null for the first page) and a view type. Made with
 * {@link #builder}; checked when searched ({@link RunSearch#search}).
 *
 * <pre>{@code
 * SearchRequest req = SearchRequest.builder("1", "2")
 *     .filter("metrics.acc > 0.9 AND params.model = 'cnn'")
 *     .orderBy("metrics.acc DESC")
 *     .maxResults(100)
 *     .build();
 * }</pre>
 */
public record SearchRequest(
    List<String> experimentIds,
    String filter,
    List<String> orderBy,
    int maxResults,
    String pageToken,
    ViewType viewType) {

  /** MLflow's default page size for search_runs (and search_experiments). */
  public static final int DEFAULT_MAX_RESULTS = 1000;

  /** The largest page MLflow allows. */
  public static final int MAX_RESULTS_LIMIT = 50_000;

  public SearchRequest {
    experimentIds = List.copyOf(experimentIds);
    orderBy = List.copyOf(orderBy);
    Objects.requireNonNull(viewType, "viewType");
  }

  public static Builder builder(String... experimentIds) {
    return new Builder(Arrays.asList(experimentIds));
  }

  public static Builder builder(List<String> experimentIds) {
    return new Builder(experimentIds);
  }

  /** The same request asking for the page {@code token} names. */
  public SearchRequest withPageToken(String token) {
    return new SearchRequest(experimentIds, filter, orderBy, maxResults, token, viewType);
  }

  /** A builder; each setter may be called once. */
  public static final class Builder extends PagedQueryBuilder<Builder> {
    private final List<String> experimentIds;

    private Builder(List<String> experimentIds) {
      this.experimentIds = List.copyOf(experimentIds);
    }

    @Override
    Builder self() {
      return this;
    }

    public SearchRequest build() {
      return new SearchRequest(
          experimentIds, filter, orderBy, maxResultsOrDefault(), pageToken, viewTypeOrDefault());
    }
  }
}
