package io.tracklog.samples;

import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.Store;

/**
 * MLflow's quickstart: one run with params, a metric per training step, tags, ended FINISHED.
 *
 * <pre>{@code
 * java @cli/target/jvm.options -cp ... io.tracklog.samples.QuickStart [store-path]
 * }</pre>
 */
public final class QuickStart {
  /** The experiment this sample logs into. */
  public static final String EXPERIMENT = "quickstart";

  static final int STEPS = 10;

  private QuickStart() {}

  /** Logs one run into {@code store} and returns its id. */
  public static String run(Store store) {
    String experimentId = store.setExperiment(EXPERIMENT).experimentId();
    RunSpec spec = RunSpec.builder(experimentId).runName("baseline").tag("team", "tracklog").build();
    return store.run(
        spec,
        run -> {
          run.logParam("learning_rate", "0.05");
          run.logParam("epochs", Integer.toString(STEPS));
          run.logParam("optimizer", "sgd");
          for (int step = 0; step < STEPS; step++) {
            double loss = 0.2 + 0.8 * Math.exp(-0.4 * step);
            run.logMetric("loss", loss, step);
            run.logMetric("accuracy", 1.0 - loss / 2, step);
          }
          run.setTag("mlflow.note.content", "A first run: params, per-step metrics and tags.");
        }); // the block returned, so the run ends FINISHED
  }

  public static void main(String[] args) {
    try (Store store = Store.open(Samples.root(args))) {
      Run run = store.getRun(run(store));
      System.out.printf(
          "Run %s (%s) in %s: %s, accuracy %.4f%n",
          run.info().runName(), run.runId(), store.root(), run.info().status(), run.metric("accuracy"));
    }
  }
}
