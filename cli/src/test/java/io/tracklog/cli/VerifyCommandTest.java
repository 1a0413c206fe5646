package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.testing.StoreDamage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklog verify [--deep]}: clean (exit 0) on the demo store and on a store written through
 * the API; each damage printed on one line naming the kind and the file, a summary, exit 1. And the
 * reader's fallbacks (issue #11): a command answering from the logs because a compacted file failed
 * its checks prints the same output, plus one warning for the file on stderr.
 */
class VerifyCommandTest {
  @TempDir Path dir;

  private static MainTest.Result run(String... args) {
    return MainTest.execute(args);
  }

  /** Two runs with params, metrics, tags and an artifact, compacted. */
  private String writeStore() {
    try (Store store = Store.open(dir, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      String exp = store.createExperiment("e");
      String first = null;
      for (int r = 0; r < 2; r++) {
        int n = r;
        String id = store.run(RunSpec.of(exp, "run-" + r), w -> {
          w.logParam("p", "value-" + n);
          w.setTag("t", "x");
          for (int i = 0; i < 30; i++) {
            w.logMetric("loss", 1.0 / (i + 1 + n), i);
          }
          w.logText("notes of run " + n, "notes.txt");
        });
        first = first == null ? id : first;
      }
      store.compact();
      return first;
    }
  }

  private Manifest.Segment segment() {
    return ManifestFiles.latest(dir, "ignored").segments().get(0);
  }

  @Test
  void demoStore_isClean_withAndWithoutDeep() {
    assertThat(run("demo", "--root", dir.toString()).exitCode()).isZero();
    try (Store store = Store.open(dir)) {
      store.compact(); // the demo compacts as its runs close; make sure every run is in an Arrow file
    }
    for (MainTest.Result r : List.of(run("verify", "--root", dir.toString()), run("verify", "--deep", "--root", dir.toString()))) {
      assertThat(r.err()).isEmpty();
      assertThat(r.out()).startsWith("OK: ");
      assertThat(r.exitCode()).as(r.out()).isZero();
    }
  }

  @Test
  void damagedFiles_oneLineEach_summary_exit1() throws IOException {
    String runId = writeStore();
    assertThat(run("verify", "--root", dir.toString()).exitCode()).isZero();
    Manifest.Segment seg = segment();
    StoreDamage.flip(dir.resolve(seg.metricsFile().path()), 100);
    Path notes = dir.resolve("runs").resolve(runId).resolve("artifacts").resolve("notes.txt");
    Files.delete(notes);

    MainTest.Result r = run("verify", "--root", dir.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).startsWith("MISSING runs/" + runId + "/artifacts/notes.txt: artifact notes.txt of run " + runId);
    assertThat(lines.get(1)).startsWith("CHECKSUM " + seg.metricsFile().path() + ": CRC32C ").contains("manifest says " + seg.metricsFile().crc32c());
    assertThat(lines.get(2)).isEqualTo("2 problem(s) in " + dir.toAbsolutePath().normalize()
        + " (logs, manifests' files, artifacts, catalog checkpoint)");
  }

  @Test
  void deep_findsAnArrowFileThatSaysOtherThanTheLogs_whoseChecksumMatches() {
    writeStore();
    StoreDamage.rewriteKeepingChecksum(dir, segment().runsFile().path(), "value-1", "VALUE-1");
    assertThat(run("verify", "--root", dir.toString()).exitCode()).isZero();
    MainTest.Result r = run("verify", "--deep", "--root", dir.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out().lines().toList()).first().asString()
        .startsWith("CONTENT " + segment().runsFile().path() + ": run ")
        .endsWith("param p: VALUE-1, the log says value-1");
  }

  @Test
  void commandAnsweringFromTheLogs_printsTheSameOutput_andOneWarningPerFile() {
    writeStore();
    MainTest.Result pristine = run("export-json", "--root", dir.toString());
    assertThat(pristine.err()).isEmpty();
    Path metrics = dir.resolve(segment().metricsFile().path()).toAbsolutePath().normalize();
    Path runs = dir.resolve(segment().runsFile().path()).toAbsolutePath().normalize();
    StoreDamage.flip(metrics, 200);
    StoreDamage.flip(runs, 200);

    MainTest.Result damaged = run("export-json", "--root", dir.toString()); // every run, every history
    assertThat(damaged.exitCode()).isZero();
    assertThat(damaged.out()).isEqualTo(pristine.out());
    List<String> warnings = damaged.err().lines().toList();
    assertThat(warnings).hasSize(2);
    assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("warning: " + metrics + " failed its checks (CRC32C "));
    assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("warning: " + runs + " failed its checks (CRC32C "));
    assertThat(warnings).allSatisfy(w -> assertThat(w).endsWith("answering from the run logs instead"));
  }
}
