package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.reader.StoreReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracklog archive create|ls|verify|import}: output, exit codes, a damaged archive. */
class ArchiveCommandTest {
  @TempDir Path dir;

  @Test
  void create_ls_verify_import() throws IOException {
    Path root = dir.resolve("store");
    String runId;
    try (Store store = Store.open(root, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      String exp = store.createExperiment("e");
      runId = store.run(RunSpec.of(exp, "r"), r -> {
        r.logMetric("loss", 0.5, 0);
        r.logText("w", "model/w.txt");
      });
      store.registry().registerModel("runs:/" + runId + "/model", "m");
      store.registry().setRegisteredModelAlias("m", "champion", 1);
    }
    Path file = dir.resolve("m.tlar");
    MainTest.Result created = MainTest.execute("archive", "create", "--root", root.toString(), "--model", "m@champion", "-o", file.toString());
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out()).contains("Archived 1 run(s) of 1 experiment(s), model(s) m");

    MainTest.Result ls = MainTest.execute("archive", "ls", file.toString(), "--entries");
    assertThat(ls.exitCode()).isZero();
    assertThat(ls.out()).contains("run " + runId, "model m", "store/runs/" + runId + "/artifacts/model/w.txt", "registry.bin");

    assertThat(MainTest.execute("archive", "verify", file.toString()).out()).startsWith("OK: ");

    Path other = dir.resolve("other");
    MainTest.Result imported = MainTest.execute("archive", "import", file.toString(), "--root", other.toString());
    assertThat(imported.out()).contains("Imported 1 run(s), 1 experiment(s), 1 model(s); skipped 0");
    assertThat(MainTest.execute("archive", "import", file.toString(), "--root", other.toString()).out())
        .contains("Imported 0 run(s), 0 experiment(s), 0 model(s); skipped 1");
    try (StoreReader reader = StoreReader.open(other)) {
      assertThat(reader.snapshot().getRun(runId).metric("loss")).isEqualTo(0.5);
      assertThat(reader.registry().versionByAlias("m", "champion")).isPresent();
    }

    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {42}), 200);
    }
    MainTest.Result bad = MainTest.execute("archive", "verify", file.toString());
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.err()).contains("Corrupt file", "entry ");
    assertThat(MainTest.execute("archive", "create", "--root", root.toString(), "-o", dir.resolve("x").toString()).exitCode()).isEqualTo(2);
    assertThat(Files.exists(dir.resolve("x"))).isFalse();
  }
}
