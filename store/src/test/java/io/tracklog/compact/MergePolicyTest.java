package io.tracklog.compact;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs compacted one by one as they close: the experiment's segment count stays within the tiered
 * bound, every run is in exactly one live segment, and rebuilds (also from nothing) restore it.
 */
class MergePolicyTest {
  private static final int RUNS = 150;

  @TempDir Path dir;

  @Test
  void compactingRunsOneByOne_keepsSegmentsWithinTheBound_eachRunInOneSegment() throws IOException {
    int factor = MergePolicy.DEFAULT.factor();
    try (Store store = Store.open(dir)) { // WHEN_RUN_CLOSES: each run is compacted when it closes
      String exp = store.createExperiment("many");
      List<String> runIds = new ArrayList<>();
      int maxSegments = 0;
      for (int n = 1; n <= RUNS; n++) {
        try (RunWriter w = store.startRun(RunSpec.of(exp, "r" + n))) {
          w.logMetric("m", n, 1, n);
          w.end(RunStatus.FINISHED);
          runIds.add(w.runId());
        }
        Manifest m = ManifestFiles.latest(dir, store.storeId());
        assertThat(m.generation()).as("after run %d", n).isGreaterThanOrEqualTo(n);
        long segments = m.segments().stream().filter(s -> s.experimentId().equals(exp)).count();
        double bound = (factor - 1) * (Math.log(n) / Math.log(factor) + 1);
        assertThat((double) segments).as("segments after %d runs: %s", n, tiers(m)).isLessThanOrEqualTo(bound);
        assertThat(m.segmentsByRun().keySet()).as("after run %d", n).containsExactlyInAnyOrderElementsOf(runIds);
        maxSegments = Math.max(maxSegments, (int) segments);
        if (n % 50 == 0 || n == RUNS) {
          checkExactlyOnce(m, runIds, "after run " + n);
          CompactedFiles.verifyNewest(store, "after run " + n);
        }
      }
      assertThat(maxSegments).as("merges happened, but not into one segment each time").isGreaterThan(factor - 1);

      Manifest before = ManifestFiles.latest(dir, store.storeId());
      Compactor.Result rebuilt = store.rebuild();
      Manifest after = CompactedFiles.verifyNewest(store, "rebuilt");
      assertThat(rebuilt.runsWritten()).isEqualTo(RUNS);
      assertThat(after.generation()).isEqualTo(before.generation() + 1);
      checkExactlyOnce(after, runIds, "rebuilt");
      assertThat(coverage(after)).isEqualTo(coverage(before));

      // Lose every compacted file: a rebuild regenerates them from the logs.
      try (Stream<Path> files = Files.walk(dir.resolve("compacted"))) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
      store.rebuild();
      Manifest restored = CompactedFiles.verifyNewest(store, "rebuilt from nothing");
      checkExactlyOnce(restored, runIds, "rebuilt from nothing");
      assertThat(coverage(restored)).isEqualTo(coverage(before));
    }
  }

  private static Map<String, Long> coverage(Manifest m) {
    Map<String, Long> out = new HashMap<>();
    m.segments().forEach(s -> s.runs().forEach((id, c) -> out.put(id, c.seq())));
    return out;
  }

  private static List<Integer> tiers(Manifest m) {
    return m.segments().stream().map(s -> s.runs().size()).sorted().toList();
  }

  /** Reads the run_id column of every live runs file: each run exactly once over all of them. */
  private void checkExactlyOnce(Manifest m, List<String> runIds, String why) {
    List<String> all = new ArrayList<>();
    for (Manifest.Segment s : m.segments()) {
      all.addAll(CompactedFiles.runIdsOf(dir.resolve(s.runsFile().path())));
    }
    assertThat(all).as(why).containsExactlyInAnyOrderElementsOf(runIds).doesNotHaveDuplicates();
  }

  @Test
  void tiers_mergeWhenFactorSegmentsShareOne() {
    MergePolicy p = new MergePolicy(3);
    List<Manifest.Segment> segs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      segs.add(segment(i, 1));
    }
    assertThat(p.merges(segs)).isEmpty();
    segs.add(segment(2, 2));
    assertThat(p.merges(segs)).containsExactly(segs);
    segs.add(segment(3, 3)); // tier 1
    assertThat(p.merges(segs)).containsExactly(segs.subList(0, 3));
  }

  private static Manifest.Segment segment(int id, int runs) {
    Map<String, Manifest.RunCoverage> cov = new HashMap<>();
    for (int i = 0; i < runs; i++) {
      cov.put("run" + id + "-" + i, new Manifest.RunCoverage(3, true));
    }
    Manifest.FileEntry f = new Manifest.FileEntry("f" + id, 0, "00000000", 0);
    return new Manifest.Segment("1", 1, f, f, f, cov, Map.of());
  }
}
