package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.InvalidStateException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.error.RunNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Store#gc}: MLflow's {@code mlflow gc} semantics (only deleted runs and experiments, {@code
 * --older-than} on the deletion time, named ids must be deleted, an experiment goes with its runs),
 * and what a purge leaves: unknown runs and experiments, free names, no artifacts, segments rewritten
 * without the purged rows, their old files gone, a store that verifies and reopens (from the log and
 * from checkpoint parts) with the same answers.
 */
class GcTest {
  private static final long DAY = Duration.ofDays(1).toMillis();

  @TempDir Path dir;
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

  private StoreOptions options() {
    InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).clock(clock).build();
  }

  private static String run(Store store, String exp, String name) throws IOException {
    return store.run(RunSpec.of(exp, name), r -> {
      r.logParam("p", name);
      r.logMetric("m", 1.5, 0);
      r.logText("artifact of " + name, "notes/a.txt");
    });
  }

  /** A new experiment "e" with one run per name. */
  private static String[] runsOfNewExperiment(Store store, String... names) throws IOException {
    String exp = store.createExperiment("e");
    String[] ids = new String[names.length];
    for (int i = 0; i < names.length; i++) {
      ids[i] = run(store, exp, names[i]);
    }
    return ids;
  }

  @Test
  void purgesOnlyDeletedRuns_andTheirArtifactsAndRows() throws IOException {
    try (Store store = Store.open(dir, options())) {
      String exp = store.createExperiment("e");
      String keep = run(store, exp, "keep");
      String gone = run(store, exp, "gone");
      String gone2 = run(store, exp, "gone2");
      store.compact();
      store.deleteRun(gone);
      store.deleteRun(gone2);
      Manifest before = ManifestFiles.latest(dir, store.storeId());
      assertThat(before.segmentsByRun()).containsKeys(keep, gone, gone2);

      GcReport report = store.gc(GcOptions.all());

      assertThat(report.purgedRunIds()).containsExactlyInAnyOrder(gone, gone2);
      assertThat(report.purgedExperimentIds()).isEmpty();
      assertThat(report.artifactFoldersDeleted()).isEqualTo(2);
      assertThat(report.segmentsRewritten()).isEqualTo(1);
      assertThatThrownBy(() -> store.getRun(gone)).isInstanceOf(RunNotFoundException.class);
      assertThatThrownBy(() -> store.artifacts(gone2)).isInstanceOf(RunNotFoundException.class);
      assertThat(store.runIds(exp)).containsExactly(keep);
      assertThat(store.getRun(keep).params()).isNotEmpty();
      assertThat(Files.exists(dir.resolve("runs").resolve(gone))).isFalse();
      assertThat(Files.exists(dir.resolve("runs").resolve(keep).resolve("artifacts/notes/a.txt"))).isTrue();
      Manifest after = ManifestFiles.latest(dir, store.storeId());
      assertThat(after.segmentsByRun()).containsOnlyKeys(keep);
      assertThat(compactedFiles()).as("the old segment's files are reclaimed").doesNotContainAnyElementsOf(files(before));
      assertThat(store.verify().problems()).isEmpty();
      assertThat(store.gc(GcOptions.all()).purgedRunIds()).as("nothing left to do").isEmpty();
    }
    // Reopened: from checkpoint parts (written as the store closed), and from the log alone.
    try (Store store = Store.open(dir, options())) {
      assertThat(store.catalog().restoredFrom()).isPositive();
      assertThat(store.runIds(store.findExperimentByName("e").orElseThrow().experimentId())).hasSize(1);
      assertThat(store.verify().problems()).isEmpty();
    }
    io.tracklog.testing.Trees.delete(dir.resolve("catalog-checkpoint"));
    try (Store store = Store.open(dir, options())) {
      assertThat(store.catalog().restoredFrom()).isZero();
      assertThat(store.runIds(store.findExperimentByName("e").orElseThrow().experimentId())).hasSize(1);
    }
  }

  @Test
  void activeRunsAreNeverTouched_andNamedRunsMustBeDeleted() throws IOException {
    try (Store store = Store.open(dir, options())) {
      String[] ids = runsOfNewExperiment(store, "active", "deleted");
      String active = ids[0];
      String deleted = ids[1];
      store.deleteRun(deleted);

      assertThatThrownBy(() -> store.gc(GcOptions.all().runIds(List.of(deleted, active))))
          .isInstanceOf(InvalidStateException.class)
          .hasMessageContaining("Run " + active + " is not in `deleted` lifecycle stage");
      assertThat(store.getRun(deleted).info().lifecycleStage()).as("all or nothing").isEqualTo(LifecycleStage.DELETED);
      assertThatThrownBy(() -> store.gc(GcOptions.all().runIds(List.of("f".repeat(32)))))
          .isInstanceOf(RunNotFoundException.class);

      assertThat(store.gc(GcOptions.all().runIds(List.of(deleted))).purgedRunIds()).containsExactly(deleted);
      assertThat(store.getRun(active).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
      assertThatThrownBy(() -> store.gc(GcOptions.all().runIds(List.of(deleted))))
          .as("purged: unknown now")
          .isInstanceOf(RunNotFoundException.class);
    }
  }

  @Test
  void olderThan_comparesTheDeletionTime() throws IOException {
    try (Store store = Store.open(dir, options())) {
      String[] oldAndRecent = runsOfNewExperiment(store, "old", "recent");
      store.deleteRun(oldAndRecent[0]);
      now.addAndGet(10 * DAY);
      store.deleteRun(oldAndRecent[1]);
      now.addAndGet(DAY);

      GcOptions fiveDays = GcOptions.all().olderThan(GcOptions.parseAge("5d"));
      assertThatThrownBy(() -> store.gc(fiveDays.runIds(List.of(oldAndRecent[1]))))
          .isInstanceOf(InvalidParameterException.class)
          .hasMessageContaining("not older than the required age");
      assertThat(store.gc(fiveDays).purgedRunIds()).containsExactly(oldAndRecent[0]);
      assertThat(store.getRun(oldAndRecent[1]).info().lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
      assertThat(store.gc(GcOptions.all().olderThan(Duration.ofHours(23))).purgedRunIds())
          .containsExactly(oldAndRecent[1]);
    }
  }

  @Test
  void parseAge_isMlflowsFormat() {
    assertThat(GcOptions.parseAge("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(GcOptions.parseAge("1d2h3m4s")).isEqualTo(Duration.ofSeconds(86_400 + 7_200 + 180 + 4));
    assertThat(GcOptions.parseAge("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GcOptions.parseAge("")).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> GcOptions.parseAge("3 days"))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("Could not parse any time information from '3 days'");
  }

  @Test
  void experimentGc_takesItsRuns_andFreesItsName() throws IOException {
    String expId;
    List<String> runs = new ArrayList<>();
    try (Store store = Store.open(dir, options())) {
      expId = store.createExperiment("doomed");
      String other = store.createExperiment("other");
      runs.add(run(store, expId, "a"));
      runs.add(run(store, expId, "b"));
      String survivor = run(store, other, "c");
      store.compact();
      assertThatThrownBy(() -> store.gc(GcOptions.all().experimentIds(List.of(expId))))
          .isInstanceOf(InvalidStateException.class)
          .hasMessageContaining("not in the deleted lifecycle stage");
      assertThatThrownBy(() -> store.gc(GcOptions.all().experimentIds(List.of("99"))))
          .isInstanceOf(ExperimentNotFoundException.class);
      store.deleteExperiment(expId);

      GcReport report = store.gc(GcOptions.all().experimentIds(List.of(expId)));

      assertThat(report.purgedExperimentIds()).containsExactly(expId);
      assertThat(report.purgedRunIds()).containsExactlyInAnyOrderElementsOf(runs);
      assertThatThrownBy(() -> store.getExperiment(expId)).isInstanceOf(ExperimentNotFoundException.class);
      assertThat(store.findExperimentByName("doomed")).isEmpty();
      assertThat(store.experiments()).extracting(Experiment::experimentId).doesNotContain(expId);
      assertThat(ManifestFiles.latest(dir, store.storeId()).segmentsByRun()).containsOnlyKeys(survivor);
      String again = store.createExperiment("doomed");
      assertThat(again).as("a new id; purged ids are not reused").isNotEqualTo(expId);
      assertThat(store.setExperiment("doomed").experimentId()).isEqualTo(again);
      assertThatThrownBy(() -> store.startRun(RunSpec.builder(again).runId(runs.get(0)).build()))
          .isInstanceOf(ResourceAlreadyExistsException.class)
          .hasMessageContaining("permanently deleted");
      assertThat(store.verify().problems()).isEmpty();
    }
    try (Store store = Store.open(dir, options())) {
      assertThat(store.catalog().restoredFrom()).isPositive();
      assertThat(store.createExperiment("next")).as("ids continue past the purged one").isNotEqualTo(expId);
      assertThat(store.findExperimentByName("doomed").orElseThrow().experimentId()).isNotEqualTo(expId);
      assertThatThrownBy(() -> store.getRun(runs.get(1))).isInstanceOf(RunNotFoundException.class);
      assertThat(store.verify().problems()).isEmpty();
    }
  }

  @Test
  void withoutIds_deletedExperimentsGoWithTheirRuns_butNotOneWithARestoredRun() throws IOException {
    try (Store store = Store.open(dir, options())) {
      String a = store.createExperiment("a");
      String b = store.createExperiment("b");
      String runA = run(store, a, "ra");
      String runB = run(store, b, "rb");
      store.deleteExperiment(a);
      store.deleteExperiment(b);
      store.restoreRun(runB); // a run of a deleted experiment, active again

      GcReport report = store.gc(GcOptions.all());

      assertThat(report.purgedExperimentIds()).containsExactly(a);
      assertThat(report.purgedRunIds()).containsExactly(runA);
      assertThat(report.skipped()).singleElement().asString().contains("Experiment " + b, runB, "not deleted");
      assertThat(store.getExperiment(b).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
      assertThat(store.getRun(runB).info().lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
    }
  }

  @Test
  void aRunWithAWriterOpen_isLeft_orRefusedWhenNamed() throws IOException {
    try (Store store = Store.open(dir, options())) {
      String exp = store.createExperiment("e");
      try (RunWriter open = store.startRun(RunSpec.of(exp, "open"))) {
        open.logMetric("m", 1, 0);
        store.deleteRun(open.runId());
        GcReport report = store.gc(GcOptions.all());
        assertThat(report.purgedRunIds()).isEmpty();
        assertThat(report.skipped()).singleElement().asString().contains(open.runId(), "still being written");
        assertThatThrownBy(() -> store.gc(GcOptions.all().runIds(List.of(open.runId()))))
            .isInstanceOf(InvalidStateException.class);
      }
      assertThat(store.gc(GcOptions.all()).purgedRunIds()).hasSize(1);
    }
  }

  @Test
  void aRestoreAfterThePurge_findsNoRun() throws IOException {
    try (Store store = Store.open(dir, options())) {
      String exp = store.createExperiment("e");
      String gone = run(store, exp, "gone");
      store.deleteRun(gone);
      store.gc(GcOptions.all());
      assertThatThrownBy(() -> store.restoreRun(gone)).isInstanceOf(RunNotFoundException.class);
      assertThatThrownBy(() -> store.resumeRun(gone)).isInstanceOf(RunNotFoundException.class);
    }
  }

  private Set<String> compactedFiles() throws IOException {
    Set<String> out = new HashSet<>();
    try (Stream<Path> walk = Files.walk(dir.resolve("compacted"))) {
      walk.filter(Files::isRegularFile).forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
    }
    return out;
  }

  private static Set<String> files(Manifest m) {
    Set<String> out = new HashSet<>();
    for (Manifest.Segment s : m.segments()) {
      for (Manifest.FileEntry f : s.files()) {
        out.add(f.path());
      }
    }
    return out;
  }

}
