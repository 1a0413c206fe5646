package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.RunNotActiveException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One run written through several attachments at once (two stores on one root hold different
 * lanes, as two processes would): stateful events keep the order they were made in, whichever lane
 * they are in, and every way of reading the run agrees.
 */
class MultiAttachmentTest {
  @TempDir Path dir;

  @Test
  void twoWriters_alternatingTags_lastOneWins_inEveryRead() {
    try (Store a = Store.open(dir);
        Store b = Store.open(dir)) {
      String exp = a.setExperiment("e").experimentId();
      try (RunWriter wa = a.startRun(exp);
          RunWriter wb = b.resumeRun(wa.runId())) {
        String runId = wa.runId();
        assertThat(a.catalogSnapshot().attachments(runId)).hasSize(2);
        assertThat(a.catalogSnapshot().attachments(runId).get(0).lane())
            .isNotEqualTo(a.catalogSnapshot().attachments(runId).get(1).lane());
        Random random = new Random(42);
        String last = null;
        for (int i = 0; i < 200; i++) {
          RunWriter w = random.nextBoolean() ? wa : wb;
          last = "v" + i;
          w.setTag("x", last);
          w.logMetric("m", i, i);
          if (i % 50 == 0) {
            w.logParam("p" + i, "same");
            (w == wa ? wb : wa).logParam("p" + i, "same"); // repeat of the same value: no error
          }
        }
        assertThat(a.getRun(runId).tags()).containsEntry("x", last);
        assertThat(b.getRun(runId).tags()).containsEntry("x", last);
        assertThat(a.getRun(runId).params()).hasSize(4);
        List<Long> steps = new ArrayList<>();
        for (Metric m : a.runRecord(runId).metricHistory().get("m")) {
          steps.add(m.step());
        }
        assertThat(steps).hasSize(200).doesNotHaveDuplicates();

        // A delete made through one attachment stops the other's stateful writes.
        b.deleteRun(runId);
        assertThatThrownBy(() -> wa.setTag("x", "after")).isInstanceOf(RunNotActiveException.class);
        b.restoreRun(runId);
        wa.setTag("x", "restored");
        assertThat(b.getRun(runId).tags()).containsEntry("x", "restored");
        wa.end(RunStatus.FINISHED);
      }
      String runId = a.runIds(exp).get(0);
      Run before = a.getRun(runId);
      a.compact();
      assertThat(b.getRun(runId)).isEqualTo(before);
      assertThat(before.info().status()).isEqualTo(RunStatus.FINISHED);
    }
  }

  /**
   * Random interleavings of stateful writes through three attachments (three stores, three lanes):
   * the run folds to what a single sequential model of the same calls says, in every store (each
   * reads the three lanes), and a compaction leaves that unchanged. Seeded; set {@code
   * -Dtracklog.test.seed=N}. (The reader's snapshots over such runs: SnapshotPropertyTest.)
   */
  @Test
  void randomInterleavings_threeAttachments_foldAsTheSequentialModel() {
    long seed = Long.getLong("tracklog.test.seed", System.nanoTime());
    System.out.println("MultiAttachmentTest seed=" + seed);
    Random random = new Random(seed);
    for (int round = 0; round < 5; round++) {
      Path root = dir.resolve("r" + round);
      try (Store a = Store.open(root);
          Store b = Store.open(root);
          Store c = Store.open(root)) {
        String exp = a.setExperiment("e").experimentId();
        String runId;
        java.util.Map<String, String> tags = new java.util.TreeMap<>();
        java.util.Map<String, String> params = new java.util.TreeMap<>();
        java.util.Map<String, Double> latest = new java.util.TreeMap<>();
        RunStatus status = RunStatus.RUNNING;
        try (RunWriter wa = a.startRun(exp)) {
          runId = wa.runId();
          try (RunWriter wb = b.resumeRun(runId);
              RunWriter wc = c.resumeRun(runId)) {
            RunWriter[] writers = {wa, wb, wc};
            int ops = 50 + random.nextInt(150);
            for (int i = 0; i < ops; i++) {
              RunWriter w = writers[random.nextInt(3)];
              switch (random.nextInt(5)) {
                case 0 -> {
                  String k = "t" + random.nextInt(4);
                  String v = "v" + i;
                  w.setTag(k, v);
                  tags.put(k, v);
                }
                case 1 -> {
                  String k = "t" + random.nextInt(4);
                  if (tags.containsKey(k)) {
                    w.deleteTag(k);
                    tags.remove(k);
                  }
                }
                case 2 -> {
                  String k = "p" + random.nextInt(6);
                  String v = params.getOrDefault(k, "x" + i);
                  w.logParam(k, v);
                  params.put(k, v);
                }
                case 3 -> {
                  RunStatus s = random.nextBoolean() ? RunStatus.RUNNING : RunStatus.SCHEDULED;
                  w.updateStatus(s, null);
                  status = s;
                }
                default -> {
                  String k = "m" + random.nextInt(3);
                  w.logMetric(k, i, i); // steps grow: the latest is the last logged
                  latest.put(k, (double) i);
                }
              }
            }
          }
        }
        String why = "seed " + seed + ", round " + round;
        for (Store s : new Store[] {a, b, c}) {
          Run run = s.getRun(runId);
          java.util.Map<String, String> userTags = new java.util.TreeMap<>(run.tags());
          userTags.keySet().removeIf(k -> k.startsWith("mlflow."));
          assertThat(userTags).as(why).isEqualTo(tags);
          assertThat(run.params()).as(why).isEqualTo(params);
          assertThat(run.info().status()).as(why).isEqualTo(status);
          latest.forEach((k, v) -> assertThat(run.metric(k)).as(why + " " + k).isEqualTo(v));
        }
        Run before = a.getRun(runId);
        a.compact();
        assertThat(c.getRun(runId)).as(why).isEqualTo(before);
      }
    }
  }
}
