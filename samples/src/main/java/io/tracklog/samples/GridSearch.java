package io.tracklog.samples;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A hyperparameter grid search, one run per point of the grid (MLflow's hyperparameter tuning
 * tutorial): 4 {@code max_depth} values × 3 {@code n_estimators} values = 12 runs, each logging its
 * params and accuracy, precision and recall from a synthetic random-forest model.
 */
public final class GridSearch {
  /** The experiment this sample logs into. */
  public static final String EXPERIMENT = "grid-search";

  static final int[] MAX_DEPTHS = {2, 4, 8, 16};
  static final int[] N_ESTIMATORS = {50, 100, 200};
  private static final long SEED = 42;

  private GridSearch() {}

  /** What a search logged: every run, in grid order, and the run with the highest accuracy. */
  public record Result(String experimentId, List<String> runIds, String bestRunId, double bestAccuracy) {
    public Result {
      runIds = List.copyOf(runIds);
    }
  }

  /** Logs the 12 runs of the grid into {@code store}. */
  public static Result run(Store store) {
    String experimentId = store.setExperiment(EXPERIMENT).experimentId();
    SplittableRandom random = new SplittableRandom(SEED);
    List<String> runIds = new ArrayList<>();
    String bestRunId = null;
    double bestAccuracy = Double.NEGATIVE_INFINITY;
    for (int depth : MAX_DEPTHS) {
      for (int trees : N_ESTIMATORS) {
        double accuracy = accuracy(depth, trees, random);
        double precision = Samples.clamp(accuracy + 0.02 + random.nextDouble(-0.01, 0.01));
        double recall = Samples.clamp(accuracy - 0.03 + random.nextDouble(-0.01, 0.01));
        String runId =
            store.run(
                RunSpec.of(experimentId, "rf-depth" + depth + "-trees" + trees),
                run -> {
                  run.logParam("max_depth", Integer.toString(depth));
                  run.logParam("n_estimators", Integer.toString(trees));
                  run.logMetric("accuracy", accuracy);
                  run.logMetric("precision", precision);
                  run.logMetric("recall", recall);
                });
        runIds.add(runId);
        if (accuracy > bestAccuracy) {
          bestAccuracy = accuracy;
          bestRunId = runId;
        }
      }
    }
    return new Result(experimentId, runIds, bestRunId, bestAccuracy);
  }

  /** Deeper trees and more of them help, until depth 16 starts to overfit; plus seeded noise. */
  private static double accuracy(int depth, int trees, SplittableRandom random) {
    double fit = 0.70 + 0.20 * (1 - Math.exp(-depth / 4.0)) + 0.04 * (1 - Math.exp(-trees / 100.0));
    double overfit = 0.004 * Math.max(0, depth - 8);
    return Samples.clamp(fit - overfit + random.nextDouble(-0.005, 0.005));
  }

  public static void main(String[] args) {
    try (Store store = Store.open(Samples.root(args))) {
      Result result = run(store);
      System.out.printf(
          "Logged %d runs into experiment %s (%s)%nBest run: %s (%s), accuracy %.4f%n",
          result.runIds().size(),
          EXPERIMENT,
          store.root(),
          store.getRun(result.bestRunId()).info().runName(),
          result.bestRunId(),
          result.bestAccuracy());
    }
  }
}
