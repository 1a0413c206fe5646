package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.VerifyReport;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.testing.StoreDamage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link StoreReader#deepVerify()}: clean on a store with sealed, unsealed and reopened runs in
 * several segments; and each Arrow file rewritten to say something else, with its manifest entry's
 * CRC32C made to match (so {@code Store.verify()} finds nothing), is reported as CONTENT naming the
 * file and what differs from the log.
 */
class DeepVerifyTest {
  /** The latest value of run 0's "score": neither its min nor its max, so it occurs once per file. */
  private static final double SCORE = 0.4567891234;

  @TempDir Path dir;
  private String experimentId;

  @BeforeEach
  void writeStore() {
    // Uncompressed files, so a test can find a value's bytes in them and change them.
    StoreOptions options =
        StoreOptions.builder()
            .compaction(StoreOptions.CompactionTrigger.MANUAL)
            .segmentCompression(io.tracklog.SegmentCompression.NONE)
            .build();
    try (Store store = Store.open(dir, options)) {
      experimentId = store.createExperiment("deep");
      for (int r = 0; r < 3; r++) {
        int n = r;
        store.run(RunSpec.of(experimentId, "run-" + r), w -> {
          w.logParam("p", "value-of-run-" + n);
          w.setTag("t", "x");
          w.logMetric("score", 0.1, 0);
          w.logMetric("score", 0.9, 1);
          w.logMetric("score", n == 0 ? SCORE : 0.5 + n, 2);
        });
      }
      String other = store.createExperiment("other");
      String resumed = store.run(RunSpec.of(other, "resumed"), w -> w.logMetric("m", 1, 0));
      RunWriter open = store.startRun(RunSpec.of(other, "open during compaction"));
      open.logMetric("m", 1, 0);
      store.compact(); // "open" is unsealed
      open.logMetric("m", 2, 1);
      open.end(RunStatus.FINISHED);
      open.close();
      try (RunWriter again = store.resumeRun(resumed)) { // reopened since the compaction
        again.logParam("later", "yes");
        again.end(RunStatus.FINISHED);
      }
    }
  }

  private Manifest.Segment segment() {
    return ManifestFiles.latest(dir, "ignored").segments().stream()
        .filter(s -> s.experimentId().equals(experimentId)).findFirst().orElseThrow();
  }

  private static byte[] le(double v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array();
  }

  private VerifyReport.Problem onlyContentProblem(Function<Manifest.Segment, Manifest.FileEntry> which) {
    Path file = dir.resolve(which.apply(segment()).path()).toAbsolutePath().normalize();
    try (Store store = Store.open(dir)) {
      assertThat(store.verify().problems()).as("the checksums match").isEmpty();
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      VerifyReport report = reader.deepVerify();
      assertThat(report.problems()).as(report.problems().toString()).hasSize(1);
      VerifyReport.Problem p = report.problems().get(0);
      assertThat(p.kind()).isEqualTo(VerifyReport.Kind.CONTENT);
      assertThat(p.file()).isEqualTo(file);
      return p;
    }
  }

  @Test
  void wholeStore_isClean() {
    try (StoreReader reader = StoreReader.open(dir)) {
      VerifyReport report = reader.deepVerify();
      assertThat(report.problems()).isEmpty();
      assertThat(report.ok()).isTrue();
      assertThat(reader.fallbacks()).isEmpty();
    }
  }

  @Test
  void runsFileWithAnotherParamValue_isAContentProblem() {
    StoreDamage.rewriteKeepingChecksum(dir, segment().runsFile().path(), "value-of-run-1", "VALUE-of-run-1");
    assertThat(onlyContentProblem(Manifest.Segment::runsFile).message())
        .contains("param p: VALUE-of-run-1, the log says value-of-run-1");
  }

  @Test
  void latestFileWithAnotherValue_isAContentProblem() {
    StoreDamage.rewriteKeepingChecksum(dir, segment().latestFile().path(), le(SCORE), le(SCORE + 1));
    assertThat(onlyContentProblem(Manifest.Segment::latestFile).message()).contains("metric score").contains(Double.toString(SCORE));
  }

  @Test
  void metricsFileWithAnotherPoint_isAContentProblem() {
    StoreDamage.rewriteKeepingChecksum(dir, segment().metricsFile().path(), le(SCORE), le(-SCORE));
    assertThat(onlyContentProblem(Manifest.Segment::metricsFile).message()).contains("history of").contains("/score");
  }

  @Test
  void searchFileWithAnotherParamValue_isAContentProblem() {
    StoreDamage.rewriteKeepingChecksum(dir, segment().searchFile().path(), "value-of-run-2", "value-of-run-X");
    assertThat(onlyContentProblem(Manifest.Segment::searchFile).message()).contains("param p: value-of-run-X");
  }
}
