package io.tracklog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.error.ResourceNotFoundException;
import io.tracklog.registry.ModelRegistry.ImportedVersionState;
import io.tracklog.testing.ManualClock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import path (ModelImported, VersionImported): models and versions exactly as given. */
class RegistryImportPathTest {
  @TempDir Path dir;
  private final ManualClock clock = new ManualClock(9_000L);

  private static ModelVersion version(String name, int number, ModelStage stage) {
    return new ModelVersion(
        name, number, 100L * number, 100L * number + 5, "bob", stage, "d" + number, "s3://b/" + number, null, null,
        ModelVersion.STATUS_READY, null, Map.of("k/" + number, "v"), List.of(), "s3://b/" + number);
  }

  @Test
  void importedModelsAndVersions_keepTheirTimesNumbersStagesAndUsers_andSurviveReopen() {
    try (Store store = Store.open(dir, StoreOptions.builder().clock(clock).userName("alice").build())) {
      ModelRegistry r = store.registry();
      RegisteredModel m = r.importRegisteredModel(new RegisteredModel("m", 10, 20, "desc", Map.of("t", "1"), Map.of(), List.of()));
      assertThat(m.creationTimestamp()).isEqualTo(10);
      assertThat(m.lastUpdatedTimestamp()).isEqualTo(20);
      r.importModelVersion(version("m", 2, ModelStage.PRODUCTION), ImportedVersionState.LIVE);
      r.importModelVersion(version("m", 3, ModelStage.NONE), ImportedVersionState.DELETED_INTERNAL);
      r.importModelVersion(version("m", 5, ModelStage.STAGING), ImportedVersionState.LIVE);
      assertThatThrownBy(() -> r.importModelVersion(version("m", 5, ModelStage.NONE), ImportedVersionState.LIVE))
          .isInstanceOf(ResourceAlreadyExistsException.class);
      assertThatThrownBy(() -> r.importModelVersion(version("m", 4, ModelStage.NONE), ImportedVersionState.LIVE))
          .isInstanceOf(ResourceAlreadyExistsException.class);
      assertThatThrownBy(() -> r.importModelVersion(version("x", 1, ModelStage.NONE), ImportedVersionState.LIVE))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThatThrownBy(() -> r.importModelVersion(version("m", 0, ModelStage.NONE), ImportedVersionState.LIVE))
          .isInstanceOf(InvalidParameterException.class);
      assertThatThrownBy(() -> r.importRegisteredModel(new RegisteredModel("m", 1, 1, null, Map.of(), Map.of(), List.of())))
          .isInstanceOf(ResourceAlreadyExistsException.class);
    }
    try (Store store = Store.open(dir, StoreOptions.builder().clock(clock).userName("carol").build())) {
      ModelRegistry r = store.registry();
      RegisteredModel m = r.getRegisteredModel("m");
      assertThat(m.lastUpdatedTimestamp()).isEqualTo(20); // versions imported later do not touch it
      assertThat(m.tags()).isEqualTo(Map.of("t", "1"));
      ModelVersion v2 = r.getModelVersion("m", 2);
      assertThat(v2.currentStage()).isEqualTo(ModelStage.PRODUCTION);
      assertThat(v2.creationTimestamp()).isEqualTo(200);
      assertThat(v2.lastUpdatedTimestamp()).isEqualTo(205);
      assertThat(v2.userId()).isEqualTo("bob");
      assertThat(v2.tags()).isEqualTo(Map.of("k/2", "v"));
      assertThatThrownBy(() -> r.getModelVersion("m", 3)).isInstanceOf(ResourceNotFoundException.class);
      assertThat(r.allVersions("m").values())
          .containsExactly(ImportedVersionState.LIVE, ImportedVersionState.DELETED_INTERNAL, ImportedVersionState.LIVE);
      assertThat(r.createModelVersion("m", "s3://b/6", null).version()).isEqualTo(6);
      assertThat(r.history("m")).extracting(RegistryChange::kind, RegistryChange::user)
          .startsWith(
              org.assertj.core.groups.Tuple.tuple("model imported", "alice"),
              org.assertj.core.groups.Tuple.tuple("version imported", "alice"));
      assertThat(r.history("m").get(2).details()).contains("stage=Deleted_Internal").contains("user_id=bob");
    }
  }
}
