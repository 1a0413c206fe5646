package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.VerifyReport.Kind;
import io.tracklog.VerifyReport.Problem;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Store#verify()} is clean on a whole store, also while a writer keeps going, and names the
 * file and the kind of each damage: a flipped, truncated or deleted compacted file, a changed or
 * deleted artifact, a damaged checkpoint part, a manifest that does not parse, an out-of-line event
 * that does not match its reference, and events in a lane or in the checkpointed part of the catalog
 * log that do not decode (which no open reads). It changes nothing.
 */
class VerifyTest {
  @TempDir Path dir;
  private String runId; // the run with an artifact, compacted
  private String bigRunId; // the run with an out-of-line event

  private static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  /** Experiments, runs with metrics, params, tags, artifacts, a big input, a deletion; compacted and checkpointed. */
  @BeforeEach
  void writeStore() throws IOException {
    Path model = Files.writeString(dir.resolveSibling(dir.getFileName() + "-model.bin"), "weights".repeat(1000));
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("verify-sentinel-exp");
      store.setExperimentTag(exp, "team", "x");
      runId =
          store.run(RunSpec.of(exp, "trained"), r -> {
            r.logParam("verify-sentinel-key", "v");
            r.setTag("stage", "train");
            for (int i = 0; i < 50; i++) {
              r.logMetric("loss", 1.0 / (i + 1), i);
            }
            r.logBatch(List.of(new Metric("acc", 0.9, 1L, 1L)), List.of(new Param("lr", "0.1")), List.of());
            r.logArtifact(model, "model");
            r.logText("all good", "notes/readme.txt");
          });
      bigRunId =
          store.run(RunSpec.of(exp, "big"), r -> r.logInput(DatasetInput.of(
              new Dataset("ds", "d1", "local", "file:///data", "{}", "p".repeat(40_000)), "training")));
      String deleted = store.run(RunSpec.of(exp, "gone"), r -> r.logMetric("m", 1, 0));
      store.deleteRun(deleted);
      store.compact();
      assertThat(store.catalog().checkpoint()).isTrue();
      store.run(RunSpec.of(store.createExperiment("later"), "after"), r -> r.logMetric("m", 2, 0)); // the log's tail
    }
  }

  private VerifyReport verify() {
    try (Store store = Store.open(dir, manual())) {
      return store.verify();
    }
  }

  /** The report has exactly one problem, of this kind and file. */
  private Problem onlyProblem(Kind kind, Path file) {
    VerifyReport report = verify();
    assertThat(report.ok()).isFalse();
    assertThat(report.problems()).as(report.problems().toString()).hasSize(1);
    Problem p = report.problems().get(0);
    assertThat(p.kind()).as(p.toString()).isEqualTo(kind);
    assertThat(p.file()).as(p.toString()).isEqualTo(file.toAbsolutePath().normalize());
    return p;
  }

  private Manifest.Segment segment() {
    Manifest m = ManifestFiles.latest(dir, "ignored");
    return m.segments().stream().filter(s -> s.runsFile().rows() == 3).findFirst().orElseThrow();
  }

  private static void flip(Path file, int at) {
    io.tracklog.testing.StoreDamage.flip(file, at);
  }

  @Test
  void wholeStore_isClean_andVerifyChangesNothing() throws IOException {
    Map<Path, Long> before = files();
    VerifyReport report = verify();
    assertThat(report.problems()).isEmpty();
    assertThat(report.ok()).isTrue();
    Map<Path, Long> after = files();
    after.keySet().removeIf(p -> p.getFileName().toString().endsWith(".cq4t") || p.getFileName().toString().endsWith(".cq4"));
    before.keySet().removeIf(p -> p.getFileName().toString().endsWith(".cq4t") || p.getFileName().toString().endsWith(".cq4"));
    assertThat(after).isEqualTo(before); // Chronicle's own files aside (its tailers touch metadata), nothing changed
  }

  @Test
  void catalogHeadThatDisagreesWithTheLog_isALogProblem() {
    try (Store store = Store.open(dir, manual())) {
      long length = store.catalogPosition();
      Path headFile = dir.resolve("logs").resolve("catalog.head");
      for (long claimed : new long[] {length + 3, length - 1}) {
        try (CatalogHead head = CatalogHead.openIfExists(headFile)) {
          head.publish(claimed); // as damage that still passes the word's check would
        }
        VerifyReport report = store.verify();
        assertThat(report.problems()).as(report.problems().toString()).hasSize(1);
        Problem p = report.problems().get(0);
        assertThat(p.kind()).isEqualTo(Kind.LOG);
        assertThat(p.file()).isEqualTo(headFile.toAbsolutePath().normalize());
        assertThat(p.message()).contains("holds " + claimed + " events").contains("it holds " + length);
      }
      try (CatalogHead head = CatalogHead.openIfExists(headFile)) {
        head.beginAppend(); // pending: readers read the log; nothing wrong
      }
      assertThat(store.verify().problems()).isEmpty();
    }
  }

  @Test
  void freshStore_andStoreWithoutCompaction_areClean() throws IOException {
    Path fresh = dir.resolveSibling(dir.getFileName() + "-fresh");
    try (Store store = Store.open(fresh, manual())) {
      assertThat(store.verify().problems()).isEmpty();
      store.run(RunSpec.of(Experiment.DEFAULT_ID, "r"), r -> r.logMetric("m", 1, 0));
      assertThat(store.verify().problems()).isEmpty();
    }
  }

  private Map<Path, Long> files() throws IOException {
    Map<Path, Long> out = new java.util.TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(p, Files.size(p) * 31 + java.util.Arrays.hashCode(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  @Test
  void flippedByteInEachCompactedFile_isAChecksumProblemNamingIt() throws IOException {
    for (Manifest.FileEntry entry : segment().files()) {
      Path file = dir.resolve(entry.path());
      byte[] original = Files.readAllBytes(file);
      flip(file, original.length / 2);
      Problem p = onlyProblem(Kind.CHECKSUM, file);
      assertThat(p.message()).contains("CRC32C").contains(entry.crc32c());
      Files.write(file, original);
    }
    assertThat(verify().ok()).isTrue();
  }

  @Test
  void truncatedOrDeletedCompactedFile_isALengthOrMissingProblem() throws IOException {
    Path file = dir.resolve(segment().metricsFile().path());
    byte[] original = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(original, original.length - 10));
    assertThat(onlyProblem(Kind.LENGTH, file).message()).contains("length " + (original.length - 10));
    Files.delete(file);
    assertThat(onlyProblem(Kind.MISSING, file).message()).contains("missing");
  }

  @Test
  void manifestThatDoesNotParse_isAManifestProblem() throws IOException {
    Path manifest = dir.resolve(ManifestFiles.fileName(1));
    Files.writeString(manifest, "{\"format_version\":3,");
    onlyProblem(Kind.MANIFEST, manifest);
  }

  private Path artifact(String path) {
    return dir.resolve("runs").resolve(runId).resolve("artifacts").resolve(path);
  }

  @Test
  void changedArtifactByte_isAChecksumProblem_resizedALength_deletedMissing() throws IOException {
    Path notes = artifact("notes/readme.txt");
    Files.writeString(notes, "all gooD");
    assertThat(onlyProblem(Kind.CHECKSUM, notes).message()).contains("SHA-256").contains(runId);
    Files.writeString(notes, "all good!");
    assertThat(onlyProblem(Kind.LENGTH, notes).message()).contains("9 bytes, its event says 8");
    Files.delete(notes);
    onlyProblem(Kind.MISSING, notes);
    Files.writeString(notes, "all good");
    assertThat(verify().ok()).isTrue();
    Path model = artifact("model/" + dir.getFileName() + "-model.bin");
    flip(model, 3);
    onlyProblem(Kind.CHECKSUM, model);
  }

  @Test
  void damagedCheckpointPart_isACheckpointProblem() throws IOException {
    Path part;
    try (Stream<Path> parts = Files.list(dir.resolve("catalog-checkpoint"))) {
      part = parts.filter(p -> p.toString().endsWith(".part")).findFirst().orElseThrow();
    }
    byte[] original = Files.readAllBytes(part);
    flip(part, original.length / 2);
    assertThat(onlyProblem(Kind.CHECKPOINT, part).message()).contains("does not decode");
    Files.write(part, java.util.Arrays.copyOf(original, original.length - 3));
    onlyProblem(Kind.CHECKPOINT, part);
    Files.write(part, original);
    assertThat(verify().ok()).isTrue();
  }

  @Test
  void damagedOutOfLineEvent_isALogProblemNamingTheBlob() throws IOException {
    Path blob;
    try (Store store = Store.open(dir, manual())) {
      Path lane = store.layout().laneDir(store.catalogSnapshot().attachments(bigRunId).get(0).lane());
      try (Stream<Path> s = Files.list(lane.resolveSibling(lane.getFileName() + "-blobs"))) {
        blob = s.findFirst().orElseThrow();
      }
    }
    flip(blob, 100);
    VerifyReport report = verify();
    // read twice: as a lane excerpt, and as an event of its run
    assertThat(report.problems()).isNotEmpty().allSatisfy(p -> {
      assertThat(p.kind()).isEqualTo(Kind.LOG);
      assertThat(p.file()).isEqualTo(blob);
      assertThat(p.message()).contains("SHA-256");
    });
  }

  /**
   * Gives the event whose string {@code unique} (which occurs once in the file) starts {@code back}
   * bytes after its type tag an unknown type tag, so that it no longer decodes.
   */
  private static void breakEventOf(Path file, String unique, int back, int tag) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    byte[] needle = unique.getBytes(StandardCharsets.UTF_8);
    int at = -1;
    for (int i = 0; i + needle.length <= bytes.length && at < 0; i++) {
      if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
        at = i;
      }
    }
    assertThat(at).as("%s in %s", unique, file).isPositive();
    if (back < 0) { // the excerpt's first byte: the nearest marked tag before the needle
      back = 1;
      while (bytes[at - back] != (byte) (tag | 0x80)) {
        back++;
      }
    }
    assertThat(bytes[at - back]).isEqualTo((byte) (tag | 0x80)); // a checked excerpt (docs/FORMAT.md §Checked frames)
    bytes[at - back] = (byte) (60 | 0x80); // no event has this tag, and the excerpt fails its check
    Files.write(file, bytes);
  }

  private static Path cycleFile(Path queue) throws IOException {
    try (Stream<Path> s = Files.list(queue)) {
      return s.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
    }
  }

  @Test
  void eventOfALaneThatDoesNotDecode_isALogProblemNamingTheLane() throws IOException {
    Path lane;
    try (Store store = Store.open(dir, manual())) {
      lane = store.layout().laneDir(store.catalogSnapshot().attachments(runId).get(0).lane());
    }
    breakEventOf(cycleFile(lane), "verify-sentinel-key", -1, 32); // RUN_EVENT frame: tag, ordinal, order, ParamLogged…
    VerifyReport report = verify();
    assertThat(report.problems()).as(report.problems().toString()).isNotEmpty().allSatisfy(p -> {
      assertThat(p.kind()).isEqualTo(Kind.LOG);
      assertThat(p.file()).isEqualTo(lane.toAbsolutePath().normalize());
      assertThat(p.message()).contains("fails its check");
    });
  }

  @Test
  void catalogEventBehindTheCheckpoint_thatDoesNotDecode_isALogProblem() throws IOException {
    Path catalog = dir.resolve("logs").resolve("catalog");
    // ExperimentCreated: tag, version, id length, id "1", name length, name
    breakEventOf(cycleFile(catalog), "verify-sentinel-exp", 5, 64);
    // the store opens from its checkpoint and never reads that event again; verify does
    VerifyReport report = verify();
    assertThat(report.problems()).isNotEmpty();
    Problem p = report.problems().get(0);
    assertThat(p.kind()).isEqualTo(Kind.LOG);
    assertThat(p.file()).isEqualTo(catalog);
    assertThat(p.position()).isEqualTo(1); // the Default experiment is event 0
  }

  @Test
  void runLogWithFewerEventsThanTheManifestCovers_isALogProblem() {
    Manifest.Segment seg = segment();
    long seq = seg.runs().get(runId).seq();
    java.util.function.LongFunction<byte[]> le =
        v -> java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    // as if the log had lost its last 3 events: the run index (CRC32C fixed up) covers 3 more
    io.tracklog.testing.StoreDamage.rewriteKeepingChecksum(dir, seg.runIndexFile().path(), le.apply(seq), le.apply(seq + 3));
    Path lane;
    try (Store store = Store.open(dir, manual())) {
      lane = store.layout().laneDir(store.catalogSnapshot().attachments(runId).get(0).lane());
    }
    assertThat(onlyProblem(Kind.LOG, lane).message())
        .isEqualTo("run " + runId + " has " + seq + " events, the newest manifest covers " + (seq + 3) + ": its log lost events");
  }

  @Test
  void whileAWriterKeepsGoing_verifyIsClean() throws Exception {
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("busy");
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(1);
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; !stop.get(); i++) {
            int n = i;
            store.run(RunSpec.of(exp, "r" + i), r -> {
              for (int k = 0; k < 20; k++) {
                r.logMetric("m", k, k);
              }
              r.logText("run " + n, "out.txt");
              started.countDown();
            });
            if (i % 5 == 0) {
              store.compact();
            }
          }
        } catch (Throwable t) {
          failures.add(t);
          started.countDown();
        }
      });
      writer.start();
      started.await();
      List<VerifyReport> reports = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        reports.add(store.verify());
      }
      stop.set(true);
      writer.join();
      assertThat(failures).isEmpty();
      assertThat(reports).allSatisfy(r -> assertThat(r.problems()).isEmpty());
    }
  }
}
