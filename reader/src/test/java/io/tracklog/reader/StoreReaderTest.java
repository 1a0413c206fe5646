package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.RunNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreReaderTest {
  @TempDir Path dir;

  private static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  @Test
  void getRun_pointLookupsAndWholeSegmentDecodeAgree() {
    java.util.Map<String, Run> fromLog = new java.util.LinkedHashMap<>();
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("e");
      for (int i = 0; i < 3 * StoreReader.POINT_LOOKUPS_BEFORE_DECODE; i++) {
        int n = i;
        String id =
            store.run(
                RunSpec.of(exp, "r" + n),
                r -> {
                  r.logParam("n", Integer.toString(n));
                  r.setTag("t", "v" + n);
                  if (n % 3 != 0) {
                    r.logMetric("loss", 1.0 / (n + 1), n);
                    r.logMetric("acc", n, 0);
                  }
                });
        fromLog.put(id, store.getRun(id));
      }
      store.compact();
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      assertThat(snap.liveRunIds()).isEmpty();
      // the first lookups binary-search the files, the later ones read the decoded segment
      fromLog.forEach((id, run) -> assertThat(snap.getRun(id)).as(id).isEqualTo(run));
      fromLog.forEach((id, run) -> assertThat(snap.getRun(id)).as(id).isEqualTo(run));
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      String exp = snap.getRun(fromLog.keySet().iterator().next()).info().experimentId();
      assertThat(snap.runs(exp, ViewType.ALL)).containsExactlyElementsOf(fromLog.values());
    }
  }

  @Test
  void runsLeftOutOfAPartialCompaction_orRegisteredSince_orReopened_areLive_othersAreNot() {
    java.util.List<String> ids = new java.util.ArrayList<>();
    java.util.Map<String, Run> fromLog = new java.util.LinkedHashMap<>();
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("e");
      String other = store.createExperiment("f");
      for (int i = 0; i < 6; i++) {
        int n = i;
        ids.add(store.run(RunSpec.of(i % 2 == 0 ? exp : other, "r" + n), r -> r.logMetric("m", n, 0)));
      }
      // only runs 0, 1 and 3 are compacted: 2, 4 and 5 were registered before the manifest's
      // catalog position but are in no segment
      store.compactor(io.tracklog.internal.FileOps.DEFAULT, io.tracklog.compact.MergePolicy.DEFAULT)
          .compact(id -> id.equals(ids.get(0)) || id.equals(ids.get(1)) || id.equals(ids.get(3)));
      ids.add(store.run(RunSpec.of(exp, "late"), r -> r.logMetric("m", 6, 0))); // registered since
      store.deleteRun(ids.get(1)); // reopened since
      for (String id : ids) {
        fromLog.put(id, store.getRun(id));
      }
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      assertThat(snap.liveRunIds())
          .containsExactlyInAnyOrder(ids.get(1), ids.get(2), ids.get(4), ids.get(5), ids.get(6));
      fromLog.forEach((id, run) -> assertThat(snap.getRun(id)).as(id).isEqualTo(run));
      assertThat(snap.segmentOf(ids.get(0))).isNotNull();
      assertThat(snap.segmentOf(ids.get(2))).isNull();
      assertThat(snap.metricHistory(ids.get(3), "m")).hasSize(1);
      String exp = fromLog.get(ids.get(0)).info().experimentId();
      assertThat(snap.runIdsOutsideSegments(exp)).containsExactly(ids.get(2), ids.get(4), ids.get(6));
      assertThat(reader.refresh(snap)).isSameAs(snap);
    }
  }

  @Test
  void compactedRun_readsTheSameAsTheLog() {
    String runId;
    Run fromLog;
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("e");
      runId =
          store.run(
              RunSpec.of(exp, "r"),
              r -> {
                r.logParam("lr", "0.1");
                r.setTag("t", "v");
                for (int i = 0; i < 500; i++) {
                  r.logMetric("loss", 1.0 / (i + 1), 1000 + i, i);
                  r.logMetric("acc", i % 7 == 0 ? Double.NaN : i / 500.0, 1000 + i, 499 - i);
                }
              });
      fromLog = store.getRun(runId);
      assertThat(store.compact().runsWritten()).isEqualTo(1);
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      assertThat(snap.generation()).isEqualTo(1);
      assertThat(snap.liveRunIds()).isEmpty();
      assertThat(snap.getRun(runId)).isEqualTo(fromLog);
      List<Metric> loss = snap.metricHistory(runId, "loss");
      assertThat(loss).hasSize(500);
      assertThat(loss.get(0)).isEqualTo(new Metric("loss", 1.0, 1000, 0));
      // append order is kept even though the file is sorted by step
      List<Metric> acc = snap.metricHistory(runId, "acc");
      assertThat(acc.get(0).step()).isEqualTo(499);
      assertThat(acc.get(499).step()).isZero();
      assertThat(snap.metricHistory(runId, "missing")).isEmpty();
    }
  }

  /**
   * A metrics file of several record batches (4,096 series per batch at most; a 70,000-point series
   * gets a batch of its own): every series is found through the batch index, in append order.
   */
  @Test
  void metricsFileOfManyBatches_everySeriesFoundInAppendOrder() throws IOException {
    String runId;
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("e");
      runId =
          store.run(
              RunSpec.of(exp, "r"),
              r -> {
                for (int k = 0; k < 5_000; k++) {
                  r.logMetric(String.format("k%05d", k), k, 7, k % 3);
                  r.logMetric(String.format("k%05d", k), -k, 8, 0); // step goes back: append order differs
                }
                for (int i = 0; i < 70_000; i++) {
                  r.logMetric("k02500x", i, 9, 70_000 - i);
                }
              });
      store.compact();
    }
    Path metricsFile;
    try (var files = Files.walk(dir.resolve("compacted"))) {
      metricsFile = files.filter(f -> f.getFileName().toString().startsWith("metrics-")).findFirst().orElseThrow();
    }
    try (var ch = java.nio.channels.FileChannel.open(metricsFile);
        var alloc = new org.apache.arrow.memory.RootAllocator();
        var arrow = new org.apache.arrow.vector.ipc.ArrowFileReader(ch, alloc)) {
      assertThat(arrow.getRecordBlocks()).hasSizeGreaterThanOrEqualTo(3);
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      assertThat(snap.liveRunIds()).isEmpty();
      for (int k = 0; k < 5_000; k += 7) {
        String key = String.format("k%05d", k);
        assertThat(snap.metricHistory(runId, key))
            .as(key)
            .containsExactly(new Metric(key, k, 7, k % 3), new Metric(key, -k, 8, 0));
      }
      List<Metric> big = snap.metricHistory(runId, "k02500x");
      assertThat(big).hasSize(70_000);
      for (int i = 0; i < 70_000; i += 997) {
        assertThat(big.get(i)).isEqualTo(new Metric("k02500x", i, 9, 70_000 - i));
      }
      assertThat(snap.metricHistory(runId, "k02500y")).isEmpty();
      assertThat(snap.metricHistory(runId, "a")).isEmpty();
      assertThat(snap.metricHistory(runId, "z")).isEmpty();
    }
  }

  /** Compressed segments read back exactly; ZSTD and LZ4 files are smaller than plain ones. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(io.tracklog.SegmentCompression.class)
  void compressedSegments_readTheSameAsTheLog(io.tracklog.SegmentCompression compression) throws IOException {
    Path root = dir.resolve(compression.name());
    StoreOptions options =
        StoreOptions.builder()
            .compaction(StoreOptions.CompactionTrigger.MANUAL)
            .segmentCompression(compression)
            .build();
    String runId;
    Run fromLog;
    List<Metric> lossFromLog;
    try (Store store = Store.open(root, options)) {
      String exp = store.createExperiment("e");
      runId =
          store.run(
              RunSpec.of(exp, "r"),
              r -> {
                r.logParam("lr", "0.1");
                for (int i = 0; i < 20_000; i++) {
                  r.logMetric("loss", Math.exp(-i / 5000.0), 1_700_000_000_000L + 10L * i, i);
                  r.logMetric("acc", i % 11 == 0 ? Double.NaN : i / 20_000.0, 1_700_000_000_000L + 10L * i, i % 100);
                }
              });
      fromLog = store.getRun(runId);
      store.compact();
    }
    long metricsBytes;
    try (var files = Files.walk(root.resolve("compacted"))) {
      metricsBytes =
          files.filter(f -> f.getFileName().toString().startsWith("metrics-")).mapToLong(f -> f.toFile().length()).sum();
    }
    try (StoreReader reader = StoreReader.open(root)) {
      Snapshot snap = reader.snapshot();
      assertThat(snap.liveRunIds()).isEmpty();
      assertThat(snap.getRun(runId)).isEqualTo(fromLog);
      List<Metric> loss = snap.metricHistory(runId, "loss");
      assertThat(loss).hasSize(20_000);
      assertThat(loss.get(12_345)).isEqualTo(new Metric("loss", Math.exp(-12_345 / 5000.0), 1_700_000_000_000L + 123_450L, 12_345));
      List<Metric> acc = snap.metricHistory(runId, "acc");
      assertThat(acc).hasSize(20_000);
      assertThat(acc.get(101)).isEqualTo(new Metric("acc", 101 / 20_000.0, 1_700_000_000_000L + 1010L, 1));
      assertThat(acc.get(0).value()).isNaN();
    }
    if (compression == io.tracklog.SegmentCompression.NONE) {
      assertThat(metricsBytes).isGreaterThanOrEqualTo(40_000L * 24);
    } else {
      assertThat(metricsBytes).isLessThan(40_000L * 24 / 2);
    }
  }

  @Test
  void runThatKeepsLogging_readsAsCompactedPrefixPlusTail() {
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("e");
      try (RunWriter w = store.startRun(RunSpec.of(exp, "live"))) {
        for (int i = 0; i < 10; i++) {
          w.logMetric("x", i, 5, i);
        }
        store.compact();
        try (StoreReader reader = StoreReader.open(dir)) {
          Snapshot first = reader.snapshot();
          assertThat(first.liveRunIds()).containsExactly(w.runId());
          assertThat(first.metricHistory(w.runId(), "x")).hasSize(10);
          assertThat(reader.refresh(first)).isSameAs(first);

          for (int i = 10; i < 15; i++) {
            w.logMetric("x", i, 5, i);
          }
          w.logParam("late", "yes");
          Snapshot second = reader.refresh(first);
          assertThat(second).isNotSameAs(first);
          assertThat(first.metricHistory(w.runId(), "x")).hasSize(10); // first is unchanged
          assertThat(second.metricHistory(w.runId(), "x")).extracting(Metric::step)
              .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
          assertThat(second.getRun(w.runId())).isEqualTo(store.getRun(w.runId()));
          assertThat(first.getRun(w.runId()).params()).doesNotContainKey("late");
        }
      }
    }
  }

  @Test
  void reopenedSealedRun_isReadLiveAgain() {
    String runId;
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("e");
      runId = store.run(RunSpec.of(exp), r -> r.logMetric("m", 1.0, 1, 0));
      store.compact();
      try (StoreReader reader = StoreReader.open(dir)) {
        assertThat(reader.snapshot().liveRunIds()).isEmpty();
        store.deleteRun(runId); // appends to a sealed run
        Snapshot snap = reader.snapshot();
        assertThat(snap.liveRunIds()).containsExactly(runId);
        assertThat(snap.getRun(runId)).isEqualTo(store.getRun(runId));
        store.compact();
        Snapshot after = reader.snapshot();
        assertThat(after.liveRunIds()).isEmpty();
        assertThat(after.getRun(runId)).isEqualTo(store.getRun(runId));
      }
    }
  }

  @Test
  void corruptSegment_fallsBackToTheLog() throws IOException {
    String runId;
    Run fromLog;
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("e");
      runId = store.run(RunSpec.of(exp), r -> {
        for (int i = 0; i < 100; i++) {
          r.logMetric("m", i, 7, i);
        }
      });
      fromLog = store.getRun(runId);
      store.compact();
    }
    var manifest = ManifestFiles.latest(dir, "");
    var segment = manifest.segments().get(0);
    for (var file : segment.files()) {
      Path p = dir.resolve(file.path());
      byte[] bytes = Files.readAllBytes(p);
      bytes[bytes.length / 2] ^= 0x40;
      Files.write(p, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      assertThat(snap.getRun(runId)).isEqualTo(fromLog);
      assertThat(snap.metricHistory(runId, "m")).hasSize(100);
    }
  }

  @Test
  void historyPages_useMlflowTokens() {
    String runId;
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("e");
      runId = store.run(RunSpec.of(exp), r -> {
        for (int i = 0; i < 25; i++) {
          r.logMetric("m", i, 1, i);
        }
      });
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      MetricHistoryPage p1 = snap.metricHistory(runId, "m", 10, null);
      assertThat(p1.metrics()).hasSize(10);
      MetricHistoryPage p2 = snap.metricHistory(runId, "m", 10, p1.nextPageToken());
      MetricHistoryPage p3 = snap.metricHistory(runId, "m", 10, p2.nextPageToken());
      assertThat(p3.metrics()).hasSize(5);
      assertThat(p3.nextPageToken()).isNull();
      assertThat(p2.metrics().get(0).step()).isEqualTo(10);
      assertThatThrownBy(() -> snap.metricHistory(runId, "m", 10, "garbage"))
          .isInstanceOf(InvalidParameterException.class)
          .hasMessageContaining("Invalid page token");
      assertThatThrownBy(() -> snap.metricHistory(runId, "m", 10, PageToken.encode(0)))
          .isInstanceOf(InvalidParameterException.class);
      assertThatThrownBy(() -> snap.getRun("0123456789abcdef0123456789abcdef"))
          .isInstanceOf(RunNotFoundException.class);
    }
  }

  @Test
  void compactOnClose_isTheDefault_andRunsEndUpSealed() {
    String runId;
    try (Store store = Store.open(dir)) {
      String exp = store.createExperiment("e");
      runId = store.run(RunSpec.of(exp), r -> r.logMetric("m", 2.0));
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      assertThat(snap.generation()).isGreaterThanOrEqualTo(1);
      assertThat(snap.liveRunIds()).isEmpty();
      assertThat(snap.getRun(runId).info().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  @Test
  void open_withoutStore_throws() {
    assertThatThrownBy(() -> StoreReader.open(dir.resolve("nothing")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no Tracklog store");
  }

  @Test
  void of_readsAnOpenStoreWithoutOpeningItAgain_andLeavesItOpen() {
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("sweep");
      String done = store.run(RunSpec.of(exp, "done"), r -> r.logMetric("acc", 0.5, 0));
      try (RunWriter live = store.startRun(RunSpec.of(exp, "live"))) {
        live.logMetric("acc", 0.7, 0);
        try (StoreReader reader = StoreReader.of(store)) {
          Snapshot snap = reader.snapshot();
          assertThat(snap.getRun(done)).isEqualTo(store.getRun(done));
          assertThat(snap.liveRunIds()).contains(live.runId());
          assertThat(snap.metricHistory(live.runId(), "acc")).extracting(Metric::value).containsExactly(0.7);
          live.logMetric("acc", 0.9, 1); // visible as soon as the call returns
          Snapshot next = reader.refresh(snap);
          assertThat(next.metricHistory(live.runId(), "acc")).extracting(Metric::value).containsExactly(0.7, 0.9);
        }
        live.logMetric("acc", 1.0, 2); // the store outlives the reader
      }
      store.compact();
      try (StoreReader reader = StoreReader.of(store)) {
        assertThat(reader.snapshot().getRun(done)).isEqualTo(store.getRun(done));
      }
      assertThat(store.run(RunSpec.of(exp, "after"), r -> {})).isNotNull();
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      assertThat(reader.snapshot().runs(reader.snapshot().getExperimentByName("sweep").orElseThrow().experimentId(), ViewType.ALL))
          .hasSize(3);
    }
  }

  /**
   * A metrics file of several record batches (more series than one batch holds), steps logged out
   * of order: every series reads back as logged, from a fresh reader each time (in place for plain
   * files, through Arrow Java for compressed ones).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(io.tracklog.SegmentCompression.class)
  void manyBatches_everySeriesReadsBackAsLogged(io.tracklog.SegmentCompression compression) {
    StoreOptions options =
        StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).segmentCompression(compression).build();
    java.util.Map<String, java.util.Map<String, List<Metric>>> logged = new java.util.LinkedHashMap<>();
    java.util.Random random = new java.util.Random(11);
    try (Store store = Store.open(dir, options)) {
      String exp = store.createExperiment("wide");
      for (int i = 0; i < 700; i++) {
        java.util.Map<String, List<Metric>> byKey = new java.util.LinkedHashMap<>();
        String id =
            store.run(
                RunSpec.of(exp, "r" + i),
                r -> {
                  for (int p = 0; p < 1 + random.nextInt(6); p++) {
                    String key = random.nextBoolean() ? "loss" : "acc";
                    Metric m = new Metric(key, random.nextDouble(), 1_000 + random.nextInt(50), random.nextInt(5) - 2);
                    r.logMetric(m.key(), m.value(), m.timestampMs(), m.step());
                    byKey.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(m);
                  }
                });
        logged.put(id, byKey);
      }
      store.compact();
    }
    List<String> ids = new java.util.ArrayList<>(logged.keySet());
    java.util.Collections.shuffle(ids, random);
    for (String id : ids.subList(0, 60)) {
      try (StoreReader reader = StoreReader.open(dir)) {
        Snapshot snap = reader.snapshot();
        assertThat(snap.liveRunIds()).isEmpty();
        for (String key : List.of("loss", "acc")) {
          assertThat(snap.metricHistory(id, key))
              .as("%s %s", id, key)
              .containsExactlyElementsOf(logged.get(id).getOrDefault(key, List.of()));
        }
      }
    }
  }
}
