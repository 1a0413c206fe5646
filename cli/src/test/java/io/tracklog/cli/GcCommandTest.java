package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklog gc}: MLflow's lines for what it deleted, exit 0; a named run that is not deleted is
 * an error (exit 1) and nothing is deleted; a bad {@code --older-than} is a usage error (exit 2);
 * afterwards the run is unknown to the other commands and the store verifies.
 */
class GcCommandTest {
  @TempDir Path dir;

  private static MainTest.Result run(String... args) {
    return MainTest.execute(args);
  }

  @Test
  void gc_deletesDeletedRunsAndExperiments_andSaysSo() {
    String kept;
    String gone;
    String exp;
    String doomedExp;
    try (Store store = Store.open(dir, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      exp = store.createExperiment("e");
      doomedExp = store.createExperiment("doomed");
      kept = store.run(RunSpec.of(exp, "kept"), w -> w.logMetric("m", 1, 0));
      gone = store.run(RunSpec.of(exp, "gone"), w -> w.logText("x", "notes.txt"));
      store.run(RunSpec.of(doomedExp, "with-it"), w -> w.logMetric("m", 2, 0));
      store.compact();
      store.deleteRun(gone);
      store.deleteExperiment(doomedExp);
    }
    String root = dir.toString();

    MainTest.Result refused = run("gc", "--root", root, "--run-ids", kept + "," + gone);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("Run " + kept + " is not in `deleted` lifecycle stage");
    assertThat(run("gc", "--root", root, "--older-than", "3 weeks").exitCode()).isEqualTo(2);
    assertThat(run("gc", "--root", root, "--older-than", "30d").out()).isEmpty();

    MainTest.Result done = run("gc", "--root", root);
    assertThat(done.exitCode()).as(done.err()).isZero();
    assertThat(done.out())
        .contains("Run with ID " + gone + " has been permanently deleted.")
        .contains("Experiment with ID " + doomedExp + " has been permanently deleted.")
        .doesNotContain(kept);

    assertThat(run("runs", "--root", root, "--experiment", exp).out()).contains(kept).doesNotContain(gone);
    assertThat(run("history", "--root", root, "--run", gone, "--key", "m").exitCode()).isEqualTo(1);
    assertThat(run("verify", "--root", root).exitCode()).isZero();
    assertThat(run("gc", "--root", root).out()).isEmpty();
  }
}
