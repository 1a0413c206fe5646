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
 * The catalog checkpoint's parts (catalog-checkpoint/): a store restored from a chain of them and the
 * log's tail knows exactly what a full replay knows; any doubt about a part (corrupt, truncated,
 * another store's, not matching the log) cuts the chain before it, down to a full replay.
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
      store.catalog().skipCheckpointOnClose(); // the tail stays a tail
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
    CatalogAnswers replayed;
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(checkpointAt);
      CatalogAnswers restored = CatalogAnswers.of(store);
      try (Store second = Store.open(copyWithoutCheckpoint())) {
        assertThat(second.catalog().restoredFrom()).isZero();
        replayed = CatalogAnswers.of(second);
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
        } else if (!p.getParent().getFileName().toString().equals("catalog-checkpoint")) {
          Files.copy(p, to);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return copy;
  }

  /** A store whose checkpoint is one part, written as it closed (after the lanes' LaneForced events). */
  private CatalogAnswers checkpointedStore() throws IOException {
    try (Store store = Store.open(dir, manual())) {
      busyCatalog(store);
    }
    assertThat(partNames()).hasSize(1);
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(store.catalogPosition());
      return CatalogAnswers.of(store);
    }
  }

  private CatalogAnswers reopen(long expectedRestoredFrom) {
    try (Store store = Store.open(dir, manual())) {
      store.catalog().readLog(); // a checkpoint the head agrees with is checked when the log opens
      assertThat(store.catalog().restoredFrom()).isEqualTo(expectedRestoredFrom);
      return CatalogAnswers.of(store);
    }
  }

  @Test
  void aCorruptCheckpoint_isIgnored() throws IOException {
    CatalogAnswers expected = checkpointedStore();
    Path file = onlyPart();
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
    CatalogAnswers expected = checkpointedStore();
    Path other = tmp.resolve("other");
    try (Store store = Store.open(other, manual())) {
      store.createExperiment("elsewhere");
      assertThat(store.catalog().checkpoint()).isTrue();
    }
    Path ours = onlyPart();
    Path theirs;
    try (Stream<Path> files = Files.list(other.resolve("catalog-checkpoint"))) {
      theirs = files.findFirst().orElseThrow();
    }
    Files.delete(ours);
    Files.copy(theirs, ours.resolveSibling(theirs.getFileName()));
    assertThat(reopen(0)).isEqualTo(expected);
  }

  @Test
  void aCheckpointWhoseLastEventIsNotInTheLog_isIgnored() throws IOException {
    CatalogAnswers expected = checkpointedStore();
    Path file = onlyPart();
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
      Files.write(file, CatalogCheckpoint.encode(storeId, 0, anchor, snap, names));
      assertThat(reopen(0)).as("%s", anchor).isEqualTo(expected);
    }
    Files.write(file, CatalogCheckpoint.encode(storeId, 0, a, snap, names));
    assertThat(reopen(a.position())).isEqualTo(expected);
  }

  /** The one part of the checkpoint. */
  private Path onlyPart() throws IOException {
    List<String> names = partNames();
    assertThat(names).hasSize(1);
    return dir.resolve("catalog-checkpoint").resolve(names.get(0));
  }

  private List<String> partNames() throws IOException {
    Path parts = dir.resolve("catalog-checkpoint");
    if (!Files.isDirectory(parts)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(parts)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void compaction_writesAPartOnceTheCatalogHasGrownEnough_asideAndRenamed() throws IOException {
    try (Store store = Store.open(dir, manual())) {
      store.catalog().skipCheckpointOnClose(); // only compactions write parts here
      String e = store.createExperiment("e");
      store.compact();
      assertThat(partNames()).isEmpty(); // a few events: replaying them is cheap
      for (int i = 0; store.catalogPosition() < io.tracklog.Catalog.CHECKPOINT_MIN_EVENTS; i++) {
        store.setExperimentTag(e, "k" + (i % 7), "v" + i);
      }
      Files.createDirectories(dir.resolve("catalog-checkpoint"));
      Files.writeString(dir.resolve("catalog-checkpoint").resolve("000000000000-000000000009.part.999999.tmp"), "left by a crash mid-write");
      Files.writeString(dir.resolve("catalog.checkpoint"), "a version-2 checkpoint, no longer read");
      store.compact();
      assertThat(partNames()).containsExactly(CheckpointParts.name(0, store.catalogPosition()));
      assertThat(CatalogCheckpoint.decode(Files.readAllBytes(onlyPart())).position()).isEqualTo(store.catalogPosition());
      assertThat(dir.resolve("catalog.checkpoint")).doesNotExist();
      byte[] before = Files.readAllBytes(onlyPart());
      store.setExperimentTag(e, "one", "more");
      store.compact();
      assertThat(Files.readAllBytes(onlyPart())).isEqualTo(before); // not grown enough for a part
    }
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(io.tracklog.Catalog.CHECKPOINT_MIN_EVENTS);
      assertThat(store.catalogPosition()).isEqualTo(io.tracklog.Catalog.CHECKPOINT_MIN_EVENTS + 1);
      assertThat(store.getExperiment("1").tags()).containsEntry("one", "more");
    }
  }

  private static long events(String partName) {
    return Long.parseLong(partName.substring(13, 25)) - Long.parseLong(partName.substring(0, 12));
  }

  @Test
  void aGrowingCatalog_keepsALogarithmicChain_andEveryOpenRestoresAllOfIt() throws IOException {
    List<String> runs = new ArrayList<>();
    int mostParts = 0;
    try (Store store = Store.open(dir, manual())) {
      String e = store.createExperiment("e");
      for (int round = 0; round < 24; round++) {
        for (int i = 0; i < 5 + round * 2; i++) {
          runs.add(store.run(RunSpec.of(e, "r"), r -> {}));
        }
        store.deleteRun(runs.get(round * 3)); // a reopening in most parts
        assertThat(store.catalog().checkpoint()).isTrue();
        List<String> names = partNames();
        mostParts = Math.max(mostParts, names.size());
        // each part covers more than twice what the next does: O(log events) parts
        for (int i = 0; i + 1 < names.size(); i++) {
          assertThat(events(names.get(i))).isGreaterThan(2 * events(names.get(i + 1)));
        }
        assertThat(CheckpointParts.end(CheckpointParts.chain(CheckpointParts.list(dir.resolve("catalog-checkpoint")))))
            .isEqualTo(store.catalogPosition());
      }
    }
    assertThat(mostParts).isGreaterThan(2);
    CatalogAnswers restored;
    long position;
    try (Store store = Store.open(dir, manual())) {
      position = store.catalogPosition();
      assertThat(store.catalog().restoredFrom()).isEqualTo(position);
      restored = CatalogAnswers.of(store);
      for (String runId : runs) {
        assertThat(store.getRun(runId).info().runId()).isEqualTo(runId);
      }
    }
    CatalogAnswers replayed;
    try (Store second = Store.open(copyWithoutCheckpoint())) {
      replayed = CatalogAnswers.of(second);
    }
    assertThat(restored).isEqualTo(replayed);

    // a damaged newest part: the chain before it is restored, the rest replayed, answers unchanged
    List<String> names = partNames();
    Path newest = dir.resolve("catalog-checkpoint").resolve(names.get(names.size() - 1));
    byte[] bytes = Files.readAllBytes(newest);
    bytes[bytes.length / 3] ^= 0x40;
    Files.write(newest, bytes);
    long before = Long.parseLong(names.get(names.size() - 1).substring(0, 12));
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(before);
      assertThat(CatalogAnswers.of(store)).isEqualTo(replayed);
    }
    // a damaged first part: nothing restored
    Path first = dir.resolve("catalog-checkpoint").resolve(names.get(0));
    Files.write(first, java.util.Arrays.copyOf(Files.readAllBytes(first), 40));
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isZero();
      assertThat(CatalogAnswers.of(store)).isEqualTo(replayed);
    }
  }

  @Test
  void aStoreOpenedFromACheckpoint_keepsWorking_andCheckpointsAgain() throws IOException {
    CatalogAnswers expected = checkpointedStore();
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
