package io.tracklog.model.xgboost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.ArtifactInfo;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.CorruptFileException;
import io.tracklog.model.LoadedModel;
import io.tracklog.model.ModelInfo;
import io.tracklog.model.ModelOptions;
import io.tracklog.model.Models;
import io.tracklog.model.Signature;
import io.tracklog.model.TensorSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class XGBoostFlavorTest {
  private static final int ROWS = 200;
  private static final int COLS = 4;

  @TempDir Path dir;

  /** y = 2·x0 − x1 + noise, on seeded random data. */
  private static float[] features(long seed) {
    Random r = new Random(seed);
    float[] x = new float[ROWS * COLS];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    return x;
  }

  private static Booster train(float[] x) throws Exception {
    float[] y = new float[ROWS];
    for (int i = 0; i < ROWS; i++) {
      y[i] = 2 * x[i * COLS] - x[i * COLS + 1];
    }
    DMatrix train = new DMatrix(x, ROWS, COLS, Float.NaN);
    train.setLabel(y);
    Map<String, Object> params = Map.of("max_depth", 3, "eta", 0.3, "objective", "reg:squarederror", "nthread", 1, "seed", 7);
    return XGBoost.train(train, params, 10, Map.of(), null, null);
  }

  private static float[][] predict(Booster b, float[] x) throws Exception {
    return b.predict(new DMatrix(x, ROWS, COLS, Float.NaN));
  }

  @ParameterizedTest
  @EnumSource(XGBoostFlavor.Format.class)
  void booster_loggedInARun_loadedThroughRunsUri_predictsTheSame(XGBoostFlavor.Format format) throws Exception {
    float[] x = features(42);
    Booster booster = train(x);
    try (Store store = Store.open(dir.resolve("store"), StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build());
        RunWriter run = store.startRun(store.createExperiment("xgb"))) {
      double[][] example = {{0.1, 0.2, 0.3, 0.4}};
      ModelInfo info = run.logModel("model", XGBoostFlavor.of(booster, format),
          ModelOptions.DEFAULT.withSignature(Signature.infer(example, new float[] {0.5f})).withInputExample(example));

      String ext = format.name().toLowerCase(java.util.Locale.ROOT);
      assertThat(store.listArtifacts(run.runId(), "model")).extracting(ArtifactInfo::path)
          .contains("model/MLmodel", "model/model." + ext, "model/conda.yaml", "model/python_env.yaml", "model/requirements.txt");
      Map<String, Object> expected = new java.util.LinkedHashMap<>();
      expected.put("xgb_version", "3.4.0");
      expected.put("data", "model." + ext);
      expected.put("model_class", "xgboost.core.Booster");
      expected.put("model_format", ext);
      expected.put("code", null);
      assertThat(info.flavors().get("xgboost")).containsExactlyEntriesOf(expected);
      assertThat(info.flavors().get("python_function"))
          .containsEntry("loader_module", "mlflow.xgboost").containsEntry("data", "model." + ext);
      assertThat(info.signature().outputs().elements()).containsExactly(TensorSpec.of("float32", -1));
      String reqs = new String(store.openArtifact(run.runId(), "model/requirements.txt").readAllBytes(), StandardCharsets.UTF_8);
      assertThat(reqs).isEqualTo("mlflow==" + Models.MLFLOW_VERSION + "\nxgboost==3.4.0");
      byte[] saved = store.openArtifact(run.runId(), "model/model." + ext).readAllBytes();
      boolean json = new String(saved, StandardCharsets.UTF_8).startsWith("{\"learner\"");
      assertThat(json).isEqualTo(format == XGBoostFlavor.Format.JSON); // UBJ: binary markers, not JSON text

      Booster loaded = XGBoostFlavor.loadBooster(store, info.modelUri());
      float[] other = features(43);
      assertThat(predict(loaded, other)).isDeepEqualTo(predict(booster, other));
    }
  }

  /** README, "Logging a model". */
  @Test
  void readmeExample() throws Exception {
    float[] x = features(5);
    Booster booster = train(x);
    try (Store store = Store.open(dir.resolve("tracklog")); RunWriter run = store.startRun(store.createExperiment("e"))) {
      ModelInfo info = run.logModel("model", XGBoostFlavor.of(booster));
      Booster again = XGBoostFlavor.loadBooster(store, info.modelUri());

      assertThat(info.mlmodel().flavors().get("xgboost")).containsEntry("model_format", "ubj");
      assertThat(predict(again, x)).isDeepEqualTo(predict(booster, x));
    }
  }

  @Test
  void damagedModelFile_isCorruptFileException() throws Exception {
    Booster booster = train(features(1));
    Path modelDir = dir.resolve("m");
    Files.createDirectories(modelDir);
    Map<String, Map<String, Object>> flavors = XGBoostFlavor.of(booster).save(modelDir);
    Files.write(modelDir.resolve("model.ubj"), new byte[] {1, 2, 3});
    Files.writeString(modelDir.resolve("MLmodel"),
        new io.tracklog.model.MLmodel(null, flavors, null, "u", null, null, null, null, null, null, null).toYaml());
    try (Store store = Store.open(dir.resolve("store"))) {
      LoadedModel model = Models.load(store, modelDir.toString());
      assertThatThrownBy(() -> XGBoostFlavor.load(model)).isInstanceOf(CorruptFileException.class)
          .hasMessageContaining("model.ubj");
    }
  }
}
