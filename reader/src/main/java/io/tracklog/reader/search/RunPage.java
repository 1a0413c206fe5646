package io.tracklog.reader.search;

import io.tracklog.Run;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One page of search_runs results, in order, the token for the next page (null on the last), and
 * how many runs matched in all pages (what a UI shows as "12,345 runs"; MLflow's API has no such
 * count).
 */
public record RunPage(List<Run> runs, String nextPageToken, long totalMatched) {
  public RunPage {
    runs = List.copyOf(runs);
    if (totalMatched < runs.size()) {
      throw new IllegalArgumentException("totalMatched " + totalMatched + " is below the page's " + runs.size() + " runs");
    }
  }

  /**
   * The page as an Arrow table with the columns of {@code mlflow.search_runs()}'s DataFrame
   * ({@link RunTable}); the caller closes it.
   */
  public RunTable toArrow(BufferAllocator allocator) {
    return RunTable.of(runs, allocator);
  }
}
