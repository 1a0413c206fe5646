package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.GcOptions;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.internal.FileOps;
import io.tracklog.testing.FaultyFileOps;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers after {@code tracklog gc}: a purged run is absent from snapshots (by id, in listings, in
 * every search view, searched by name), also while the newest manifest still holds its rows (a gc
 * stopped between its commit and its compaction), and snapshots taken before the purge keep it.
 */
class GcReaderTest {
  @TempDir Path dir;

  private static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  private static List<String> search(Snapshot snapshot, String exp, ViewType view, String filter) {
    List<String> ids = new ArrayList<>();
    for (Run r : RunSearch.search(snapshot, SearchRequest.builder(exp).viewType(view).filter(filter).build()).runs()) {
      ids.add(r.info().runId());
    }
    return ids;
  }

  @Test
  void purgedRuns_areUnknownToReaders_beforeAndAfterTheirSegmentsAreRewritten() {
    String exp;
    List<String> ids = new ArrayList<>();
    try (Store store = Store.open(dir, manual());
        StoreReader reader = StoreReader.of(store)) {
      exp = store.createExperiment("e");
      for (int i = 0; i < 6; i++) {
        ids.add(store.run(RunSpec.of(exp, "run-" + i), w -> w.logMetric("m", 1, 0)));
      }
      store.compact();
      String gone = ids.get(1);
      store.deleteRun(gone);
      store.deleteRun(ids.get(2));
      store.restoreRun(ids.get(2));
      Snapshot before = reader.snapshot();

      // The commit point passes, then every file operation fails: the segment still holds the run.
      assertThatThrownBy(() -> store.gc(GcOptions.all(), FaultyFileOps.failingFrom(1)))
          .isInstanceOf(io.tracklog.error.StorageException.class);
      Snapshot stale = reader.snapshot();
      assertThat(stale.segmentOf(ids.get(0))).as("the old segment is still the newest").isNotNull();
      assertPurged(stale, exp, ids);

      store.gc(GcOptions.all());
      Snapshot after = reader.snapshot();
      assertThat(after.generation()).isGreaterThan(stale.generation());
      assertPurged(after, exp, ids);
      assertThat(before.getRun(gone).info().runName()).as("an older snapshot keeps its view").isEqualTo("run-1");
    }
    try (StoreReader reader = StoreReader.open(dir)) { // a reader of its own, opened after the gc
      assertPurged(reader.snapshot(), exp, ids);
    }
  }

  @Test
  void aRunNoSegmentHolds_purgedUnderAReaderThatListedItAsUncompacted() {
    try (Store store = Store.open(dir, manual());
        StoreReader reader = StoreReader.of(store)) {
      String exp = store.createExperiment("e");
      String compacted = store.run(RunSpec.of(exp, "compacted"), w -> w.logMetric("m", 1, 0));
      String loose = store.run(RunSpec.of(exp, "loose"), w -> w.logMetric("m", 2, 0));
      store.compactor(FileOps.DEFAULT, io.tracklog.compact.MergePolicy.DEFAULT)
          .compact(compacted::equals);
      assertThat(reader.snapshot().isLive(loose)).as("read from its log, per the manifest's index").isTrue();
      store.deleteRun(loose);
      long generation = reader.snapshot().generation();

      store.gc(GcOptions.all());

      Snapshot after = reader.snapshot();
      assertThat(after.generation()).as("nothing to rewrite").isEqualTo(generation);
      assertThatThrownBy(() -> after.getRun(loose)).isInstanceOf(RunNotFoundException.class);
      assertThat(after.runIds(exp)).containsExactly(compacted);
      assertThat(search(after, exp, ViewType.ALL, "")).containsExactly(compacted);
    }
  }

  /** The run at index 1 of {@code all} is purged, the others are there. */
  private static void assertPurged(Snapshot s, String exp, List<String> all) {
    String gone = all.get(1);
    List<String> rest = new ArrayList<>(all);
    rest.remove(gone);
    assertThatThrownBy(() -> s.getRun(gone)).isInstanceOf(RunNotFoundException.class);
    assertThatThrownBy(() -> s.metricHistory(gone, "m")).isInstanceOf(RunNotFoundException.class);
    assertThat(s.runIds(exp)).containsExactlyElementsOf(rest);
    assertThat(search(s, exp, ViewType.ALL, "")).containsExactlyInAnyOrderElementsOf(rest);
    assertThat(search(s, exp, ViewType.DELETED_ONLY, "")).isEmpty();
    assertThat(search(s, exp, ViewType.ALL, "attributes.run_name = 'run-1'")).isEmpty();
    assertThat(search(s, exp, ViewType.ALL, "metrics.m = 1")).hasSize(rest.size());
    assertThat(s.runs(exp, ViewType.ALL)).extracting(r -> r.info().runId()).containsExactlyElementsOf(rest);
  }
}
