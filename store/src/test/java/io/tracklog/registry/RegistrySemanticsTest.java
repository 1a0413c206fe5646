package io.tracklog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.ErrorCode;
import io.tracklog.error.HasErrorCode;
import io.tracklog.error.InternalErrorException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.error.ResourceNotFoundException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.registry.ModelRegistry.ExistingVersions;
import io.tracklog.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's semantics, case by case, as MLflow's SQL store has them
 * (mlflow/store/model_registry/sqlalchemy_store.py; validation in mlflow/utils/validation.py), with
 * the decisions of docs/DESIGN-NOTES.md §Model registry.
 */
class RegistrySemanticsTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(1_000L);
  private Store store;
  private ModelRegistry registry;

  @BeforeEach
  void open() {
    store = Store.open(dir, StoreOptions.builder().clock(clock).userName("alice").build());
    registry = store.registry();
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static ErrorCode code(Throwable t) {
    return ((HasErrorCode) t).errorCode();
  }

  private ModelVersion version(String name) {
    return registry.createModelVersion(name, "file:///models/" + name, null);
  }

  // ---- numbering -----------------------------------------------------------------------------------

  @Test
  void versions_areNumberedFromOne_andNeverReuseADeletedNumber() {
    registry.createRegisteredModel("m");
    assertThat(version("m").version()).isEqualTo(1);
    assertThat(version("m").version()).isEqualTo(2);
    assertThat(version("m").version()).isEqualTo(3);
    registry.deleteModelVersion("m", 3);
    assertThat(version("m").version()).isEqualTo(4);
    registry.deleteModelVersion("m", 1);
    assertThat(registry.snapshot().versions("m")).extracting(ModelVersion::version).containsExactly(2, 4);
  }

  @Test
  void deleteRegisteredModel_isHard_andNumberingRestarts() {
    registry.createRegisteredModel("m", Map.of("t", "1"), "d");
    version("m");
    version("m");
    registry.setRegisteredModelAlias("m", "champion", 2);
    registry.deleteRegisteredModel("m");
    assertThatThrownBy(() -> registry.getRegisteredModel("m"))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessage("Registered Model with name=m not found");
    RegisteredModel again = registry.createRegisteredModel("m");
    assertThat(again.tags()).isEmpty();
    assertThat(again.aliases()).isEmpty();
    assertThat(version("m").version()).isEqualTo(1);
  }

  @Test
  void createModelVersion_ofAMissingModel_isNotFound() {
    assertThatThrownBy(() -> version("nope"))
        .isInstanceOf(ResourceNotFoundException.class)
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
  }

  @Test
  void createModelVersion_hasMlflowsDefaults() {
    registry.createRegisteredModel("m");
    clock.set(5_000);
    ModelVersion v =
        registry.createModelVersion("m", "s3://b/model", "r1", Map.of("k", "v"), "http://link", "first");
    assertThat(v.name()).isEqualTo("m");
    assertThat(v.currentStage()).isEqualTo(ModelStage.NONE);
    assertThat(v.status()).isEqualTo("READY");
    assertThat(v.statusMessage()).isNull();
    assertThat(v.userId()).isNull();
    assertThat(v.creationTimestamp()).isEqualTo(5_000);
    assertThat(v.lastUpdatedTimestamp()).isEqualTo(5_000);
    assertThat(v.runId()).isEqualTo("r1");
    assertThat(v.runLink()).isEqualTo("http://link");
    assertThat(v.description()).isEqualTo("first");
    assertThat(v.tags()).containsExactly(Map.entry("k", "v"));
    assertThat(v.storageLocation()).isEqualTo("s3://b/model");
    assertThat(registry.getRegisteredModel("m").lastUpdatedTimestamp()).isEqualTo(5_000);
    assertThat(registry.getModelVersionDownloadUri("m", 1)).isEqualTo("s3://b/model");
  }

  @Test
  void aModelsUriSource_isStoredAtThatVersionsLocation() {
    registry.createRegisteredModel("a");
    registry.createModelVersion("a", "file:///x/a1", null);
    registry.createRegisteredModel("b");
    ModelVersion copy = registry.createModelVersion("b", "models:/a/1", null);
    assertThat(copy.source()).isEqualTo("models:/a/1");
    assertThat(copy.storageLocation()).isEqualTo("file:///x/a1");
    assertThat(registry.getModelVersionDownloadUri("b", 1)).isEqualTo("file:///x/a1");
    assertThatThrownBy(() -> registry.createModelVersion("b", "models:/a/9", null))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  // ---- models --------------------------------------------------------------------------------------

  @Test
  void createRegisteredModel_twice_isResourceAlreadyExists() {
    registry.createRegisteredModel("m");
    assertThatThrownBy(() -> registry.createRegisteredModel("m"))
        .isInstanceOf(ResourceAlreadyExistsException.class)
        .hasMessage("Registered Model (name=m) already exists.")
        .satisfies(e -> assertThat(code(e).httpStatus()).isEqualTo(400));
  }

  @Test
  void rename_carriesVersionsTagsAndAliases_andBumpsTimestamps() {
    registry.createRegisteredModel("old", Map.of("team", "a"), "desc");
    version("old");
    version("old");
    registry.setRegisteredModelAlias("old", "champion", 1);
    registry.setModelVersionTag("old", 2, "k", "v");
    clock.set(9_000);
    RegisteredModel renamed = registry.renameRegisteredModel("old", "new");
    assertThat(renamed.name()).isEqualTo("new");
    assertThat(renamed.tags()).containsEntry("team", "a");
    assertThat(renamed.aliases()).containsEntry("champion", 1);
    assertThat(renamed.description()).isEqualTo("desc");
    assertThat(renamed.lastUpdatedTimestamp()).isEqualTo(9_000);
    assertThat(renamed.creationTimestamp()).isEqualTo(1_000);
    ModelVersion v2 = registry.getModelVersion("new", 2);
    assertThat(v2.name()).isEqualTo("new");
    assertThat(v2.tags()).containsEntry("k", "v");
    assertThat(v2.lastUpdatedTimestamp()).isEqualTo(9_000);
    assertThat(registry.getModelVersionByAlias("new", "champion").version()).isEqualTo(1);
    assertThatThrownBy(() -> registry.getRegisteredModel("old")).isInstanceOf(ResourceNotFoundException.class);
    assertThat(version("new").version()).isEqualTo(3);
  }

  @Test
  void rename_checks() {
    registry.createRegisteredModel("a");
    registry.createRegisteredModel("b");
    assertThatThrownBy(() -> registry.renameRegisteredModel("a", "b"))
        .isInstanceOf(ResourceAlreadyExistsException.class)
        .hasMessage("Registered Model (name=b) already exists.");
    assertThatThrownBy(() -> registry.renameRegisteredModel("a", ""))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Missing value for required parameter 'new_name'.");
    assertThatThrownBy(() -> registry.renameRegisteredModel("x", "y")).isInstanceOf(ResourceNotFoundException.class);
    assertThat(registry.renameRegisteredModel("a", "a").name()).isEqualTo("a");
  }

  @Test
  void timestamps_followTheSqlStore() {
    registry.createRegisteredModel("m");
    version("m");
    clock.set(2_000);
    registry.setRegisteredModelTag("m", "t", "v");
    registry.setModelVersionTag("m", 1, "t", "v");
    registry.setRegisteredModelAlias("m", "a", 1);
    assertThat(registry.getRegisteredModel("m").lastUpdatedTimestamp()).isEqualTo(1_000);
    assertThat(registry.getModelVersion("m", 1).lastUpdatedTimestamp()).isEqualTo(1_000);
    clock.set(3_000);
    ModelVersion v = registry.updateModelVersion("m", 1, "better");
    assertThat(v.description()).isEqualTo("better");
    assertThat(v.lastUpdatedTimestamp()).isEqualTo(3_000);
    assertThat(registry.getRegisteredModel("m").lastUpdatedTimestamp()).isEqualTo(1_000);
    clock.set(4_000);
    RegisteredModel m = registry.updateRegisteredModel("m", "about m");
    assertThat(m.description()).isEqualTo("about m");
    assertThat(m.lastUpdatedTimestamp()).isEqualTo(4_000);
  }

  @Test
  void tags_upsertAndDelete_missingKeyIsANoOp() {
    registry.createRegisteredModel("m", Map.of("a", "1"), null);
    registry.setRegisteredModelTag("m", "a", "2");
    registry.setRegisteredModelTag("m", "b", "3");
    registry.deleteRegisteredModelTag("m", "b");
    registry.deleteRegisteredModelTag("m", "never");
    assertThat(registry.getRegisteredModel("m").tags()).containsExactly(Map.entry("a", "2"));
    version("m");
    registry.setModelVersionTag("m", 1, "x", "y");
    registry.deleteModelVersionTag("m", 1, "missing");
    registry.deleteModelVersionTag("m", 1, "x");
    assertThat(registry.getModelVersion("m", 1).tags()).isEmpty();
    assertThatThrownBy(() -> registry.setModelVersionTag("m", 7, "x", "y")).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.setRegisteredModelTag("zz", "x", "y")).isInstanceOf(ResourceNotFoundException.class);
  }

  // ---- versions ------------------------------------------------------------------------------------

  @Test
  void deletedVersion_isInvisible_andNotFound() {
    registry.createRegisteredModel("m");
    version("m");
    registry.deleteModelVersion("m", 1);
    assertThatThrownBy(() -> registry.getModelVersion("m", 1))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessage("Model Version (name=m, version=1) not found");
    assertThatThrownBy(() -> registry.deleteModelVersion("m", 1)).isInstanceOf(ResourceNotFoundException.class);
    assertThat(registry.getRegisteredModel("m").latestVersions()).isEmpty();
  }

  @Test
  void parseVersion_isPythonsInt() {
    assertThat(ModelRegistry.parseVersion(" 7 ")).isEqualTo(7);
    assertThat(ModelRegistry.parseVersion("007")).isEqualTo(7);
    assertThat(ModelRegistry.parseVersion("1_0")).isEqualTo(10);
    assertThatThrownBy(() -> ModelRegistry.parseVersion("1.0"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Parameter 'version' must be an integer, got '1.0'.");
    assertThatThrownBy(() -> ModelRegistry.parseVersion("abc")).isInstanceOf(InvalidParameterException.class);
  }

  // ---- stages --------------------------------------------------------------------------------------

  @Test
  void transition_isCaseInsensitive_andArchivesOthersWhenAsked() {
    registry.createRegisteredModel("m");
    version("m");
    version("m");
    version("m");
    registry.transitionModelVersionStage("m", 1, "production", ExistingVersions.KEEP);
    registry.transitionModelVersionStage("m", 2, "PRODUCTION", ExistingVersions.KEEP);
    registry.transitionModelVersionStage("m", 3, "Staging", ExistingVersions.KEEP);
    clock.set(7_000);
    ModelVersion v3 = registry.transitionModelVersionStage("m", 3, "Production", ExistingVersions.ARCHIVE);
    assertThat(v3.currentStage()).isEqualTo(ModelStage.PRODUCTION);
    assertThat(v3.lastUpdatedTimestamp()).isEqualTo(7_000);
    assertThat(registry.getModelVersion("m", 1).currentStage()).isEqualTo(ModelStage.ARCHIVED);
    assertThat(registry.getModelVersion("m", 2).currentStage()).isEqualTo(ModelStage.ARCHIVED);
    assertThat(registry.getModelVersion("m", 2).lastUpdatedTimestamp()).isEqualTo(7_000);
    assertThat(registry.getRegisteredModel("m").lastUpdatedTimestamp()).isEqualTo(7_000);
    // the same stage again is allowed
    assertThat(registry.transitionModelVersionStage("m", 3, "production", ExistingVersions.ARCHIVE).currentStage())
        .isEqualTo(ModelStage.PRODUCTION);
  }

  @Test
  void transition_errors() {
    registry.createRegisteredModel("m");
    version("m");
    assertThatThrownBy(() -> registry.transitionModelVersionStage("m", 1, "prod", ExistingVersions.KEEP))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Invalid Model Version stage: prod. Value must be one of None, Staging, Production, Archived.");
    assertThatThrownBy(() -> registry.transitionModelVersionStage("m", 1, "archived", ExistingVersions.ARCHIVE))
        .isInstanceOf(InternalErrorException.class)
        .hasMessage(
            "Model version transition cannot archive existing model versions because 'archived' is not an Active"
                + " stage. Valid stages are ['Staging', 'Production']")
        .satisfies(e -> assertThat(code(e)).isEqualTo(ErrorCode.INTERNAL_ERROR));
    assertThatThrownBy(() -> registry.transitionModelVersionStage("m", 2, "None", ExistingVersions.KEEP))
        .isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void latestVersions_perStage_allFourByDefault() {
    registry.createRegisteredModel("m");
    for (int i = 0; i < 5; i++) {
      version("m");
    }
    registry.transitionModelVersionStage("m", 1, "Staging", ExistingVersions.KEEP);
    registry.transitionModelVersionStage("m", 2, "Production", ExistingVersions.KEEP);
    registry.transitionModelVersionStage("m", 3, "Staging", ExistingVersions.KEEP);
    registry.transitionModelVersionStage("m", 4, "Archived", ExistingVersions.KEEP);
    assertThat(registry.getLatestVersions("m", null))
        .extracting(v -> v.currentStage().displayName() + "/" + v.version())
        .containsExactly("None/5", "Staging/3", "Production/2", "Archived/4");
    assertThat(registry.getLatestVersions("m", List.of()))
        .extracting(ModelVersion::version)
        .containsExactly(5, 3, 2, 4);
    assertThat(registry.getLatestVersions("m", List.of("staging", "STAGING"))).extracting(ModelVersion::version).containsExactly(3);
    assertThat(registry.getRegisteredModel("m").latestVersions()).extracting(ModelVersion::version).containsExactly(5, 3, 2, 4);
    registry.deleteModelVersion("m", 3);
    assertThat(registry.getLatestVersions("m", List.of("Staging"))).extracting(ModelVersion::version).containsExactly(1);
    assertThatThrownBy(() -> registry.getLatestVersions("m", List.of("x"))).isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> registry.getLatestVersions("zz", null)).isInstanceOf(ResourceNotFoundException.class);
  }

  // ---- aliases -------------------------------------------------------------------------------------

  @Test
  void alias_setMovesAndResolves() {
    registry.createRegisteredModel("m");
    version("m");
    version("m");
    registry.setRegisteredModelAlias("m", "champion", 1);
    registry.setRegisteredModelAlias("m", "prod-2_x", 1);
    assertThat(registry.getModelVersion("m", 1).aliases()).containsExactly("champion", "prod-2_x");
    registry.setRegisteredModelAlias("m", "champion", 2);
    assertThat(registry.getModelVersionByAlias("m", "champion").version()).isEqualTo(2);
    assertThat(registry.getModelVersion("m", 1).aliases()).containsExactly("prod-2_x");
    assertThat(registry.getRegisteredModel("m").aliases()).containsExactly(Map.entry("champion", 2), Map.entry("prod-2_x", 1));
    registry.deleteRegisteredModelAlias("m", "prod-2_x");
    registry.deleteRegisteredModelAlias("m", "never-set");
    assertThat(registry.getRegisteredModel("m").aliases()).containsOnlyKeys("champion");
    registry.setRegisteredModelAlias("m", "V1x", 1); // not reserved: only v<digits> is
    registry.setRegisteredModelAlias("m", "état", 1); // Python's \w is Unicode
  }

  @Test
  void alias_latest_isTheHighestLiveVersion() {
    registry.createRegisteredModel("m");
    assertThatThrownBy(() -> registry.getModelVersionByAlias("m", "latest"))
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessage("Latest version not found for model m.");
    version("m");
    version("m");
    version("m");
    registry.transitionModelVersionStage("m", 2, "Production", ExistingVersions.KEEP);
    registry.deleteModelVersion("m", 3);
    assertThat(registry.getModelVersionByAlias("m", "LaTeSt").version()).isEqualTo(2);
  }

  @Test
  void alias_unknown_isInvalidParameter() {
    registry.createRegisteredModel("m");
    assertThatThrownBy(() -> registry.getModelVersionByAlias("m", "nope"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Registered model alias nope not found.");
    assertThatThrownBy(() -> registry.getModelVersionByAlias("zz", "nope")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void alias_validation() {
    registry.createRegisteredModel("m");
    version("m");
    assertThatThrownBy(() -> registry.setRegisteredModelAlias("m", "", 1))
        .hasMessage("Registered model alias name cannot be empty.");
    assertThatThrownBy(() -> registry.setRegisteredModelAlias("m", "a.b", 1))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage(
            "Invalid alias name: 'a.b'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
    assertThatThrownBy(() -> registry.setRegisteredModelAlias("m", "a\n", 1)).isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> registry.setRegisteredModelAlias("m", "x".repeat(256), 1))
        .hasMessage("'Registered model alias name' exceeds the maximum length of 255 characters");
    registry.setRegisteredModelAlias("m", "x".repeat(255), 1);
    for (String reserved : List.of("latest", "LATEST", "Latest")) {
      assertThatThrownBy(() -> registry.setRegisteredModelAlias("m", reserved, 1))
          .isInstanceOf(InvalidParameterException.class)
          .hasMessage("'latest' alias name (case insensitive) is reserved.");
    }
    for (String reserved : List.of("v1", "V12", "v007")) {
      assertThatThrownBy(() -> registry.setRegisteredModelAlias("m", reserved, 1))
          .isInstanceOf(InvalidParameterException.class)
          .hasMessage("Version alias name '" + reserved + "' is reserved.");
    }
    assertThatThrownBy(() -> registry.setRegisteredModelAlias("m", "ok", 2)).isInstanceOf(ResourceNotFoundException.class);
    assertThatThrownBy(() -> registry.setRegisteredModelAlias("zz", "ok", 1)).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void deletingAVersion_dropsItsAliases() {
    registry.createRegisteredModel("m");
    version("m");
    version("m");
    registry.setRegisteredModelAlias("m", "a", 1);
    registry.setRegisteredModelAlias("m", "b", 2);
    registry.deleteModelVersion("m", 1);
    assertThat(registry.getRegisteredModel("m").aliases()).containsOnlyKeys("b");
    assertThatThrownBy(() -> registry.getModelVersionByAlias("m", "a")).isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> registry.setRegisteredModelAlias("m", "a", 1)).isInstanceOf(ResourceNotFoundException.class);
  }

  // ---- validation ----------------------------------------------------------------------------------

  @Test
  void modelName_rules() {
    assertThatThrownBy(() -> registry.createRegisteredModel(""))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("Missing value for required parameter 'name'.");
    assertThatThrownBy(() -> registry.createRegisteredModel(null)).hasMessage("Missing value for required parameter 'name'.");
    assertThatThrownBy(() -> registry.createRegisteredModel("a/b"))
        .hasMessage("Invalid name: 'a/b'. Registered model name cannot contain path separator");
    assertThatThrownBy(() -> registry.createRegisteredModel("a\\b")).isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> registry.createRegisteredModel("50%"))
        .hasMessage("Invalid name: '50%'. Registered model name cannot contain '%' character");
    assertThatThrownBy(() -> registry.createRegisteredModel("é".repeat(128))).isInstanceOf(InvalidParameterException.class);
    registry.createRegisteredModel("é".repeat(127));
    registry.createRegisteredModel("my model: v2 ☃");
    assertThat(registry.snapshot().models()).hasSize(2);
  }

  @Test
  void tag_rules() {
    assertThatThrownBy(() -> registry.createRegisteredModel("m", Map.of("bad*key", "v"), null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Invalid value \"bad*key\" for parameter 'key' supplied: Names may only contain");
    assertThatThrownBy(() -> registry.createRegisteredModel("m", Map.of("a/../b", "v"), null))
        .isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> registry.createRegisteredModel("m", Map.of("k".repeat(251), "v"), null))
        .hasMessage("'key' exceeds the maximum length of 250 characters");
    assertThatThrownBy(() -> registry.createRegisteredModel("m", Map.of("k", "v".repeat(100_001)), null))
        .hasMessage("'value' exceeds the maximum length of 100000 characters");
    assertThat(registry.snapshot().models()).isEmpty();
    registry.createRegisteredModel("m", Map.of("k", "v".repeat(100_000)), null); // an out-of-line event
    assertThatThrownBy(() -> registry.setRegisteredModelTag("m", "k", null)).hasMessage("Tag value cannot be None");
    assertThat(registry.getRegisteredModel("m").tags().get("k")).hasSize(100_000);
  }

  // ---- register_model ------------------------------------------------------------------------------

  @Test
  void registerModel_fromARun_resolvesTheSourceAndCreatesTheModel() {
    String exp = store.setExperiment("e").experimentId();
    String runId = store.startRun(exp).runId();
    String artifacts = store.getRun(runId).info().artifactUri();
    ModelVersion v1 = registry.registerModel("runs:/" + runId + "/model", "clf");
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.runId()).isEqualTo(runId);
    assertThat(v1.source()).isEqualTo(artifacts + "/model");
    ModelVersion v2 = registry.registerModel("s3://bucket/m", "clf");
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.runId()).isNull();
    assertThat(v2.source()).isEqualTo("s3://bucket/m");
    assertThat(registry.registerModel("runs:/" + runId, "clf").source()).isEqualTo(artifacts);
  }

  @Test
  void registerModel_errors() {
    assertThatThrownBy(() -> registry.registerModel("runs:/0123456789abcdef0123456789abcdef/model", "m"))
        .isInstanceOf(RunNotFoundException.class);
    for (String bad : List.of("runs:/", "runs:", "runs:relative/x", "runs://abc")) {
      assertThatThrownBy(() -> registry.registerModel(bad, "m"))
          .as(bad)
          .isInstanceOf(InternalErrorException.class)
          .hasMessage(
              "Not a proper runs:/ URI: " + bad
                  + ". Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'");
    }
    assertThat(RunsUri.parseIfRuns("runs://profile/abc/model")).isEqualTo(new RunsUri("abc", "model"));
    assertThat(RunsUri.parseIfRuns("runs://abc/model")).isEqualTo(new RunsUri("model", ""));
    assertThat(RunsUri.parseIfRuns("runs:/abc/a/b/")).isEqualTo(new RunsUri("abc", "a/b"));
    assertThat(RunsUri.parseIfRuns("s3://x")).isNull();
    assertThat(registry.snapshot().models()).isEmpty();
  }

  // ---- history, persistence -----------------------------------------------------------------------

  @Test
  void history_followsRenames_andOutlivesDeletion() {
    registry.createRegisteredModel("a");
    version("a");
    clock.set(2_000);
    registry.renameRegisteredModel("a", "b");
    registry.setRegisteredModelAlias("b", "champion", 1);
    registry.createRegisteredModel("a"); // a new model under the old name
    List<RegistryChange> history = registry.history("b");
    assertThat(history)
        .extracting(c -> c.name() + " " + c.version() + " " + c.kind() + " " + c.details())
        .containsExactly(
            "a null model created ",
            "a 1 version created source=file:///models/a",
            "a null model renamed new_name=b",
            "b 1 alias set alias=champion");
    assertThat(history.get(2).timeMs()).isEqualTo(2_000);
    assertThat(history.get(2).user()).isEqualTo("alice");
    assertThat(registry.history("a")).hasSize(1);
    registry.deleteRegisteredModel("b");
    assertThat(registry.history("b")).hasSize(5).last().extracting(RegistryChange::kind).isEqualTo("model deleted");
    assertThatThrownBy(() -> registry.history("never")).isInstanceOf(ResourceNotFoundException.class);
  }

  @Test
  void aStoreWithoutARegistry_readsAsEmpty_andCreatesNothing() {
    assertThat(registry.snapshot().models()).isEmpty();
    assertThat(registry.snapshot()).isSameAs(registry.snapshot());
    assertThatThrownBy(() -> registry.getRegisteredModel("m")).isInstanceOf(ResourceNotFoundException.class);
    assertThat(dir.resolve("logs/registry.log")).doesNotExist();
    registry.createRegisteredModel("m");
    assertThat(dir.resolve("logs/registry.log")).isRegularFile();
    assertThat(dir.resolve("logs/registry")).doesNotExist(); // no Chronicle queue since format 7
  }

  @Test
  void reopening_foldsTheSameRegistry() {
    registry.createRegisteredModel("m", Map.of("t", "1"), "d");
    version("m");
    version("m");
    registry.transitionModelVersionStage("m", 2, "Staging", ExistingVersions.KEEP);
    registry.setRegisteredModelAlias("m", "c", 1);
    registry.deleteModelVersion("m", 1);
    RegisteredModel before = registry.getRegisteredModel("m");
    List<ModelVersion> versions = registry.snapshot().versions("m");
    store.close();
    store = Store.open(dir, StoreOptions.builder().clock(clock).userName("bob").build());
    registry = store.registry();
    assertThat(registry.getRegisteredModel("m")).isEqualTo(before);
    assertThat(registry.snapshot().versions("m")).isEqualTo(versions);
    assertThat(version("m").version()).isEqualTo(3);
    assertThat(registry.history("m")).last().extracting(RegistryChange::user).isEqualTo("bob");
  }

  @Test
  void twoStoresInOneJvm_seeEachOthersChanges() {
    try (Store other = Store.open(dir)) {
      registry.createRegisteredModel("m");
      assertThat(other.registry().createModelVersion("m", "s", null).version()).isEqualTo(1);
      assertThat(version("m").version()).isEqualTo(2);
      assertThat(other.registry().snapshot().versions("m")).hasSize(2);
    }
  }

  @Test
  void afterClose_theRegistryRefuses() {
    store.close();
    assertThatThrownBy(() -> registry.snapshot()).isInstanceOf(io.tracklog.error.AlreadyClosedException.class);
    assertThatThrownBy(() -> store.registry()).isInstanceOf(io.tracklog.error.AlreadyClosedException.class);
  }

  @Test
  void snapshot_lookups_andASnapshotNeverChanges() {
    registry.createRegisteredModel("m");
    version("m");
    version("m");
    registry.setRegisteredModelAlias("m", "champion", 2);
    RegistrySnapshot before = registry.snapshot();
    assertThat(before.model("m")).isPresent();
    assertThat(before.model("x")).isEmpty();
    assertThat(before.version("m", 2).orElseThrow().aliases()).containsExactly("champion");
    assertThat(before.version("m", 3)).isEmpty();
    assertThat(before.versionByAlias("m", "champion").orElseThrow().version()).isEqualTo(2);
    assertThat(before.versionByAlias("m", "nope")).isEmpty();
    assertThat(before.versions("x")).isEmpty();
    registry.deleteModelVersion("m", 2);
    RegistrySnapshot after = registry.snapshot();
    assertThat(after).isNotSameAs(before);
    assertThat(after.position()).isGreaterThan(before.position());
    assertThat(after.versionByAlias("m", "champion")).isEmpty();
    assertThat(before.versions("m")).hasSize(2); // the old snapshot is as it was
    assertThat(before.versionByAlias("m", "champion")).isPresent();
  }
}
