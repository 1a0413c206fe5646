package io.tracklog.reader.search;

import io.tracklog.Experiment;
import java.util.List;

/** One page of search_experiments results, in order, and the token for the next page (or null). */
public record ExperimentPage(List<Experiment> experiments, String nextPageToken) {
  public ExperimentPage {
    experiments = List.copyOf(experiments);
  }
}
