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
}
