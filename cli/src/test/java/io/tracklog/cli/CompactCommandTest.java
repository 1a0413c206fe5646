package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.ManifestFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CompactCommandTest {
  @TempDir Path dir;

  private String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out, true));
    assertThat(cmd.execute(args)).isZero();
    return out.toString();
  }

  @Test
  void compact_thenNothingLeft_thenRebuildRewritesEverything() {
    try (Store store =
        Store.open(dir, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      String exp = store.createExperiment("e");
      for (int i = 0; i < 3; i++) {
        store.run(RunSpec.of(exp), r -> r.logMetric("m", 1.0, 0));
      }
    }
    assertThat(run("compact", "--root", dir.toString())).contains("Generation 1: 3 run(s), 3 metric point(s)");
    assertThat(run("compact", "--root", dir.toString())).contains("Nothing to compact; generation 1 is current.");
    assertThat(run("compact", "--rebuild", "--root", dir.toString())).contains("Generation 2: 3 run(s)");
    assertThat(ManifestFiles.latestGeneration(dir)).hasValue(2);
  }
}
