package io.tracklog.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.RunSpec;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlflowExportTest {
  @TempDir Path dir;

  @Test
  void nativeStore_exportsMlflowLayout_pointingAtTheExport_andImportsBack() throws Exception {
    try (Store store = MlflowFixturesTest.open(dir.resolve("store"))) {
      String exp = store.createExperiment("vision");
      store.setExperimentTag(exp, "team", "cv");
      String gone = store.createExperiment("gone");
      String runId;
      try (RunWriter run = store.startRun(RunSpec.builder(exp).runName("baseline").tag("a/b", "nested").build())) {
        run.logParam("lr", "0.01");
        run.logMetric("loss", 1.0, 100, 0);
        run.logMetric("loss", Double.NaN, 101, 1);
        run.logMetric("loss", Double.NEGATIVE_INFINITY, 102, 2);
        run.logMetric("val/acc", 0.5, 103, 0);
        run.logInput(DatasetInput.of(new Dataset("iris", "d1", "local", "file:///iris", "{}", null), "training"));
        run.logText("hello", "notes/hello.txt");
        run.end(io.tracklog.RunStatus.FINISHED, 200);
        runId = run.runId();
      }
      store.deleteExperiment(gone);

      Path out = dir.resolve("mlruns");
      MlflowExport.Summary s = MlflowExport.exportStore(store, out, List.of());
      assertThat(s.experiments()).isEqualTo(3);
      assertThat(s.runs()).isEqualTo(1);
      YAMLMapper yaml = new YAMLMapper();
      Map<?, ?> em = yaml.readValue(out.resolve(exp).resolve("meta.yaml").toFile(), Map.class);
      assertThat(em.get("artifact_location")).isEqualTo(out.resolve(exp).toUri().toString().replaceAll("/$", ""));
      assertThat(em.get("experiment_id")).isEqualTo(exp);
      assertThat(out.resolve(".trash").resolve(gone).resolve("meta.yaml")).exists();
      assertThat(Files.readString(out.resolve(exp).resolve("tags/team"))).isEqualTo("cv");
      Path runDir = out.resolve(exp).resolve(runId);
      Map<?, ?> rm = yaml.readValue(runDir.resolve("meta.yaml").toFile(), Map.class);
      assertThat(rm.get("status")).isEqualTo(3);
      assertThat(rm.get("end_time")).isEqualTo(200);
      assertThat(rm.get("run_name")).isEqualTo("baseline");
      assertThat(rm.get("artifact_uri")).isEqualTo(runDir.resolve("artifacts").toUri().toString().replaceAll("/$", ""));
      assertThat(Files.readString(runDir.resolve("metrics/loss"))).isEqualTo("100 1.0 0\n101 nan 1\n102 -inf 2\n");
      assertThat(Files.readString(runDir.resolve("metrics/val/acc"))).isEqualTo("103 0.5 0\n");
      assertThat(Files.readString(runDir.resolve("tags/a/b"))).isEqualTo("nested");
      assertThat(Files.readString(runDir.resolve("params/lr"))).isEqualTo("0.01");
      assertThat(Files.readString(runDir.resolve("artifacts/notes/hello.txt"))).isEqualTo("hello");
      String datasetId = MlflowFiles.datasetId("iris", "d1");
      assertThat(out.resolve(exp).resolve("datasets").resolve(datasetId).resolve("meta.yaml")).exists();
      assertThat(runDir.resolve("inputs").resolve(MlflowFiles.inputId(datasetId, runId)).resolve("meta.yaml")).exists();

      try (Store back = MlflowFixturesTest.open(dir.resolve("back"))) {
        ImportReport report = MlflowImport.importStore(out, back);
        assertThat(report.skipped()).isEmpty();
        // Same store contents, except the locations now point at the export.
        assertThat(StoreContents.of(back, List.of(exp, gone)).withoutLocations())
            .isEqualTo(StoreContents.of(store, List.of(exp, gone)).withoutLocations());
      }
      assertThatThrownBy(() -> MlflowExport.exportStore(store, out, List.of())).isInstanceOf(IllegalArgumentException.class);
      MlflowExport.Summary one = MlflowExport.exportStore(store, dir.resolve("one"), List.of(exp));
      assertThat(one.experiments()).isEqualTo(1);
      assertThat(dir.resolve("one").resolve("0")).doesNotExist();
    }
  }
}
