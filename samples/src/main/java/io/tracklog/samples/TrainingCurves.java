package io.tracklog.samples;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training curves for three learning rates (MLflow's deep-learning tutorials): each run logs
 * {@code train_loss}, {@code val_loss}, {@code train_accuracy} and {@code val_accuracy} once per
 * epoch, with the epoch as the step, so a UI can plot the curves against each other.
 */
public final class TrainingCurves {
  /** The experiment this sample logs into. */
  public static final String EXPERIMENT = "training-curves";

  static final double[] LEARNING_RATES = {0.001, 0.01, 0.1};
  static final int EPOCHS = 20;
  private static final long SEED = 7;

  private TrainingCurves() {}

  /** What was logged: one run per learning rate, in order, and the best by final val_accuracy. */
  public record Result(
      String experimentId, List<String> runIds, String bestRunId, double bestValAccuracy) {
    public Result {
      runIds = List.copyOf(runIds);
    }
  }

  /** Logs one run per learning rate into {@code store}. */
  public static Result run(Store store) {
    String experimentId = store.setExperiment(EXPERIMENT).experimentId();
    SplittableRandom random = new SplittableRandom(SEED);
    List<String> runIds = new ArrayList<>();
    String bestRunId = null;
    double bestValAccuracy = Double.NEGATIVE_INFINITY;
    for (double lr : LEARNING_RATES) {
      double[] finalValAccuracy = new double[1];
      String runId =
          store.run(
              RunSpec.of(experimentId, "lr-" + lr),
              run -> {
                run.logParam("learning_rate", Double.toString(lr));
                run.logParam("epochs", Integer.toString(EPOCHS));
                for (int epoch = 0; epoch < EPOCHS; epoch++) {
                  double trainLoss = trainLoss(lr, epoch, random);
                  double valLoss = trainLoss + 0.05 + 0.004 * epoch; // the generalisation gap grows
                  run.logMetric("train_loss", trainLoss, epoch);
                  run.logMetric("val_loss", valLoss, epoch);
                  run.logMetric("train_accuracy", accuracy(trainLoss), epoch);
                  run.logMetric("val_accuracy", accuracy(valLoss), epoch);
                  finalValAccuracy[0] = accuracy(valLoss);
                }
              });
      runIds.add(runId);
      if (finalValAccuracy[0] > bestValAccuracy) {
        bestValAccuracy = finalValAccuracy[0];
        bestRunId = runId;
      }
    }
    return new Result(experimentId, runIds, bestRunId, bestValAccuracy);
  }

  /**
   * Exponential decay towards a floor: a small rate learns slowly, a large one fast but noisily and
   * to a worse floor.
   */
  private static double trainLoss(double lr, int epoch, SplittableRandom random) {
    double rate = 6 * Math.sqrt(lr);
    double floor = lr >= 0.1 ? 0.25 : 0.15;
    double noise = random.nextDouble(-0.01, 0.01) * (lr >= 0.1 ? 3 : 1);
    return Math.max(0.0, floor + (1.0 - floor) * Math.exp(-rate * epoch) + noise);
  }

  private static double accuracy(double loss) {
    return Samples.clamp(1.0 - loss / 1.5);
  }

  public static void main(String[] args) {
    try (Store store = Store.open(Samples.root(args))) {
      Result result = run(store);
      for (String runId : result.runIds()) {
        var run = store.getRun(runId);
        System.out.printf(
            "%-10s train_loss %.4f  val_loss %.4f  val_accuracy %.4f%n",
            run.info().runName(), run.metric("train_loss"), run.metric("val_loss"), run.metric("val_accuracy"));
      }
      System.out.printf(
          "Best: %s, val_accuracy %.4f (store %s)%n",
          store.getRun(result.bestRunId()).info().runName(), result.bestValAccuracy(), store.root());
    }
  }
}
