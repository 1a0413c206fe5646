package io.tracklog.cli.ui;

import io.tracklog.Store;
import io.tracklog.samples.GridSearch;
import io.tracklog.samples.ModelLifecycle;
import io.tracklog.samples.NestedRuns;
import io.tracklog.samples.QuickStart;
import io.tracklog.samples.TrainingCurves;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The demo store, as {@code tracklog demo} writes it: the five samples run into a store, which the
 * UI tests then look at. What each sample returns (its run ids) is kept so that a test can name a
 * run; everything a test checks on the page it asks the store, not this record.
 */
record DemoStore(
    String quickStartRunId,
    GridSearch.Result gridSearch,
    TrainingCurves.Result trainingCurves,
    NestedRuns.Result nestedRuns,
    ModelLifecycle.Result modelLifecycle) {

  /** Runs the five samples into {@code store}, in {@code DemoCommand}'s order. */
  static DemoStore write(Store store) {
    String quickStart = QuickStart.run(store);
    GridSearch.Result grid = GridSearch.run(store);
    TrainingCurves.Result curves = TrainingCurves.run(store);
    NestedRuns.Result nested = NestedRuns.run(store);
    try {
      return new DemoStore(quickStart, grid, curves, nested, ModelLifecycle.run(store));
    } catch (XGBoostError e) {
      throw new IllegalStateException("XGBoost failed to train the demo model", e);
    }
  }
}
