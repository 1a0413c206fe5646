package io.tracklog.reader.search;

import io.tracklog.Run;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/** One page of search_runs results, in order, and the token for the next page (null on the last). */
public record RunPage(List<Run> runs, String nextPageToken) {
  public RunPage {
    runs = List.copyOf(runs);
  }

  /**
   * The page as an Arrow table with the columns of {@code mlflow.search_runs()}'s DataFrame
   * ({@link RunTable}); the caller closes it.
   */
  public RunTable toArrow(BufferAllocator allocator) {
    return RunTable.of(runs, allocator);
  }
}
