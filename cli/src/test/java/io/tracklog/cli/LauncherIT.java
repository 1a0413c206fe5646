package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tracklog} launcher script, run as users run it (after {@code package} built the jar):
 * its class-data-sharing archive is made on a command's first run, used on the next, replaces that
 * command's archives for other builds, never leaves a partial file, never writes to stdout, and a
 * damaged archive is refused by the JVM, not trusted.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("..", "tracklog").toAbsolutePath().normalize();

  @TempDir Path store;
  @TempDir Path cache;

  @BeforeEach
  void oneRun() {
    try (Store s =
        Store.open(store, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      String exp = s.createExperiment("launcher");
      s.run(RunSpec.builder(exp).runName("first").build(), r -> r.logMetric("m", 1.0, 0));
    }
  }

  @Test
  void firstRunRecordsAnArchive_laterRunsUseIt_outputUnchanged() throws Exception {
    Result plain = launch(List.of("TRACKLOG_CDS=0"), "runs", "--root", store.toString());
    assertThat(plain.status).as(plain.err).isZero();
    assertThat(plain.out).contains("first");
    assertThat(archives()).isEmpty();

    Path stale = Files.write(cache.resolve("tracklog-runs-1.jsa"), new byte[] {1}); // another jar's
    Path otherCommand = Files.write(cache.resolve("tracklog-search-1.jsa"), new byte[] {1});
    Result recording = launch(List.of(), "runs", "--root", store.toString());
    assertThat(recording.status).as(recording.err).isZero();
    assertThat(recording.out).isEqualTo(plain.out);
    assertThat(stale).doesNotExist();
    assertThat(Files.deleteIfExists(otherCommand)).isTrue(); // only the recorded command's are dropped
    assertThat(archives()).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).startsWith("tracklog-runs-"));
    assertThat(leftovers()).isEmpty();

    Result shared = launch(List.of(), "runs", "--root", store.toString());
    assertThat(shared.status).as(shared.err).isZero();
    assertThat(shared.out).isEqualTo(plain.out);
    assertThat(archives()).hasSize(1);
  }

  @Test
  void aDamagedArchiveIsNotUsed() throws Exception {
    assertThat(launch(List.of(), "runs", "--root", store.toString()).status).isZero();
    Path archive = archives().get(0);
    archive.toFile().setWritable(true);
    try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
      f.seek(f.length() / 2);
      f.write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    }
    Result r = launch(List.of(), "runs", "--root", store.toString());
    assertThat(r.status).as(r.err).isZero();
    assertThat(r.out).contains("first");
  }

  @Test
  void helpAndVersionRecordNothing() throws Exception {
    Result r = launch(List.of(), "--version");
    assertThat(r.status).as(r.err).isZero();
    assertThat(archives()).isEmpty();
  }

  private record Result(int status, String out, String err) {}

  private Result launch(List<String> env, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(store.toFile());
    pb.environment().put("TRACKLOG_CDS_DIR", cache.toString());
    pb.environment().remove("TRACKLOG_CDS");
    for (String kv : env) {
      int eq = kv.indexOf('=');
      pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    Path out = Files.createTempFile("launcher-out", ".txt");
    Path err = Files.createTempFile("launcher-err", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("launcher did not finish: " + command);
      }
      return new Result(
          p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private List<Path> archives() throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  private List<Path> leftovers() throws IOException {
    try (Stream<Path> files = Files.list(cache)) {
      return files.filter(f -> f.getFileName().toString().contains(".partial")).toList();
    }
  }
}
