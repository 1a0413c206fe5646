package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tracklog.error.ErrorCode;
import io.tracklog.error.InvalidArtifactPathException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.RunNotActiveException;
import io.tracklog.format.RunEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactsTest {
  @TempDir Path dir;

  private Store open() {
    return Store.open(dir.resolve("store"), StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private Path file(String name, String content) throws IOException {
    Path p = dir.resolve("src").resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  @Test
  void logArtifact_listedWithSizes_openedAndCopiedOut_eventCarriesSizeAndDigest() throws Exception {
    Path model = file("model.txt", "weights");
    Path notes = file("notes.md", "# hello");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      run.logArtifact(notes, null);
      run.logArtifact(model, "outputs/model");
      String id = run.runId();

      assertThat(store.listArtifacts(id, null))
          .containsExactly(ArtifactInfo.file("notes.md", 7), ArtifactInfo.dir("outputs"));
      assertThat(store.listArtifacts(id, "outputs")).containsExactly(ArtifactInfo.dir("outputs/model"));
      assertThat(store.listArtifacts(id, "outputs/model")).containsExactly(ArtifactInfo.file("outputs/model/model.txt", 7));
      assertThat(store.listArtifacts(id, "nothing/here")).isEmpty();
      try (InputStream in = store.openArtifact(id, "outputs/model/model.txt")) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("weights");
      }
      Path out = store.downloadArtifacts(id, "outputs", dir.resolve("dl"));
      assertThat(out).isEqualTo(dir.resolve("dl/outputs"));
      assertThat(Files.readString(dir.resolve("dl/outputs/model/model.txt"))).isEqualTo("weights");
      Path all = store.downloadArtifacts(id, null, dir.resolve("dl-all"));
      assertThat(Files.readString(all.resolve("notes.md"))).isEqualTo("# hello");
      assertThat(Files.readString(store.downloadArtifacts(id, "notes.md", dir.resolve("one")))).isEqualTo("# hello");

      Map<String, RunEvent.ArtifactWritten> events = store.runRecord(id).artifacts();
      assertThat(events).containsOnlyKeys("notes.md", "outputs/model/model.txt");
      assertThat(events.get("outputs/model/model.txt").size()).isEqualTo(7);
      assertThat(events.get("outputs/model/model.txt").sha256()).isEqualTo(sha256("weights".getBytes(StandardCharsets.UTF_8)));
      assertThat(Files.exists(dir.resolve("store/runs").resolve(id).resolve("artifacts/outputs/model/model.txt"))).isTrue();
    }
  }

  @Test
  void logArtifacts_copiesTheTree_underThePath() throws Exception {
    file("tree/a.txt", "A");
    file("tree/sub/b.txt", "BB");
    file("tree/sub/deeper/c.bin", "CCC");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      run.logArtifacts(dir.resolve("src/tree"), "data");
      assertThat(run.artifacts().listAll())
          .containsExactly(
              ArtifactInfo.file("data/a.txt", 1),
              ArtifactInfo.file("data/sub/b.txt", 2),
              ArtifactInfo.file("data/sub/deeper/c.bin", 3));
      run.logArtifacts(dir.resolve("src/tree"), null);
      assertThat(store.listArtifacts(run.runId(), null).stream().map(ArtifactInfo::path))
          .containsExactly("a.txt", "data", "sub");
      assertThat(store.runRecord(run.runId()).artifacts()).hasSize(6);
    }
  }

  @Test
  void logTextAndLogDict_jsonAndYaml() throws Exception {
    Map<String, Object> dict = new LinkedHashMap<>();
    dict.put("lr", 0.01);
    dict.put("layers", List.of(64, 32));
    dict.put("name", "cnn");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      run.logText("héllo\n", "notes/readme.txt");
      run.logDict(dict, "config.json");
      run.logDict(dict, "config.yaml");
      run.logDict(dict, "config.yml");
      run.logDict(dict, "config"); // no known extension: JSON, as MLflow
      String id = run.runId();
      try (InputStream in = store.openArtifact(id, "notes/readme.txt")) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("héllo\n");
      }
      try (InputStream in = store.openArtifact(id, "config.json")) {
        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(json).contains("\n  \"lr\" : 0.01");
        assertThat(new ObjectMapper().readValue(json, Map.class)).isEqualTo(dict);
      }
      for (String yaml : List.of("config.yaml", "config.yml")) {
        try (InputStream in = store.openArtifact(id, yaml)) {
          String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          assertThat(text).startsWith("lr: 0.01\n").doesNotContain("---");
          assertThat(new YAMLMapper().readValue(text, Map.class)).isEqualTo(dict);
        }
      }
      try (InputStream in = store.openArtifact(id, "config")) {
        assertThat(new ObjectMapper().readValue(in, Map.class)).isEqualTo(dict);
      }
      byte[] text = "héllo\n".getBytes(StandardCharsets.UTF_8);
      assertThat(store.runRecord(id).artifacts().get("notes/readme.txt"))
          .isEqualTo(new RunEvent.ArtifactWritten("notes/readme.txt", text.length, sha256(text)));
    }
  }

  @Test
  void overwrite_replacesTheFile_andAppendsAnotherEvent() throws Exception {
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      run.logText("one", "f.txt");
      run.logText("three", "f.txt");
      try (InputStream in = store.openArtifact(run.runId(), "f.txt")) {
        assertThat(in.readAllBytes()).isEqualTo("three".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(store.runRecord(run.runId()).artifacts().get("f.txt").size()).isEqualTo(5);
      assertThat(store.listArtifacts(run.runId(), null)).containsExactly(ArtifactInfo.file("f.txt", 5));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "..", "../x.txt", "a/../../x.txt", "a/../b.txt", "/etc/passwd", "/x", "", "a//b.txt", "a/", "./a.txt",
        "a/./b.txt", "a\\b.txt", "..\\x.txt", "nul\0.txt", ".tracklog-1234.tmp", "d/.tracklog-x"
      })
  void escapingOrMalformedPaths_refusedWithInvalidParameter_nothingWritten(String path) throws Exception {
    Path src = file("x.txt", "payload");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      assertThatThrownBy(() -> run.logText("payload", path))
          .isInstanceOf(InvalidArtifactPathException.class)
          .isInstanceOf(InvalidParameterException.class)
          .satisfies(e -> assertThat(((InvalidParameterException) e).errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
      if (!path.isEmpty()) {
        assertThatThrownBy(() -> run.logArtifact(src, path)).isInstanceOf(InvalidArtifactPathException.class);
        assertThatThrownBy(() -> run.logArtifacts(src.getParent(), path)).isInstanceOf(InvalidArtifactPathException.class);
        assertThatThrownBy(() -> run.logDict(Map.of("a", 1), path)).isInstanceOf(InvalidArtifactPathException.class);
        assertThatThrownBy(() -> store.openArtifact(run.runId(), path)).isInstanceOf(InvalidArtifactPathException.class);
        assertThatThrownBy(() -> store.listArtifacts(run.runId(), path)).isInstanceOf(InvalidArtifactPathException.class);
      }
      assertNothingWritten(store, run.runId());
    }
  }

  private void assertNothingWritten(Store store, String runId) throws IOException {
    assertThat(store.runRecord(runId).artifacts()).isEmpty();
    Path runs = dir.resolve("store/runs");
    try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> dir.resolve("store").relativize(p).toString()))
          .noneMatch(p -> p.contains("artifacts/") || p.endsWith("x.txt") || p.endsWith("passwd"));
    }
    assertThat(runs.resolve(runId).resolve("artifacts")).satisfiesAnyOf(
        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  void symlinkPointingOut_refusedForWritesAndReads_nothingWrittenOutside() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      run.logText("ok", "inside/ok.txt"); // creates the folder
      Path artifacts = dir.resolve("store/runs").resolve(run.runId()).resolve("artifacts");
      Files.createSymbolicLink(artifacts.resolve("link"), outside);
      Files.createSymbolicLink(artifacts.resolve("inner"), artifacts.resolve("inside"));
      Files.createSymbolicLink(artifacts.resolve("dangling"), dir.resolve("nowhere"));

      assertThatThrownBy(() -> run.logText("x", "link/x.txt")).isInstanceOf(InvalidArtifactPathException.class)
          .hasMessageContaining("symbolic link pointing out");
      assertThatThrownBy(() -> run.logText("x", "link/sub/x.txt")).isInstanceOf(InvalidArtifactPathException.class);
      assertThatThrownBy(() -> run.logText("x", "dangling/x.txt")).isInstanceOf(InvalidArtifactPathException.class);
      assertThatThrownBy(() -> run.logText("x", "link")).isInstanceOf(InvalidArtifactPathException.class);
      assertThatThrownBy(() -> store.openArtifact(run.runId(), "link/secret.txt")).isInstanceOf(InvalidArtifactPathException.class);
      assertThatThrownBy(() -> store.listArtifacts(run.runId(), "link")).isInstanceOf(InvalidArtifactPathException.class);
      assertThatThrownBy(() -> store.downloadArtifacts(run.runId(), "link", dir.resolve("dl")))
          .isInstanceOf(InvalidArtifactPathException.class);
      try (Stream<Path> files = Files.list(outside)) {
        assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
      }
      // A link that stays inside is followed; listings never show the ones pointing out.
      run.logText("y", "inner/y.txt");
      assertThat(Files.readString(artifacts.resolve("inside/y.txt"))).isEqualTo("y");
      assertThat(store.listArtifacts(run.runId(), null).stream().map(ArtifactInfo::path))
          .containsExactly("inner", "inside");
      assertThat(store.runRecord(run.runId()).artifacts()).containsOnlyKeys("inside/ok.txt", "inner/y.txt");
    }
  }

  @Test
  void fileWhereADirectoryIsNeeded_andDirectoryAsFile_refused() throws Exception {
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      run.logText("x", "a/b.txt");
      assertThatThrownBy(() -> run.logText("x", "a/b.txt/c.txt")).isInstanceOf(InvalidArtifactPathException.class);
      assertThatThrownBy(() -> run.logText("x", "a")).isInstanceOf(InvalidArtifactPathException.class);
      assertThatThrownBy(() -> run.logArtifact(dir, null)).isInstanceOf(InvalidParameterException.class);
      assertThatThrownBy(() -> run.logArtifacts(dir.resolve("missing"), null)).isInstanceOf(InvalidParameterException.class);
      assertThatThrownBy(() -> store.openArtifact(run.runId(), "a")).isInstanceOf(InvalidParameterException.class);
      assertThat(store.runRecord(run.runId()).artifacts()).containsOnlyKeys("a/b.txt");
    }
  }

  @Test
  void logArtifacts_oneBadTarget_nothingOfTheTreeWritten() throws Exception {
    file("tree2/a.txt", "A");
    file("tree2/b.txt", "B");
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      run.logText("x", "data/b.txt/keep"); // makes data/b.txt a directory
      assertThatThrownBy(() -> run.logArtifacts(dir.resolve("src/tree2"), "data"))
          .isInstanceOf(InvalidArtifactPathException.class);
      assertThat(run.artifacts().listAll()).containsExactly(ArtifactInfo.file("data/b.txt/keep", 1));
    }
  }

  @Test
  void deletedRun_refusesArtifacts() throws Exception {
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      store.deleteRun(run.runId());
      assertThatThrownBy(() -> run.logText("x", "f.txt")).isInstanceOf(RunNotActiveException.class);
      assertNothingWritten(store, run.runId());
    }
  }

  @Test
  void reader_neverSeesAPartialFile() throws Exception {
    int size = 2 * 1024 * 1024;
    String a = "a".repeat(size);
    String b = "b".repeat(size / 2);
    try (Store store = open(); RunWriter run = store.startRun(store.createExperiment("e"))) {
      String id = run.runId();
      run.logText(a, "big/file.txt");
      AtomicBoolean done = new AtomicBoolean();
      List<String> bad = new ArrayList<>();
      int[] reads = {0};
      Thread reader =
          new Thread(
              () -> {
                while (!done.get()) {
                  try (InputStream in = store.openArtifact(id, "big/file.txt")) {
                    String s = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                    reads[0]++;
                    if (!s.equals(a) && !s.equals(b)) {
                      bad.add("length " + s.length());
                    }
                  } catch (IOException | RuntimeException e) { // a false CorruptFileException included
                    bad.add(e.toString());
                  }
                  try {
                    for (ArtifactInfo info : store.listArtifacts(id, "big")) {
                      if (!info.path().equals("big/file.txt")) {
                        bad.add("listed " + info.path());
                      }
                    }
                  } catch (RuntimeException e) {
                    bad.add(e.toString());
                  }
                }
              });
      reader.start();
      for (int i = 0; i < 40; i++) {
        run.logText(i % 2 == 0 ? b : a, "big/file.txt");
      }
      done.set(true);
      reader.join();
      assertThat(bad).isEmpty();
      assertThat(reads[0]).isPositive();
      assertThat(store.runRecord(id).artifacts().get("big/file.txt").size()).isEqualTo(size);
    }
  }
}
