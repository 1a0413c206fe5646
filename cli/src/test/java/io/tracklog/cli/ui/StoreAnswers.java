package io.tracklog.cli.ui;

import io.tracklog.Experiment;
import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import io.tracklog.reader.search.InvalidFilterException;
import io.tracklog.reader.search.RunPage;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What the store itself answers, through its own reader API, for a test to compare the page with:
 * the browser tests never hard-code what the store knows.
 */
final class StoreAnswers implements AutoCloseable {
  private final StoreReader reader;

  StoreAnswers(Store store) {
    this.reader = StoreReader.of(store);
  }

  Snapshot snapshot() {
    return reader.snapshot();
  }

  List<Experiment> activeExperiments() {
    return snapshot().listExperiments(ViewType.ACTIVE_ONLY);
  }

  /** The number of active runs of an experiment. */
  int activeRunCount(String experimentId) {
    return snapshot().runs(experimentId, ViewType.ACTIVE_ONLY).size();
  }

  /** The first {@code max} active runs of the experiments matching {@code filter} in {@code orderBy}'s order. */
  List<Run> search(List<String> experimentIds, String filter, String orderBy, int max) {
    SearchRequest.Builder b = SearchRequest.builder(experimentIds).filter(filter).maxResults(max);
    if (orderBy != null) {
      b.orderBy(orderBy);
    }
    return RunSearch.search(snapshot(), b.build()).runs();
  }

  /** How many active runs of the experiments match {@code filter} (every page counted). */
  long count(List<String> experimentIds, String filter) {
    Snapshot snapshot = snapshot();
    SearchRequest req =
        SearchRequest.builder(experimentIds).filter(filter).maxResults(SearchRequest.MAX_RESULTS_LIMIT).build();
    long n = 0;
    while (true) {
      RunPage page = RunSearch.search(snapshot, req);
      n += page.runs().size();
      if (page.nextPageToken() == null) {
        return n;
      }
      req = req.withPageToken(page.nextPageToken());
    }
  }

  /** Where the store says {@code filter} goes wrong (0-based, code points); fails if it accepts it. */
  int errorPosition(List<String> experimentIds, String filter) {
    try {
      RunSearch.search(snapshot(), SearchRequest.builder(experimentIds).filter(filter).maxResults(1).build());
    } catch (InvalidFilterException e) {
      return e.position();
    }
    throw new AssertionError("The store accepts the filter " + filter + ", which the test expected to be rejected");
  }

  /** The run ids of {@code runs}, in order. */
  static List<String> ids(List<Run> runs) {
    List<String> out = new ArrayList<>(runs.size());
    for (Run r : runs) {
      out.add(r.runId());
    }
    return out;
  }

  @Override
  public void close() {
    reader.close();
  }
}
