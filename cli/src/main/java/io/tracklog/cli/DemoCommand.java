package io.tracklog.cli;

import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.samples.GridSearch;
import io.tracklog.samples.ModelLifecycle;
import io.tracklog.samples.NestedRuns;
import io.tracklog.samples.QuickStart;
import io.tracklog.samples.TrainingCurves;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code tracklog demo}: runs the five samples into a store, then summarises each experiment and the model. The
 * samples use set_experiment semantics, so running it again adds runs to the same experiments.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the five samples into a store (the last trains, logs, registers and loads back a model) and summarise what they logged.")
final class DemoCommand extends StoreCommand {
  static final List<String> EXPERIMENTS =
      List.of(QuickStart.EXPERIMENT, GridSearch.EXPERIMENT, TrainingCurves.EXPERIMENT, NestedRuns.EXPERIMENT);

  /** Metrics to rank runs by, in order of preference: the first one any run logged is used. */
  static final List<String> SCORES = List.of("accuracy", "val_accuracy");

  @Override
  int execute() {
    try (Store store = Store.open(root())) {
      QuickStart.run(store);
      GridSearch.run(store);
      TrainingCurves.run(store);
      NestedRuns.run(store);
      ModelLifecycle.Result model = modelLifecycle(store);
      out().println("Logged 5 samples into " + store.root());
      out().println();
      Table table = new Table("EXPERIMENT", "ID", "RUNS", "BEST RUN", "RUN ID", "METRIC", "VALUE");
      for (String name : EXPERIMENTS) {
        Summary s = summarise(store, store.findExperimentByName(name).orElseThrow());
        table.row(
            s.name(),
            s.experimentId(),
            s.runCount(),
            s.best().map(r -> r.info().runName()).orElse("-"),
            s.best().map(Run::runId).orElse("-"),
            s.metric(),
            s.best().map(r -> String.format(Locale.ROOT, "%.4f", r.metric(s.metric()))).orElse("-"));
      }
      table.print(out());
      out().println();
      out().printf(Locale.ROOT,
          "Model %s version %d (alias %s) from run %s in %s, test RMSE %.4f: loaded back by alias and from an archive, %s%n",
          ModelLifecycle.MODEL, model.version(), ModelLifecycle.ALIAS, model.runId(), ModelLifecycle.EXPERIMENT, model.rmse(),
          java.util.Arrays.equals(model.trained(), model.loaded()) && java.util.Arrays.equals(model.trained(), model.fromArchive())
              ? "same predictions" : "DIFFERENT predictions");
    }
    return 0;
  }

  private static ModelLifecycle.Result modelLifecycle(Store store) {
    try {
      return ModelLifecycle.run(store);
    } catch (ml.dmlc.xgboost4j.java.XGBoostError e) {
      throw new IllegalStateException("XGBoost failed to train the demo model: " + e.getMessage(), e);
    }
  }

  /** One experiment's line in the summary: its active runs and the best of them by {@code metric}. */
  record Summary(String name, String experimentId, int runCount, String metric, Optional<Run> best) {}

  static Summary summarise(Store store, Experiment experiment) {
    List<Run> runs =
        store.runs(experiment.experimentId()).stream()
            .filter(r -> r.info().lifecycleStage() == LifecycleStage.ACTIVE)
            .toList();
    String metric =
        SCORES.stream()
            .filter(m -> runs.stream().anyMatch(r -> r.metric(m) != null))
            .findFirst()
            .orElse(SCORES.get(0));
    Optional<Run> best =
        runs.stream()
            .filter(r -> r.metric(metric) != null && !r.metric(metric).isNaN())
            .max(Comparator.comparingDouble(r -> r.metric(metric)));
    return new Summary(experiment.name(), experiment.experimentId(), runs.size(), metric, best);
  }
}
