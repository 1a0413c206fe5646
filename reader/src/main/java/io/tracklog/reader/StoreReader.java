package io.tracklog.reader;

import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.Run;
import io.tracklog.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The read side of a store. For now it answers from a full replay of each run's log; snapshots over
 * compacted Arrow files and MLflow's search come with issues #3 and #4.
 *
 * <p>Thread-safe. Close it to release the store.
 */
public final class StoreReader implements AutoCloseable {
  private final Store store;

  private StoreReader(Store store) {
    this.store = store;
  }

  /**
   * Opens the existing store at {@code root} for reading.
   *
   * @throws IllegalArgumentException if {@code root} holds no Tracklog store
   */
  public static StoreReader open(Path root) {
    Objects.requireNonNull(root, "root");
    if (!Store.exists(root)) {
      throw new IllegalArgumentException("Cannot open store " + root + ": no Tracklog store there");
    }
    return new StoreReader(Store.open(root));
  }

  /** Every experiment, active and deleted, in creation order. */
  public List<Experiment> experiments() {
    return store.experiments();
  }

  /** The run with this id; see {@link Store#getRun}. */
  public Run getRun(String runId) {
    return store.getRun(runId);
  }

  /** The active runs of an experiment, in creation order. */
  public List<Run> activeRuns(String experimentId) {
    List<Run> runs = new ArrayList<>();
    for (Run r : store.runs(experimentId)) {
      if (r.info().lifecycleStage() == LifecycleStage.ACTIVE) {
        runs.add(r);
      }
    }
    return runs;
  }

  /**
   * The active run with the highest latest value of {@code metricKey}; runs without it, or with NaN,
   * never win. Ties go to the earlier-started run.
   */
  public Optional<Run> bestRun(String experimentId, String metricKey) {
    return activeRuns(experimentId).stream()
        .filter(r -> r.metric(metricKey) != null && !r.metric(metricKey).isNaN())
        .max(
            Comparator.comparingDouble((Run r) -> r.metric(metricKey))
                .thenComparing(r -> -r.info().startTime()));
  }

  @Override
  public void close() {
    store.close();
  }
}
