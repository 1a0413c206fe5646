package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.compact.ManifestFiles;
import io.tracklog.error.StorageException;
import io.tracklog.internal.FileOps;
import io.tracklog.log.ChronicleEventLog;
import io.tracklog.testing.FaultyFileOps;
import io.tracklog.testing.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every writer of a store goes through one {@link FileOps} (issue #11 item 5): for each kind of file
 * (store.json, the catalog head, a catalog checkpoint part, an artifact, an out-of-line event,
 * compaction's segments and manifest), the N-th file operation fails, for N = 1, 2, … until the
 * operation gets through unfaulted, and then every write fails as a full disk does. Each time: a
 * failure is a {@link StorageException} (a full disk says so), or is swallowed by a writer whose
 * file is only a shortcut (head, checkpoint); no temp file is left; the store answers exactly as
 * before the operation (as after it, once past its commit point), and a retry succeeds.
 */
class FileOpsFaultTest {
  private static final StoreOptions OPTIONS =
      StoreOptions.builder()
          .clock(InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L)))
          .compaction(StoreOptions.CompactionTrigger.MANUAL)
          .sourceTags(false)
          .userName("tester")
          .build();

  @TempDir Path dir;

  /** Lets a test open a store with sound file operations and fail them only around one call. */
  private static final class Switch implements FileOps {
    private volatile FileOps target = FileOps.DEFAULT;

    void set(FileOps ops) {
      target = ops;
    }

    @Override
    public void createDirectories(Path d) throws IOException {
      target.createDirectories(d);
    }

    @Override
    public FileChannel create(Path file) throws IOException {
      return target.create(file);
    }

    @Override
    public int write(FileChannel channel, ByteBuffer src) throws IOException {
      return target.write(channel, src);
    }

    @Override
    public void force(FileChannel channel) throws IOException {
      target.force(channel);
    }

    @Override
    public void move(Path from, Path to) throws IOException {
      target.move(from, to);
    }

    @Override
    public void link(Path link, Path existing) throws IOException {
      target.link(link, existing);
    }

    @Override
    public void delete(Path file) throws IOException {
      target.delete(file);
    }

    @Override
    public void forceDirectory(Path d) throws IOException {
      target.forceDirectory(d);
    }
  }

  /** The operation under test, on a store opened through a {@link Switch}. */
  @FunctionalInterface
  private interface Operation {
    /** Returns false if it failed without throwing (a shortcut file that was not written). */
    boolean run(Store store);
  }

  /** Opens what the operation needs (a writer) before the faults, and closes it after. */
  private interface Scenario {
    Operation prepare(Store store);

    default void finish() {}
  }

  // ---- the sweep -------------------------------------------------------------------------------

  /**
   * Copies {@code template} for each fault, opens it through a {@link Switch}, prepares, fails the
   * operation's N-th file operation (N = 1, 2, … until it gets through; then every write, as a full
   * disk), and checks the outcome: in the end the store answers as it does after an unfaulted run.
   * Returns how many faults made the operation fail.
   *
   * @param surfaces whether a failure throws (else the writer reports it by returning false)
   */
  private int sweep(String kind, Path template, Scenario scenario, boolean surfaces) {
    String after = null;
    int failures = 0;
    for (int n = 0; ; n++) { // n = 0: no fault, the reference
      FaultyFileOps faults = n == 0 ? FaultyFileOps.counting() : FaultyFileOps.failingOnce(n);
      String why = kind + ", fault at call " + n;
      boolean failed = runOnce(why, dir.resolve(kind + "-" + n), template, scenario, faults, surfaces);
      String now = stateAndCheckpoint(dir.resolve(kind + "-" + n));
      if (n == 0) {
        assertThat(failed).as(why).isFalse();
        assertThat(faults.calls()).as(why + ": file operations").isNotEmpty();
        after = now;
        continue;
      }
      assertThat(now).as(why + ": in the end").isEqualTo(after);
      if (!faults.failed()) {
        assertThat(failed).as(why).isFalse();
        break; // past the operation's last file operation
      }
      failures += failed ? 1 : 0;
    }
    boolean failed = runOnce(kind + ", disk full", dir.resolve(kind + "-full"), template, scenario,
        FaultyFileOps.diskFull(), surfaces);
    assertThat(failed).as(kind + ": a full disk fails the operation").isTrue();
    assertThat(stateAndCheckpoint(dir.resolve(kind + "-full"))).as(kind + ": disk full, in the end").isEqualTo(after);
    return failures;
  }

  /**
   * One copy of the template, one kind of fault. Returns whether the operation failed; checks that
   * it changed what the store answers if it did not, and if it did: the typed exception, no temp
   * file, the store answering as before, and a retry that succeeds.
   */
  private boolean runOnce(
      String why, Path root, Path template, Scenario scenario, FaultyFileOps faults, boolean surfaces) {
    Trees.copy(template, root);
    Switch ops = new Switch();
    boolean failed;
    try (Store store = Store.open(root, OPTIONS, ops)) {
      Operation op = scenario.prepare(store);
      String before = stateAndCheckpoint(root);
      ops.set(faults);
      StorageException thrown = null;
      boolean ok;
      try {
        ok = op.run(store);
      } catch (StorageException e) {
        thrown = e;
        ok = false;
      }
      ops.set(FileOps.DEFAULT);
      failed = !ok;
      if (thrown != null) {
        assertThat(surfaces).as(why + ": " + thrown).isTrue();
        assertThat(thrown.getMessage()).as(why).contains(root.toString());
        if (why.endsWith("disk full")) {
          assertThat(thrown.diskFull()).as(why).isTrue();
          assertThat(thrown.getMessage()).as(why).startsWith("Disk full: ").contains(FaultyFileOps.NO_SPACE);
        } else {
          assertThat(thrown.diskFull()).as(why).isFalse();
          assertThat(thrown.getCause().getMessage()).as(why).contains("Injected fault");
        }
      } else if (failed) {
        assertThat(surfaces).as(why + ": failed without an exception").isFalse();
      }
      if (failed) {
        assertThat(faults.failed()).as(why).isTrue();
        assertThat(tempFiles(root)).as(why + ": temp files").isEmpty();
        assertThat(stateAndCheckpoint(root)).as(why + ": the store answers as before").isEqualTo(before);
        assertThat(op.run(store)).as(why + ": the retry").isTrue();
      }
      assertThat(stateAndCheckpoint(root)).as(why + ": the operation shows").isNotEqualTo(before);
      scenario.finish();
    }
    assertThat(tempFiles(root)).as(why + ": temp files").isEmpty();
    try (Store store = Store.open(root, OPTIONS)) {
      assertThat(store.verify().problems()).as(why + ": verify").isEmpty();
    }
    return failed;
  }

  // ---- the writers -----------------------------------------------------------------------------

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void artifactWrite_replacesWholeOrNotAtAll() {
    Path template = dir.resolve("template");
    String runId = prepare(template, w -> w.logText("old content", "a/b.txt"));
    int failures =
        sweep("artifact", template, onWriter(runId, w -> w.logText("new content, longer than the old", "a/b.txt")), true);
    assertThat(failures).isGreaterThanOrEqualTo(4); // create, write, force, move
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void outOfLineEvent_isWrittenWholeBeforeItsReference() {
    Path template = dir.resolve("template");
    String runId = prepare(template, w -> {});
    List<Param> big = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      big.add(new Param("big-" + i, String.valueOf((char) ('a' + i)).repeat(5000)));
    }
    assertThat(4 * 5000).as("the batch goes out of line").isGreaterThan(ChronicleEventLog.MAX_INLINE_EVENT);
    int failures = sweep("blob", template, onWriter(runId, w -> w.logBatch(List.of(), big, List.of())), true);
    assertThat(failures).isGreaterThanOrEqualTo(5); // createDirectories, create, write, force, move
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void compaction_commitsItsManifestOrNothing() {
    Path template = dir.resolve("template");
    prepare(template, w -> w.logMetric("loss", 0.5, 1000, 1));
    int failures = sweep("compaction", template, store -> s -> s.compact().generation() == 1, true);
    assertThat(failures).isGreaterThanOrEqualTo(10);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void checkpointPart_isWrittenWholeOrNotAtAll() {
    Path template = dir.resolve("template");
    prepare(template, w -> {});
    try (Store store = Store.open(template, OPTIONS)) {
      store.catalog().skipCheckpointOnClose();
      store.createExperiment("after the checkpoint"); // the log past the chain: a part to write
    }
    int failures =
        sweep(
            "checkpoint",
            template,
            new Scenario() {
              @Override
              public Operation prepare(Store store) {
                store.catalog().skipCheckpointOnClose();
                return s -> s.catalog().checkpoint();
              }
            },
            false);
    assertThat(failures).isGreaterThanOrEqualTo(4);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void storeCreation_leavesNoStoreOrAWholeOne() {
    List<String> calls = null;
    String fresh = null;
    int failures = 0;
    for (int n = 0; ; n++) {
      Path root = dir.resolve("new-" + n);
      FaultyFileOps faults = n == 0 ? FaultyFileOps.counting() : FaultyFileOps.failingOnce(n);
      String why = "store creation, fault at call " + n;
      boolean threw = false;
      try (Store store = Store.open(root, OPTIONS, faults)) {
        store.experiments();
      } catch (StorageException e) {
        threw = true;
        failures++;
        assertThat(e.getCause().getMessage()).as(why).contains("Injected fault");
      }
      assertThat(tempFiles(root)).as(why + ": temp files").isEmpty();
      if (threw) {
        assertThat(root.resolve("store.json")).as(why).doesNotExist();
      }
      String now = state(root); // a retry, with sound file operations
      if (n == 0) {
        calls = faults.calls();
        fresh = now;
        assertThat(calls).anyMatch(c -> c.startsWith("move store.json"));
        continue;
      }
      assertThat(now).as(why).isEqualTo(fresh);
      if (!faults.failed()) {
        break;
      }
    }
    assertThat(failures).isGreaterThanOrEqualTo(5); // createDirectories, create, write, force, move

    Path full = dir.resolve("new-full");
    assertThatThrownBy(() -> Store.open(full, OPTIONS, FaultyFileOps.diskFull()).close())
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.diskFull()).isTrue();
          assertThat(e.path()).isEqualTo(full.toAbsolutePath().resolve("store.json"));
          assertThat(e.getMessage()).startsWith("Disk full: cannot write store file");
        });
    assertThat(tempFiles(full)).isEmpty();
    assertThat(state(full)).isEqualTo(fresh);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void catalogHeadCreation_leavesNoHeadOrAWholeOne() throws IOException {
    Path template = dir.resolve("template");
    prepare(template, w -> {});
    Files.delete(template.resolve("logs/catalog.head")); // as a store of format 2 has none
    String expected = null;
    for (int n = 0; ; n++) {
      Path root = dir.resolve("head-" + n);
      Trees.copy(template, root);
      FaultyFileOps faults = n == 0 ? FaultyFileOps.counting() : FaultyFileOps.failingOnce(n);
      String why = "catalog head, fault at call " + n;
      long position = -1;
      try (Store store = Store.open(root, OPTIONS, faults)) {
        store.catalog().skipCheckpointOnClose();
        position = store.catalogPosition();
      } catch (StorageException e) { // the store's folder (it exists) could not be made: not opened
        assertThat(faults.calls()).as(why).hasSize(1);
      }
      assertThat(tempFiles(root)).as(why + ": temp files").isEmpty();
      Path head = root.resolve("logs/catalog.head");
      if (Files.exists(head)) {
        try (CatalogHead h = CatalogHead.openIfExists(head)) {
          assertThat(h.position()).as(why).isEqualTo(position).isPositive();
        }
      }
      String now = state(root);
      if (n == 0) {
        expected = now;
        assertThat(head).exists();
        continue;
      }
      assertThat(now).as(why).isEqualTo(expected);
      assertThat(head).as(why + ": the next open makes it").exists();
      if (!faults.failed()) {
        break;
      }
    }
    Path file = dir.resolve("head-full").resolve("catalog.head");
    assertThatThrownBy(() -> CatalogHead.create(file, 7, FaultyFileOps.diskFull()))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.diskFull()).isTrue());
    assertThat(file).doesNotExist();
    assertThat(tempFiles(file.getParent())).isEmpty();
  }

  @Test
  void diskFull_isRecognisedByMessageAndByReason() {
    assertThat(StorageException.isDiskFull(new IOException("No space left on device"))).isTrue();
    assertThat(StorageException.isDiskFull(new java.nio.file.FileSystemException("/x", null, "No space left on device")))
        .isTrue();
    assertThat(StorageException.isDiskFull(new UncheckedIOException(new IOException("No space left on device"))))
        .isTrue();
    assertThat(StorageException.isDiskFull(new IOException("Permission denied"))).isFalse();
    StorageException e = StorageException.writing("store file", Path.of("/s/store.json"), new IOException("Input/output error"));
    assertThat(e.diskFull()).isFalse();
    assertThat(e.getMessage()).isEqualTo("Cannot write store file (/s/store.json): java.io.IOException: Input/output error");
    assertThat(e.errorCode()).isEqualTo(io.tracklog.error.ErrorCode.INTERNAL_ERROR);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A writer resumed on {@code runId} before the faults; {@code op} on it; the run ended after. */
  private static Scenario onWriter(String runId, java.util.function.Consumer<RunWriter> op) {
    return new Scenario() {
      private RunWriter writer;

      @Override
      public Operation prepare(Store store) {
        writer = store.resumeRun(runId);
        return s -> {
          op.accept(writer);
          return true;
        };
      }

      @Override
      public void finish() {
        writer.end(RunStatus.FINISHED);
        writer.close();
      }
    };
  }

  /** A store with one experiment and one finished run, {@code body} logged to it; returns its id. */
  private static String prepare(Path root, java.util.function.Consumer<RunWriter> body) {
    try (Store store = Store.open(root, OPTIONS)) {
      String exp = store.createExperiment("e");
      try (RunWriter w = store.startRun(RunSpec.of(exp, "r"))) {
        w.logParam("p", "1");
        body.accept(w);
        w.end(RunStatus.FINISHED);
        return w.runId();
      }
    }
  }

  /**
   * What the store at {@code root} answers (opened with sound file operations): experiments, runs,
   * their artifacts' bytes and the compacted generation. Its id and folder are left out: two stores
   * created apart differ in them.
   */
  private static String state(Path root) {
    StringBuilder b = new StringBuilder();
    try (Store store = Store.open(root, OPTIONS)) {
      for (Experiment e : store.experiments()) {
        b.append(e).append('\n');
        for (Run r : store.runs(e.experimentId())) {
          b.append(r).append('\n');
          artifacts(store, r.info().runId(), null, b);
        }
      }
      b.append("generation ").append(ManifestFiles.latestGeneration(root)).append('\n');
    }
    return b.toString().replace(root.toUri().toString(), "<root>/");
  }

  /** {@link #state} and how far the catalog checkpoint's chain reaches. */
  private static String stateAndCheckpoint(Path root) {
    List<CheckpointParts.Part> chain = CheckpointParts.chain(CheckpointParts.list(root.resolve("catalog-checkpoint")));
    return state(root) + "checkpoint " + CheckpointParts.end(chain) + "\n";
  }

  private static void artifacts(Store store, String runId, String path, StringBuilder b) {
    for (ArtifactInfo a : store.listArtifacts(runId, path)) {
      if (a.isDir()) {
        artifacts(store, runId, a.path(), b);
        continue;
      }
      try (InputStream in = store.openArtifact(runId, a.path())) {
        b.append(a.path()).append(" = ").append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Every temp file below {@code root}, relative to it. */
  static List<String> tempFiles(Path root) {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".tmp"))
          .map(p -> root.relativize(p).toString())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
