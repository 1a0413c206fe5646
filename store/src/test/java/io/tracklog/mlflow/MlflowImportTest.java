package io.tracklog.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.RunImport;
import io.tracklog.RunRecord;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.Store;
import io.tracklog.mlflow.ImportReport.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlflowImportTest {
  @TempDir Path dir;

  @Test
  void conformanceDataset_writtenAsMlruns_importsExactly_andRoundTrips() throws Exception {
    JsonNode dataset = ConformanceMlruns.dataset();
    Path mlruns = ConformanceMlruns.write(dataset, dir.resolve("mlruns"));
    try (Store store = MlflowFixturesTest.open(dir.resolve("store"))) {
      ImportReport report = MlflowImport.importStore(mlruns, store);
      assertThat(report.skipped()).isEmpty();
      assertThat(report.imported(Kind.EXPERIMENTS)).isEqualTo(5);
      assertThat(report.imported(Kind.RUNS)).isEqualTo(17);
      for (JsonNode e : dataset.get("experiments")) {
        Experiment x = store.getExperiment(e.get("experiment_id").asText());
        assertThat(x.name()).isEqualTo(e.get("name").asText());
        assertThat(x.lifecycleStage().mlflowName()).isEqualTo(e.get("lifecycle_stage").asText());
        assertThat(x.creationTime()).isEqualTo(e.get("creation_time").asLong());
        assertThat(x.lastUpdateTime()).isEqualTo(e.get("last_update_time").asLong());
        Map<String, String> tags = new TreeMap<>();
        e.get("tags").fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
        assertThat(x.tags()).isEqualTo(tags);
      }
      for (JsonNode r : dataset.get("runs")) {
        RunRecord rec = store.runRecord(r.get("run_id").asText());
        var info = rec.run().info();
        assertThat(info.runName()).isEqualTo(r.get("name").asText());
        assertThat(info.experimentId()).isEqualTo(r.get("experiment").asText());
        assertThat(info.status()).isEqualTo(RunStatus.valueOf(r.get("status").asText()));
        assertThat(info.startTime()).isEqualTo(r.get("start_time").asLong());
        assertThat(info.endTime()).isEqualTo(r.get("end_time").isNull() ? null : r.get("end_time").asLong());
        assertThat(info.userId()).isEqualTo(r.get("user_id").asText());
        assertThat(info.artifactUri()).isEqualTo(r.get("artifact_uri").asText());
        assertThat(info.lifecycleStage().mlflowName()).isEqualTo(r.get("lifecycle_stage").asText());
        if (info.lifecycleStage() == LifecycleStage.DELETED) {
          assertThat(rec.deletedTime()).isEqualTo(r.get("end_time").asLong() + 1);
        }
        Map<String, String> params = new TreeMap<>();
        r.get("params").fields().forEachRemaining(p -> params.put(p.getKey(), p.getValue().asText()));
        assertThat(rec.run().params()).isEqualTo(params);
        Map<String, String> tags = new TreeMap<>();
        r.get("tags").fields().forEachRemaining(p -> tags.put(p.getKey(), p.getValue().asText()));
        assertThat(rec.run().tags()).isEqualTo(tags);
        Map<String, List<Metric>> history = new TreeMap<>();
        r.get("metrics").fields().forEachRemaining(m -> {
          List<Metric> points = new ArrayList<>();
          for (JsonNode p : m.getValue()) {
            points.add(new Metric(m.getKey(), ConformanceMlruns.value(p.get(0)), p.get(1).asLong(), p.get(2).asLong()));
          }
          history.put(m.getKey(), points);
        });
        assertThat(rec.metricHistory()).isEqualTo(history);
        List<String> datasets = new ArrayList<>();
        for (JsonNode d : r.get("datasets")) {
          datasets.add(d.get("name").asText() + "/" + d.get("digest").asText() + "/" + (d.has("context") ? d.get("context").asText() : null)
              + "/" + d.get("source_type").asText() + "/" + d.get("source").asText());
        }
        assertThat(rec.run().inputs().stream().map(i -> i.dataset().name() + "/" + i.dataset().digest() + "/" + i.context()
            + "/" + i.dataset().sourceType() + "/" + i.dataset().source()))
            .containsExactlyInAnyOrderElementsOf(datasets);
      }
      StoreContents before = StoreContents.of(store);
      MlflowExport.exportStore(store, dir.resolve("out"), List.of(), MlflowExport.ArtifactLocations.KEEP);
      try (Store b = MlflowFixturesTest.open(dir.resolve("b"))) {
        assertThat(MlflowImport.importStore(dir.resolve("out"), b).skipped()).isEmpty();
        assertThat(StoreContents.of(b)).isEqualTo(before);
      }
    }
  }

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static final String RUN_META =
      "artifact_uri: file:///x/1/%1$s/artifacts\nend_time: 20\nexperiment_id: '1'\nlifecycle_stage: active\n"
          + "run_id: %1$s\nrun_name: r\nstart_time: 10\nstatus: 3\nuser_id: u\n";

  @Test
  void malformedInput_reportedPerFile_restImported_noHalfRuns() throws Exception {
    Path m = dir.resolve("mlruns");
    write(m.resolve("1/meta.yaml"), "experiment_id: '1'\nname: e1\nartifact_location: file:///x/1\nlifecycle_stage: active\n"
        + "creation_time: 5\nlast_update_time: 6\nsurprise: yes\n");
    // a good run with every metric line form and odd values
    String good = "a".repeat(32);
    write(m.resolve("1/" + good + "/meta.yaml"), String.format(RUN_META, good) + "colour: red\n");
    write(m.resolve("1/" + good + "/metrics/loss"),
        "1 0.5 0\n2 nan 1\n3 inf 2\n4 -inf 3\n5 1e-05\n6 2.5 7 ds d1\nnot a line\n7 x 1\n8 1.0 2 3\n\n9 3.0 4\n");
    write(m.resolve("1/" + good + "/metrics/nested/acc"), "1 1.0 0\n");
    write(m.resolve("1/" + good + "/params/lr"), "0.01");
    write(m.resolve("1/" + good + "/params/bad key!"), "x");
    write(m.resolve("1/" + good + "/tags/mlflow.runName"), "r");
    write(m.resolve("1/" + good + "/inputs/abc/meta.yaml"),
        "source_type: DATASET\nsource_id: missing\ndestination_type: RUN\ndestination_id: missing\ntags: {}\n");
    write(m.resolve("1/" + good + "/artifacts/model/weights.bin"), "WEIGHTS");
    // runs that cannot be imported
    String noMeta = "b".repeat(32);
    write(m.resolve("1/" + noMeta + "/params/p"), "1");
    String broken = "c".repeat(32);
    write(m.resolve("1/" + broken + "/meta.yaml"), "run_id: [unclosed\n  : : :");
    String wrongId = "d".repeat(32);
    write(m.resolve("1/" + wrongId + "/meta.yaml"), String.format(RUN_META, "e".repeat(32)));
    String badStatus = "f".repeat(32);
    write(m.resolve("1/" + badStatus + "/meta.yaml"), String.format(RUN_META, badStatus).replace("status: 3", "status: 42"));
    // an experiment without meta.yaml, with a run that must not be imported
    write(m.resolve("2/" + "9".repeat(32) + "/meta.yaml"), String.format(RUN_META, "9".repeat(32)));
    // an experiment with a broken meta.yaml
    write(m.resolve("3/meta.yaml"), "{{{");

    try (Store store = MlflowFixturesTest.open(dir.resolve("store"))) {
      ImportReport report = MlflowImport.importStore(m, store);
      assertThat(report.imported(Kind.RUNS)).isEqualTo(1);
      assertThat(report.imported(Kind.EXPERIMENTS)).isEqualTo(1);
      assertThat(store.runIds("1")).containsExactly(good);
      Map<String, String> reasons = new TreeMap<>();
      report.skipped().forEach(s -> reasons.merge(s.path(), s.reason(), (a, b) -> a + " | " + b));
      assertThat(reasons.get("1/meta.yaml")).contains("unknown field 'surprise'");
      assertThat(reasons.get("1/" + good + "/meta.yaml")).contains("unknown field 'colour'");
      assertThat(reasons.get("1/" + good + "/metrics/loss"))
          .contains("3 bad metric line(s) dropped, line(s) [7, 8, 9]")
          .contains("dataset name and digest of 1 point(s)");
      assertThat(reasons.get("1/" + good + "/params/bad key!")).contains("param dropped");
      assertThat(reasons.get("1/" + good + "/inputs/abc/meta.yaml")).contains("dataset 'missing' not found");
      assertThat(reasons.get("1/" + noMeta + "/meta.yaml")).contains("no meta.yaml");
      assertThat(reasons.get("1/" + broken + "/meta.yaml")).contains("broken meta.yaml");
      assertThat(reasons.get("1/" + wrongId + "/meta.yaml")).contains("differs from its folder name");
      assertThat(reasons.get("1/" + badStatus + "/meta.yaml")).contains("unknown status '42'");
      assertThat(reasons.get("2/meta.yaml")).contains("experiment skipped with its runs");
      assertThat(reasons.get("2/" + "9".repeat(32))).contains("its experiment was not imported");
      assertThat(reasons.get("3/meta.yaml")).contains("experiment skipped with its runs");

      RunRecord r = store.runRecord(good);
      assertThat(r.metricHistory().get("loss"))
          .containsExactly(
              new Metric("loss", 0.5, 1, 0), new Metric("loss", Double.NaN, 2, 1),
              new Metric("loss", Double.POSITIVE_INFINITY, 3, 2), new Metric("loss", Double.NEGATIVE_INFINITY, 4, 3),
              new Metric("loss", 1e-5, 5, 0), new Metric("loss", 2.5, 6, 7), new Metric("loss", 3.0, 9, 4));
      assertThat(r.metricHistory().get("nested/acc")).containsExactly(new Metric("nested/acc", 1.0, 1, 0));
      assertThat(r.run().params()).containsExactly(Map.entry("lr", "0.01"));
      assertThat(r.artifacts()).containsOnlyKeys("model/weights.bin");
      try (var runs = Files.list(dir.resolve("store/runs"))) {
        assertThat(runs.map(p -> p.getFileName().toString())).containsExactly(good);
      }
      String text = report.format();
      assertThat(text).contains("Imported 1 experiment(s)").contains("Skipped ");
    }
  }

  @Test
  void importRun_failingHalfWay_leavesNoRunAndNoFolder_thenSucceeds() throws Exception {
    String runId = "0123456789abcdef0123456789abcdef";
    Path artifact = dir.resolve("weights.bin");
    RunImport broken =
        new RunImport(runId, "0", "r", "u", 1L, 2L, RunStatus.FINISHED, LifecycleStage.ACTIVE, null, "file:///x",
            List.of(new RunTag("mlflow.runName", "r")), List.of(), List.of(new Metric("m", 1.0, 1, 0)),
            List.<DatasetInput>of(), List.of(new RunImport.ArtifactFile("a/weights.bin", artifact)));
    try (Store store = MlflowFixturesTest.open(dir.resolve("store"))) {
      assertThatThrownBy(() -> store.importRun(broken)).isInstanceOf(java.io.UncheckedIOException.class);
      assertThat(store.runIds("0")).isEmpty();
      assertThat(dir.resolve("store/runs").resolve(runId)).doesNotExist();
      Files.write(artifact, "W".getBytes(StandardCharsets.UTF_8));
      store.importRun(broken);
      assertThat(store.runIds("0")).containsExactly(runId);
      assertThat(store.runRecord(runId).artifacts().get("a/weights.bin").size()).isEqualTo(1);
      assertThat(store.getRun(runId).info().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  @Test
  void twoTreesWithDifferentDefaultExperiments_secondConflictsAndIsReported() throws Exception {
    Path a = dir.resolve("a");
    write(a.resolve("0/meta.yaml"), "experiment_id: '0'\nname: first\nartifact_location: file:///a/0\nlifecycle_stage: active\n");
    Path b = dir.resolve("b");
    write(b.resolve("0/meta.yaml"), "experiment_id: '0'\nname: second\nartifact_location: file:///b/0\nlifecycle_stage: active\n");
    try (Store store = MlflowFixturesTest.open(dir.resolve("store"))) {
      assertThat(MlflowImport.importStore(a, store).imported(Kind.EXPERIMENTS)).isEqualTo(1);
      assertThat(store.getExperiment("0").name()).isEqualTo("first");
      assertThat(store.getExperiment("0").artifactLocation()).isEqualTo("file:///a/0");
      ImportReport second = MlflowImport.importStore(b, store);
      assertThat(second.imported(Kind.EXPERIMENTS)).isZero();
      assertThat(second.skipped()).singleElement().satisfies(s -> assertThat(s.reason()).contains("already exists"));
      assertThat(store.getExperiment("0").name()).isEqualTo("first");
    }
  }
}
