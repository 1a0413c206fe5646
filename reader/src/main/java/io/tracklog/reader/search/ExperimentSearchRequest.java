package io.tracklog.reader.search;

import io.tracklog.reader.ViewType;
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
  public static final class Builder extends PagedQueryBuilder<Builder> {
    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    public ExperimentSearchRequest build() {
      return new ExperimentSearchRequest(filter, orderBy, maxResultsOrDefault(), pageToken, viewTypeOrDefault());
    }
  }
}
