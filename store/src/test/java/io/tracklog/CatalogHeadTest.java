package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog head (logs/catalog.head): a store that a writer closed opens from its checkpoint
 * without the catalog log, and answers exactly as a full replay; a word that cannot be believed
 * (an append in flight or killed, damaged bytes, no file) sends the store to the log, and the next
 * writer repairs it; appends of another store are seen through it.
 */
class CatalogHeadTest {
  @TempDir Path tmp;
  private Path dir;
  private CatalogAnswers written;
  private List<String> runs;

  @BeforeEach
  void writeAndClose() {
    dir = tmp.resolve("store");
    runs = new ArrayList<>();
    try (Store store = Store.open(dir, manual())) {
      String a = store.createExperiment("a");
      String b = store.createExperiment("b", null, Map.of("team", "x"));
      for (int i = 0; i < 5; i++) {
        int n = i;
        runs.add(store.run(RunSpec.of(i % 2 == 0 ? a : b, "r" + i), r -> r.logMetric("m", n, 0)));
      }
      store.deleteRun(runs.get(1));
      store.renameExperiment(a, "a2");
    }
    try (Store store = Store.open(dir, manual())) { // as closing left it: with the lanes' LaneForced events
      written = CatalogAnswers.of(store);
    }
  }

  private static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  private Path headFile() {
    return dir.resolve("logs").resolve("catalog.head");
  }

  @Test
  void aStoreAWriterClosed_opensWithoutItsCatalogLog_andAnswersAsAReplay() {
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().restoredFrom()).isEqualTo(written.position());
      assertThat(store.catalog().logOpen()).isFalse();
      assertThat(CatalogAnswers.of(store)).isEqualTo(written);
      assertThat(store.getRun(runs.get(2)).metric("m")).isEqualTo(2.0);
      assertThat(store.catalog().logOpen()).isFalse(); // reading a run reads its lane, not the catalog

      store.createExperiment("c"); // a write opens the log, checks the checkpoint's anchor, appends
      assertThat(store.catalog().logOpen()).isTrue();
      assertThat(store.catalog().restoredFrom()).isEqualTo(written.position());
      assertThat(store.catalogPosition()).isEqualTo(written.position() + 1);
    }
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().logOpen()).isFalse(); // the close brought the checkpoint up again
      assertThat(store.findExperimentByName("c")).isPresent();
    }
  }

  @Test
  void aWordLeftPending_isNotBelieved_andTheNextOpenRepairsIt() {
    try (CatalogHead head = CatalogHead.openIfExists(headFile())) {
      assertThat(head.position()).isEqualTo(written.position());
      head.beginAppend(); // as a writer killed between marking and publishing leaves it
      assertThat(head.position()).isEqualTo(CatalogHead.UNKNOWN);
    }
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().logOpen()).isTrue();
      assertThat(CatalogAnswers.of(store)).isEqualTo(written);
    }
    try (CatalogHead head = CatalogHead.openIfExists(headFile())) {
      assertThat(head.position()).isEqualTo(written.position()); // repaired under the catalog lock
    }
  }

  @Test
  void aDamagedHead_isNotBelieved_atAnyByte() throws IOException {
    byte[] good = Files.readAllBytes(headFile());
    assertThat(good).hasSize(CatalogHead.LENGTH);
    for (int i = 0; i < good.length; i++) {
      for (int bit : new int[] {0, 7}) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        Files.write(headFile(), bad);
        try (Store store = Store.open(dir, manual())) {
          assertThat(store.catalog().logOpen()).as("byte %d bit %d", i, bit).isTrue();
          assertThat(CatalogAnswers.of(store)).isEqualTo(written);
        }
        assertThat(Files.readAllBytes(headFile())).as("repaired").isEqualTo(good);
      }
    }
  }

  @Test
  void aHeadCutShort_orMissing_isNotBelieved_andIsMadeAgain() throws IOException {
    try (FileChannel ch = FileChannel.open(headFile(), StandardOpenOption.WRITE)) {
      ch.truncate(5);
    }
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().logOpen()).isTrue();
      assertThat(CatalogAnswers.of(store)).isEqualTo(written);
    }
    Files.delete(headFile());
    try (Store store = Store.open(dir, manual())) {
      assertThat(store.catalog().logOpen()).isTrue();
      assertThat(CatalogAnswers.of(store)).isEqualTo(written);
    }
    try (CatalogHead head = CatalogHead.openIfExists(headFile())) {
      assertThat(head.position()).isEqualTo(written.position());
    }
  }

  @Test
  void appendsOfAnotherStore_areSeenThroughTheHead() {
    try (Store reader = Store.open(dir, manual());
        Store writer = Store.open(dir, manual())) {
      assertThat(reader.catalog().logOpen()).isFalse();
      assertThat(reader.findExperimentByName("late")).isEmpty();
      assertThat(reader.catalog().logOpen()).isFalse(); // nothing new: the log is still not read

      String late = writer.createExperiment("late");
      String runId = writer.run(RunSpec.of(late, "new"), r -> r.logParam("p", "1"));

      assertThat(reader.findExperimentByName("late")).isPresent();
      assertThat(reader.runIds(late)).containsExactly(runId);
      assertThat(reader.catalogPosition()).isEqualTo(writer.catalogPosition());
    }
  }

  @Test
  void theWord_checksItsPosition() {
    for (long p : new long[] {0, 1, 2, 1023, 1L << 20, (1L << 40) - 1}) {
      long word = CatalogHead.encode(p);
      assertThat(word & ((1L << 40) - 1)).isEqualTo(p);
      assertThat(word).isNotEqualTo(p); // a zeroed check never passes, position 0 included
      assertThat(word >>> 63).isZero();
    }
  }
}
