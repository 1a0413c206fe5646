package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.RunWriter;
import io.tracklog.SegmentCompression;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An archive whose segments are copied from the store's compacted files answers exactly as one
 * compacted from the runs' logs, and as the store; runs whose state moved on after the compaction
 * (a tag set, a run deleted, a run created, a run still RUNNING) are compacted from their logs.
 */
class ArchiveFromSegmentsTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "store {0}, archive {1}")
  @CsvSource({"NONE, ZSTD", "ZSTD, ZSTD", "NONE, NONE", "ZSTD, NONE"})
  void copiedSegments_answerAsLogs_andAsTheStore(SegmentCompression storeCompression, SegmentCompression archiveCompression)
      throws Exception {
    Path root = dir.resolve("store");
    Path fromSegments = dir.resolve("segments.tlar");
    Path fromLogs = dir.resolve("logs.tlar");
    StoreOptions options = StoreOptions.builder()
        .compaction(StoreOptions.CompactionTrigger.MANUAL).segmentCompression(storeCompression).build();
    try (Store store = Store.open(root, options)) {
      String clean = store.createExperiment("untouched");
      for (int i = 0; i < 3; i++) {
        int n = i;
        store.run(RunSpec.of(clean, "c" + i), r -> {
          r.logParam("i", Integer.toString(n));
          for (int s = 0; s < 700; s++) {
            r.logMetric("loss", Math.exp(-s / 100.0) + n, s);
          }
          r.logMetric("nan", Double.NaN, 0);
        });
      }
      ArchiveTest.Fixture f = ArchiveTest.fixture(store); // compacts
      try (RunWriter resumed = store.resumeRun(f.runs().get(0))) { // reopened: from its log
        resumed.setTag("after", "compaction");
      }
      store.deleteRun(f.runs().get(1));
      String late = store.run(RunSpec.of(f.exp(), "late"), r -> r.logMetric("loss", 0.5, 0)); // never compacted
      try (RunWriter running = store.startRun(RunSpec.of(clean, "running"))) {
        running.logMetric("loss", 2, 0);
        List<String> exps = List.of(clean, f.exp(), f.other());
        Archive.Selection selection = Archive.Selection.ofExperiments(exps).withCompression(archiveCompression);
        ArchiveContents made = Archive.create(store, selection, fromSegments);
        new ArchiveWriter(store, false).create(selection, fromLogs);
        assertThat(made.runs()).extracting(ArchiveContents.RunEntry::runId).contains(late, running.runId());
        assertThat(Archive.list(fromLogs)).usingRecursiveComparison().ignoringFields("createdAt", "entries")
            .isEqualTo(made);
        try (StoreReader source = StoreReader.open(root);
            StoreReader segments = StoreReader.open(fromSegments);
            StoreReader logs = StoreReader.open(fromLogs)) {
          ArchiveTest.assertSameAnswers(source, segments, exps);
          ArchiveTest.assertSameAnswers(logs, segments, exps);
          Archive.verify(fromSegments);
          assertCopied(root, source.snapshot(), fromSegments, clean, storeCompression == archiveCompression);
          assertThat(segments.snapshot().segments(f.exp())).as("copied, and compacted from logs").hasSize(2);
        }
        // a model's one run, from a segment holding others
        Path model = dir.resolve("model.tlar");
        Archive.create(store, Archive.Selection.ofModel("mnist@champion").withCompression(archiveCompression), model);
        try (StoreReader source = StoreReader.open(root); StoreReader archive = StoreReader.open(model)) {
          assertThat(archive.snapshot().getRun(f.modelRun())).isEqualTo(source.snapshot().getRun(f.modelRun()));
          assertThat(archive.snapshot().metricHistory(f.modelRun(), "auc")).isEqualTo(source.snapshot().metricHistory(f.modelRun(), "auc"));
          assertThat(archive.snapshot().segments(f.exp())).hasSize(1);
          assertThat(archive.snapshot().segments(f.exp()).get(0).runs().keySet()).containsExactly(f.modelRun());
        }
      }
    }
  }

  @Test
  void damagedStoreSegment_isNotCopied_theRunsComeFromTheirLogs() throws IOException {
    Path root = dir.resolve("store");
    Path file = dir.resolve("a.tlar");
    ArchiveTest.Fixture f;
    try (Store store = Store.open(root, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      f = ArchiveTest.fixture(store);
      Manifest.FileEntry metrics;
      try (StoreReader reader = StoreReader.of(store)) {
        metrics = reader.snapshot().segments(f.other()).get(0).metricsFile();
      }
      byte[] bytes = Files.readAllBytes(root.resolve(metrics.path()));
      bytes[bytes.length / 2] ^= 1;
      Files.write(root.resolve(metrics.path()), bytes);
      Archive.create(store, Archive.Selection.ofExperiments(List.of(f.exp(), f.other())), file);
    }
    try (StoreReader source = StoreReader.open(root); StoreReader archive = StoreReader.open(file)) {
      Archive.verify(file);
      ArchiveTest.assertSameAnswers(source, archive, List.of(f.exp(), f.other()));
      assertThat(archive.snapshot().segments(f.other())).hasSize(1);
    }
  }

  /**
   * The untouched experiment's one segment is in the archive: its search file copied byte for byte,
   * and its metrics file too when the compressions match (re-written when they differ).
   */
  private static void assertCopied(Path root, Snapshot store, Path file, String exp, boolean sameCompression) throws IOException {
    List<Manifest.Segment> segs = store.segments(exp);
    assertThat(segs).hasSize(1);
    List<String> hashes;
    try (ArchiveFile archive = ArchiveFile.open(file)) {
      hashes = archive.manifest().entries().entrySet().stream()
          .filter(e -> e.getKey().startsWith("store/compacted/experiment=" + exp + "/"))
          .map(e -> e.getValue().sha256())
          .toList();
    }
    assertThat(hashes).contains(sha256(root, segs.get(0).searchFile()));
    if (sameCompression) {
      assertThat(hashes).contains(sha256(root, segs.get(0).metricsFile()));
    } else {
      assertThat(hashes).doesNotContain(sha256(root, segs.get(0).metricsFile()));
    }
  }

  private static String sha256(Path root, Manifest.FileEntry f) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(root.resolve(f.path()))));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
