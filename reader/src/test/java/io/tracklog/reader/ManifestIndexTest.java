package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening a manifest of format 3 loads no run index, and a cold point lookup loads at most the run
 * indexes of the run's experiment's segments.
 */
class ManifestIndexTest {
  @TempDir Path dir;

  /** Three experiments of three segments each; run id → experiment id, in creation order. */
  private Map<String, String> writeStore() {
    Map<String, String> runs = new LinkedHashMap<>();
    try (Store store = Store.open(dir, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      List<String> exps = List.of(store.createExperiment("a"), store.createExperiment("b"), store.createExperiment("c"));
      for (int round = 0; round < 3; round++) {
        for (String exp : exps) {
          for (int i = 0; i < 4; i++) {
            int n = i;
            runs.put(store.run(RunSpec.of(exp), w -> w.logMetric("m", n, 1, n)), exp);
          }
        }
        store.compact();
      }
    }
    return runs;
  }

  @Test
  void coldPointLookup_loadsOnlyTheRunIndexesOfItsExperiment() {
    Map<String, String> runs = writeStore();
    Manifest m = ManifestFiles.read(dir, ManifestFiles.latestGeneration(dir).getAsLong());
    assertThat(m.formatVersion()).isEqualTo(3);
    assertThat(m.segments()).hasSize(9);
    ManifestIndex index = new ManifestIndex(m);
    assertThat(index.compactedRuns()).isEqualTo(runs.size());
    assertThat(index.unsealed()).isEmpty();
    assertThat(m.segments()).noneMatch(s -> s.runs().loaded());

    String runId = new ArrayList<>(runs.keySet()).get(runs.size() - 1); // in the last segment of "c"
    String exp = runs.get(runId);
    Manifest.Segment seg = index.segmentOf(runId, exp);
    assertThat(seg.experimentId()).isEqualTo(exp);
    assertThat(seg.runs().get(runId).sealed()).isTrue();
    assertThat(index.segmentOf("not0a0run", exp)).isNull();
    for (Manifest.Segment s : m.segments()) {
      if (!s.experimentId().equals(exp)) {
        assertThat(s.runs().loaded()).as("run index of %s", s.runIndexFile().path()).isFalse();
      }
    }
    assertThat(index.builtRunMap()).isFalse();
  }

  @Test
  void snapshotAndGetRun_loadOnlyTheRunIndexesOfTheRunsExperiment() {
    Map<String, String> runs = writeStore();
    String runId = new ArrayList<>(runs.keySet()).get(4); // the first run of "b"
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      assertThat(snap.manifest().segments()).noneMatch(s -> s.runs().loaded());
      assertThat(snap.getRun(runId).info().runId()).isEqualTo(runId);
      assertThat(snap.manifest().segments())
          .filteredOn(s -> s.runs().loaded())
          .isNotEmpty()
          .allSatisfy(s -> assertThat(s.experimentId()).isEqualTo(runs.get(runId)));
    }
  }
}
