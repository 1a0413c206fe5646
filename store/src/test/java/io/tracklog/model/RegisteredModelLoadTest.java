package io.tracklog.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.ResourceNotFoundException;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelRegistry.ExistingVersions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models:/} URIs resolve through the store's model registry to the logged model's directory,
 * as MLflow's {@code load_model} does: by version, stage, {@code latest} and alias.
 */
class RegisteredModelLoadTest {
  @TempDir Path dir;

  @Test
  void modelsUris_loadTheRegisteredVersionsModel() throws Exception {
    Path weights = Files.writeString(dir.resolve("w.bin"), "weights-1");
    Path weights2 = Files.writeString(dir.resolve("w2.bin"), "weights-2");
    try (Store store = Store.open(dir.resolve("store"))) {
      String first;
      String second;
      try (RunWriter run = store.startRun(store.createExperiment("e"))) {
        first = run.logModel("model", JvmFlavor.of(weights, "com.example.Loader")).modelUri();
      }
      try (RunWriter run = store.startRun(store.setExperiment("e").experimentId())) {
        second = run.logModel("model", JvmFlavor.of(weights2, "com.example.Loader")).modelUri();
      }
      ModelRegistry registry = store.registry();
      int v1 = registry.registerModel(first, "clf").version();
      int v2 = registry.registerModel(second, "clf").version();
      registry.transitionModelVersionStage("clf", v1, "Production", ExistingVersions.KEEP);
      registry.setRegisteredModelAlias("clf", "champion", v1);

      assertThat(jvmData(store, "models:/clf/" + v1)).hasContent("weights-1");
      assertThat(jvmData(store, "models:/clf/" + v2)).hasContent("weights-2");
      assertThat(jvmData(store, "models:/clf/production")).hasContent("weights-1"); // any case, as MLflow
      assertThat(jvmData(store, "models:/clf/latest")).hasContent("weights-2");
      assertThat(jvmData(store, "models:/clf@champion")).hasContent("weights-1");
      assertThat(Models.load(store, "models:/clf@champion").mlmodel().runId())
          .isEqualTo(Models.load(store, first).mlmodel().runId());
      assertThat(Models.load(store, "models:/clf/" + v2).directory())
          .isEqualTo(Models.load(store, second).directory());

      assertThatThrownBy(() -> Models.load(store, "models:/nope/1")).isInstanceOf(ResourceNotFoundException.class);
      assertThatThrownBy(() -> Models.load(store, "models:/clf/9")).isInstanceOf(ResourceNotFoundException.class);
      assertThatThrownBy(() -> Models.load(store, "models:/clf@unknown")).isInstanceOf(InvalidParameterException.class);
      assertThatThrownBy(() -> Models.load(store, "models:/clf/Staging"))
          .isInstanceOf(InvalidModelUriException.class)
          .hasMessageContaining("No versions of model with name 'clf' and stage 'Staging' found");
    }
  }

  private static Path jvmData(Store store, String uri) {
    return Models.load(store, uri).dataPath("jvm");
  }
}
