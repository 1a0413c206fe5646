package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.model.MLmodel;
import io.tracklog.model.ModelInfo;
import io.tracklog.model.ModelOptions;
import io.tracklog.model.Models;
import io.tracklog.model.OnnxFlavor;
import io.tracklog.model.Signature;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MlflowCommandsTest {
  @TempDir Path dir;

  record Result(int exitCode, String out, String err) {}

  private static Result execute(String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return new Result(cmd.execute(args), out.toString(), err.toString());
  }

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private Path mlruns() throws Exception {
    Path m = dir.resolve("mlruns");
    write(m.resolve("0/meta.yaml"), "artifact_location: file:///x/0\nexperiment_id: '0'\nlifecycle_stage: active\nname: Default\n");
    write(m.resolve("7/meta.yaml"),
        "artifact_location: file:///x/7\ncreation_time: 5\nexperiment_id: '7'\nlast_update_time: 6\nlifecycle_stage: active\nname: exp\n");
    write(m.resolve(".trash/8/meta.yaml"),
        "artifact_location: file:///x/8\nexperiment_id: '8'\nlifecycle_stage: deleted\nname: old\n");
    String run = "0123456789abcdef0123456789abcdef";
    write(m.resolve("7/" + run + "/meta.yaml"),
        "artifact_uri: file:///x/7/" + run + "/artifacts\nend_time: 20\nexperiment_id: '7'\nlifecycle_stage: active\n"
            + "run_id: " + run + "\nrun_name: r\nstart_time: 10\nstatus: 3\nuser_id: u\n");
    write(m.resolve("7/" + run + "/metrics/loss"), "10 0.5 0\n11 nan 1\n12 oops\n");
    write(m.resolve("7/" + run + "/params/lr"), "0.1");
    write(m.resolve("7/" + run + "/tags/mlflow.runName"), "r");
    write(m.resolve("7/" + run + "/artifacts/model.txt"), "w");
    return m;
  }

  @Test
  void importMlflow_printsTheReport_secondImportChangesNothing_exportWritesTheLayout() throws Exception {
    Path m = mlruns();
    Path root = dir.resolve("store");
    Result first = execute("import-mlflow", m.toString(), "--root", root.toString());
    assertThat(first.exitCode()).isZero();
    assertThat(first.out())
        .contains("Imported 3 experiment(s)")
        .contains("1 run(s): 1 param(s), 1 tag(s), 1 metric series with 2 point(s)")
        .contains("1 artifact file(s)")
        .contains("7/0123456789abcdef0123456789abcdef/metrics/loss: 1 bad metric line(s) dropped, line(s) [3]");
    Result second = execute("import-mlflow", m.toString(), "--root", root.toString());
    assertThat(second.exitCode()).isZero();
    assertThat(second.out())
        .contains("Imported 0 experiment(s)")
        .contains("Already in the store (left as they are): 3 experiment(s), 1 run(s).");
    try (Store store = Store.open(root)) {
      assertThat(store.getExperiment("8").isActive()).isFalse();
      assertThat(store.getExperiment("0").artifactLocation()).isEqualTo("file:///x/0");
    }

    Path out = dir.resolve("out");
    Result export = execute("export-mlflow", "--root", root.toString(), out.toString());
    assertThat(export.exitCode()).isZero();
    assertThat(export.out()).contains("Exported 3 experiment(s), 1 run(s), 2 metric point(s), 1 artifact file(s)");
    assertThat(out.resolve("7/0123456789abcdef0123456789abcdef/metrics/loss")).hasContent("10 0.5 0\n11 nan 1");
    assertThat(out.resolve("7/0123456789abcdef0123456789abcdef/artifacts/model.txt")).hasContent("w");
    assertThat(out.resolve(".trash/8/meta.yaml")).exists();

    Path some = dir.resolve("some");
    Result partial = execute("export-mlflow", "--root", root.toString(), some.toString(), "--experiment-ids", "7,8",
        "--keep-artifact-locations");
    assertThat(partial.exitCode()).isZero();
    assertThat(partial.out()).contains("Exported 2 experiment(s), 1 run(s)");
    assertThat(some.resolve("0")).doesNotExist();
    assertThat(some.resolve("7/meta.yaml")).content().contains("artifact_location: file:///x/7");
  }

  @Test
  void exportMlflow_ofARunWithALoggedModel_hasTheModelFilesAndMLmodelUnchanged_andImportsBack() throws Exception {
    Path root = dir.resolve("store");
    Path onnx = dir.resolve("model.onnx");
    Files.writeString(onnx, "onnx bytes");
    String runId;
    ModelInfo info;
    try (Store store = Store.open(root); RunWriter run = store.startRun(store.createExperiment("models"))) {
      runId = run.runId();
      List<Map<String, Object>> rows = List.of(Map.of("x", 1.0));
      info = run.logModel("model", OnnxFlavor.of(onnx),
          ModelOptions.DEFAULT.withSignature(Signature.infer(rows)).withInputExample(rows));
      run.end(RunStatus.FINISHED);
    }
    Path out = dir.resolve("out");
    assertThat(execute("export-mlflow", "--root", root.toString(), out.toString()).exitCode()).isZero();
    Path runDir;
    try (Stream<Path> found = Files.find(out, 3, (p, a) -> p.getFileName().toString().equals(runId))) {
      runDir = found.findFirst().orElseThrow();
    }
    Path exported = runDir.resolve("artifacts/model");
    try (Store store = Store.open(root)) {
      Path inStore = store.artifacts(runId).root().resolve("model");
      List<String> files;
      try (Stream<Path> walk = Files.walk(inStore)) {
        files = walk.filter(Files::isRegularFile).map(p -> inStore.relativize(p).toString()).sorted().toList();
      }
      assertThat(files).containsExactly("MLmodel", "conda.yaml", "input_example.json", "model.onnx", "python_env.yaml",
          "requirements.txt", "serving_input_example.json");
      for (String f : files) {
        assertThat(exported.resolve(f)).as(f).hasSameBinaryContentAs(inStore.resolve(f));
      }
    }
    assertThat(Files.readString(exported.resolve("MLmodel"))).isEqualTo(info.mlmodel().toYaml());
    assertThat(MLmodel.read(exported.resolve("MLmodel"))).isEqualTo(info.mlmodel());
    assertThat(runDir.resolve("tags/" + Models.LOG_MODEL_HISTORY_TAG)).content().contains(info.modelUuid());

    Path again = dir.resolve("again");
    assertThat(execute("import-mlflow", out.toString(), "--root", again.toString()).exitCode()).isZero();
    try (Store store = Store.open(again)) {
      assertThat(Models.load(store, info.modelUri()).mlmodel()).isEqualTo(info.mlmodel());
    }
  }

  @Test
  void errors_exitCodes() throws Exception {
    Result missing = execute("import-mlflow", dir.resolve("nope").toString(), "--root", dir.resolve("s").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("Not a directory");
    Result noStore = execute("export-mlflow", "--root", dir.resolve("none").toString(), dir.resolve("o").toString());
    assertThat(noStore.exitCode()).isEqualTo(2);
    assertThat(noStore.err()).contains("No Tracklog store");
    execute("import-mlflow", mlruns().toString(), "--root", dir.resolve("s").toString());
    Result unknown = execute("export-mlflow", "--root", dir.resolve("s").toString(), dir.resolve("o2").toString(),
        "--experiment-ids", "99");
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.err()).contains("99");
  }

  @Test
  void progressBar_redrawsInPlace_andEndsTheLine() {
    StringWriter err = new StringWriter();
    ImportMlflowCommand.ProgressBar bar = new ImportMlflowCommand.ProgressBar(new PrintWriter(err, true));
    for (int i = 0; i <= 4; i++) {
      bar.update(i, 4, "run");
    }
    assertThat(err.toString())
        .startsWith("\r[..............................] 0/4 runs")
        .contains("\r[###############...............] 2/4 runs")
        .endsWith("\r[##############################] 4/4 runs" + System.lineSeparator());
  }
}
