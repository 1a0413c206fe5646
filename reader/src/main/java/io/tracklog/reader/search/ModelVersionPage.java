package io.tracklog.reader.search;

import io.tracklog.registry.ModelVersion;
import java.util.List;

/** One page of search_model_versions results, in order, and the token for the next page (null on the last). */
public record ModelVersionPage(List<ModelVersion> versions, String nextPageToken) {
  public ModelVersionPage {
    versions = List.copyOf(versions);
  }
}
