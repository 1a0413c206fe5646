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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hand-written MLflow FileStore registry (src/test/resources/mlflow-registry, MLflow's layout:
 * two models, a Deleted_Internal version, stages, aliases, tags whose keys hold {@code /}) →
 * import → the registry's answers → export → the same files → import into a fresh store → the same
 * answers ({@link RegistryFixture}).
 */
class MlflowRegistryRoundTripTest {
  private static final String RUN = RegistryFixture.RUN;

  @TempDir Path dir;

  private Path writeFixture() throws Exception {
    return RegistryFixture.write(dir.resolve("mlruns"));
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
    assertThat(RegistryFixture.read(out.resolve("models"))).isEqualTo(RegistryFixture.registryFiles(out));

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
