package io.tracklog.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.CorruptFileException;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction writes a run index file per segment and a manifest of format 3 that lists no runs; a
 * store whose newest manifest is of format 2 gets format 3 at its next compaction; a damaged index
 * is served by the runs file.
 */
class RunIndexCompactionTest {
  @TempDir Path dir;

  private static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  /** Two experiments; their ids. */
  private static List<String> experiments(Store store) {
    return List.of(store.createExperiment("a"), store.createExperiment("b"));
  }

  /** Runs of each experiment, some with ids that are not hex (ending in {@code tag}); run id → experiment id. */
  private static Map<String, String> writeRuns(Store store, List<String> experiments, int perExperiment, String tag) {
    Map<String, String> runs = new HashMap<>();
    List<String> given = List.of("e-été", "j日本語", "run-b", "x\uD835\uDCB3y", "Z9");
    for (String exp : experiments) {
      for (int i = 0; i < perExperiment; i++) {
        RunSpec.Builder spec = RunSpec.builder(exp);
        if (i < given.size()) {
          spec.runId(given.get(i) + exp + tag);
        }
        int n = i;
        String runId = store.run(spec.build(), w -> w.logMetric("m", n, 1, n));
        runs.put(runId, exp);
      }
    }
    return runs;
  }

  @Test
  void compaction_writesARunIndexPerSegment_andAManifestThatListsNoRuns() throws IOException {
    Map<String, String> runs;
    try (Store store = Store.open(dir, manual())) {
      List<String> exps = experiments(store);
      runs = writeRuns(store, exps, 12, "x");
      store.compact();
      Manifest written = CompactedFiles.verifyNewest(store, "first compaction");
      assertThat(written.formatVersion()).isEqualTo(3);
      // more runs, then a rebuild twice: old segments' index files are collected with their others
      writeRuns(store, exps, 3, "y").forEach(runs::put);
      store.compact();
      store.rebuild();
      store.rebuild();
      CompactedFiles.verifyNewest(store, "rebuilt");
      assertThat(CompactedFiles.unreferencedFiles(dir)).isEmpty();
      assertThat(dir.resolve(written.segments().get(0).runIndexFile().path())).doesNotExist();
    }
    long gen = ManifestFiles.latestGeneration(dir).getAsLong();
    String json = Files.readString(dir.resolve(ManifestFiles.fileName(gen)));
    assertThat(json).doesNotContain("\"runs\":{");
    for (String runId : runs.keySet()) {
      assertThat(json).doesNotContain(runId);
    }
    Manifest m = ManifestFiles.read(dir, gen);
    assertThat(m.segments()).hasSize(2);
    for (Manifest.Segment s : m.segments()) {
      String dirOf = "compacted/experiment=" + s.experimentId() + "/";
      assertThat(s.runIndexFile().path()).isEqualTo(dirOf + String.format("runs-index-%08d.bin", s.generation()));
      assertThat(s.runsFile().path()).isEqualTo(dirOf + String.format("runs-%08d.arrow", s.generation()));
      assertThat(s.files()).endsWith(s.runIndexFile()).hasSize(5);
      assertThat(s.runIndexFile().rows()).isEqualTo(s.runsFile().rows());
      assertThat(s.runs().size()).isEqualTo(15);
      assertThat(s.runs().loaded()).isFalse();
    }
    for (Map.Entry<String, String> e : runs.entrySet()) {
      Manifest.Segment s = m.segmentsByRun().get(e.getKey());
      assertThat(s.experimentId()).isEqualTo(e.getValue());
      assertThat(s.runs().get(e.getKey()).sealed()).isTrue();
    }
  }

  @Test
  void damagedRunIndex_theRunsFileServes_andCompactionGoesOn_bothDamaged_isCorrupt() throws IOException {
    Map<String, String> runs;
    try (Store store = Store.open(dir, manual())) {
      runs = writeRuns(store, experiments(store), 6, "x");
      store.compact();
    }
    Manifest m = ManifestFiles.read(dir, 1);
    Map<String, Manifest.RunCoverage> expected = new HashMap<>();
    m.segments().forEach(s -> expected.putAll(s.runs()));
    assertThat(expected).hasSize(runs.size());

    Manifest.Segment seg = m.segments().get(0);
    Path index = dir.resolve(seg.runIndexFile().path());
    byte[] original = Files.readAllBytes(index);
    byte[] flipped = original.clone();
    flipped[original.length - 3] ^= 0x10;
    Files.write(index, flipped);
    Manifest damaged = ManifestFiles.read(dir, 1);
    Map<String, Manifest.RunCoverage> served = new HashMap<>();
    damaged.segments().forEach(s -> served.putAll(s.runs()));
    assertThat(served).isEqualTo(expected);

    // both the index and the runs file: the index's CorruptFileException
    Path runsFile = dir.resolve(seg.runsFile().path());
    byte[] runsBytes = Files.readAllBytes(runsFile);
    Files.write(runsFile, java.util.Arrays.copyOf(runsBytes, runsBytes.length / 2));
    RunCoverages lost = ManifestFiles.read(dir, 1).segments().get(0).runs();
    assertThatThrownBy(() -> lost.get(seg.runs().runId(0)))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(index.toString());
    Files.write(runsFile, runsBytes);

    // compactions go on over the damaged index; one that rewrites its segment writes a sound one
    try (Store store = Store.open(dir, manual())) {
      String runId = store.run(RunSpec.of(seg.experimentId()), w -> w.logParam("p", "v"));
      store.compact();
      assertThat(ManifestFiles.latest(dir, "").segmentsByRun()).containsKey(runId).hasSize(runs.size() + 1);
      store.deleteRun(seg.runs().runId(0)); // reopens a run of the damaged segment
      store.compact();
      Manifest next = CompactedFiles.verifyNewest(store, "after a damaged index");
      assertThat(next.segmentsByRun()).containsKey(runId).hasSize(runs.size() + 1);
      assertThat(next.segments()).noneMatch(s -> s.runIndexFile().equals(seg.runIndexFile()));
    }
  }

  @Test
  void storeWithAFormat2Manifest_getsFormat3AtItsNextCompaction() throws IOException {
    try (Store store = Store.open(dir, manual())) {
      writeRuns(store, experiments(store), 4, "x");
      store.compact();
      // the same segments under a format-2 manifest, as a store compacted by an older build has
      Manifest v3 = ManifestFiles.read(dir, 1);
      List<Manifest.Segment> embedded = new ArrayList<>();
      for (Manifest.Segment s : v3.segments()) {
        RunCoverages.Builder b = new RunCoverages.Builder(s.runs().size());
        s.runs().forEach((id, cov) -> b.add(id, cov.seq(), cov.sealed()));
        embedded.add(new Manifest.Segment(
            s.experimentId(), s.generation(), s.runsFile(), s.latestFile(), s.metricsFile(), b.build(),
            s.metricStats(), s.searchFile()));
        Files.delete(dir.resolve(s.runIndexFile().path()));
      }
      Manifest v2 = new Manifest(2, 2, v3.storeId(), v3.createdAt(), v3.catalogPosition(), v3.experiments(), embedded);
      assertThat(ManifestFiles.publish(dir, v2, FileOps.DEFAULT)).isTrue();
      assertThat(Files.readString(dir.resolve(ManifestFiles.fileName(2)))).contains("\"format_version\":2", "\"runs\":{");
      Manifest read2 = CompactedFiles.verifyNewest(store, "format 2");
      assertThat(read2.formatVersion()).isEqualTo(2);
      assertThat(read2.segments()).allSatisfy(s -> assertThat(s.runIndexFile()).isNull());
      assertThat(store.compact().runsWritten()).as("nothing to compact: it stays format 2").isZero();

      String exp = v3.segments().get(0).experimentId();
      store.run(RunSpec.of(exp), w -> w.logParam("p", "v"));
      store.compact();
      Manifest upgraded = CompactedFiles.verifyNewest(store, "format 3");
      assertThat(upgraded.formatVersion()).isEqualTo(3);
      assertThat(upgraded.segments()).hasSize(3).allSatisfy(s -> assertThat(s.runIndexFile()).isNotNull());
      Manifest.Segment kept =
          upgraded.segments().stream().filter(s -> s.generation() == 1 && !s.experimentId().equals(exp)).findFirst().orElseThrow();
      assertThat(kept.runIndexFile().path()).endsWith("/runs-index-00000001.bin");
      assertThat(Files.readString(dir.resolve(ManifestFiles.fileName(3)))).doesNotContain("\"runs\":{");
      assertThat(CompactedFiles.unreferencedFiles(dir)).isEmpty();
    }
  }
}
