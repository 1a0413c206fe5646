package io.tracklog.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.ArtifactInfo;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.ErrorCode;
import io.tracklog.error.InvalidArtifactPathException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.MLmodelNotFoundException;
import io.tracklog.error.RunNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogModelTest {
  @TempDir Path dir;

  private Store open() {
    return Store.open(dir.resolve("store"), StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build());
  }

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve("src").resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  private static List<Map<String, Object>> rows() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("x", 1.0);
    a.put("s", "a");
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("x", Double.NaN);
    b.put("s", "b");
    return List.of(a, b);
  }

  @Test
  void onnx_loggedAsArtifacts_withMlmodel_historyTag_andLoadedBack() throws Exception {
    Path onnx = file("model.onnx", "not really onnx");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      List<Map<String, Object>> rows = rows();
      ModelInfo info = run.logModel("model", OnnxFlavor.of(onnx),
          ModelOptions.DEFAULT.withSignature(Signature.infer(rows)).withInputExample(rows).withMetadata(Map.of("team", "vision")));

      assertThat(info.modelUri()).isEqualTo("runs:/" + run.runId() + "/model");
      assertThat(info.runId()).isEqualTo(run.runId());
      assertThat(info.modelUuid()).matches("[0-9a-f]{32}");
      assertThat(info.flavors()).containsOnlyKeys("python_function", "onnx");
      assertThat(store.listArtifacts(run.runId(), "model")).extracting(ArtifactInfo::path).containsExactly(
          "model/MLmodel", "model/conda.yaml", "model/input_example.json", "model/model.onnx", "model/python_env.yaml",
          "model/requirements.txt", "model/serving_input_example.json");

      String mlmodel = new String(store.openArtifact(run.runId(), "model/MLmodel").readAllBytes(), StandardCharsets.UTF_8);
      assertThat(mlmodel).isEqualTo(info.mlmodel().toYaml());
      assertThat(mlmodel).contains("""
          flavors:
            onnx:
              code: null
              data: model.onnx
              onnx_session_options: null
              onnx_version: 1.17.0
              providers:
              - CUDAExecutionProvider
              - CPUExecutionProvider
            python_function:
              data: model.onnx
              env:
                conda: conda.yaml
                virtualenv: python_env.yaml
              loader_module: mlflow.onnx
              python_version: 3.11.7
          metadata:
            team: vision
          mlflow_version: 3.6.0
          model_size_bytes: 252
          """);
      assertThat(mlmodel).contains("""
          saved_input_example_info:
            artifact_path: input_example.json
            pandas_orient: split
            serving_input_path: serving_input_example.json
            type: dataframe
          signature:
            inputs: '[{"type": "double", "name": "x", "required": false}, {"type": "string",
              "name": "s", "required": true}]'
            outputs: null
            params: null
          """);
      assertThat(text(store, run, "model/input_example.json"))
          .isEqualTo("{\"columns\": [\"x\", \"s\"], \"data\": [[1.0, \"a\"], [null, \"b\"]]}");
      assertThat(text(store, run, "model/serving_input_example.json")).isEqualTo("""
          {
            "dataframe_split": {
              "columns": [
                "x",
                "s"
              ],
              "data": [
                [
                  1.0,
                  "a"
                ],
                [
                  null,
                  "b"
                ]
              ]
            }
          }""");
      assertThat(text(store, run, "model/requirements.txt")).isEqualTo("mlflow==3.6.0\nonnx==1.17.0\nonnxruntime");
      assertThat(text(store, run, "model/python_env.yaml")).isEqualTo("""
          python: 3.11.7
          build_dependencies:
          - pip
          - setuptools
          - wheel
          dependencies:
          - -r requirements.txt
          """);

      String history = store.getRun(run.runId()).tags().get(Models.LOG_MODEL_HISTORY_TAG);
      assertThat(history).isEqualTo("[{\"run_id\": \"" + run.runId() + "\", \"artifact_path\": \"model\", "
          + "\"utc_time_created\": \"" + info.utcTimeCreated() + "\", \"model_uuid\": \"" + info.modelUuid() + "\", "
          + "\"flavors\": {\"python_function\": {\"loader_module\": \"mlflow.onnx\", \"python_version\": \"3.11.7\", "
          + "\"data\": \"model.onnx\", \"env\": {\"conda\": \"conda.yaml\", \"virtualenv\": \"python_env.yaml\"}}, "
          + "\"onnx\": {\"onnx_version\": \"1.17.0\", \"data\": \"model.onnx\", \"providers\": [\"CUDAExecutionProvider\", "
          + "\"CPUExecutionProvider\"], \"onnx_session_options\": null, \"code\": null}}}]");

      LoadedModel loaded = Models.load(store, info.modelUri());
      assertThat(loaded.mlmodel()).isEqualTo(info.mlmodel());
      assertThat(loaded.directory()).isEqualTo(store.artifacts(run.runId()).root().resolve("model"));
      assertThat(Files.readString(loaded.dataPath("onnx"))).isEqualTo("not really onnx");
      assertThat(Models.load(store, loaded.directory().toUri().toString()).mlmodel()).isEqualTo(info.mlmodel());
      assertThat(Models.load(store, loaded.directory().toString()).mlmodel()).isEqualTo(info.mlmodel());
    }
  }

  private static String text(Store store, RunWriter run, String path) throws IOException {
    return new String(store.openArtifact(run.runId(), path).readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void history_appendedPerModel_notHeldToTagLengthLimit() throws Exception {
    Path model = file("weights.bin", "w");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      Map<String, Object> big = new LinkedHashMap<>();
      big.put("blob", "x".repeat(9000));
      List<ModelInfo> infos = new ArrayList<>();
      infos.add(run.logModel("a", new JvmFlavor(model, "com.example.Loader", big)));
      infos.add(run.logModel("b/c", JvmFlavor.of(model, "com.example.Loader")));
      List<Map<String, Object>> history = new ObjectMapper().readValue(
          store.getRun(run.runId()).tags().get(Models.LOG_MODEL_HISTORY_TAG), new TypeReference<>() {});
      assertThat(history).extracting(h -> h.get("artifact_path")).containsExactly("a", "b/c");
      assertThat(history).extracting(h -> h.get("model_uuid")).containsExactly(infos.get(0).modelUuid(), infos.get(1).modelUuid());
      assertThat(Models.load(store, "runs:/" + run.runId() + "/b/c").dataPath(JvmFlavor.NAME)).hasContent("w");
    }
  }

  @Test
  void concurrentLogModels_onOneRun_keepEveryHistoryEntry() throws Exception {
    Path model = file("w.bin", "w");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          int thread = t;
          done.add(pool.submit(() -> {
            start.await();
            for (int i = 0; i < 3; i++) {
              run.logModel("t" + thread + "/m" + i, JvmFlavor.of(model, "L"));
            }
            return null;
          }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      List<Map<String, Object>> history = new ObjectMapper().readValue(
          store.getRun(run.runId()).tags().get(Models.LOG_MODEL_HISTORY_TAG), new TypeReference<>() {});
      assertThat(history).extracting(h -> (String) h.get("artifact_path"))
          .containsExactlyInAnyOrder("t0/m0", "t0/m1", "t0/m2", "t1/m0", "t1/m1", "t1/m2");
    }
  }

  @Test
  void jvmFlavor_directoryCopied_entryWithoutPythonFunction() throws Exception {
    file("djl/model/params.bin", "p");
    file("djl/serving.properties", "engine=PyTorch");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      ModelInfo info = run.logModel("m", new JvmFlavor(dir.resolve("src/djl"), "ai.djl.repository.zoo.Criteria",
          Map.of("framework", "djl")));
      assertThat(info.flavors()).containsOnlyKeys("jvm");
      assertThat(info.flavors().get("jvm")).containsExactly(
          Map.entry("data", "djl"), Map.entry("loader_class", "ai.djl.repository.zoo.Criteria"), Map.entry("framework", "djl"));
      assertThat(store.artifacts(run.runId()).listAll()).extracting(ArtifactInfo::path)
          .containsExactly("m/MLmodel", "m/djl/model/params.bin", "m/djl/serving.properties");
      LoadedModel loaded = Models.load(store, info.modelUri());
      assertThat(loaded.dataPath("jvm").resolve("serving.properties")).hasContent("engine=PyTorch");
      assertThat(loaded.mlmodel().modelSizeBytes()).isEqualTo(15L);
      assertThatThrownBy(() -> loaded.dataPath("onnx")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("does not have the \"onnx\" flavor");
    }
  }

  @Test
  void tensorExample_savedAsNdarray_inputsForServing() throws Exception {
    Path model = file("m.bin", "m");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      double[][] x = {{1, 2.5}, {Double.NaN, 4}};
      ModelInfo info = run.logModel("m", JvmFlavor.of(model, "L"), ModelOptions.DEFAULT.withInputExample(x));
      assertThat(info.mlmodel().savedInputExampleInfo()).containsEntry("type", "ndarray");
      assertThat(text(store, run, "m/input_example.json")).isEqualTo("[[1.0, 2.5], [null, 4.0]]");
      assertThat(text(store, run, "m/serving_input_example.json"))
          .isEqualTo("{\n  \"inputs\": [\n    [\n      1.0,\n      2.5\n    ],\n    [\n      null,\n      4.0\n    ]\n  ]\n}");
      run.logModel("j", JvmFlavor.of(model, "L"), ModelOptions.DEFAULT.withInputExample(Map.of("q", "hi")));
      assertThat(text(store, run, "j/input_example.json")).isEqualTo("{\"q\": \"hi\"}");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "../out", "/abs", "a/../b", "a//b", "a\\b"})
  void badArtifactPath_typedError_nothingWritten(String path) throws Exception {
    Path model = file("m.bin", "m");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      assertThatThrownBy(() -> run.logModel(path, JvmFlavor.of(model, "L")))
          .isInstanceOf(InvalidArtifactPathException.class)
          .satisfies(e -> assertThat(((InvalidParameterException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
      assertThat(store.artifacts(run.runId()).listAll()).isEmpty();
      assertThat(store.getRun(run.runId()).tags()).doesNotContainKey(Models.LOG_MODEL_HISTORY_TAG);
    }
    assertThatThrownBy(() -> Models.log(null, null, null, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void failingFlavorOrBadExample_nothingWritten() throws Exception {
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      assertThatThrownBy(() -> run.logModel("m", OnnxFlavor.of(dir.resolve("missing.onnx"))))
          .isInstanceOf(InvalidParameterException.class).hasMessageContaining("not a regular file");
      ModelFlavor writesMlmodel = d -> {
        Files.writeString(d.resolve("MLmodel"), "x: 1");
        return Map.of("custom", Map.of());
      };
      assertThatThrownBy(() -> run.logModel("m", writesMlmodel)).isInstanceOf(InvalidParameterException.class);
      Path model = file("m.bin", "m");
      assertThatThrownBy(() -> run.logModel("m", JvmFlavor.of(model, "L"), ModelOptions.DEFAULT.withInputExample(new Object())))
          .isInstanceOf(InvalidParameterException.class);
      Files.createDirectories(dir.resolve("empty"));
      assertThatThrownBy(() -> run.logModel("m", JvmFlavor.of(dir.resolve("empty"), "L")))
          .isInstanceOf(InvalidParameterException.class).hasMessageContaining("has no files");
      assertThat(store.artifacts(run.runId()).listAll()).isEmpty();
    }
  }

  @Test
  void load_errors_typed() throws Exception {
    Path model = file("m.bin", "m");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      run.logArtifact(model, "plain");
      run.logModel("m", JvmFlavor.of(model, "L"));
      assertThatThrownBy(() -> Models.load(store, "runs:/0123456789abcdef0123456789abcdef/m"))
          .isInstanceOf(RunNotFoundException.class);
      assertThatThrownBy(() -> Models.load(store, "runs:/" + run.runId() + "/plain"))
          .isInstanceOf(MLmodelNotFoundException.class)
          .hasMessageContaining("Could not find an \"MLmodel\" configuration file at")
          .satisfies(e -> assertThat(((MLmodelNotFoundException) e).errorCode()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
      assertThatThrownBy(() -> Models.load(store, "runs:/" + run.runId() + "/../x"))
          .isInstanceOf(InvalidArtifactPathException.class);
      assertThatThrownBy(() -> Models.load(store, dir.resolve("nowhere").toString()))
          .isInstanceOf(MLmodelNotFoundException.class);
      assertThatThrownBy(() -> Models.load(store, "runs:/")).isInstanceOf(InvalidModelUriException.class);
      assertThatThrownBy(() -> Models.load(store, "models:/m/1")).isInstanceOf(io.tracklog.error.ResourceNotFoundException.class);
      assertThatThrownBy(() -> Models.load(store, "models:/m-0123")).isInstanceOf(InvalidModelUriException.class);

      // damaged in place: the MLmodel no longer has the SHA-256 its event recorded
      Path mlmodel = store.artifacts(run.runId()).root().resolve("m/MLmodel");
      String text = Files.readString(mlmodel);
      Files.writeString(mlmodel, text.replace("loader_class: L", "loader_class: X"));
      assertThatThrownBy(() -> Models.load(store, "runs:/" + run.runId() + "/m")).isInstanceOf(CorruptFileException.class);
    }
  }

  /** A registry stand-in recording what it was asked. */
  private static final class FakeRegistry implements RegistryLookup {
    final List<String> calls = new ArrayList<>();
    final String source;

    FakeRegistry(String source) {
      this.source = source;
    }

    @Override
    public String sourceOf(String name, String version) {
      calls.add("source " + name + " " + version);
      return source;
    }

    @Override
    public String versionOf(String name, String alias) {
      calls.add("alias " + name + " " + alias);
      return "3";
    }

    @Override
    public String latestVersion(String name, String stage) {
      calls.add("latest " + name + " " + stage);
      return "Archived".equals(stage) ? null : "7";
    }
  }

  @Test
  void modelsUris_routedThroughRegistryLookup_thenResolvedAsSources() throws Exception {
    Path model = file("m.bin", "m");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      ModelInfo info = run.logModel("model", JvmFlavor.of(model, "L"));
      FakeRegistry registry = new FakeRegistry(info.modelUri());

      assertThat(Models.load(store, "models:/clf/2", registry).mlmodel()).isEqualTo(info.mlmodel());
      assertThat(Models.load(store, "models:/clf@champion", registry).mlmodel()).isEqualTo(info.mlmodel());
      assertThat(Models.load(store, "models:/clf/production", registry).mlmodel()).isEqualTo(info.mlmodel());
      assertThat(Models.load(store, "models:/clf/latest", registry).mlmodel()).isEqualTo(info.mlmodel());
      assertThat(registry.calls).containsExactly(
          "source clf 2", "alias clf champion", "source clf 3", "latest clf Production", "source clf 7",
          "latest clf null", "source clf 7");

      assertThatThrownBy(() -> Models.load(store, "models:/clf/archived", registry))
          .isInstanceOf(InvalidModelUriException.class)
          .hasMessage("No versions of model with name 'clf' and stage 'Archived' found");
      assertThatThrownBy(() -> Models.load(store, "models:/clf/-1", registry))
          .isExactlyInstanceOf(InvalidParameterException.class).hasMessageStartingWith("Invalid Model Version stage: -1.");

      // a sub-path below the version, and a version whose source is a local directory
      Path local = store.artifacts(run.runId()).root();
      FakeRegistry byPath = new FakeRegistry(local.toUri().toString());
      assertThat(Models.load(store, "models:/clf/1/model", byPath).directory()).isEqualTo(local.resolve("model"));
    }
  }
}
