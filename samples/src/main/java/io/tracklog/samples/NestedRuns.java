package io.tracklog.samples;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A cross-validated search as nested runs (MLflow's {@code start_run(nested=True)}): a parent
 * {@code search} run, one child run per configuration, and under each child one grandchild per CV
 * fold. Folds log {@code fold_accuracy}; each configuration logs the {@code accuracy} mean over its
 * folds; the parent logs the best mean as {@code best_accuracy} and names the winner in a param.
 */
public final class NestedRuns {
  /** The experiment this sample logs into. */
  public static final String EXPERIMENT = "nested-runs";

  /** Regularisation strengths of a synthetic logistic regression, one child run each. */
  static final double[] CONFIGS = {0.1, 1.0, 10.0};
  static final int FOLDS = 3;
  private static final long SEED = 2024;

  private NestedRuns() {}

  /** One configuration's child run, its fold runs and the mean accuracy it logged. */
  public record Child(String runId, List<String> foldRunIds, double accuracy) {
    public Child {
      foldRunIds = List.copyOf(foldRunIds);
    }
  }

  /** What was logged: the parent run, its children in config order, and the best child. */
  public record Result(String experimentId, String parentRunId, List<Child> children, Child best) {
    public Result {
      children = List.copyOf(children);
    }
  }

  /** Logs one search (1 parent, 3 children, 9 grandchildren) into {@code store}. */
  public static Result run(Store store) {
    String experimentId = store.setExperiment(EXPERIMENT).experimentId();
    SplittableRandom random = new SplittableRandom(SEED);
    List<Child> children = new ArrayList<>();
    Child[] best = new Child[1];
    String parentRunId =
        store.run(
            RunSpec.of(experimentId, "search"),
            parent -> {
              parent.logParam("model", "logistic_regression");
              parent.logParam("cv_folds", Integer.toString(FOLDS));
              for (double c : CONFIGS) {
                Child child = runConfig(store, experimentId, parent.runId(), c, random);
                children.add(child);
                if (best[0] == null || child.accuracy() > best[0].accuracy()) {
                  best[0] = child;
                }
              }
              parent.logParam("best_run_id", best[0].runId());
              parent.logMetric("best_accuracy", best[0].accuracy());
            });
    return new Result(experimentId, parentRunId, children, best[0]);
  }

  /** A child run for one configuration, with a grandchild run per fold. */
  private static Child runConfig(
      Store store, String experimentId, String parentRunId, double c, SplittableRandom random) {
    String name = "logreg-C" + c;
    List<String> foldRunIds = new ArrayList<>();
    double[] mean = new double[1];
    String runId =
        store.run(
            RunSpec.builder(experimentId).runName(name).parentRunId(parentRunId).build(),
            child -> {
              child.logParam("C", Double.toString(c));
              double sum = 0;
              for (int fold = 1; fold <= FOLDS; fold++) {
                double accuracy = foldAccuracy(c, random);
                int foldNumber = fold;
                sum += accuracy;
                foldRunIds.add(
                    store.run(
                        RunSpec.builder(experimentId)
                            .runName(name + "-fold" + fold)
                            .parentRunId(child.runId())
                            .build(),
                        foldRun -> {
                          foldRun.logParam("fold", Integer.toString(foldNumber));
                          foldRun.logMetric("fold_accuracy", accuracy);
                        }));
              }
              mean[0] = sum / FOLDS;
              child.logMetric("accuracy", mean[0]);
            });
    return new Child(runId, foldRunIds, mean[0]);
  }

  /** Too much regularisation underfits, too little overfits; C = 1 is the sweet spot. */
  private static double foldAccuracy(double c, SplittableRandom random) {
    double distance = Math.abs(Math.log10(c));
    return Samples.clamp(0.91 - 0.03 * distance + random.nextDouble(-0.01, 0.01));
  }

  public static void main(String[] args) {
    try (Store store = Store.open(Samples.root(args))) {
      Result result = run(store);
      for (Child child : result.children()) {
        System.out.printf(
            "%s: mean accuracy %.4f over %d folds%n",
            store.getRun(child.runId()).info().runName(), child.accuracy(), child.foldRunIds().size());
      }
      System.out.printf(
          "Parent run %s: best %s, accuracy %.4f (store %s)%n",
          result.parentRunId(),
          store.getRun(result.best().runId()).info().runName(),
          result.best().accuracy(),
          store.root());
    }
  }
}
