package io.tracklog.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.RunArtifacts;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.MLmodelNotFoundException;
import io.tracklog.internal.PythonJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Logging and loading models in MLflow's format (docs/FORMAT.md §Models): a model is a directory of
 * files with an {@link MLmodel} at its root, kept among a run's artifacts as MLflow 2.x does.
 *
 * <pre>{@code
 * ModelInfo info = run.logModel("model", OnnxFlavor.of(onnxFile), ModelOptions.DEFAULT);
 * LoadedModel model = Models.load(store, info.modelUri());      // runs:/<run_id>/model
 * Path onnx = model.dataPath("onnx");
 * }</pre>
 *
 * <p>Thread-safe: static methods over the store's own thread-safety.
 */
public final class Models {
  /** The MLflow version written as {@code mlflow_version} and required in requirements.txt. */
  public static final String MLFLOW_VERSION = "3.6.0";

  /** The run tag MLflow 2.x appends each logged model to (mlflow/utils/mlflow_tags.py). */
  public static final String LOG_MODEL_HISTORY_TAG = "mlflow.log-model.history";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Models() {}

  /**
   * Writes a model into the run's artifacts at {@code artifactPath}: the flavor's files, the input
   * example and MLmodel (run_id, a new model_uuid, utc_time_created now) are staged in a temporary
   * directory, MLmodel is read back, then every file is logged with {@link RunWriter#logArtifacts} (an
   * ArtifactWritten event each), MLmodel last. {@link RunWriter#logModel} calls this, then records the history tag.
   *
   * @throws io.tracklog.error.InvalidArtifactPathException if {@code artifactPath} is empty or leaves the
   *     artifact folder; nothing is written
   * @throws InvalidParameterException if the flavor's input is invalid or it writes nothing usable;
   *     nothing is written
   * @throws UncheckedIOException if staging fails
   */
  public static ModelInfo log(RunWriter run, String artifactPath, ModelFlavor flavor, ModelOptions options) {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(flavor, "flavor");
    Objects.requireNonNull(options, "options");
    List<String> segments = RunArtifacts.segments(artifactPath, false);
    String path = String.join("/", segments);
    Path staging = null;
    Path meta = null;
    try {
      staging = Files.createTempDirectory("tracklog-model-");
      Map<String, Map<String, Object>> flavors = flavor.save(staging);
      if (flavors == null || flavors.isEmpty()) {
        throw new InvalidParameterException("Cannot log model: flavor " + flavor.getClass().getName() + " added no flavor");
      }
      if (Files.exists(staging.resolve(MLmodel.FILE_NAME))) {
        throw new InvalidParameterException("Cannot log model: a flavor may not write " + MLmodel.FILE_NAME);
      }
      Map<String, Object> exampleInfo =
          options.inputExample() == null ? null : InputExample.save(options.inputExample(), staging);
      MLmodel mlmodel = new MLmodel(
          path, flavors, run.runId(), UUID.randomUUID().toString().replace("-", ""),
          MLmodel.formatUtcTime(Instant.now()), MLFLOW_VERSION, options.signature(), exampleInfo,
          modelSize(staging), options.metadata(), Map.of());
      String yaml = mlmodel.toYaml();
      MLmodel.parse(yaml); // what Python will read back must parse here
      meta = Files.createTempDirectory("tracklog-mlmodel-");
      Path mlmodelFile = Files.writeString(meta.resolve(MLmodel.FILE_NAME), yaml, StandardCharsets.UTF_8);
      // MLmodel last: a directory that has one is whole, even if logging stopped half-way.
      run.logArtifacts(staging, path);
      run.logArtifact(mlmodelFile, path);
      return new ModelInfo("runs:/" + run.runId() + "/" + path, mlmodel);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stage model " + path + " of run " + run.runId(), e);
    } finally {
      deleteQuietly(staging);
      deleteQuietly(meta);
    }
  }

  /** MLflow's model_size_bytes: the files the flavor and the example wrote, not the environment files. */
  private static Long modelSize(Path dir) throws IOException {
    long size = 0;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        if (!(f.getParent().equals(dir) && PythonEnv.FILES.contains(f.getFileName().toString()))) {
          size += Files.size(f);
        }
      }
    }
    return size == 0 ? null : size;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a temp folder left behind is the OS's to clean; the model was logged or the cause is thrown
    }
  }

  /**
   * The value of {@link #LOG_MODEL_HISTORY_TAG} after logging {@code model}: {@code history} (a JSON
   * list, or null) with {@code {"run_id", "artifact_path", "utc_time_created", "model_uuid",
   * "flavors"}} appended, each flavor without its {@code config} (mlflow/models/model.py, {@code
   * get_tags_dict}). A history that is not a JSON list is replaced by a new one.
   */
  public static String appendHistory(String history, MLmodel model) {
    List<Object> list = new ArrayList<>();
    if (history != null) {
      try {
        list.addAll(JSON.readValue(history, new TypeReference<List<Object>>() {}));
      } catch (IOException e) {
        list.clear(); // MLflow's own value, damaged: start over rather than fail a logged model
      }
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("run_id", model.runId());
    entry.put("artifact_path", model.artifactPath());
    entry.put("utc_time_created", model.utcTimeCreated());
    entry.put("model_uuid", model.modelUuid());
    Map<String, Object> flavors = new LinkedHashMap<>();
    model.flavors().forEach((name, params) -> {
      Map<String, Object> p = new LinkedHashMap<>(params);
      p.remove("config");
      flavors.put(name, p);
    });
    entry.put("flavors", flavors);
    list.add(entry);
    return PythonJson.dumps(list);
  }

  // ---- loading ---------------------------------------------------------------------------------

  /**
   * Resolves a model URI to its directory and MLmodel: {@code runs:/<run_id>/<path>} (the directory in
   * the store's artifact folder; no copy is made), a {@code file:} URI or a local path, and {@code
   * models:/name/version}, {@code models:/name/stage}, {@code models:/name/latest} and {@code
   * models:/name@alias}, resolved with MLflow's rules through the store's model registry to the
   * version's download URI.
   *
   * @throws InvalidModelUriException if the URI is not a proper one (MLflow: INTERNAL_ERROR)
   * @throws io.tracklog.error.RunNotFoundException if the run does not exist
   * @throws MLmodelNotFoundException if there is no MLmodel where the URI points
   * @throws io.tracklog.error.CorruptFileException naming the MLmodel if it does not parse, or its bytes
   *     are not those its ArtifactWritten event recorded
   * @throws io.tracklog.error.ResourceNotFoundException if a {@code models:/} URI names no
   *     registered model or version
   */
  public static LoadedModel load(Store store, String uri) {
    Objects.requireNonNull(store, "store");
    return load(store, uri, new RegistryModels(store.registry()));
  }

  static LoadedModel load(Store store, String uri, RegistryLookup registry) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(uri, "uri");
    if (ModelUris.scheme(uri).equals("models")) {
      String[] split = ModelUris.splitModelsSubPath(uri);
      String source = resolveRegistered(split[0], registry);
      if (ModelUris.scheme(source).equals("models")) {
        throw ModelUris.notModels(source); // a version whose source is another models:/ URI: not followed
      }
      return load(store, split[1].isEmpty() ? source : source.replaceFirst("/+$", "") + "/" + split[1], registry);
    }
    ModelUri parsed = ModelUris.parse(uri);
    if (parsed instanceof ModelUri.Runs r) {
      RunArtifacts artifacts = store.artifacts(r.runId());
      String mlmodelPath = r.artifactPath() == null ? MLmodel.FILE_NAME : r.artifactPath() + "/" + MLmodel.FILE_NAME;
      RunArtifacts.segments(mlmodelPath, false);
      Path dir = r.artifactPath() == null ? artifacts.root() : artifacts.root().resolve(r.artifactPath());
      Path file = dir.resolve(MLmodel.FILE_NAME);
      if (!Files.isRegularFile(file)) {
        throw new MLmodelNotFoundException(dir);
      }
      try (InputStream in = artifacts.open(mlmodelPath)) { // checked against its SHA-256
        return new LoadedModel(dir, MLmodel.read(in, file));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + file, e);
      }
    }
    Path dir = ((ModelUri.Local) parsed).path().toAbsolutePath();
    Path file = dir.resolve(MLmodel.FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new MLmodelNotFoundException(dir);
    }
    return new LoadedModel(dir, MLmodel.read(file));
  }

  /** The download URI of the version a {@code models:/} URI (without sub-path) names. */
  static String resolveRegistered(String uri, RegistryLookup registry) {
    ModelUri parsed = ModelUris.parse(uri);
    if (!(parsed instanceof ModelUri.Registered m)) {
      throw ModelUris.notModels(uri); // a model id: MLflow 3's LoggedModels are not kept by Tracklog
    }
    String version = switch (m.selector()) {
      case VERSION -> m.value();
      case ALIAS -> registry.versionOf(m.name(), m.value());
      case LATEST -> latest(registry, m.name(), null, uri);
      case STAGE -> latest(registry, m.name(), canonicalStage(m.value()), uri);
    };
    return registry.sourceOf(m.name(), version);
  }

  private static String latest(RegistryLookup registry, String name, String stage, String uri) {
    String v = registry.latestVersion(name, stage);
    if (v == null) {
      throw new InvalidModelUriException(stage == null
          ? "No versions of model with name '" + name + "' found"
          : "No versions of model with name '" + name + "' and stage '" + stage + "' found");
    }
    return v;
  }

  /** MLflow's stages, any case, in their canonical spelling (entities/model_registry/model_version_stages.py). */
  static String canonicalStage(String stage) {
    for (String s : List.of("None", "Staging", "Production", "Archived")) {
      if (s.toLowerCase(Locale.ROOT).equals(stage.toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new InvalidParameterException(
        "Invalid Model Version stage: " + stage + ". Value must be one of None, Staging, Production, Archived.");
  }
}
