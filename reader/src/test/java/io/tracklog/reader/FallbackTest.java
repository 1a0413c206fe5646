package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.reader.search.RunPage;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader that answers from the logs because a compacted file failed its checks says so (issue
 * #11): each damaged Arrow file (runs, latest, metrics, search) gives answers identical to the
 * pristine store's, one {@link Fallback} naming the file and what failed however many calls and
 * snapshots met it, and one WARNING through {@code System.Logger}.
 */
class FallbackTest {
  @TempDir Path dir;
  private String experimentId;
  private final List<String> runIds = new ArrayList<>();
  private Answers pristine;

  /** Log records of the reader's logger (System.Logger goes to java.util.logging without another backend). */
  private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
  private final Logger julLogger = Logger.getLogger(StoreReader.class.getName());
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
            warnings.add(r);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  /** Everything the tests ask, as plain values. */
  record Answers(List<Run> runs, List<List<Metric>> histories, List<Run> listed, List<Run> searched) {}

  @BeforeEach
  void prepare() {
    julLogger.addHandler(capture);
    try (Store store = Store.open(dir, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      experimentId = store.createExperiment("e");
      for (int r = 0; r < 3; r++) {
        int n = r;
        runIds.add(store.run(RunSpec.of(experimentId, "run-" + r), w -> {
          w.logParam("p", "v" + n);
          w.setTag("t", "x");
          for (int i = 0; i < 40; i++) {
            w.logMetric("loss", 1.0 / (i + 1 + n), 100 + i, i);
          }
        }));
      }
      store.compact();
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      pristine = answers(reader);
      assertThat(reader.fallbacks()).isEmpty();
    }
    assertThat(warnings).isEmpty();
  }

  @AfterEach
  void removeHandler() {
    julLogger.removeHandler(capture);
  }

  private Answers answers(StoreReader reader) {
    Snapshot snap = reader.snapshot();
    List<Run> runs = new ArrayList<>();
    List<List<Metric>> histories = new ArrayList<>();
    for (String runId : runIds) {
      runs.add(snap.getRun(runId));
      histories.add(snap.metricHistory(runId, "loss"));
    }
    RunPage page =
        RunSearch.search(snap, SearchRequest.builder(experimentId).filter("params.p != 'v1'").orderBy(List.of("metrics.loss DESC")).build());
    return new Answers(runs, histories, snap.runs(experimentId, ViewType.ALL), page.runs());
  }

  private Path damage(Function<Manifest.Segment, Manifest.FileEntry> which) throws IOException {
    Manifest.Segment segment = ManifestFiles.read(dir, 1).segments().get(0);
    Path file = dir.resolve(which.apply(segment).path()).toAbsolutePath().normalize();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(file, bytes);
    return file;
  }

  /** Several calls, snapshots and a refresh on one reader: the same answers, one fallback, one warning. */
  private void assertOneFallback(Path file) {
    try (StoreReader reader = StoreReader.open(dir)) {
      for (int i = 0; i < 3; i++) {
        assertThat(answers(reader)).isEqualTo(pristine);
      }
      assertThat(reader.fallbacks()).hasSize(1);
      Fallback f = reader.fallbacks().get(0);
      assertThat(f.file()).isEqualTo(file);
      assertThat(f.reason()).contains("CRC32C");
      assertThat(f.message()).contains(file.toString()).contains("CRC32C");
      assertThat(warnings).hasSize(1);
      assertThat(warnings.get(0).getMessage()).isEqualTo(f.message());
    }
    try (StoreReader second = StoreReader.open(dir)) { // per reader
      assertThat(answers(second)).isEqualTo(pristine);
      assertThat(second.fallbacks()).hasSize(1);
      assertThat(warnings).hasSize(2);
    }
  }

  @Test
  void damagedRunsFile_answersFromTheLogs_oneWarning() throws IOException {
    Path file = damage(Manifest.Segment::runsFile);
    assertOneFallback(file);
    try (StoreReader reader = StoreReader.open(dir)) {
      reader.snapshot().getRun(runIds.get(0));
      assertThat(reader.fallbacks().get(0).answeredFrom()).isEqualTo(Fallback.Source.LOGS);
    }
  }

  @Test
  void damagedLatestFile_answersFromTheLogs_oneWarning() throws IOException {
    assertOneFallback(damage(Manifest.Segment::latestFile));
  }

  @Test
  void damagedMetricsFile_answersFromTheLogs_oneWarning() throws IOException {
    assertOneFallback(damage(Manifest.Segment::metricsFile));
  }

  @Test
  void damagedSearchFile_answersFromTheRunsAndLatestFiles_oneWarning() throws IOException {
    Path file = damage(Manifest.Segment::searchFile);
    assertOneFallback(file);
    try (StoreReader reader = StoreReader.open(dir)) {
      answers(reader);
      assertThat(reader.fallbacks().get(0).answeredFrom()).isEqualTo(Fallback.Source.SEGMENT_FILES);
      assertThat(reader.fallbacks().get(0).message()).contains("runs and latest files");
    }
  }

  @Test
  void pristineStore_noFallback() {
    try (StoreReader reader = StoreReader.open(dir)) {
      answers(reader);
      answers(reader);
      assertThat(reader.fallbacks()).isEmpty();
    }
    assertThat(warnings).isEmpty();
  }
}
