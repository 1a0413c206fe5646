package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.CorruptFileException;
import io.tracklog.log.ChronicleEventLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events longer than {@link ChronicleEventLog#MAX_INLINE_EVENT} are written out of line to {@code
 * runs/<id>/events-blobs/<sha256>}; they must round-trip, and a damaged or missing blob must be
 * reported as {@link CorruptFileException}, never read as something else.
 */
class LargeEventsTest {
  @TempDir Path dir;
  private Store store;
  private String exp;

  @BeforeEach
  void setUp() {
    store = Store.open(dir);
    exp = store.createExperiment("big");
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  /** A profile of several MB with multi-byte characters, so UTF-8 length and char count differ. */
  private static String profile(int chars) {
    StringBuilder sb = new StringBuilder(chars);
    for (int i = 0; sb.length() < chars; i++) {
      sb.append(i % 97 == 0 ? "é" : i % 89 == 0 ? "日" : Character.toString('a' + i % 26));
    }
    return sb.toString();
  }

  private DatasetInput bigInput() {
    return DatasetInput.of(
        new Dataset("ds", "digest-1", "local", "file:///data", "{\"cols\":[]}", profile(3 * 1024 * 1024)), "training");
  }

  private Path blobDir(String runId) {
    // Out-of-line events live beside the log of the lane the run was written to.
    Path lane = store.layout().laneDir(store.catalogSnapshot().attachments(runId).get(0).lane());
    return lane.resolveSibling(lane.getFileName() + "-blobs");
  }

  private List<Path> blobs(String runId) throws IOException {
    try (Stream<Path> s = Files.list(blobDir(runId))) {
      return s.toList();
    }
  }

  private String runWithBigInput() {
    try (RunWriter w = store.startRun(RunSpec.of(exp, "r"))) {
      w.logMetric("before", 1.0, 1L, 0L);
      w.logInput(bigInput());
      w.logMetric("after", 2.0, 2L, 0L);
      return w.runId();
    }
  }

  @Test
  void multiMegabyteProfile_roundTripsOutOfLine() throws IOException {
    String id = runWithBigInput();
    Run r = store.getRun(id);
    assertThat(r.inputs()).containsExactly(bigInput());
    assertThat(r.metric("before")).isEqualTo(1.0);
    assertThat(r.metric("after")).isEqualTo(2.0);
    assertThat(blobs(id)).hasSize(1);
    assertThat(blobs(id).get(0).getFileName().toString()).matches("[0-9a-f]{64}");
    assertThat(Files.size(blobs(id).get(0))).isGreaterThan(ChronicleEventLog.MAX_INLINE_EVENT);
    // the small events stay inline
    try (Stream<Path> s = Files.list(blobDir(id))) {
      assertThat(s.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
    }

    store.close();
    store = Store.open(dir);
    assertThat(store.getRun(id).inputs()).containsExactly(bigInput());
  }

  @Test
  void flippedByteInBlob_corruptFileException() throws IOException {
    String id = runWithBigInput();
    Path blob = blobs(id).get(0);
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(blob, bytes);
    assertThatThrownBy(() -> store.getRun(id))
        .isInstanceOf(CorruptFileException.class)
        .satisfies(e -> assertThat(((CorruptFileException) e).path()).isEqualTo(blob));
  }

  @Test
  void truncatedBlob_corruptFileException() throws IOException {
    String id = runWithBigInput();
    Path blob = blobs(id).get(0);
    byte[] bytes = Files.readAllBytes(blob);
    Files.write(blob, java.util.Arrays.copyOf(bytes, bytes.length - 1));
    assertThatThrownBy(() -> store.getRun(id)).isInstanceOf(CorruptFileException.class);
  }

  @Test
  void missingBlob_corruptFileException() throws IOException {
    String id = runWithBigInput();
    Path blob = blobs(id).get(0);
    Files.delete(blob);
    assertThatThrownBy(() -> store.getRun(id))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(blob.getFileName().toString());
  }

  @Test
  void batchOfHundredLongTags_roundTripsOutOfLine() throws IOException {
    List<RunTag> tags = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      tags.add(new RunTag("tag" + i, Character.toString('a' + i % 26).repeat(7999) + (char) ('0' + i % 10)));
    }
    List<Metric> metrics = List.of(new Metric("m", 3.0, 4L, 5L));
    List<Param> params = List.of(new Param("p", "x".repeat(6000)));
    String id;
    try (RunWriter w = store.startRun(exp)) {
      id = w.runId();
      w.logBatch(metrics, params, tags);
      // the writer's own view replays the blob too
      assertThat(w.state().tags()).containsAllEntriesOf(toMap(tags));
    }
    Run r = store.getRun(id);
    assertThat(r.tags()).containsAllEntriesOf(toMap(tags));
    assertThat(r.params()).containsEntry("p", "x".repeat(6000));
    assertThat(r.metrics().get("m")).isEqualTo(new Metric("m", 3.0, 4L, 5L));
    assertThat(blobs(id)).hasSize(1);
  }

  @Test
  void sameLargeEventTwice_bothApply_eachFrameOutOfLine() throws IOException {
    String id;
    List<RunTag> tags = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      tags.add(new RunTag("t" + i, "v".repeat(8000)));
    }
    try (RunWriter w = store.startRun(exp)) {
      id = w.runId();
      w.logBatch(List.of(), List.of(), tags);
      w.setTag("t0", "changed");
      w.logBatch(List.of(), List.of(), tags); // same event, sets t0 back
    }
    // Lane frames carry the event's place in the run's order, so the two frames differ: two blobs.
    assertThat(blobs(id)).hasSize(2);
    assertThat(store.getRun(id).tags()).containsEntry("t0", "v".repeat(8000));
  }

  private static java.util.Map<String, String> toMap(List<RunTag> tags) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    tags.forEach(t -> m.put(t.key(), t.value()));
    return m;
  }
}
