package io.tracklog.reader.search;

import io.tracklog.reader.ViewType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A search_experiments request: a filter (null or "" for none), order_by elements, a page size
 * (default 1000, 1 to 50000), a page token and a view type (default ACTIVE_ONLY).
 *
 * <pre>{@code
 * ExperimentSearchRequest req = ExperimentSearchRequest.builder()
 *     .filter("tags.team = 'core'").orderBy("name ASC").build();
 * }</pre>
 */
public record ExperimentSearchRequest(
    String filter, List<String> orderBy, int maxResults, String pageToken, ViewType viewType) {

  public ExperimentSearchRequest {
    orderBy = List.copyOf(orderBy);
    Objects.requireNonNull(viewType, "viewType");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The same request asking for the page {@code token} names. */
  public ExperimentSearchRequest withPageToken(String token) {
    return new ExperimentSearchRequest(filter, orderBy, maxResults, token, viewType);
  }

  /** A builder; each setter may be called once. */
  public static final class Builder {
    private String filter;
    private final List<String> orderBy = new ArrayList<>();
    private Integer maxResults;
    private String pageToken;
    private ViewType viewType;

    private Builder() {}

    private static void once(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }

    public Builder filter(String filter) {
      once(this.filter, "filter");
      this.filter = filter;
      return this;
    }

    public Builder orderBy(String... elements) {
      orderBy.addAll(Arrays.asList(elements));
      return this;
    }

    public Builder orderBy(List<String> elements) {
      orderBy.addAll(elements);
      return this;
    }

    public Builder maxResults(int maxResults) {
      once(this.maxResults, "maxResults");
      this.maxResults = maxResults;
      return this;
    }

    public Builder pageToken(String pageToken) {
      once(this.pageToken, "pageToken");
      this.pageToken = pageToken;
      return this;
    }

    public Builder viewType(ViewType viewType) {
      once(this.viewType, "viewType");
      this.viewType = Objects.requireNonNull(viewType, "viewType");
      return this;
    }

    public ExperimentSearchRequest build() {
      return new ExperimentSearchRequest(
          filter,
          orderBy,
          maxResults == null ? SearchRequest.DEFAULT_MAX_RESULTS : maxResults,
          pageToken,
          viewType == null ? ViewType.ACTIVE_ONLY : viewType);
    }
  }
}
