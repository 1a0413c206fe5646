package io.tracklog.samples;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.model.ModelInfo;
import io.tracklog.model.ModelOptions;
import io.tracklog.model.Signature;
import io.tracklog.model.xgboost.XGBoostFlavor;
import io.tracklog.reader.Archive;
import io.tracklog.reader.StoreReader;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The end of every MLflow tutorial: train a model (an XGBoost4J regressor on a generated data set),
 * log it with a signature and an input example, register it, point the alias {@code champion} at
 * the new version, load it back by that alias to predict, and ship it: an offline archive of the
 * model with the run that made it, opened read-only, the model loaded back from it.
 *
 * <pre>{@code
 * java @cli/target/jvm.options -cp ... io.tracklog.samples.ModelLifecycle [store-path]
 * }</pre>
 */
public final class ModelLifecycle {
  /** The experiment this sample logs into. */
  public static final String EXPERIMENT = "model-lifecycle";
  /** The registered model it creates a version of. */
  public static final String MODEL = "house-prices";
  /** The alias it points at the new version. */
  public static final String ALIAS = "champion";

  static final int FEATURES = 4;
  static final int TRAIN_ROWS = 400;
  static final int TEST_ROWS = 100;

  private ModelLifecycle() {}

  /**
   * What the sample did: the run, the registered version, and the test-set predictions of the
   * trained booster, of the one loaded back through {@code models:/house-prices@champion}, and of
   * the one loaded from the offline archive.
   */
  public record Result(
      String runId, int version, String modelUri, double rmse, float[] trained, float[] loaded, float[] fromArchive) {}

  /** Trains, logs, registers and loads back one model in {@code store}. */
  public static Result run(Store store) throws XGBoostError {
    float[] train = features(TRAIN_ROWS, 1);
    float[] test = features(TEST_ROWS, 2);
    Map<String, Object> params = Map.of("max_depth", 4, "eta", 0.3, "objective", "reg:squarederror", "nthread", 1, "seed", 7);
    int rounds = 30;
    DMatrix trainSet = matrix(train, TRAIN_ROWS);
    trainSet.setLabel(labels(train, TRAIN_ROWS));
    Booster booster = XGBoost.train(trainSet, params, rounds, Map.of(), null, null);
    float[] trained = flatten(booster.predict(matrix(test, TEST_ROWS)));
    double rmse = rmse(trained, labels(test, TEST_ROWS));

    String experimentId = store.setExperiment(EXPERIMENT).experimentId();
    double[][] example = {row(test, 0), row(test, 1)};
    ModelInfo[] logged = new ModelInfo[1];
    String runId = store.run(RunSpec.builder(experimentId).runName("xgboost-regressor").build(), run -> {
      params.forEach((k, v) -> run.logParam(k, String.valueOf(v)));
      run.logParam("num_boost_round", Integer.toString(rounds));
      run.logMetric("rmse", rmse);
      logged[0] = run.logModel("model", XGBoostFlavor.of(booster),
          ModelOptions.DEFAULT.withSignature(Signature.infer(example, new float[] {trained[0]})).withInputExample(example));
    });

    ModelRegistry registry = store.registry();
    int version = registry.registerModel(logged[0].modelUri(), MODEL).version();
    registry.setRegisteredModelAlias(MODEL, ALIAS, version);

    Booster champion = XGBoostFlavor.loadBooster(store, "models:/" + MODEL + "@" + ALIAS);
    float[] loaded = flatten(champion.predict(matrix(test, TEST_ROWS)));
    float[] fromArchive = flatten(shipped(store).predict(matrix(test, TEST_ROWS)));
    return new Result(runId, version, logged[0].modelUri(), rmse, trained, loaded, fromArchive);
  }

  /**
   * Archives the champion with its run (a temporary file here; {@code tracklog archive create} on
   * the command line), opens the archive read-only and loads the booster from it.
   */
  static Booster shipped(Store store) throws XGBoostError {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("tracklog-model-archive");
      Path archive = dir.resolve(MODEL + ".tlar");
      Archive.create(store, Archive.Selection.ofModel(MODEL + "@" + ALIAS), archive);
      try (StoreReader reader = StoreReader.open(archive)) {
        ModelVersion v = reader.registry().versionByAlias(MODEL, ALIAS).orElseThrow();
        try (InputStream in = reader.openArtifact(v.runId(), "model/model.ubj")) {
          return XGBoost.loadModel(in);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        try (var files = Files.walk(dir)) {
          for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        } catch (IOException ignored) {
          // a temporary folder
        }
      }
    }
  }

  /** Seeded uniform features in [0, 1), row-major. */
  static float[] features(int rows, long seed) {
    Random random = new Random(seed);
    float[] x = new float[rows * FEATURES];
    for (int i = 0; i < x.length; i++) {
      x[i] = random.nextFloat();
    }
    return x;
  }

  /** A price: 3·x0 − 2·x1 + x2², x3 is noise the model must learn to ignore. */
  static float[] labels(float[] x, int rows) {
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      float x2 = x[i * FEATURES + 2];
      y[i] = 3 * x[i * FEATURES] - 2 * x[i * FEATURES + 1] + x2 * x2;
    }
    return y;
  }

  private static DMatrix matrix(float[] x, int rows) throws XGBoostError {
    return new DMatrix(x, rows, FEATURES, Float.NaN);
  }

  private static double[] row(float[] x, int i) {
    double[] r = new double[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      r[j] = x[i * FEATURES + j];
    }
    return r;
  }

  private static float[] flatten(float[][] predictions) {
    float[] out = new float[predictions.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = predictions[i][0];
    }
    return out;
  }

  private static double rmse(float[] predicted, float[] actual) {
    double sum = 0;
    for (int i = 0; i < predicted.length; i++) {
      double d = predicted[i] - actual[i];
      sum += d * d;
    }
    return Math.sqrt(sum / predicted.length);
  }

  public static void main(String[] args) throws XGBoostError {
    try (Store store = Store.open(Samples.root(args))) {
      Result r = run(store);
      System.out.printf(
          "Model %s version %d (alias %s) from run %s, test RMSE %.4f; loaded back by alias and from an archive: %s%n",
          MODEL, r.version(), ALIAS, r.runId(), r.rmse(),
          Arrays.equals(r.trained(), r.loaded()) && Arrays.equals(r.trained(), r.fromArchive())
              ? "same predictions" : "DIFFERENT predictions");
    }
  }
}
