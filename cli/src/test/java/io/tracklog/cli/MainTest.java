package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir Path dir;

  /** One invocation's exit code and output. */
  record Result(int exitCode, String out, String err) {}

  private static Result execute(CommandLine cmd, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs a command in-process: exit code, stdout and stderr (other command tests use it too). */
  static Result execute(String... args) {
    return execute(new CommandLine(new Main()), args);
  }

  /** The demo summary's rows, by experiment name: the cells after the name. */
  private static Map<String, List<String>> summaryRows(String out) {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String line : out.split("\\R")) {
      String[] cells = line.trim().split("\\s+");
      if (DemoCommand.EXPERIMENTS.contains(cells[0])) {
        rows.put(cells[0], Arrays.asList(cells).subList(1, cells.length));
      }
    }
    return rows;
  }

  @Test
  void demo_summarisesFourExperimentsWithTheirRunCounts() {
    Result result = execute("demo", "--root", dir.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEmpty();
    Map<String, List<String>> rows = summaryRows(result.out());
    assertThat(rows).containsOnlyKeys("quickstart", "grid-search", "training-curves", "nested-runs");
    // cells: ID, RUNS, BEST RUN, RUN ID, METRIC, VALUE
    assertThat(rows.get("quickstart").subList(0, 2)).containsExactly("1", "1");
    assertThat(rows.get("grid-search").subList(0, 2)).containsExactly("2", "12");
    assertThat(rows.get("training-curves").subList(0, 2)).containsExactly("3", "3");
    assertThat(rows.get("nested-runs").subList(0, 2)).containsExactly("4", "13");
    assertThat(rows.get("grid-search").get(4)).isEqualTo("accuracy");
    assertThat(rows.get("training-curves").get(4)).isEqualTo("val_accuracy");
    assertThat(rows.get("nested-runs").get(2)).isEqualTo("logreg-C1.0");

    // The best run printed is the stored run with the highest accuracy.
    try (Store store = Store.open(dir)) {
      double max = store.runs("2").stream().mapToDouble(r -> r.metric("accuracy")).max().orElseThrow();
      String bestId = rows.get("grid-search").get(3);
      assertThat(store.getRun(bestId).metric("accuracy")).isEqualTo(max);
      assertThat(rows.get("grid-search").get(5)).isEqualTo(String.format(Locale.ROOT, "%.4f", max));
    }
  }

  @Test
  void demo_twice_addsRunsToTheSameExperiments() {
    assertThat(execute("demo", "--root", dir.toString()).exitCode()).isZero();
    Result second = execute("demo", "--root", dir.toString());

    assertThat(second.exitCode()).isZero();
    Map<String, List<String>> rows = summaryRows(second.out());
    assertThat(rows.get("quickstart").subList(0, 2)).containsExactly("1", "2");
    assertThat(rows.get("grid-search").subList(0, 2)).containsExactly("2", "24");
    assertThat(rows.get("training-curves").subList(0, 2)).containsExactly("3", "6");
    assertThat(rows.get("nested-runs").subList(0, 2)).containsExactly("4", "26");
  }

  @Test
  void orphans_onAFreshDemoStore_listsNothing() {
    assertThat(execute("demo", "--root", dir.toString()).exitCode()).isZero();

    Result result = execute("orphans", "--root", dir.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().trim()).isEqualTo("No orphaned runs.");
  }

  @Test
  void orphans_end_endsRunsLeftRunningAsKilled() {
    String orphan;
    String finished;
    try (Store store = Store.open(dir)) {
      String exp = store.setExperiment("crashy").experimentId();
      try (RunWriter run = store.startRun(RunSpec.of(exp, "abandoned"))) {
        orphan = run.runId(); // closed without ending: stays RUNNING with no writer
      }
      finished = store.run(RunSpec.of(exp, "done"), run -> run.logMetric("m", 1.0));
    }

    Result listed = execute("orphans", "--root", dir.toString());
    assertThat(listed.exitCode()).isZero();
    assertThat(listed.out()).contains(orphan, "abandoned").doesNotContain(finished);

    Result ended = execute("orphans", "--root", dir.toString(), "--end");
    assertThat(ended.exitCode()).isZero();
    assertThat(ended.out()).contains("Ended 1 orphaned run(s) as KILLED", orphan);
    try (Store store = Store.open(dir)) {
      assertThat(store.getRun(orphan).info().status()).isEqualTo(RunStatus.KILLED);
      assertThat(store.getRun(finished).info().status()).isEqualTo(RunStatus.FINISHED);
    }
    assertThat(execute("orphans", "--root", dir.toString()).out().trim()).isEqualTo("No orphaned runs.");
  }

  @Test
  void runs_listsEveryRunOfAnExperiment() {
    assertThat(execute("demo", "--root", dir.toString()).exitCode()).isZero();

    Result result = execute("runs", "--root", dir.toString(), "--experiment", "2");

    assertThat(result.exitCode()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0)).startsWith("RUN ID").contains("NAME", "STATUS", "START TIME");
    assertThat(lines.subList(1, lines.size())).hasSize(12).allSatisfy(l -> assertThat(l).contains("FINISHED"));
    assertThat(result.out()).contains("rf-depth2-trees50", "rf-depth16-trees200");
  }

  @Test
  void runs_withoutExperiment_listsAllActiveExperiments() {
    assertThat(execute("demo", "--root", dir.toString()).exitCode()).isZero();

    Result result = execute("runs", "--root", dir.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines().count()).isEqualTo(1 + 1 + 12 + 3 + 13 + 1); // header, then each sample's runs
  }

  @Test
  void unknownOption_exitsWith2() {
    Result result = execute("runs", "--root", dir.toString(), "--bogus");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--bogus");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void unknownOption_withTracklogHandler_printsError() {
    Result result = execute(Main.commandLine(), "demo", "--nope");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("error: Unknown option: '--nope'");
  }

  @Test
  void invalidExperimentId_isAnInvalidParameter_exitsWith2() {
    assertThat(execute("demo", "--root", dir.toString()).exitCode()).isZero();

    Result result = execute("runs", "--root", dir.toString(), "--experiment", "no/such id");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("error: Invalid experiment ID");
  }

  @Test
  void unknownExperiment_exitsWith1() {
    assertThat(execute("demo", "--root", dir.toString()).exitCode()).isZero();

    Result result = execute("runs", "--root", dir.toString(), "--experiment", "99");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: ");
  }

  @Test
  void missingStore_exitsWith2_andCreatesNothing() {
    Path missing = dir.resolve("missing");

    Result result = execute(Main.commandLine(), "runs", "--root", missing.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).startsWith("error: No Tracklog store at");
    assertThat(missing).doesNotExist();
  }

  @Test
  void noSubcommand_exitsWith2() {
    assertThat(execute().exitCode()).isEqualTo(2);
  }
}
