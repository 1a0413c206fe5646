package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.RunNotActiveException;
import io.tracklog.testing.Choices;
import io.tracklog.testing.Property;
import io.tracklog.testing.TryDir;
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
   * reads the three lanes), and a compaction leaves that unchanged. A {@link Property}: a failure
   * shrinks to the fewest writes that show it. (The reader's snapshots over such runs:
   * SnapshotPropertyTest.)
   */
  @Test
  void randomInterleavings_threeAttachments_foldAsTheSequentialModel() {
    Property.drawing().tries(5).shrinkSeconds(180).check(c -> {
      try (TryDir t = TryDir.in(dir)) {
        interleave(t.path(), c);
      }
    });
  }

  private static void interleave(Path root, Choices c) {
    try (Store a = Store.open(root);
        Store b = Store.open(root);
        Store s3 = Store.open(root)) {
      String exp = a.setExperiment("e").experimentId();
      String runId;
      java.util.Map<String, String> tags = new java.util.TreeMap<>();
      java.util.Map<String, String> params = new java.util.TreeMap<>();
      java.util.Map<String, Double> latest = new java.util.TreeMap<>();
      RunStatus status = RunStatus.RUNNING;
      try (RunWriter wa = a.startRun(exp)) {
        runId = wa.runId();
        try (RunWriter wb = b.resumeRun(runId);
            RunWriter wc = s3.resumeRun(runId)) {
          RunWriter[] writers = {wa, wb, wc};
          // 50 to 200 writes when fresh; a failure shrinks to fewer
          int ops = 50 + c.index(151);
          for (int i = 0; i < ops && c.weighted(1.0); i++) {
            int lane = c.index(3);
            RunWriter w = writers[lane];
            switch (c.index(5)) {
              case 0 -> {
                String k = "m" + c.index(3);
                c.note(i + ": lane " + lane + " logMetric " + k);
                w.logMetric(k, i, i); // steps grow: the latest is the last logged
                latest.put(k, (double) i);
              }
              case 1 -> {
                String k = "t" + c.index(4);
                String v = "v" + i;
                c.note(i + ": lane " + lane + " setTag " + k + "=" + v);
                w.setTag(k, v);
                tags.put(k, v);
              }
              case 2 -> {
                String k = "t" + c.index(4);
                if (tags.containsKey(k)) {
                  c.note(i + ": lane " + lane + " deleteTag " + k);
                  w.deleteTag(k);
                  tags.remove(k);
                }
              }
              case 3 -> {
                String k = "p" + c.index(6);
                String v = params.getOrDefault(k, "x" + i);
                c.note(i + ": lane " + lane + " logParam " + k + "=" + v);
                w.logParam(k, v);
                params.put(k, v);
              }
              default -> {
                RunStatus st = c.weighted(0.5) ? RunStatus.SCHEDULED : RunStatus.RUNNING;
                c.note(i + ": lane " + lane + " updateStatus " + st);
                w.updateStatus(st, null);
                status = st;
              }
            }
          }
        }
      }
      for (Store s : new Store[] {a, b, s3}) {
        Run run = s.getRun(runId);
        java.util.Map<String, String> userTags = new java.util.TreeMap<>(run.tags());
        userTags.keySet().removeIf(k -> k.startsWith("mlflow."));
        assertThat(userTags).isEqualTo(tags);
        assertThat(run.params()).isEqualTo(params);
        assertThat(run.info().status()).isEqualTo(status);
        latest.forEach((k, v) -> assertThat(run.metric(k)).as(k).isEqualTo(v));
      }
      Run before = a.getRun(runId);
      a.compact();
      assertThat(s3.getRun(runId)).isEqualTo(before);
    }
  }
}
