package io.tracklog.samples;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import io.tracklog.model.LoadedModel;
import io.tracklog.model.Models;
import io.tracklog.registry.RegistryChange;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLifecycleTest {
  @TempDir Path dir;

  @Test
  void trainsLogsRegistersAndLoadsBackByAlias() throws Exception {
    try (Store store = Store.open(dir)) {
      ModelLifecycle.Result first = ModelLifecycle.run(store);
      assertThat(first.version()).isEqualTo(1);
      assertThat(first.loaded()).containsExactly(first.trained()); // the booster that was logged
      assertThat(first.fromArchive()).containsExactly(first.trained()); // and the one shipped
      assertThat(first.rmse()).isLessThan(0.3); // labels span about [-2, 4]: it learned something
      assertThat(store.getRun(first.runId()).metric("rmse")).isEqualTo(first.rmse());

      ModelLifecycle.Result second = ModelLifecycle.run(store); // set_experiment semantics: a new run, version 2
      assertThat(second.version()).isEqualTo(2);
      assertThat(store.registry().getModelVersionByAlias(ModelLifecycle.MODEL, ModelLifecycle.ALIAS).runId())
          .isEqualTo(second.runId());

      LoadedModel v1 = Models.load(store, "models:/" + ModelLifecycle.MODEL + "/1");
      assertThat(v1.mlmodel().runId()).isEqualTo(first.runId());
      assertThat(v1.mlmodel().flavors()).containsKeys("xgboost", "python_function");
      assertThat(v1.mlmodel().signature()).isNotNull();
      assertThat(store.registry().history(ModelLifecycle.MODEL)).extracting(RegistryChange::kind)
          .containsExactly("model created", "version created", "alias set", "version created", "alias set");
    }
  }

  @Test
  void main_runsAgainstAStorePath() throws Exception {
    ModelLifecycle.main(new String[] {dir.toString()});
    try (Store store = Store.open(dir)) {
      assertThat(store.registry().getRegisteredModel(ModelLifecycle.MODEL).aliases()).containsKey(ModelLifecycle.ALIAS);
    }
  }
}
