package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncating or bit-flipping any compacted file never gives a wrong answer: the reader falls back to
 * the logs, and {@link SegmentFiles#verify} names the file. Broken manifests are reported as such.
 */
class CorruptionTest {
  @TempDir Path dir;

  private final List<String> runIds = new ArrayList<>();
  private final Map<String, Run> runs = new HashMap<>();
  private final Map<String, List<Metric>> histories = new HashMap<>();

  private static StoreOptions manual() {
    return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
  }

  private Manifest prepare() {
    try (Store store = Store.open(dir, manual())) {
      String exp = store.createExperiment("e");
      for (int r = 0; r < 3; r++) {
        String runId = store.run(RunSpec.of(exp, "run-" + r), w -> {
          w.logParam("p", "value");
          w.setTag("tag", "x");
          for (int i = 0; i < 300; i++) {
            w.logMetric("loss", 1.0 / (i + 1), 100 + i, 300 - i);
            w.logMetric("acc", i % 11 == 0 ? Double.NaN : i, 100 + i, i);
          }
        });
        runIds.add(runId);
      }
      for (String runId : runIds) {
        runs.put(runId, store.getRun(runId));
        for (String key : List.of("loss", "acc")) {
          List<Metric> h = new ArrayList<>();
          try (StoreReader reader = StoreReader.open(dir)) {
            h.addAll(reader.snapshot().metricHistory(runId, key)); // from the log: nothing compacted yet
          }
          histories.put(runId + "/" + key, h);
        }
      }
      store.compact();
    }
    Manifest m = ManifestFiles.read(dir, 1);
    assertThat(m.segments()).hasSize(1);
    return m;
  }

  private void assertAnswersFromLogs(String why) {
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      for (String runId : runIds) {
        assertThat(snap.getRun(runId)).as(why).isEqualTo(runs.get(runId));
        for (String key : List.of("loss", "acc")) {
          assertThat(snap.metricHistory(runId, key)).as("%s: %s %s", why, runId, key)
              .isEqualTo(histories.get(runId + "/" + key));
        }
      }
      assertThat(snap.runs(runs.get(runIds.get(0)).info().experimentId(), ViewType.ALL)).as(why).hasSize(runIds.size());
      // search: a segment whose files fail is answered run by run from the logs
      String filter = "metrics.acc >= 0 AND params.p = 'value'";
      List<String> order = List.of("metrics.loss DESC");
      io.tracklog.reader.search.RunFilter f = io.tracklog.reader.search.RunFilter.parse(filter);
      List<Run> expected = new ArrayList<>(runs.values().stream().filter(f::matches).toList());
      expected.sort(io.tracklog.reader.search.RunSearch.ordering(io.tracklog.reader.search.OrderBy.parseForRuns(order)));
      io.tracklog.reader.search.RunPage page =
          io.tracklog.reader.search.RunSearch.search(
              snap,
              io.tracklog.reader.search.SearchRequest.builder(runs.get(runIds.get(0)).info().experimentId())
                  .filter(filter).orderBy(order).build());
      assertThat(page.runs()).as(why).isEqualTo(expected);
    }
  }

  @Test
  void truncatedOrFlippedFile_readerFallsBackToTheLog_verifyNamesTheFile() throws IOException {
    Manifest m = prepare();
    assertAnswersFromLogs("intact");
    for (Manifest.FileEntry entry : m.segments().get(0).files()) {
      Path file = dir.resolve(entry.path());
      byte[] original = Files.readAllBytes(file);
      List<String> damages = new ArrayList<>();
      for (int cut : new int[] {0, 1, original.length / 3, original.length - 8, original.length - 1}) {
        damages.add("truncate " + cut);
      }
      for (int k = 0; k < 8; k++) {
        damages.add("flip " + (int) ((long) original.length * k / 8 + k));
      }
      damages.add("flip " + (original.length - 1));
      for (String damage : damages) {
        String why = entry.path() + ": " + damage;
        int at = Integer.parseInt(damage.substring(damage.indexOf(' ') + 1));
        byte[] bytes;
        if (damage.startsWith("truncate")) {
          bytes = java.util.Arrays.copyOf(original, at);
        } else {
          bytes = original.clone();
          bytes[at] ^= (byte) (1 << (at % 8));
        }
        Files.write(file, bytes);
        try {
          assertThatThrownBy(() -> SegmentFiles.verify(dir, entry))
              .as(why)
              .isInstanceOf(CorruptFileException.class)
              .hasMessageContaining(file.toString())
              .satisfies(e -> assertThat(((CorruptFileException) e).path()).isEqualTo(file));
          assertAnswersFromLogs(why);
        } finally {
          Files.write(file, original);
        }
      }
      Files.delete(file);
      try {
        assertThatThrownBy(() -> SegmentFiles.verify(dir, entry)).isInstanceOf(CorruptFileException.class)
            .hasMessageContaining(file.toString());
        assertAnswersFromLogs(entry.path() + ": deleted");
      } finally {
        Files.write(file, original);
      }
    }
    assertAnswersFromLogs("restored");
  }

  @Test
  void runIndexAndRunsFileBothDamaged_orEveryFile_readerAnswersFromTheLogs() throws IOException {
    Manifest m = prepare();
    Manifest.Segment seg = m.segments().get(0);
    assertThat(seg.runIndexFile()).isNotNull();
    List<Manifest.FileEntry> both = List.of(seg.runIndexFile(), seg.runsFile());
    for (List<Manifest.FileEntry> damaged : List.of(both, seg.files())) {
      Map<Path, byte[]> originals = new HashMap<>();
      for (Manifest.FileEntry entry : damaged) {
        Path file = dir.resolve(entry.path());
        byte[] bytes = Files.readAllBytes(file);
        originals.put(file, bytes.clone());
        bytes[bytes.length / 2] ^= 0x04;
        Files.write(file, bytes);
      }
      try {
        assertAnswersFromLogs("damaged: " + damaged.size() + " files");
      } finally {
        for (Map.Entry<Path, byte[]> e : originals.entrySet()) {
          Files.write(e.getKey(), e.getValue());
        }
      }
    }
    assertAnswersFromLogs("restored");
  }

  @Test
  void manifestThatIsNotJson_isCorrupt_newerFormatIsUnsupported() throws IOException {
    Manifest m = prepare();
    Path file = dir.resolve(ManifestFiles.fileName(1));
    String json = Files.readString(file);

    Files.writeString(file, "this is not json {");
    assertThatThrownBy(() -> ManifestFiles.read(dir, 1))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(file.toString());
    Files.writeString(file, json.substring(0, json.length() / 2));
    assertThatThrownBy(() -> ManifestFiles.read(dir, 1)).isInstanceOf(CorruptFileException.class);

    assertThat(json).contains("\"format_version\":" + m.formatVersion()); // compact JSON
    Files.writeString(file, json.replace("\"format_version\":" + m.formatVersion(), "\"format_version\":99"));
    assertThatThrownBy(() -> ManifestFiles.read(dir, 1))
        .isInstanceOf(UnsupportedFormatException.class)
        .hasMessageContaining("99");

    Files.writeString(file, json, StandardCharsets.UTF_8);
    assertThat(ManifestFiles.read(dir, 1)).isEqualTo(m);
  }
}
