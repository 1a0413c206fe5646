package io.tracklog.reader.search;

import io.tracklog.registry.RegisteredModel;
import java.util.List;

/** One page of search_registered_models results, in order, and the token for the next page (null on the last). */
public record RegisteredModelPage(List<RegisteredModel> models, String nextPageToken) {
  public RegisteredModelPage {
    models = List.copyOf(models);
  }
}
