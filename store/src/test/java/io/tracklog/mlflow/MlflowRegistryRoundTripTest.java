package io.tracklog.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Store;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.ResourceNotFoundException;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelStage;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import io.tracklog.registry.RegistryChange;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-written MLflow FileStore registry (src/test/resources/mlflow-registry, MLflow's layout:
 * two models, a Deleted_Internal version, stages, aliases, tags whose keys hold {@code /}) →
 * import → the registry's answers → export → the same files → import into a fresh store → the same
 * answers. {@code @MLRUNS_URI@} in the files stands for the tree's own {@code file://} URI.
 */
class MlflowRegistryRoundTripTest {
  private static final String RUN = "0123456789abcdef0123456789abcdef";
  private static final String PLACEHOLDER = "@MLRUNS_URI@";

  @TempDir Path dir;

  /** The fixture's files by relative path, with the placeholder replaced by {@code mlruns}'s URI. */
  private static Map<String, String> fixture(Path mlruns) throws Exception {
    Path src = Path.of(MlflowRegistryRoundTripTest.class.getResource("/mlflow-registry/mlruns").toURI());
    Map<String, String> out = new TreeMap<>();
    files(src).forEach((rel, text) -> out.put(rel, text.replace(PLACEHOLDER, MlflowExport.uri(mlruns))));
    return out;
  }

  private static Map<String, String> files(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Map<String, String> under(Map<String, String> files, String prefix) {
    Map<String, String> out = new TreeMap<>();
    files.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private Path writeFixture() throws Exception {
    Path mlruns = dir.resolve("mlruns").toAbsolutePath();
    for (Map.Entry<String, String> f : fixture(mlruns).entrySet()) {
      Path p = mlruns.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
    }
    return mlruns;
  }

  @Test
  void import_answers_export_writesTheSameFiles_reimport_answersTheSame() throws Exception {
    Path mlruns = writeFixture();
    Path out = dir.resolve("out").toAbsolutePath();
    Map<String, Object> first;
    try (Store store = Store.open(dir.resolve("store"))) {
      ImportReport report = MlflowImport.importStore(mlruns, store);
      assertThat(report.skipped()).isEmpty();
      assertThat(report.imported(ImportReport.Kind.REGISTERED_MODELS)).isEqualTo(2);
      assertThat(report.imported(ImportReport.Kind.MODEL_VERSIONS)).isEqualTo(5);
      assertThat(report.imported(ImportReport.Kind.MODEL_ALIASES)).isEqualTo(2);
      assertThat(report.format()).contains("Imported 2 registered model(s), 5 model version(s), 2 alias(es).");
      first = answers(store);
      checkAnswers(store);

      ImportReport again = MlflowImport.importStore(mlruns, store);
      assertThat(again.imported(ImportReport.Kind.MODEL_VERSIONS)).isZero();
      assertThat(again.registeredModelsAlreadyImported()).isEqualTo(2);
      assertThat(answers(store)).isEqualTo(first);

      MlflowExport.Summary summary = MlflowExport.exportStore(store, out, List.of());
      assertThat(summary.registeredModels()).isEqualTo(2);
      assertThat(summary.modelVersions()).isEqualTo(5);
    }
    // The export is the input, byte for byte, with the tree's URI now the export's.
    assertThat(under(files(out), "models/")).isEqualTo(under(fixture(out), "models/"));

    try (Store fresh = Store.open(dir.resolve("fresh"))) {
      assertThat(MlflowImport.importStore(out, fresh).skipped()).isEmpty();
      assertThat(answers(fresh)).isEqualTo(first);
      checkAnswers(fresh);
    }
  }

  /** What the registry answers, with sources relative to the store's copy of the run's artifacts. */
  private static Map<String, Object> answers(Store store) {
    Map<String, Object> out = new TreeMap<>();
    String artifacts = MlflowExport.uri(store.artifacts(RUN).root());
    for (RegisteredModel m : store.registry().snapshot().models()) {
      out.put(m.name(), m.toString().replace(artifacts, "<artifacts>"));
      for (Map.Entry<ModelVersion, ModelRegistry.ImportedVersionState> v : store.registry().allVersions(m.name()).entrySet()) {
        out.put(m.name() + "/" + v.getKey().version(), v.getValue() + " " + v.getKey().toString().replace(artifacts, "<artifacts>"));
      }
    }
    return out;
  }

  private static void checkAnswers(Store store) {
    ModelRegistry r = store.registry();
    RegisteredModel mnist = r.getRegisteredModel("mnist");
    assertThat(mnist.creationTimestamp()).isEqualTo(1700000060000L);
    assertThat(mnist.lastUpdatedTimestamp()).isEqualTo(1700000500000L);
    assertThat(mnist.description()).isEqualTo("Digits classifier");
    assertThat(mnist.tags()).isEqualTo(Map.of("team", "vision", "ml/owner", "alice"));
    assertThat(mnist.aliases()).isEqualTo(Map.of("champion", 2, "challenger", 4));
    assertThat(mnist.latestVersions()).extracting(ModelVersion::version).containsExactly(4, 2, 1);

    ModelVersion v1 = r.getModelVersion("mnist", 1);
    assertThat(v1.currentStage()).isEqualTo(ModelStage.ARCHIVED);
    assertThat(v1.runId()).isEqualTo(RUN);
    String artifacts = MlflowExport.uri(store.artifacts(RUN).root());
    assertThat(v1.source()).isEqualTo(artifacts + "/model");
    assertThat(Files.isRegularFile(store.artifacts(RUN).root().resolve("model/MLmodel"))).isTrue();
    ModelVersion champion = r.getModelVersionByAlias("mnist", "champion");
    assertThat(champion.version()).isEqualTo(2);
    assertThat(champion.currentStage()).isEqualTo(ModelStage.PRODUCTION);
    assertThat(champion.description()).isEqualTo("second try");
    assertThat(champion.tags()).isEqualTo(Map.of("a/b", "c", "validated", "true"));
    assertThat(champion.runLink()).isEmpty();
    assertThat(champion.creationTimestamp()).isEqualTo(1700000200000L);
    assertThat(champion.lastUpdatedTimestamp()).isEqualTo(1700000400000L);
    assertThatThrownBy(() -> r.getModelVersion("mnist", 3)).isInstanceOf(ResourceNotFoundException.class);
    assertThat(r.getModelVersion("mnist", 4).source()).isEqualTo("s3://bucket/mnist/4");
    assertThat(r.getModelVersion("mnist", 4).runId()).isNull();

    ModelVersion fraud = r.getModelVersion("fraud", 1);
    assertThat(fraud.currentStage()).isEqualTo(ModelStage.STAGING);
    assertThat(fraud.tags()).isEqualTo(Map.of("framework/name", "xgboost"));
    assertThat(r.getRegisteredModel("fraud").description()).isNull();
    assertThatThrownBy(() -> r.getModelVersionByAlias("fraud", "x")).isInstanceOf(InvalidParameterException.class);

    List<RegistryChange> history = r.history("mnist");
    assertThat(history).extracting(RegistryChange::kind).startsWith("model imported", "version imported");
    assertThat(history.get(3).details()).contains("stage=Deleted_Internal");
  }

  @Test
  void importedNumbering_continuesPastTheDeletedVersion() throws Exception {
    Path mlruns = writeFixture();
    try (Store store = Store.open(dir.resolve("store"))) {
      MlflowImport.importStore(mlruns, store);
      assertThat(store.registry().createModelVersion("mnist", "s3://b/5", null).version()).isEqualTo(5);
      store.registry().deleteModelVersion("mnist", 4);
      assertThat(store.registry().createModelVersion("mnist", "s3://b/6", null).version()).isEqualTo(6);
    }
    try (Store store = Store.open(dir.resolve("store"))) { // the imported events fold again on reopen
      assertThat(store.registry().getRegisteredModel("mnist").aliases()).isEqualTo(Map.of("champion", 2));
      assertThat(store.registry().snapshot().versions("mnist")).extracting(ModelVersion::version).containsExactly(1, 2, 5, 6);
    }
  }
}
