package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.format.CatalogCheckpoint;
import io.tracklog.format.CatalogSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * catalog.checkpoint: a store restored from it and the log's tail knows exactly what a full replay
 * knows, and any doubt about the file (corrupt, truncated, another store's, not matching the log)
 * means a full replay.
 */
class CatalogCheckpointTest {
  @TempDir Path tmp;
  private Path dir;

  @org.junit.jupiter.api.BeforeEach
  void root() {
    dir = tmp.resolve("store");
  }

  private static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  /** Everything a catalog answers, as plain values. */
  private record Catalog(
      long position,
      List<Experiment> experiments,
      Map<String, List<String>> runs,
      Map<String, Long> reopened,
      Map<String, String> experimentOfRun) {
    static Catalog of(Store store) {
      CatalogSnapshot snap = store.catalogSnapshot();
      Map<String, List<String>> runs = new LinkedHashMap<>();
      Map<String, Long> reopened = new LinkedHashMap<>();
      Map<String, String> experimentOf = new LinkedHashMap<>();
      for (Experiment e : store.experiments()) {
        runs.put(e.experimentId(), List.copyOf(store.runIds(e.experimentId())));
        for (String runId : snap.runIds(e.experimentId())) {
          reopened.put(runId, snap.lastReopened(runId));
          experimentOf.put(runId, snap.experimentOfRun(runId));
        }
      }
      return new Catalog(snap.position(), store.experiments(), runs, reopened, experimentOf);
    }
  }

  /** Experiments renamed, tagged, deleted and restored; runs in several; some reopened. */
  private static List<String> busyCatalog(Store store) {
    String a = store.createExperiment("a");
    String b = store.createExperiment("b", null, Map.of("team", "x"));
    String c = store.createExperiment("c");
    store.renameExperiment(a, "a2");
    store.setExperimentTag(b, "k", "v");
    store.deleteExperimentTag(b, "team");
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      int n = i;
      runs.add(store.run(RunSpec.of(i % 2 == 0 ? a : b, "r" + i), r -> r.logMetric("m", n, 0)));
    }
    store.deleteRun(runs.get(1)); // reopens it
    store.deleteExperiment(c);
    store.restoreExperiment(c);
    store.deleteExperiment(c);
    return runs;
  }

  @Test
  void aRestoredCatalogPlusTheTail_isExactlyTheReplayedOne() {
    List<String> runs;
    long checkpointAt;
    try (Store store = Store.open(dir, manual())) {
      runs = busyCatalog(store);
      assertThat(store.catalog().checkpoint()).isTrue();
      checkpointAt = store.catalogPosition();
      // the tail: more of everything after the checkpoint
      String d = store.createExperiment("d");
      store.renameExperiment(d, "d2");
      runs.add(store.run(RunSpec.of(d, "late"), r -> r.logParam("p", "1")));
      store.restoreRun(runs.get(1));
      store.deleteRun(runs.get(4));
    }
    Catalog replayed;
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(checkpointAt);
      Catalog restored = Catalog.of(store);
      try (Store second = Store.open(copyWithoutCheckpoint())) {
        assertThat(second.catalog().restoredFrom()).isZero();
        replayed = Catalog.of(second);
      }
      assertThat(restored).isEqualTo(replayed);
      assertThat(store.findExperimentByName("a2")).isPresent();
      assertThat(store.findExperimentByName("a")).isEmpty();
      assertThat(store.createExperiment("e")).isEqualTo("5"); // one past the largest id, "4"
      for (String runId : runs) {
        assertThat(store.getRun(runId).info().runId()).isEqualTo(runId);
      }
      assertThat(store.getRun(runs.get(4)).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    }
  }

  private Path copyWithoutCheckpoint() {
    Path copy = tmp.resolve("replayed");
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        Path to = copy.resolve(dir.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else if (!p.getFileName().toString().equals("catalog.checkpoint")) {
          Files.copy(p, to);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return copy;
  }

  private Catalog checkpointedStore() {
    try (Store store = Store.open(dir, manual())) {
      busyCatalog(store);
      assertThat(store.catalog().checkpoint()).isTrue();
      return Catalog.of(store);
    }
  }

  private Catalog reopen(long expectedRestoredFrom) {
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(expectedRestoredFrom);
      return Catalog.of(store);
    }
  }

  @Test
  void aCorruptCheckpoint_isIgnored() throws IOException {
    Catalog expected = checkpointedStore();
    Path file = dir.resolve("catalog.checkpoint");
    byte[] good = Files.readAllBytes(file);
    assertThat(reopen(expected.position())).isEqualTo(expected);

    byte[] flipped = good.clone();
    flipped[flipped.length / 2] ^= 0x10;
    Files.write(file, flipped);
    assertThat(reopen(0)).isEqualTo(expected);

    Files.write(file, java.util.Arrays.copyOf(good, good.length - 7)); // truncated
    assertThat(reopen(0)).isEqualTo(expected);

    Files.write(file, new byte[0]);
    assertThat(reopen(0)).isEqualTo(expected);

    Files.write(file, "not a checkpoint at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(reopen(0)).isEqualTo(expected);
  }

  @Test
  void anotherStoresCheckpoint_isIgnored() throws IOException {
    Catalog expected = checkpointedStore();
    Path other = tmp.resolve("other");
    try (Store store = Store.open(other, manual())) {
      store.createExperiment("elsewhere");
      assertThat(store.catalog().checkpoint()).isTrue();
    }
    Files.copy(other.resolve("catalog.checkpoint"), dir.resolve("catalog.checkpoint"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThat(reopen(0)).isEqualTo(expected);
  }

  @Test
  void aCheckpointWhoseLastEventIsNotInTheLog_isIgnored() throws IOException {
    Catalog expected = checkpointedStore();
    Path file = dir.resolve("catalog.checkpoint");
    CatalogCheckpoint good = CatalogCheckpoint.decode(Files.readAllBytes(file));
    String storeId;
    CatalogSnapshot snap;
    Map<String, String> names = new java.util.HashMap<>();
    try (Store store = Store.open(dir, manual())) {
      storeId = store.storeId();
      snap = store.catalogSnapshot();
      for (Experiment e : store.experiments()) {
        names.put(e.name(), e.experimentId());
      }
    }
    CatalogCheckpoint.Anchor a = good.anchor();
    // the same state, anchored on an event with other bytes, on no event, on the wrong position
    List<CatalogCheckpoint.Anchor> stale =
        List.of(
            new CatalogCheckpoint.Anchor(a.position(), a.logToken(), a.length(), a.crc32c() ^ 1),
            new CatalogCheckpoint.Anchor(a.position(), a.logToken(), a.length() + 1, a.crc32c()),
            new CatalogCheckpoint.Anchor(a.position(), a.logToken() + 1_000_000, a.length(), a.crc32c()));
    for (CatalogCheckpoint.Anchor anchor : stale) {
      Files.write(file, CatalogCheckpoint.encode(storeId, anchor, snap, names));
      assertThat(reopen(0)).as("%s", anchor).isEqualTo(expected);
    }
    Files.write(file, CatalogCheckpoint.encode(storeId, a, snap, names));
    assertThat(reopen(a.position())).isEqualTo(expected);
  }

  @Test
  void compaction_writesACheckpointOnceTheCatalogHasGrownEnough_asideAndRenamed() throws IOException {
    Path file = dir.resolve("catalog.checkpoint");
    try (Store store = Store.open(dir, manual())) {
      String e = store.createExperiment("e");
      store.compact();
      assertThat(file).doesNotExist(); // a few events: replaying them is cheap
      for (int i = 0; store.catalogPosition() < io.tracklog.Catalog.CHECKPOINT_MIN_EVENTS; i++) {
        store.setExperimentTag(e, "k" + (i % 7), "v" + i);
      }
      Files.writeString(dir.resolve("catalog.checkpoint.999999.tmp"), "left by a crash mid-write");
      store.compact();
      assertThat(file).exists();
      assertThat(CatalogCheckpoint.decode(Files.readAllBytes(file)).position()).isEqualTo(store.catalogPosition());
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
      }
      long written = Files.getLastModifiedTime(file).toMillis();
      byte[] before = Files.readAllBytes(file);
      store.setExperimentTag(e, "one", "more");
      store.compact();
      assertThat(Files.readAllBytes(file)).isEqualTo(before); // not grown enough to rewrite
      assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(written);
    }
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(io.tracklog.Catalog.CHECKPOINT_MIN_EVENTS);
      assertThat(store.catalogPosition()).isEqualTo(io.tracklog.Catalog.CHECKPOINT_MIN_EVENTS + 1);
      assertThat(store.getExperiment("1").tags()).containsEntry("one", "more");
    }
  }

  @Test
  void aStoreOpenedFromACheckpoint_keepsWorking_andCheckpointsAgain() {
    Catalog expected = checkpointedStore();
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(expected.position());
      String exp = store.createExperiment("after");
      String run = store.run(RunSpec.of(exp, "r"), r -> r.logMetric("m", 1, 0));
      store.deleteRun(run);
      assertThat(store.runIds(exp)).containsExactly(run);
      assertThat(store.catalog().checkpoint()).isTrue();
    }
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(store.catalogPosition());
      assertThat(store.findExperimentByName("after")).isPresent();
    }
  }
}
