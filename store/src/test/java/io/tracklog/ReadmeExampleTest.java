package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.model.LoadedModel;
import io.tracklog.model.ModelInfo;
import io.tracklog.model.ModelOptions;
import io.tracklog.model.Models;
import io.tracklog.model.OnnxFlavor;
import io.tracklog.model.Signature;
import io.tracklog.registry.ModelRegistry.ExistingVersions;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelStage;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegistryChange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example of README.md, kept compiling and true. */
class ReadmeExampleTest {
  @TempDir Path dir;

  @Test
  void readmeExample() {
    Run run;
    try (Store store = Store.open(dir.resolve("tracklog"))) {
      String experimentId = store.setExperiment("mnist").experimentId();

      String runId =
          store.run(
              RunSpec.of(experimentId, "baseline"),
              r -> {
                r.logParam("learning_rate", "0.01");
                for (int epoch = 0; epoch < 10; epoch++) {
                  r.logMetric("loss", 1.0 / (epoch + 1), epoch);
                }
                r.setTag("team", "vision");
              });

      run = store.getRun(runId);
    }
    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.info().runName()).isEqualTo("baseline");
    assertThat(run.metrics().get("loss").step()).isEqualTo(9);
    assertThat(run.metric("loss")).isEqualTo(0.1);
    assertThat(run.params()).containsEntry("learning_rate", "0.01");
    assertThat(run.tags()).containsEntry("team", "vision");
  }

  /** README, "Logging a model". */
  @Test
  void readmeModelExample() throws Exception {
    Files.writeString(dir.resolve("model.onnx"), "onnx");
    try (Store store = Store.open(dir.resolve("tracklog"));
        RunWriter run = store.startRun(RunSpec.of(store.setExperiment("mnist").experimentId(), "baseline"))) {
      Path modelFile = dir.resolve("model.onnx"); // README: Path.of("model.onnx")

      List<Map<String, Object>> rows = List.of(Map.of("x", 1.0), Map.of("x", 2.5)); // a DataFrame's records
      ModelInfo info = run.logModel("model", OnnxFlavor.of(modelFile),
          ModelOptions.DEFAULT.withSignature(Signature.infer(rows)).withInputExample(rows));

      LoadedModel model = Models.load(store, info.modelUri()); // "runs:/<run_id>/model": directory + MLmodel
      Path onnx = model.dataPath("onnx");

      assertThat(info.modelUri()).isEqualTo("runs:/" + run.runId() + "/model");
      assertThat(onnx).hasContent("onnx");
      assertThat(model.mlmodel().signature().inputs().toJson())
          .isEqualTo("[{\"type\": \"double\", \"name\": \"x\", \"required\": true}]");
    }
  }

  /** README, "Model registry". */
  @Test
  void readmeRegistryExample() {
    String files;
    List<RegistryChange> audit;
    ModelVersion champion;
    String runId;
    try (Store store = Store.open(dir.resolve("tracklog"))) {
      runId = store.run(RunSpec.of(store.setExperiment("mnist").experimentId(), "baseline"), r -> {});
    }
    try (Store store = Store.open(dir.resolve("tracklog"))) {
      ModelRegistry registry = store.registry();
      ModelVersion v = registry.registerModel("runs:/" + runId + "/model", "mnist-classifier");
      registry.setRegisteredModelAlias("mnist-classifier", "champion", v.version());
      registry.transitionModelVersionStage("mnist-classifier", v.version(), "Production", ExistingVersions.ARCHIVE);

      champion = registry.getModelVersionByAlias("mnist-classifier", "champion");
      files = registry.getModelVersionDownloadUri("mnist-classifier", champion.version());
      audit = registry.history("mnist-classifier"); // who changed what, when
    }
    assertThat(champion.version()).isEqualTo(1);
    assertThat(champion.currentStage()).isEqualTo(ModelStage.PRODUCTION);
    assertThat(champion.runId()).isEqualTo(runId);
    assertThat(files).endsWith(runId + "/artifacts/model");
    assertThat(audit).extracting(RegistryChange::kind)
        .containsExactly("model created", "version created", "alias set", "stage transitioned");
  }
}
