package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.error.UnsupportedFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by format 1 (the demo plus an MLflow import, made by the code of 2026-11-30 and
 * committed as {@code golden/format-1/store.zip}, with what that code's CLI answered then) is
 * refused by name, upgraded in place, and then answers every question exactly as before, and takes
 * new runs.
 */
class UpgradeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final GoldenStore GOLDEN = new GoldenStore(1);

  @TempDir Path dir;
  Path root;

  private static CliRun execute(String... args) {
    return CliRun.execute(args);
  }

  @BeforeEach
  void unzipGoldenStore() throws IOException {
    root = GOLDEN.unzipInto(dir);
  }

  private JsonNode expected(String name) throws IOException {
    return GOLDEN.expected(name);
  }

  private JsonNode run(String... args) throws IOException {
    CliRun r = execute(args);
    assertThat(r.err()).as(String.join(" ", args)).isEmpty();
    assertThat(r.exitCode()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void format1Store_isRefusedByName_thenUpgraded_andAnswersAsBefore() throws IOException {
    assertThatThrownBy(() -> Store.open(root))
        .isInstanceOf(UnsupportedFormatException.class)
        .hasMessageContaining("format 1")
        .hasMessageContaining("tracklog upgrade --root");
    CliRun refused = execute("runs", "--root", root.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("tracklog upgrade");

    CliRun upgraded = execute("upgrade", "--root", root.toString());
    assertThat(upgraded.err()).isEmpty();
    assertThat(upgraded.exitCode()).isZero();
    assertThat(upgraded.out()).contains("Upgraded from format 1").contains("39 run(s)");

    assertThat(GoldenStore.withoutCompactionState(run("export-json", "--root", root.toString())))
        .isEqualTo(GoldenStore.withoutCompactionState(expected("export.json")));
    assertThat(run("search", "--root", root.toString(), "--experiment-ids", "0,1,2,3,4,5,6", "--view", "ALL",
            "--format", "json", "--order-by", "metrics.accuracy DESC", "--max-results", "50000"))
        .isEqualTo(expected("search.json"));
    assertThat(run("experiments", "--root", root.toString(), "--view", "ALL", "--format", "json"))
        .isEqualTo(expected("experiments.json"));
    // Nothing of format 1 is left but the artifacts.
    assertThat(root.resolve("catalog")).doesNotExist();
    try (var runs = Files.list(root.resolve("runs"))) {
      runs.forEach(r -> assertThat(r.resolve("events")).doesNotExist());
    }

    // The upgraded store takes new runs, and a second upgrade has nothing to do.
    String runId;
    try (Store store = Store.open(root)) {
      try (RunWriter w = store.startRun("2")) {
        runId = w.runId();
        w.logMetric("accuracy", 0.5, 1);
        w.end(RunStatus.FINISHED);
      }
      Run r = store.getRun(runId);
      assertThat(r.metric("accuracy")).isEqualTo(0.5);
      assertThat(store.runIds("2")).contains(runId);
    }
    assertThat(execute("upgrade", "--root", root.toString()).out()).contains("already of the current format");
  }

  @Test
  void interruptedUpgrade_leftovers_areRedoneOrFinished() throws IOException {
    // As a crash before the commit leaves it: half-written logs aside and in place.
    Files.createDirectories(root.resolve(".upgrade/logs/catalog"));
    Files.writeString(root.resolve(".upgrade/logs/catalog/junk"), "half");
    Files.createDirectories(root.resolve("logs/lane-000"));
    Files.writeString(root.resolve("logs/lane-000/junk"), "half");
    assertThat(execute("upgrade", "--root", root.toString()).exitCode()).isZero();
    assertThat(GoldenStore.withoutCompactionState(run("export-json", "--root", root.toString())))
        .isEqualTo(GoldenStore.withoutCompactionState(expected("export.json")));

    // As a crash after the commit leaves it: format-1 logs still there. Readers ignore them and a
    // second upgrade removes them.
    Files.createDirectories(root.resolve("catalog"));
    Files.writeString(root.resolve("catalog/leftover"), "x");
    assertThat(GoldenStore.withoutCompactionState(run("export-json", "--root", root.toString())))
        .isEqualTo(GoldenStore.withoutCompactionState(expected("export.json")));
    assertThat(execute("upgrade", "--root", root.toString()).exitCode()).isZero();
    assertThat(root.resolve("catalog")).doesNotExist();
  }
}
