package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by format 2 (the demo plus an MLflow import, made by the code of 2026-12-03 at
 * d2c753a and committed as {@code golden/format-2/store.zip}, with what that code's CLI answered)
 * opens without an upgrade step, answers every question exactly as then, becomes format 3 (it gains
 * a catalog head, docs/FORMAT.md §Catalog head) and takes new runs.
 */
class Format2StoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final GoldenStore GOLDEN = new GoldenStore(2);

  @TempDir Path dir;
  Path root;

  @BeforeEach
  void unzipGoldenStore() throws IOException {
    root = GOLDEN.unzipInto(dir);
  }

  private JsonNode run(String... args) throws IOException {
    CliRun r = CliRun.execute(args);
    assertThat(r.err()).as(String.join(" ", args)).isEmpty();
    assertThat(r.exitCode()).isZero();
    return JSON.readTree(r.out());
  }

  private void answersAsFormat2Did() throws IOException {
    assertThat(run("export-json", "--root", root.toString())).isEqualTo(GOLDEN.expected("export.json"));
    assertThat(run("search", "--root", root.toString(), "--experiment-ids", "0,1,2,3,4", "--view", "ALL",
            "--format", "json", "--order-by", "metrics.accuracy DESC", "--max-results", "50000"))
        .isEqualTo(GOLDEN.expected("search.json"));
    assertThat(run("experiments", "--root", root.toString(), "--view", "ALL", "--format", "json"))
        .isEqualTo(GOLDEN.expected("experiments.json"));
  }

  @Test
  void format2Store_opensAsItIs_answersAsBefore_andBecomesFormat3() throws IOException {
    assertThat(JSON.readTree(root.resolve("store.json").toFile()).path("formatVersion").asInt()).isEqualTo(2);
    assertThat(root.resolve("logs/catalog.head")).doesNotExist();

    answersAsFormat2Did();
    assertThat(JSON.readTree(root.resolve("store.json").toFile()).path("formatVersion").asInt()).isEqualTo(3);
    assertThat(root.resolve("logs/catalog.head")).exists();
    answersAsFormat2Did(); // and again, now through the head

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
    }
  }

  @Test
  void upgrade_ofAFormat2Store_onlyAddsTheHead() throws IOException {
    CliRun upgraded = CliRun.execute("upgrade", "--root", root.toString());
    assertThat(upgraded.exitCode()).isZero();
    assertThat(upgraded.out()).contains("Upgraded from format 2").doesNotContain("rebuilt");
    assertThat(Files.exists(root.resolve("logs/catalog.head"))).isTrue();
    answersAsFormat2Did();
  }
}
