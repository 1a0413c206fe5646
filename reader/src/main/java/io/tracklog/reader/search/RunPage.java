package io.tracklog.reader.search;

import io.tracklog.Run;
import java.util.List;

/** One page of search_runs results, in order, and the token for the next page (null on the last). */
public record RunPage(List<Run> runs, String nextPageToken) {
  public RunPage {
    runs = List.copyOf(runs);
  }
}
