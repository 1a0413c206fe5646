package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracklog.ArtifactInfo;
import io.tracklog.Experiment;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.registry.LoggedModel;
import io.tracklog.registry.LoggedModels;
import io.tracklog.server.MlflowJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A small store of every format version this code reads without an upgrade step, each made by the
 * code of its day (the demo plus an MLflow import) and committed as {@code
 * golden/format-N/store.zip} with what that code's CLI answered: it opens, answers every question
 * exactly as then, and takes new runs. A format change that forgets to keep reading one fails here.
 * Format 2 was made at d2c753a, format 3 at 40cc68d; every one becomes format 8 as it opens (format 2
 * gains a catalog head, docs/FORMAT.md §Catalog head; their logs keep their unchecked excerpts,
 * §Checked frames). Format 4 (with a run purged by gc) at bb87e9b, format 5 (the same, plus two runs
 * read from their lane, not compacted, and the lanes' recorded ends) at 72f60b2, format 6 (the same
 * with the demo's registered XGBoost model, an imported MLflow registry, and a logged model (MLflow 3)
 * with files, params, tags and a run output, registered as a version, beside a deleted one) at
 * 9453dae; from format 6 on the registry and the logged models answer as recorded too.
 * Format 7 (the same, with the registry as the plain file logs/registry.log) at 875609e.
 * Format 8 (the same, with runs started and batches logged as compact lane frames, a batch referring
 * to an earlier one's keys, and ZSTD Arrow files) at the commit that added it.
 * Format 1 needs `tracklog upgrade` (UpgradeCommandTest).
 */
class GoldenStoresTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static JsonNode run(String... args) throws IOException {
    CliRun r = CliRun.execute(args);
    assertThat(r.err()).as(String.join(" ", args)).isEmpty();
    assertThat(r.exitCode()).isZero();
    return JSON.readTree(r.out());
  }

  private static void answersAsRecorded(GoldenStore golden, Path root, int format) throws IOException {
    assertThat(run("export-json", "--root", root.toString())).isEqualTo(golden.expected("export.json"));
    assertThat(run("search", "--root", root.toString(), "--experiment-ids", "0,1,2,3,4", "--view", "ALL",
            "--format", "json", "--order-by", "metrics.accuracy DESC", "--max-results", "50000"))
        .isEqualTo(golden.expected("search.json"));
    assertThat(run("experiments", "--root", root.toString(), "--view", "ALL", "--format", "json"))
        .isEqualTo(golden.expected("experiments.json"));
    if (format >= 6) {
      assertThat(run("models", "list", "--root", root.toString(), "--format", "json"))
          .isEqualTo(golden.expected("registered-models.json"));
      assertThat(run("models", "list", "--versions", "--root", root.toString(), "--format", "json"))
          .isEqualTo(golden.expected("model-versions.json"));
      assertThat(loggedModels(root)).isEqualTo(golden.expected("logged-models.json"));
    }
  }

  /**
   * The store's logged models (store format 6), as it answers for them: each one not deleted, in
   * the tracking server's JSON, with its files' contents (read, so checked against their recorded
   * SHA-256), and every run's outputs.
   */
  private static JsonNode loggedModels(Path root) throws IOException {
    ObjectNode out = JSON.createObjectNode();
    try (Store store = Store.open(root)) {
      LoggedModels models = store.registry().loggedModels();
      var list = out.putArray("logged_models");
      for (LoggedModel m : models.list(store.experiments().stream().map(Experiment::experimentId).toList()).stream()
          .sorted(Comparator.comparing(LoggedModel::modelId))
          .toList()) {
        ObjectNode node = JSON.valueToTree(MlflowJson.loggedModel(m));
        putFiles(models, m.modelId(), "", node.putObject("files"));
        list.add(node);
      }
      out.set("outputs", JSON.valueToTree(new TreeMap<>(models.outputs())));
    }
    // Numbers as parsing the recorded file gives them (a long 0 reads back as an int).
    return JSON.readTree(JSON.writeValueAsString(out));
  }

  private static void putFiles(LoggedModels models, String modelId, String dir, ObjectNode files) throws IOException {
    for (ArtifactInfo f : models.listArtifacts(modelId, dir)) {
      if (f.isDir()) {
        putFiles(models, modelId, f.path(), files);
      } else {
        try (InputStream in = models.openArtifact(modelId, f.path())) {
          files.put(f.path(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static int formatVersion(Path root) throws IOException {
    return JSON.readTree(root.resolve("store.json").toFile()).path("formatVersion").asInt();
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8})
  void goldenStore_opensAsItIs_answersAsRecorded_andTakesNewRuns(int format) throws IOException {
    GoldenStore golden = new GoldenStore(format);
    Path root = golden.unzipInto(dir);
    assertThat(formatVersion(root)).isEqualTo(format);
    assertThat(root.resolve("logs/catalog.head").toFile().exists()).isEqualTo(format >= 3);

    answersAsRecorded(golden, root, format);
    assertThat(formatVersion(root)).isEqualTo(8);
    assertThat(root.resolve("logs/catalog.head")).exists();
    answersAsRecorded(golden, root, format); // and again, now through the head

    String runId;
    try (Store store = Store.open(root)) {
      try (RunWriter w = store.startRun("2")) {
        runId = w.runId();
        w.logMetric("accuracy", 0.5, 1);
        w.end(RunStatus.FINISHED);
      }
    }
    try (Store store = Store.open(root)) {
      assertThat(store.getRun(runId).metric("accuracy")).isEqualTo(0.5);
      assertThat(store.runIds("2")).contains(runId);
      store.registry().createRegisteredModel("added-after-upgrade");
      store.registry().createModelVersion("added-after-upgrade", "runs:/" + runId + "/model", runId);
    }
    // A registry queue made at format 6 stays the store's registry log; a store without one gets
    // the plain file of format 7 at its first registry write (docs/FORMAT.md §Model registry log).
    boolean hadQueue = java.nio.file.Files.isDirectory(root.resolve("logs/registry"));
    assertThat(root.resolve("logs/registry.log").toFile().exists()).isEqualTo(!hadQueue);
    try (Store store = Store.open(root)) {
      assertThat(store.registry().getModelVersion("added-after-upgrade", 1).runId()).isEqualTo(runId);
    }
  }

  @Test
  void upgrade_ofAFormat2Store_onlyAddsTheHead() throws IOException {
    GoldenStore golden = new GoldenStore(2);
    Path root = golden.unzipInto(dir);
    CliRun upgraded = CliRun.execute("upgrade", "--root", root.toString());
    assertThat(upgraded.exitCode()).isZero();
    assertThat(upgraded.out()).contains("Upgraded from format 2").doesNotContain("rebuilt");
    assertThat(root.resolve("logs/catalog.head")).exists();
    answersAsRecorded(golden, root, 2);
    assertThat(CliRun.execute("upgrade", "--root", root.toString()).out()).contains("already of the current format");
  }
}
