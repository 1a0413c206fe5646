package io.tracklog.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Snapshots share the catalog's run structures; nothing applied later may show through them. */
class CatalogSnapshotIsolationTest {

  private static CatalogState withExperiments() {
    CatalogState s = new CatalogState();
    s.apply(new CatalogEvent.ExperimentCreated("0", "Default", "file:/a", 1, 1, Map.of()));
    s.apply(new CatalogEvent.ExperimentCreated("1", "one", "file:/b", 2, 2, Map.of("k", "v")));
    return s;
  }

  private static void register(CatalogState s, String exp, int from, int to) {
    for (int i = from; i < to; i++) {
      s.apply(new CatalogEvent.RunRegistered("run-" + i, exp, 10 + i));
    }
  }

  @Test
  void laterRunsReopeningsAndExperimentChanges_doNotShowThroughAnEarlierSnapshot() {
    CatalogState s = withExperiments();
    register(s, "1", 0, 5);
    s.apply(new CatalogEvent.RunReopened("run-1", 50));
    CatalogSnapshot early = s.snapshot();
    long reopenedAt = early.lastReopened("run-1");
    List<String> runsOfOne = List.copyOf(early.runIds("1"));

    // enough runs to grow every shared array and table several times over
    register(s, "1", 5, 3_000);
    register(s, "0", 3_000, 3_100);
    s.apply(new CatalogEvent.RunReopened("run-1", 60));
    s.apply(new CatalogEvent.RunReopened("run-2", 61));
    s.apply(new CatalogEvent.ExperimentRenamed("1", "renamed", 70));
    s.apply(new CatalogEvent.ExperimentDeleted("1", 71));
    s.apply(new CatalogEvent.ExperimentCreated("2", "two", "file:/c", 3, 3, Map.of()));

    assertThat(early.position()).isEqualTo(8);
    assertThat(early.runCount()).isEqualTo(5);
    assertThat(early.runIds("1")).isEqualTo(runsOfOne).hasSize(5);
    assertThat(early.runIds("0")).isEmpty();
    assertThat(early.runsByExperiment()).containsOnlyKeys("1");
    assertThat(early.containsRun("run-4")).isTrue();
    assertThat(early.containsRun("run-5")).isFalse();
    assertThat(early.containsRun("run-3050")).isFalse();
    assertThat(early.experimentOfRun("run-2999")).isNull();
    assertThat(early.experimentByRun()).hasSize(5).doesNotContainKey("run-10").containsEntry("run-3", "1");
    assertThat(early.lastReopened("run-1")).isEqualTo(reopenedAt).isEqualTo(7);
    assertThat(early.lastReopened("run-2")).isEqualTo(-1);
    assertThat(early.reopenedSince(0)).containsExactly("run-1");
    assertThat(early.experiments()).containsOnlyKeys("0", "1");
    assertThat(early.experiment("1").name()).isEqualTo("one");
    assertThat(early.experiment("1").lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    assertThat(early.runs()).extracting(CatalogSnapshot.RunEntry::runId)
        .containsExactly("run-0", "run-1", "run-2", "run-3", "run-4");

    CatalogSnapshot late = s.snapshot();
    assertThat(late.runCount()).isEqualTo(3_100);
    assertThat(late.runIds("1")).hasSize(3_000);
    assertThat(late.runIds("0")).hasSize(100);
    assertThat(late.experimentOfRun("run-3050")).isEqualTo("0");
    assertThat(late.lastReopened("run-1")).isGreaterThan(reopenedAt);
    assertThat(late.reopenedSince(8)).containsExactlyInAnyOrder("run-1", "run-2");
    assertThat(late.experiment("1").name()).isEqualTo("renamed");
    assertThat(late.runCountBefore(early.position())).isEqualTo(5);
    assertThat(late.runCountBefore(late.position())).isEqualTo(3_100);
  }

  @Test
  void snapshotsAreImmutable_andReusedWhileNothingIsApplied() {
    CatalogState s = withExperiments();
    register(s, "1", 0, 3);
    CatalogSnapshot snap = s.snapshot();
    assertThat(s.snapshot()).isSameAs(snap);
    assertThatThrownBy(() -> snap.runIds("1").add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> snap.experiments().put("9", snap.experiment("0")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> snap.experimentByRun().put("x", "1")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> snap.runs().remove(0)).isInstanceOf(UnsupportedOperationException.class);
    register(s, "1", 3, 4);
    assertThat(s.snapshot()).isNotSameAs(snap);
    assertThat(snap.runIds("1")).hasSize(3);
  }

  @Test
  void aSnapshotReadWhileTheCatalogGrows_onAnotherThread_staysTheSame() throws Exception {
    CatalogState s = withExperiments();
    register(s, "1", 0, 1_000);
    CatalogSnapshot snap = s.snapshot();
    List<Throwable> failures = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                for (int round = 0; round < 200; round++) {
                  for (int i = 0; i < 1_000; i += 7) {
                    assertThat(snap.experimentOfRun("run-" + i)).isEqualTo("1");
                  }
                  assertThat(snap.containsRun("run-1500")).isFalse();
                  assertThat(snap.runIds("1")).hasSize(1_000);
                }
              } catch (Throwable t) {
                synchronized (failures) {
                  failures.add(t);
                }
              }
            });
    reader.start();
    register(s, "1", 1_000, 20_000);
    reader.join();
    assertThat(failures).isEmpty();
  }

  @Test
  void restoredCatalogs_shareTheCheckpointsRuns_butNeitherSeesTheOthersAppends() {
    CatalogState original = withExperiments();
    register(original, "1", 0, 50);
    register(original, "0", 50, 60);
    original.apply(new CatalogEvent.RunReopened("run-3", 99));
    original.apply(new CatalogEvent.ExperimentRenamed("1", "uno", 100));
    CatalogSnapshot full = original.snapshot();
    byte[] bytes =
        CatalogCheckpoint.encode(
            "store", 0, new CatalogCheckpoint.Anchor(full.position(), 7, 1, 0), full, original.idsByName());
    CatalogCheckpoint checkpoint = CatalogCheckpoint.decode(bytes);
    CatalogState a = new CatalogState();
    CatalogState b = new CatalogState();
    a.restore(List.of(checkpoint));
    b.restore(List.of(checkpoint));
    CatalogSnapshot before = a.snapshot();

    register(a, "1", 60, 70);
    a.apply(new CatalogEvent.RunReopened("run-4", 200));
    register(b, "0", 70, 75);

    for (CatalogState s : List.of(a, b)) {
      assertThat(s.experimentByName("uno").experimentId()).isEqualTo("1");
      assertThat(s.nextExperimentId()).isEqualTo("2");
      assertThat(s.lastReopened("run-3")).isEqualTo(full.lastReopened("run-3"));
    }
    assertThat(a.runIds("1")).hasSize(60).endsWith("run-69");
    assertThat(a.runIds("0")).hasSize(10);
    assertThat(b.runIds("1")).hasSize(50).isEqualTo(full.runIds("1"));
    assertThat(b.runIds("0")).hasSize(15).endsWith("run-74");
    assertThat(a.experimentOfRun("run-72")).isNull();
    assertThat(b.experimentOfRun("run-72")).isEqualTo("0");
    assertThat(before.runIds("1")).isEqualTo(full.runIds("1"));
    assertThat(before.runCount()).isEqualTo(60);
    assertThat(before.containsRun("run-65")).isFalse();
    assertThat(before.lastReopened("run-4")).isEqualTo(-1);
    assertThat(before.experimentOfRun("run-55")).isEqualTo("0");
    assertThat(before.runs()).isEqualTo(full.runs());
    assertThatThrownBy(() -> a.apply(new CatalogEvent.RunRegistered("run-5", "1", 1)))
        .isInstanceOf(DecodeException.class); // a restored run, found by binary search
    assertThatThrownBy(() -> a.restore(List.of(checkpoint))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void replayChecks_stillRefuseDuplicatesAndUnknownRuns() {
    CatalogState s = withExperiments();
    register(s, "1", 0, 2);
    assertThatThrownBy(() -> s.apply(new CatalogEvent.RunRegistered("run-1", "0", 1)))
        .isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> s.apply(new CatalogEvent.RunReopened("nope", 1))).isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> s.apply(new CatalogEvent.ExperimentReplaced("1", "x", "file:/x", 1, 1, Map.of())))
        .isInstanceOf(DecodeException.class);
    Experiment one = s.experiment("1");
    assertThat(one.tags()).containsEntry("k", "v");
  }
}
