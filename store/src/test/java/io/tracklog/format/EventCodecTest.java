package io.tracklog.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.error.UnsupportedFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * EventCodec round trips and rejections. Randomised parts use a seeded {@link Random} and print the
 * seed (and iteration) in every assertion message; rerun a failure by fixing {@code SEED}.
 */
class EventCodecTest {
  private static final long SEED = Long.getLong("tracklog.test.seed", System.nanoTime());
  private static final int ITERATIONS = 400;

  private static byte[] encode(RunEvent e) {
    ByteSink sink = new ByteSink(8); // small on purpose: exercises growth
    EventCodec.encode(e, sink);
    return sink.toByteArray();
  }

  private static byte[] encode(CatalogEvent e) {
    ByteSink sink = new ByteSink(8);
    EventCodec.encode(e, sink);
    return sink.toByteArray();
  }

  private static RunEvent decodeRun(byte[] bytes) {
    return EventCodec.decodeRunEvent(ByteSource.of(bytes));
  }

  private static CatalogEvent decodeCatalog(byte[] bytes) {
    return EventCodec.decodeCatalogEvent(ByteSource.of(bytes));
  }

  // ---- round trips -----------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(RunEvent.Kind.class)
  void runEvent_roundTrips(RunEvent.Kind kind) {
    long seed = SEED + kind.ordinal();
    RandomEvents gen = new RandomEvents(new Random(seed));
    ByteSink reused = new ByteSink();
    for (int i = 0; i < ITERATIONS; i++) {
      RunEvent event = gen.runEvent(kind);
      byte[] bytes = encode(event);
      RunEvent back = decodeRun(bytes);
      String where = "seed " + seed + " iteration " + i + " event " + event;
      assertThat(back).as(where).isEqualTo(event);
      assertThat(back.kind()).as(where).isEqualTo(kind);
      assertThat(RandomEvents.doubleBits(back)).as(where).isEqualTo(RandomEvents.doubleBits(event));
      // a reused sink holding a longer earlier event gives the same bytes
      EventCodec.encode(event, reused);
      assertThat(Arrays.copyOf(reused.array(), reused.length())).as(where).isEqualTo(bytes);
      assertThat(bytes[0] & 0xFF).as(where).isEqualTo(EventCodec.tag(kind));
      assertThat(bytes[1] & 0xFF).as(where).isEqualTo(EventCodec.version(kind));
    }
  }

  @Test
  void batchVersion1_stillDecodes() {
    ByteSink v1 = new ByteSink();
    v1.writeByte(EventCodec.tag(RunEvent.Kind.BATCH_LOGGED));
    v1.writeByte(1);
    v1.writeVarLong(2);
    for (long step = 0; step < 2; step++) { // version 1: key, value, timestamp, zigzag step per point
      v1.writeString("loss");
      v1.writeDouble(0.5 + step);
      v1.writeVarLong(1_700_000_000_000L + step);
      v1.writeZigZag(step - 1);
    }
    v1.writeVarLong(1);
    v1.writeString("lr");
    v1.writeString("0.1");
    v1.writeVarLong(0);
    RunEvent back = decodeRun(Arrays.copyOf(v1.array(), v1.length()));
    assertThat(back)
        .isEqualTo(
            new RunEvent.BatchLogged(
                List.of(new Metric("loss", 0.5, 1_700_000_000_000L, -1), new Metric("loss", 1.5, 1_700_000_000_001L, 0)),
                List.of(new Param("lr", "0.1")),
                List.of()));
  }

  @Test
  void batchVersion2_storesKeysOnce_andRejectsABadKeyIndex() {
    List<Metric> metrics = new java.util.ArrayList<>();
    Random random = new Random(SEED);
    for (int step = 0; step < 100; step++) {
      for (int k = 0; k < 10; k++) {
        metrics.add(new Metric("metric_" + k, random.nextDouble(), 1_796_000_000_000L + step * 10L, step));
      }
    }
    byte[] bytes = encode(new RunEvent.BatchLogged(metrics, List.of(), List.of()));
    assertThat((double) bytes.length / metrics.size()).as("bytes per point").isLessThan(11.2);
    assertThat(decodeRun(bytes)).isEqualTo(new RunEvent.BatchLogged(metrics, List.of(), List.of()));
    // The first point's key index sits right after [tag][version][n=1000: 2 bytes][k=10][10 keys].
    int firstIndex = 2 + 2 + 1 + 10 * (1 + "metric_0".length());
    assertThat(bytes[firstIndex]).isZero();
    bytes[firstIndex] = 10;
    assertThatThrownBy(() -> decodeRun(bytes))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("key index 10");
  }

  @ParameterizedTest
  @EnumSource(CatalogEvent.Kind.class)
  void catalogEvent_roundTrips(CatalogEvent.Kind kind) {
    long seed = SEED + 100 + kind.ordinal();
    RandomEvents gen = new RandomEvents(new Random(seed));
    for (int i = 0; i < ITERATIONS; i++) {
      CatalogEvent event = gen.catalogEvent(kind);
      byte[] bytes = encode(event);
      String where = "seed " + seed + " iteration " + i + " event " + event;
      assertThat(decodeCatalog(bytes)).as(where).isEqualTo(event);
      assertThat(bytes[0] & 0xFF).as(where).isEqualTo(EventCodec.tag(kind));
    }
  }

  @Test
  void encodeMetric_hotPath_equalsRecordEncoding() {
    RandomEvents gen = new RandomEvents(new Random(SEED));
    ByteSink sink = new ByteSink();
    for (int i = 0; i < ITERATIONS; i++) {
      Metric m = gen.metric();
      EventCodec.encodeMetric(sink, m.key(), m.value(), m.timestampMs(), m.step());
      assertThat(sink.toByteArray()).as("seed %d iteration %d", SEED, i).isEqualTo(encode(new RunEvent.MetricLogged(m)));
    }
  }

  @Test
  void specialValues_roundTripBitExactly() {
    for (long bits : RandomEvents.SPECIAL_DOUBLE_BITS) {
      for (long l : RandomEvents.SPECIAL_LONGS) {
        Metric m = new Metric("k", Double.longBitsToDouble(bits), l, l);
        RunEvent.MetricLogged back = (RunEvent.MetricLogged) decodeRun(encode(new RunEvent.MetricLogged(m)));
        assertThat(Double.doubleToRawLongBits(back.metric().value())).isEqualTo(bits);
        assertThat(back.metric().timestampMs()).isEqualTo(l);
        assertThat(back.metric().step()).isEqualTo(l);
      }
    }
    for (long l : RandomEvents.SPECIAL_LONGS) {
      assertThat(decodeRun(encode(new RunEvent.RunDeleted(l)))).isEqualTo(new RunEvent.RunDeleted(l));
      assertThat(decodeRun(encode(new RunEvent.StatusChanged(RunStatus.FINISHED, l))))
          .isEqualTo(new RunEvent.StatusChanged(RunStatus.FINISHED, l));
      assertThat(decodeCatalog(encode(new CatalogEvent.ExperimentDeleted("1", l))))
          .isEqualTo(new CatalogEvent.ExperimentDeleted("1", l));
    }
  }

  @Test
  void nullsWhereAllowed_roundTrip() {
    RunEvent started = new RunEvent.RunStarted("r", "0", "n", null, 0L, "a", List.of());
    assertThat(decodeRun(encode(started))).isEqualTo(started);
    RunEvent running = new RunEvent.StatusChanged(RunStatus.RUNNING, null);
    assertThat(decodeRun(encode(running))).isEqualTo(running);
    RunEvent inputs =
        new RunEvent.InputsLogged(
            List.of(new io.tracklog.DatasetInput(new io.tracklog.Dataset("", "", "", "", null, null), List.of())));
    assertThat(decodeRun(encode(inputs))).isEqualTo(inputs);
    // empty strings are not nulls
    RunEvent emptyUser = new RunEvent.RunStarted("", "", "", "", 0L, "", List.of(new RunTag("", "")));
    assertThat(decodeRun(encode(emptyUser))).isEqualTo(emptyUser);
    CatalogEvent created = new CatalogEvent.ExperimentCreated("", "", "", 0L, 0L, Map.of());
    assertThat(decodeCatalog(encode(created))).isEqualTo(created);
  }

  @Test
  void smallValuesEncodeCompactly() {
    // the hot path's event: tag, version, 1-byte key length, key, 8-byte double, 1-byte ts, 1-byte step
    byte[] bytes = encode(new RunEvent.MetricLogged(new Metric("k", 1.0, 5L, -1L)));
    assertThat(bytes).hasSize(2 + 1 + 1 + 8 + 1 + 1);
    assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 1); // zig-zag(-1) == 1
  }

  // ---- rejections ------------------------------------------------------------------------------

  @Test
  void unknownRunEventTag_unsupportedFormatNamingTag() {
    for (int tag = 0; tag < 256; tag++) {
      if (tag >= EventCodec.RUN_STARTED && tag <= EventCodec.ARTIFACT_WRITTEN) {
        continue;
      }
      byte[] bytes = {(byte) tag, (byte) EventCodec.FORMAT_VERSION, 1, 'x', 0, 0, 0};
      assertThatThrownBy(() -> decodeRun(bytes))
          .as("tag %d", tag)
          .isInstanceOf(UnsupportedFormatException.class)
          .hasMessageContaining("tag " + tag);
    }
  }

  @Test
  void unknownCatalogEventTag_unsupportedFormatNamingTag() {
    for (int tag = 0; tag < 256; tag++) {
      if (tag >= EventCodec.EXPERIMENT_CREATED && tag <= EventCodec.EXPERIMENT_REPLACED) {
        continue;
      }
      byte[] bytes = {(byte) tag, (byte) EventCodec.FORMAT_VERSION, 1, 'x'};
      assertThatThrownBy(() -> decodeCatalog(bytes))
          .as("tag %d", tag)
          .isInstanceOf(UnsupportedFormatException.class)
          .hasMessageContaining("tag " + tag);
    }
  }

  @Test
  void everyKindHasADistinctTag() {
    assertThat(Arrays.stream(RunEvent.Kind.values()).map(EventCodec::tag).distinct().count())
        .isEqualTo(RunEvent.Kind.values().length);
    assertThat(Arrays.stream(CatalogEvent.Kind.values()).map(EventCodec::tag).distinct().count())
        .isEqualTo(CatalogEvent.Kind.values().length);
    for (RunEvent.Kind k : RunEvent.Kind.values()) {
      assertThat(EventCodec.tag(k)).isBetween(1, 63);
    }
    for (CatalogEvent.Kind k : CatalogEvent.Kind.values()) {
      assertThat(EventCodec.tag(k)).isBetween(64, 126);
    }
  }

  @Test
  void unsupportedVersion_unsupportedFormatNamingVersion() {
    RandomEvents gen = new RandomEvents(new Random(SEED));
    for (RunEvent.Kind kind : RunEvent.Kind.values()) {
      byte[] bytes = encode(gen.runEvent(kind));
      for (int version : new int[] {0, EventCodec.version(kind) + 1, 127, 128, 255}) {
        bytes[1] = (byte) version;
        assertThatThrownBy(() -> decodeRun(bytes))
            .as("%s version %d", kind, version)
            .isInstanceOf(UnsupportedFormatException.class)
            .hasMessageContaining("version " + version);
      }
    }
    for (CatalogEvent.Kind kind : CatalogEvent.Kind.values()) {
      byte[] bytes = encode(gen.catalogEvent(kind));
      boolean lanePlace = kind == CatalogEvent.Kind.RUN_REGISTERED || kind == CatalogEvent.Kind.RUN_REOPENED;
      int unsupported = (lanePlace ? EventCodec.LANE_EVENT_VERSION : EventCodec.FORMAT_VERSION) + 1;
      bytes[1] = (byte) unsupported;
      assertThatThrownBy(() -> decodeCatalog(bytes))
          .as("%s", kind)
          .isInstanceOf(UnsupportedFormatException.class)
          .hasMessageContaining("version " + unsupported);
    }
  }

  @Test
  void everyStrictPrefix_isADecodeException() {
    long seed = SEED + 7;
    RandomEvents gen = new RandomEvents(new Random(seed));
    for (int i = 0; i < 60; i++) {
      for (RunEvent.Kind kind : RunEvent.Kind.values()) {
        assertEveryPrefixFails(encode(gen.runEvent(kind)), EventCodecTest::decodeRun, "seed " + seed + " " + kind);
      }
      for (CatalogEvent.Kind kind : CatalogEvent.Kind.values()) {
        assertEveryPrefixFails(
            encode(gen.catalogEvent(kind)), EventCodecTest::decodeCatalog, "seed " + seed + " " + kind);
      }
    }
  }

  private static void assertEveryPrefixFails(byte[] bytes, Function<byte[], Object> decode, String where) {
    for (int n = 0; n < bytes.length; n++) {
      byte[] prefix = Arrays.copyOf(bytes, n);
      Throwable t = catchAny(() -> decode.apply(prefix));
      if (!(t instanceof DecodeException)) { // checked by hand: building assertion descriptions is slow
        throw new AssertionError(where + " prefix " + n + " of " + bytes.length + " gave " + t, t);
      }
    }
  }

  @Test
  void trailingGarbage_isADecodeException() {
    long seed = SEED + 8;
    Random random = new Random(seed);
    RandomEvents gen = new RandomEvents(random);
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] run = encode(gen.runEvent());
      byte[] cat = encode(gen.catalogEvent());
      int extra = 1 + random.nextInt(5);
      byte[] runPlus = Arrays.copyOf(run, run.length + extra);
      byte[] catPlus = Arrays.copyOf(cat, cat.length + extra);
      for (int j = 0; j < extra; j++) {
        runPlus[run.length + j] = (byte) random.nextInt(256);
        catPlus[cat.length + j] = (byte) random.nextInt(256);
      }
      assertThatThrownBy(() -> decodeRun(runPlus)).as("seed %d iteration %d", seed, i).isInstanceOf(DecodeException.class);
      assertThatThrownBy(() -> decodeCatalog(catPlus))
          .as("seed %d iteration %d", seed, i)
          .isInstanceOf(DecodeException.class);
    }
  }

  @Test
  void invalidStatusOrBoolean_isADecodeException() {
    byte[] status = encode(new RunEvent.StatusChanged(RunStatus.FINISHED, 5L));
    status[2] = 0; // no status has number 0
    assertThatThrownBy(() -> decodeRun(status)).isInstanceOf(DecodeException.class).hasMessageContaining("0");
    status[2] = 9;
    assertThatThrownBy(() -> decodeRun(status)).isInstanceOf(DecodeException.class);
    byte[] flag = encode(new RunEvent.StatusChanged(RunStatus.FINISHED, 5L));
    flag[3] = 2; // the "has end time" boolean
    assertThatThrownBy(() -> decodeRun(flag)).isInstanceOf(DecodeException.class);
  }

  @Test
  void hugeLengths_areDecodeExceptions_notAllocations() {
    // a string length and a count that claim far more bytes than there are
    byte[] string = {(byte) EventCodec.TAG_DELETED, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    assertThatThrownBy(() -> decodeRun(string)).isInstanceOf(DecodeException.class);
    byte[] count = {(byte) EventCodec.INPUTS_LOGGED, 1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
    assertThatThrownBy(() -> decodeRun(count)).isInstanceOf(DecodeException.class);
    byte[] longVarint = new byte[14];
    longVarint[0] = (byte) EventCodec.RUN_DELETED;
    longVarint[1] = 1;
    Arrays.fill(longVarint, 2, 14, (byte) 0x80);
    assertThatThrownBy(() -> decodeRun(longVarint)).isInstanceOf(DecodeException.class);
  }

  @Test
  void randomBytes_onlyEverDecodeOrThrowFormatErrors() {
    long seed = SEED + 9;
    Random random = new Random(seed);
    for (int i = 0; i < 30_000; i++) {
      byte[] bytes = new byte[random.nextInt(48)];
      random.nextBytes(bytes);
      if (bytes.length > 1 && random.nextInt(4) != 0) {
        bytes[1] = (byte) EventCodec.FORMAT_VERSION; // get past the version check most of the time
      }
      if (bytes.length > 0 && random.nextBoolean()) {
        bytes[0] = (byte) (random.nextBoolean() ? 1 + random.nextInt(10) : 64 + random.nextInt(7));
      }
      assertOnlyFormatErrors(bytes, "seed " + seed + " iteration " + i);
    }
  }

  @Test
  void mutatedEncodings_onlyEverDecodeOrThrowFormatErrors() {
    long seed = SEED + 10;
    Random random = new Random(seed);
    RandomEvents gen = new RandomEvents(random);
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = random.nextBoolean() ? encode(gen.runEvent()) : encode(gen.catalogEvent());
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        int at = 2 + random.nextInt(Math.max(1, bytes.length - 2));
        if (at < bytes.length) {
          bytes[at] ^= (byte) (1 << random.nextInt(8));
        }
      }
      if (random.nextInt(4) == 0) {
        bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
      }
      assertOnlyFormatErrors(bytes, "seed " + seed + " iteration " + i);
    }
  }

  private static void assertOnlyFormatErrors(byte[] bytes, String where) {
    for (Function<byte[], Object> decode :
        List.<Function<byte[], Object>>of(EventCodecTest::decodeRun, EventCodecTest::decodeCatalog)) {
      Throwable t = catchAny(() -> decode.apply(bytes));
      if (t != null && !(t instanceof DecodeException) && !(t instanceof UnsupportedFormatException)) {
        throw new AssertionError(where + " bytes " + Arrays.toString(bytes) + " gave " + t, t);
      }
    }
  }

  private static Throwable catchAny(Runnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  // ---- ByteSink / ByteSource -------------------------------------------------------------------

  @Test
  void byteSinkUtf8_equalsJdkEncoder_includingUnpairedSurrogates() {
    long seed = SEED + 11;
    RandomEvents gen = new RandomEvents(new Random(seed));
    ByteSink sink = new ByteSink(4);
    for (int i = 0; i < 5_000; i++) {
      String s = i % 2 == 0 ? gen.nextRawString() : gen.nextString();
      sink.reset();
      sink.writeString(s);
      ByteSource src = new ByteSource(sink.array(), 0, sink.length());
      long length = src.readVarLong();
      byte[] body = Arrays.copyOfRange(sink.array(), sink.length() - src.remaining(), sink.length());
      byte[] jdk = s.getBytes(StandardCharsets.UTF_8);
      String where = "seed " + seed + " iteration " + i + " string " + escape(s);
      assertThat(body).as(where).isEqualTo(jdk);
      assertThat(length).as(where).isEqualTo(jdk.length);
      assertThat(ByteSink.utf8Length(s)).as(where).isEqualTo(jdk.length);
      // and reading it back gives what the JDK's decoder gives
      ByteSource again = new ByteSource(sink.array(), 0, sink.length());
      assertThat(again.readString()).as(where).isEqualTo(new String(jdk, StandardCharsets.UTF_8));
    }
  }

  @Test
  void byteSinkUtf8_edgeStrings() {
    for (String s :
        List.of("", "\0", "\uD800", "\uDC00", "\uDC00\uD800", "\uD800\uD800\uDC00", "a\uD83D", "\uD83D\uDE00",
            "\uFFFF", "\u07FF\u0800", "\uDBFF\uDFFF")) {
      ByteSink sink = new ByteSink(1);
      sink.writeString(s);
      ByteSource src = ByteSource.of(sink.toByteArray());
      int len = (int) src.readVarLong();
      byte[] body = Arrays.copyOfRange(sink.toByteArray(), sink.length() - len, sink.length());
      assertThat(body).as(escape(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void varLongAndZigZag_roundTrip() {
    long seed = SEED + 12;
    RandomEvents gen = new RandomEvents(new Random(seed));
    ByteSink sink = new ByteSink(1);
    for (int i = 0; i < 20_000; i++) {
      long v = gen.nextLong();
      sink.reset();
      sink.writeVarLong(v);
      sink.writeZigZag(v);
      sink.writeLong(v);
      ByteSource src = ByteSource.of(sink.toByteArray());
      String where = "seed " + seed + " value " + v;
      assertThat(src.readVarLong()).as(where).isEqualTo(v);
      assertThat(src.readZigZag()).as(where).isEqualTo(v);
      assertThat(src.readLong()).as(where).isEqualTo(v);
      src.expectEnd();
    }
    sink.reset();
    sink.writeVarLong(Long.MAX_VALUE);
    assertThat(sink.length()).isEqualTo(9);
    sink.reset();
    sink.writeVarLong(-1L);
    assertThat(sink.length()).isEqualTo(10);
    sink.reset();
    sink.writeZigZag(-1L);
    assertThat(sink.length()).isEqualTo(1);
  }

  @Test
  void overlongOrTruncatedVarLong_isDecodeError_withAndWithoutSlack() {
    byte[] overlong = new byte[16];
    java.util.Arrays.fill(overlong, (byte) 0x80);
    // 16 bytes: the unchecked fast path; 10 continuation bytes at the very end: the checked path
    assertThatThrownBy(() -> ByteSource.of(overlong).readVarLong()).isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> new ByteSource(overlong, 6, 10).readVarLong()).isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> new ByteSource(overlong, 0, 3).readVarLong()).isInstanceOf(DecodeException.class);
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    s.chars().forEach(c -> sb.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c) : String.valueOf((char) c)));
    return sb.toString();
  }
}
