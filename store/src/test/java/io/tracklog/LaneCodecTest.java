package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.format.DecodeException;
import io.tracklog.format.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * RUN_STARTED, BATCH and LANE_OPENED frames (store format 8): a run's start leaves out what its lane
 * session holds, a batch refers to keys listed before, and both read back exactly, tags in their
 * order, whatever matches and whatever not.
 */
class LaneCodecTest {
  private static final long SEED = Long.getLong("tracklog.test.seed", System.nanoTime());

  private static String pick(Random r, String... choices) {
    return choices[r.nextInt(choices.length)];
  }

  private static LaneSession session(Random r) {
    List<RunTag> tags = new ArrayList<>();
    String[] keys = {"mlflow.source.name", "mlflow.source.type", "mlflow.source.git.commit", "mlflow.source.git.branch"};
    for (String k : keys) {
      if (r.nextInt(4) > 0) {
        tags.add(new RunTag(k, pick(r, "Main", "LOCAL", "5a1bd5b87395e9d86062c2800c01c9318ecf6bd2", "main", "é☃")));
      }
    }
    return new LaneSession(r.nextInt(5) == 0 ? null : pick(r, "file:///tmp/s/runs", "file:///a%20b/runs"), tags);
  }

  private static RunEvent.RunStarted started(Random r, LaneSession s) {
    String runId =
        switch (r.nextInt(4)) {
          case 0, 1 -> String.format("%016x%016x", r.nextLong(), r.nextLong()); // generated: 16 bytes
          case 2 -> String.format("%016X%016x", r.nextLong(), r.nextLong()); // upper case: a string
          default -> pick(r, "a", "run-1", "0123456789abcdef0123456789abcdeg", "0123456789abcdef0123456789abcdef0");
        };
    String name = pick(r, "run-1", "bold-fox-7", "");
    String user = r.nextInt(4) == 0 ? null : pick(r, "bench", "ana", "");
    String uri =
        r.nextBoolean() && s.artifactLocation() != null
            ? s.defaultArtifactUri(runId)
            : pick(r, "s3://bucket/" + runId, "file:///elsewhere/" + runId + "/artifacts", "file:///tmp/s/runs/other/artifacts");
    List<RunTag> tags = new ArrayList<>();
    int n = r.nextInt(8);
    for (int i = 0; i < n; i++) {
      RunTag t =
          switch (r.nextInt(6)) {
            case 0 -> new RunTag(SystemTags.RUN_NAME, r.nextBoolean() ? name : "another");
            case 1 -> new RunTag(SystemTags.USER, r.nextBoolean() && user != null ? user : "someone");
            case 2, 3 -> s.sourceTags().isEmpty()
                ? new RunTag("k" + i, "v")
                : r.nextBoolean()
                    ? s.sourceTags().get(r.nextInt(s.sourceTags().size()))
                    : new RunTag(s.sourceTags().get(0).key(), "not the session's");
            default -> new RunTag("tag_" + i, pick(r, "x", "", "value-" + i));
          };
      if (tags.stream().noneMatch(t2 -> t2.key().equals(t.key()))) {
        tags.add(t);
      }
    }
    return new RunEvent.RunStarted(runId, pick(r, "0", "17"), name, user, r.nextLong() & Long.MAX_VALUE, uri, tags);
  }

  private static RunEvent.RunStarted decode(ByteSink out, int ordinal, long token, LaneSession session) {
    ByteSource in = new ByteSource(out.array(), 0, out.length());
    assertThat(LaneCodec.readTag(in)).isEqualTo(LaneCodec.RUN_STARTED);
    assertThat(LaneCodec.readOrdinal(in)).isEqualTo(ordinal);
    return LaneCodec.readRunStarted(
        in,
        t -> {
          assertThat(t).isEqualTo(token);
          return session;
        });
  }

  @Test
  void runStarted_readsBackExactly_forRandomRunsAndSessions() {
    Random r = new Random(SEED);
    for (int i = 0; i < 5_000; i++) {
      LaneSession s = session(r);
      RunEvent.RunStarted e = started(r, s);
      long token = r.nextBoolean() ? r.nextLong() & Long.MAX_VALUE >>> 1 : 87_917_778_976_768L + i;
      int ordinal = r.nextInt(1 << 20);
      ByteSink out = new ByteSink(64);
      LaneCodec.runStarted(out, ordinal, e, token, s);
      assertThat(decode(out, ordinal, token, s)).as("seed %d, case %d", SEED, i).isEqualTo(e);
    }
  }

  @Test
  void runStarted_withTheSessionsDefaults_isSmallerThanThePlainEvent() {
    LaneSession s = LaneSession.of("file:///tmp/store/runs", SourceTagsTestValues.TAGS);
    String runId = "000c91debe9a14932739c202c4a3bf32";
    List<RunTag> tags = new ArrayList<>(List.of(new RunTag(SystemTags.RUN_NAME, "run-2"), new RunTag(SystemTags.USER, "bench")));
    tags.addAll(s.sourceTags());
    RunEvent.RunStarted e = new RunEvent.RunStarted(runId, "3", "run-2", "bench", 1_700_000_000_000L, s.defaultArtifactUri(runId), tags);
    ByteSink compact = new ByteSink(64);
    LaneCodec.runStarted(compact, 7, e, 87_917_778_976_768L, s);
    ByteSink plain = new ByteSink(64);
    LaneCodec.runEvent(plain, 7, 0, e);
    assertThat(decode(compact, 7, 87_917_778_976_768L, s)).isEqualTo(e);
    // the run's own fields (its id in 16 bytes), the session's token and a byte a tag
    assertThat(compact.length()).isLessThanOrEqualTo(60);
    assertThat(plain.length()).isGreaterThan(300);
  }

  @Test
  void runStarted_namingWhatItsSessionLacks_isDamage() {
    LaneSession two = LaneSession.of("file:///s/runs", java.util.Map.of("mlflow.source.type", "LOCAL", "mlflow.source.name", "M"));
    RunEvent.RunStarted e =
        new RunEvent.RunStarted("ab", "0", "n", "u", 1, "file:///s/runs/ab/artifacts", two.sourceTags());
    ByteSink out = new ByteSink(64);
    LaneCodec.runStarted(out, 1, e, 5, two);
    assertThatThrownBy(() -> decode(out, 1, 5, LaneSession.of("file:///s/runs", java.util.Map.of("mlflow.source.type", "LOCAL"))))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("tag code 4");
    assertThatThrownBy(() -> decode(out, 1, 5, new LaneSession(null, two.sourceTags())))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("artifact location");
  }

  private static RunEvent.BatchLogged batch(Random r, List<String> keys) {
    List<io.tracklog.Metric> metrics = new ArrayList<>();
    for (int i = r.nextInt(30); i > 0; i--) {
      metrics.add(new io.tracklog.Metric(keys.get(r.nextInt(keys.size())), r.nextInt(9) == 0 ? Double.NaN : r.nextGaussian(),
          r.nextBoolean() ? 1_700_000_000_000L + r.nextInt(1000) : r.nextLong(), r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(100)));
    }
    List<Param> params = new ArrayList<>();
    for (int i = r.nextInt(12); i > 0; i--) {
      params.add(new Param("param_" + i, pick(r, "", "0.1", "é☃")));
    }
    List<RunTag> tags = new ArrayList<>();
    for (int i = r.nextInt(6); i > 0; i--) {
      tags.add(new RunTag("tag_" + i, pick(r, "", "x", "value-" + i)));
    }
    return new RunEvent.BatchLogged(metrics, params, tags);
  }

  private static RunEvent.BatchLogged decodeBatch(ByteSink out, long order, java.util.function.LongFunction<BatchKeys> keysAt) {
    ByteSource in = new ByteSource(out.array(), 0, out.length());
    assertThat(LaneCodec.readTag(in)).isEqualTo(LaneCodec.BATCH);
    LaneCodec.readOrdinal(in);
    assertThat(in.readVarLong()).isEqualTo(order);
    return LaneCodec.readBatch(in, keysAt);
  }

  @Test
  void batch_readsBackExactly_withItsKeysListedOrReferredTo() {
    Random r = new Random(SEED);
    for (int i = 0; i < 3_000; i++) {
      RunEvent.BatchLogged b = batch(r, List.of("loss", "acc", "val.loss", "μ"));
      BatchKeys keys = BatchKeys.of(b);
      long order = r.nextInt(1000);
      ByteSink listed = new ByteSink(64);
      int listBytes = LaneCodec.batch(listed, 3, order, b, keys, -1);
      assertThat(decodeBatch(listed, order, t -> { throw new AssertionError("listed keys need no reference"); }))
          .as("seed %d, case %d", SEED, i).isEqualTo(b);
      // the listing frame, read for its keys, gives them back; a frame referring to it decodes the same
      assertThat(LaneCodec.readBatchKeys(new ByteSource(listed.array(), 0, listed.length()))).isEqualTo(keys);
      long token = 87_917_778_976_768L + i;
      ByteSink referring = new ByteSink(64);
      assertThat(LaneCodec.batch(referring, 3, order, b, keys, token)).isZero();
      assertThat(decodeBatch(referring, order, t -> {
        assertThat(t).isEqualTo(token);
        return keys;
      })).as("seed %d, case %d", SEED, i).isEqualTo(b);
      // the two frames differ only in the key lists (reported by the listing) against the reference,
      // the sizes a writer weighs (Lane refers only where the reference is the shorter)
      assertThat(listed.length() - referring.length())
          .as("seed %d, case %d", SEED, i)
          .isEqualTo(1 + listBytes - ByteSink.varLongSize(token + 1));
    }
  }

  @Test
  void batch_referringToKeysThatDoNotFit_isDamage() {
    RunEvent.BatchLogged b =
        new RunEvent.BatchLogged(List.of(new io.tracklog.Metric("b", 1, 2, 3)), List.of(new Param("p", "1")), List.of());
    ByteSink out = new ByteSink(64);
    LaneCodec.batch(out, 1, 1, b, new BatchKeys(List.of("a", "b"), List.of("p"), List.of()), 9);
    assertThatThrownBy(() -> decodeBatch(out, 1, t -> new BatchKeys(List.of("a"), List.of("p"), List.of())))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("key index 1");
    assertThatThrownBy(() -> decodeBatch(out, 1, t -> new BatchKeys(List.of("a", "b"), List.of("p", "q"), List.of())))
        .isInstanceOf(DecodeException.class);
    ByteSink opened = new ByteSink(64);
    LaneCodec.laneOpened(opened, 1, 2, LaneSession.NONE);
    assertThatThrownBy(() -> LaneCodec.readBatchKeys(new ByteSource(opened.array(), 0, opened.length())))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("BATCH");
    assertThatThrownBy(() -> LaneCodec.readBatchKeys(new ByteSource(out.array(), 0, out.length())))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("refers to another");
  }

  @Test
  void laneOpened_readsItsSession_andVersionOneHasNone() {
    LaneSession s = LaneSession.of("file:///s/runs", SourceTagsTestValues.TAGS);
    ByteSink out = new ByteSink(64);
    LaneCodec.laneOpened(out, 4242, 1_700_000_000_000L, s);
    assertThat(LaneCodec.readLaneOpened(new ByteSource(out.array(), 0, out.length()))).isEqualTo(s);

    byte[] v1 = {LaneCodec.LANE_OPENED, 1, 5, 9};
    assertThat(LaneCodec.readLaneOpened(new ByteSource(v1, 0, v1.length))).isEqualTo(LaneSession.NONE);
    byte[] v3 = {LaneCodec.LANE_OPENED, 3, 5, 9};
    assertThatThrownBy(() -> LaneCodec.readLaneOpened(new ByteSource(v3, 0, v3.length)))
        .isInstanceOf(UnsupportedFormatException.class);
    assertThatThrownBy(() -> LaneCodec.readTag(new ByteSource(v3, 0, v3.length)))
        .isInstanceOf(UnsupportedFormatException.class);
    byte[] marker = {LaneCodec.DETACHED, 1, 5};
    assertThatThrownBy(() -> LaneCodec.readLaneOpened(new ByteSource(marker, 0, marker.length)))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("LANE_OPENED");
  }

  /** Source tags as a JVM started from a git checkout gets them. */
  private static final class SourceTagsTestValues {
    static final java.util.Map<String, String> TAGS = new java.util.LinkedHashMap<>();

    static {
      TAGS.put("mlflow.source.name", "org.openjdk.jmh.runner.ForkedMain");
      TAGS.put("mlflow.source.type", "LOCAL");
      TAGS.put("mlflow.source.git.commit", "5a1bd5b87395e9d86062c2800c01c9318ecf6bd2");
      TAGS.put("mlflow.source.git.branch", "main");
    }
  }
}
