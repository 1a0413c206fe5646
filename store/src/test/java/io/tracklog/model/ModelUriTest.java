package io.tracklog.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.ErrorCode;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.model.ModelUri.Registered;
import io.tracklog.model.ModelUri.Selector;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MLflow's runs:/ and models:/ grammar (spec §8), valid and invalid. */
class ModelUriTest {
  @Test
  void runs_runIdAndPath() {
    assertThat(ModelUri.parse("runs:/abc/model")).isEqualTo(new ModelUri.Runs("abc", "model"));
    assertThat(ModelUri.parse("runs:/abc/a/b/")).isEqualTo(new ModelUri.Runs("abc", "a/b/"));
    assertThat(ModelUri.parse("runs:/abc")).isEqualTo(new ModelUri.Runs("abc", null));
    assertThat(ModelUri.parse("runs:/abc/")).isEqualTo(new ModelUri.Runs("abc", null));
    assertThat(ModelUri.parse("RUNS:/abc/m?x=1#f")).isEqualTo(new ModelUri.Runs("abc", "m"));
    // the authority is a Databricks profile: runs://abc/model names run "model"
    assertThat(ModelUri.parse("runs://abc/model")).isEqualTo(new ModelUri.Runs("model", null));
    assertThat(ModelUri.parse("runs:///model")).isEqualTo(new ModelUri.Runs("model", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"runs:", "runs:/", "runs:abc/model", "runs://", "runs://profile"})
  void runs_malformed_internalError(String uri) {
    assertThatThrownBy(() -> ModelUri.parse(uri))
        .isInstanceOf(InvalidModelUriException.class)
        .hasMessage("Not a proper runs:/ URI: " + uri
            + ". Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'")
        .satisfies(e -> assertThat(((InvalidModelUriException) e).errorCode()).isEqualTo(ErrorCode.INTERNAL_ERROR));
  }

  @Test
  void models_versionStageLatestAlias() {
    assertThat(ModelUri.parse("models:/m/1")).isEqualTo(new Registered("m", Selector.VERSION, "1"));
    assertThat(ModelUri.parse("models:/m/007")).isEqualTo(new Registered("m", Selector.VERSION, "007"));
    assertThat(ModelUri.parse("models:/m/LaTeSt")).isEqualTo(new Registered("m", Selector.LATEST, null));
    assertThat(ModelUri.parse("models:/m/Production")).isEqualTo(new Registered("m", Selector.STAGE, "Production"));
    assertThat(ModelUri.parse("models:/m/-1")).isEqualTo(new Registered("m", Selector.STAGE, "-1"));
    assertThat(ModelUri.parse("models:/a@b@champ")).isEqualTo(new Registered("a@b", Selector.ALIAS, "champ"));
    assertThat(ModelUri.parse("models://host/m/2?q=1")).isEqualTo(new Registered("m", Selector.VERSION, "2"));
    // quirks kept: an alias-looking name with a suffix is a name and a stage; one part is a model id
    assertThat(ModelUri.parse("models:/m@champ/x")).isEqualTo(new Registered("m@champ", Selector.STAGE, "x"));
    assertThat(ModelUri.parse("models:/my model")).isEqualTo(new ModelUri.LoggedModelId("my model"));
    assertThat(ModelUri.parse("models:/m#1/2")).isEqualTo(new Registered("m#1", Selector.VERSION, "2"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"models:", "models:/", "models:/m/", "models:/m/ ", "models:/m@", "models:/m/1/x", "models:/ /1",
      "models:m/1"})
  void models_malformed_internalError(String uri) {
    assertThatThrownBy(() -> ModelUri.parse(uri))
        .isInstanceOf(InvalidModelUriException.class)
        .hasMessageStartingWith("Not a proper models:/ URI: " + uri + ". Models URIs must be of the form");
  }

  @Test
  void localPathsAndFileUris() {
    assertThat(ModelUri.parse("/tmp/model")).isEqualTo(new ModelUri.Local(Path.of("/tmp/model")));
    assertThat(ModelUri.parse("file:///tmp/model")).isEqualTo(new ModelUri.Local(Path.of("/tmp/model")));
    assertThatThrownBy(() -> ModelUri.parse("s3://bucket/model")).isInstanceOf(InvalidModelUriException.class)
        .hasMessageContaining("Unsupported model URI scheme 's3'");
  }

  @Test
  void modelsSubPaths_splitAsMlflow() {
    assertThat(ModelUris.splitModelsSubPath("models:/m/1/a/b")).containsExactly("models:/m/1", "a/b");
    assertThat(ModelUris.splitModelsSubPath("models:/m@x/a")).containsExactly("models:/m@x", "a");
    assertThat(ModelUris.splitModelsSubPath("models:/m/1")).containsExactly("models:/m/1", "");
    assertThat(ModelUris.splitModelsSubPath("models:/m-1/x/y")).containsExactly("models:/m-1/x", "y");
  }

  @Test
  void stages_caseInsensitive_badOneInvalidParameter() {
    assertThat(Models.canonicalStage("production")).isEqualTo("Production");
    assertThat(Models.canonicalStage("NONE")).isEqualTo("None");
    assertThatThrownBy(() -> Models.canonicalStage("-1"))
        .isExactlyInstanceOf(InvalidParameterException.class)
        .hasMessage("Invalid Model Version stage: -1. Value must be one of None, Staging, Production, Archived.");
  }
}
