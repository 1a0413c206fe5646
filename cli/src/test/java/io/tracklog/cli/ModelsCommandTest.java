package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.mlflow.RegistryFixture;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private String root;
  private String runId;
  private String artifactUri;

  @BeforeEach
  void store() {
    root = dir.toString();
    try (Store store = Store.open(dir, StoreOptions.builder().clock(InstantSource.fixed(Instant.ofEpochMilli(T0))).userName("alice").build())) {
      String exp = store.setExperiment("e").experimentId();
      try (RunWriter run = store.startRun(exp)) {
        runId = run.runId();
      }
      artifactUri = store.getRun(runId).info().artifactUri();
    }
  }

  private static CliRun run(String... args) {
    return CliRun.execute(args);
  }

  @Test
  void register_alias_stage_show_list_history_json() {
    CliRun reg = run("models", "register", "--root", root, "--source", "runs:/" + runId + "/model", "--name", "mnist", "--format", "json");
    assertThat(reg.exitCode()).as(reg.err()).isZero();
    assertThat(reg.out()).startsWith("{\n  \"model_version\": {\n    \"name\": \"mnist\",\n    \"version\": \"1\",\n    \"creation_timestamp\": ")
        .contains("\"current_stage\": \"None\",\n    \"source\": \"" + artifactUri + "/model\",\n    \"run_id\": \"" + runId + "\",\n    \"status\": \"READY\"\n  }\n}");
    assertThat(run("models", "register", "--root", root, "--source", "s3://b/m", "--name", "mnist").out())
        .contains("version").contains("2").contains("s3://b/m");

    CliRun alias = run("models", "alias", "--root", root, "mnist", "champion", "1", "--format", "json");
    assertThat(alias.exitCode()).isZero();
    assertThat(alias.out()).isEqualTo("{}\n");
    CliRun stage = run("models", "stage", "--root", root, "mnist", "2", "production", "--archive-existing", "--format", "json");
    assertThat(stage.exitCode()).as(stage.err()).isZero();
    assertThat(stage.out()).contains("\"current_stage\": \"Production\"");

    CliRun show = run("models", "show", "--root", root, "mnist", "--format", "json");
    assertThat(show.out())
        .startsWith("{\n  \"registered_model\": {\n    \"name\": \"mnist\",\n    \"creation_timestamp\": ")
        .contains("\"latest_versions\": [")
        .contains("\"aliases\": [\n      {\n        \"alias\": \"champion\",\n        \"version\": \"1\"\n      }\n    ]");
    CliRun byAlias = run("models", "show", "--root", root, "mnist", "--alias", "champion", "--format", "json");
    assertThat(byAlias.out()).contains("\"version\": \"1\"").contains("\"aliases\": [\n      \"champion\"\n    ]");
    assertThat(run("models", "show", "--root", root, "mnist", "--version", "2").out()).contains("Production");
    assertThat(run("models", "show", "--root", root, "mnist").out()).contains("champion=1").contains("VERSION");

    CliRun list = run("models", "list", "--root", root, "--format", "json");
    assertThat(list.out()).startsWith("{\n  \"registered_models\": [\n    {\n      \"name\": \"mnist\"");
    CliRun page = run("models", "list", "--root", root, "--versions", "--max-results", "1", "--format", "json");
    assertThat(page.out()).contains("\"model_versions\": [").contains("\"next_page_token\": ");
    assertThat(run("models", "list", "--root", root, "--filter", "name = 'nope'").out()).isEqualTo("No registered models.\n");
    assertThat(run("models", "list", "--root", root, "--versions").out()).contains("mnist").contains("Production");

    assertThat(run("models", "alias", "--root", root, "--delete", "mnist", "champion").exitCode()).isZero();
    CliRun history = run("models", "history", "--root", root, "mnist");
    assertThat(history.out())
        .contains("model created").contains("version created").contains("alias set").contains("stage transitioned")
        .contains("alias deleted").contains(System.getProperty("user.name"));
    CliRun historyJson = run("models", "history", "--root", root, "mnist", "--format", "json");
    assertThat(historyJson.out()).startsWith("{\n  \"changes\": [\n    {\n      \"timestamp\": ")
        .contains("\"change\": \"model created\"");
  }

  @Test
  void badInput_isMlflowsErrorJson_withItsExitCode() {
    CliRun unknown = run("models", "show", "--root", root, "nope");
    assertThat(unknown.exitCode()).isEqualTo(1);
    assertThat(unknown.out()).isEmpty();
    assertThat(unknown.err()).startsWith("{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", \"message\": ");

    run("models", "register", "--root", root, "--source", "s3://b/m", "--name", "m");
    CliRun badVersion = run("models", "show", "--root", root, "m", "--version", "x");
    assertThat(badVersion.exitCode()).isEqualTo(2);
    assertThat(badVersion.err()).contains("INVALID_PARAMETER_VALUE").contains("must be an integer");
    CliRun badStage = run("models", "stage", "--root", root, "m", "1", "Prod");
    assertThat(badStage.exitCode()).isEqualTo(2);
    assertThat(badStage.err()).contains("Invalid Model Version stage: Prod.");
    CliRun archiveNone = run("models", "stage", "--root", root, "m", "1", "None", "--archive-existing");
    assertThat(archiveNone.exitCode()).isEqualTo(1);
    assertThat(archiveNone.err()).contains("INTERNAL_ERROR");
    CliRun reserved = run("models", "alias", "--root", root, "m", "latest", "1");
    assertThat(reserved.exitCode()).isEqualTo(2);
    assertThat(reserved.err()).contains("INVALID_PARAMETER_VALUE");
    CliRun noRun = run("models", "register", "--root", root, "--source", "runs:/0123456789abcdef0123456789abcdef/m", "--name", "m");
    assertThat(noRun.exitCode()).isEqualTo(1);
    assertThat(noRun.err()).contains("RESOURCE_DOES_NOT_EXIST");
    CliRun badFilter = run("models", "list", "--root", root, "--filter", "nme = 'x'");
    assertThat(badFilter.exitCode()).isEqualTo(2);
    assertThat(badFilter.err()).contains("INVALID_PARAMETER_VALUE");
    assertThat(run("models", "history", "--root", root, "nope").exitCode()).isEqualTo(1);

    assertThat(run("models", "alias", "--root", root, "m", "a").exitCode()).isEqualTo(2);
    assertThat(run("models", "show", "--root", root, "m", "--version", "1", "--alias", "a").exitCode()).isEqualTo(2);
    assertThat(run("models", "list", "--root", root, "--format", "csv").exitCode()).isEqualTo(2);
    assertThat(run("models").exitCode()).isEqualTo(2);
  }

  @Test
  void importMlflow_carriesTheRegistry_modelsAnswers_exportWritesIt() throws Exception {
    Path mlruns = RegistryFixture.write(dir.resolve("mlruns"));
    String store = dir.resolve("imported").toString();
    CliRun imported = run("import-mlflow", mlruns.toString(), "--root", store);
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    assertThat(imported.out())
        .contains("Imported 2 registered model(s), 5 model version(s), 2 alias(es).")
        .contains("Nothing skipped.");
    assertThat(run("import-mlflow", mlruns.toString(), "--root", store).out())
        .contains("Already in the store (left as they are): 1 experiment(s), 1 run(s), 2 registered model(s).");

    CliRun list = run("models", "list", "--root", store, "--order-by", "name DESC", "--format", "json");
    assertThat(list.out()).startsWith("{\n  \"registered_models\": [\n    {\n      \"name\": \"mnist\",\n"
        + "      \"creation_timestamp\": 1700000060000,\n      \"last_updated_timestamp\": 1700000500000,\n"
        + "      \"description\": \"Digits classifier\",\n");
    CliRun champion = run("models", "show", "--root", store, "mnist", "--alias", "champion");
    assertThat(champion.out()).contains("Production").contains("second try").contains("tags.a/b");
    assertThat(run("models", "show", "--root", store, "mnist", "--version", "3").exitCode()).isEqualTo(1);
    assertThat(run("models", "history", "--root", store, "mnist").out()).contains("model imported").contains("version imported");

    Path out = dir.resolve("exported");
    CliRun exported = run("export-mlflow", "--root", store, out.toString());
    assertThat(exported.exitCode()).as(exported.err()).isZero();
    assertThat(exported.out()).contains("2 registered model(s) with 5 version(s)");
    assertThat(RegistryFixture.read(out.resolve("models"))).isEqualTo(RegistryFixture.registryFiles(out));
  }
}
