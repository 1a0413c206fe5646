package io.tracklog.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.testing.Gen;
import io.tracklog.testing.Property;
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
 * EventCodec round trips and rejections. The randomised parts are {@link Property} tests over
 * {@link EventGens}: a failure is shrunk to a minimal event (or byte string) and names the seed
 * that reproduces it.
 */
class EventCodecTest {
  private static final int TRIES = 400;

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

  /** Decoding an encoded run event gives it back, NaN payloads included, whatever the sink held before. */
  @ParameterizedTest
  @EnumSource(RunEvent.Kind.class)
  void runEvent_roundTrips(RunEvent.Kind kind) {
    ByteSink reused = new ByteSink();
    Property.forAll(EventGens.runEvents(kind)).tries(TRIES).check(event -> {
      byte[] bytes = encode(event);
      RunEvent back = decodeRun(bytes);
      assertThat(back).isEqualTo(event);
      assertThat(back.kind()).isEqualTo(kind);
      assertThat(EventGens.doubleBits(back)).isEqualTo(EventGens.doubleBits(event));
      // a reused sink holding a longer earlier event gives the same bytes
      EventCodec.encode(event, reused);
      assertThat(Arrays.copyOf(reused.array(), reused.length())).isEqualTo(bytes);
      assertThat(bytes[0] & 0xFF).isEqualTo(EventCodec.tag(kind));
      assertThat(bytes[1] & 0xFF).isEqualTo(EventCodec.version(kind));
    });
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
    Random random = new Random(1);
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

  /** Decoding an encoded catalog event gives it back. */
  @ParameterizedTest
  @EnumSource(CatalogEvent.Kind.class)
  void catalogEvent_roundTrips(CatalogEvent.Kind kind) {
    Property.forAll(EventGens.catalogEvents(kind)).tries(TRIES).check(event -> {
      byte[] bytes = encode(event);
      assertThat(decodeCatalog(bytes)).isEqualTo(event);
      assertThat(bytes[0] & 0xFF).isEqualTo(EventCodec.tag(kind));
    });
  }

  /** The hot path's hand-inlined metric encoding writes the bytes the record encoding writes. */
  @Test
  void encodeMetric_hotPath_equalsRecordEncoding() {
    ByteSink sink = new ByteSink();
    Property.forAll(EventGens.metrics()).tries(1000).check(m -> {
      EventCodec.encodeMetric(sink, m.key(), m.value(), m.timestampMs(), m.step());
      assertThat(sink.toByteArray()).isEqualTo(encode(new RunEvent.MetricLogged(m)));
    });
  }

  @Test
  void specialValues_roundTripBitExactly() {
    for (long bits : EventGens.SPECIAL_DOUBLE_BITS) {
      for (long l : EventGens.SPECIAL_LONGS) {
        Metric m = new Metric("k", Double.longBitsToDouble(bits), l, l);
        RunEvent.MetricLogged back = (RunEvent.MetricLogged) decodeRun(encode(new RunEvent.MetricLogged(m)));
        assertThat(Double.doubleToRawLongBits(back.metric().value())).isEqualTo(bits);
        assertThat(back.metric().timestampMs()).isEqualTo(l);
        assertThat(back.metric().step()).isEqualTo(l);
      }
    }
    for (long l : EventGens.SPECIAL_LONGS) {
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
  void varLongSize_isWhatWriteVarLongWrites() {
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < 2_000; i++) {
      long v = i < 64 ? (i == 0 ? 0 : 1L << (i - 1)) + (i % 3) - 1 : r.nextLong() >>> r.nextInt(64);
      ByteSink out = new ByteSink(16);
      out.writeVarLong(v);
      assertThat(ByteSink.varLongSize(v)).as("%d", v).isEqualTo(out.length());
    }
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
      if (tag >= EventCodec.EXPERIMENT_CREATED && tag <= EventCodec.LANE_FORCED) {
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

  /** A version byte the codec does not know is an UnsupportedFormatException naming it, for every kind. */
  @Test
  void unsupportedVersion_unsupportedFormatNamingVersion() {
    Property.forAll(EventGens.runEvents()).tries(TRIES).check(event -> {
      byte[] bytes = encode(event);
      for (int version : new int[] {0, EventCodec.version(event.kind()) + 1, 127, 128, 255}) {
        bytes[1] = (byte) version;
        assertThatThrownBy(() -> decodeRun(bytes))
            .as("version %d", version)
            .isInstanceOf(UnsupportedFormatException.class)
            .hasMessageContaining("version " + version);
      }
    });
    Property.forAll(EventGens.catalogEvents()).tries(TRIES).check(event -> {
      byte[] bytes = encode(event);
      CatalogEvent.Kind kind = event.kind();
      boolean lanePlace = kind == CatalogEvent.Kind.RUN_REGISTERED || kind == CatalogEvent.Kind.RUN_REOPENED;
      int unsupported = (lanePlace ? EventCodec.LANE_EVENT_VERSION : EventCodec.FORMAT_VERSION) + 1;
      bytes[1] = (byte) unsupported;
      assertThatThrownBy(() -> decodeCatalog(bytes))
          .isInstanceOf(UnsupportedFormatException.class)
          .hasMessageContaining("version " + unsupported);
    });
  }

  /** Every strict prefix of an encoded event is a DecodeException: a torn write never decodes. */
  @Test
  void everyStrictPrefix_isADecodeException() {
    Property.forAll(EventGens.runEvents()).tries(720).check(e -> assertEveryPrefixFails(encode(e), EventCodecTest::decodeRun));
    Property.forAll(EventGens.catalogEvents())
        .tries(540)
        .check(e -> assertEveryPrefixFails(encode(e), EventCodecTest::decodeCatalog));
  }

  private static void assertEveryPrefixFails(byte[] bytes, Function<byte[], Object> decode) {
    for (int n = 0; n < bytes.length; n++) {
      byte[] prefix = Arrays.copyOf(bytes, n);
      Throwable t = catchAny(() -> decode.apply(prefix));
      if (!(t instanceof DecodeException)) { // checked by hand: building assertion descriptions is slow
        throw new AssertionError("prefix " + n + " of " + bytes.length + " gave " + t, t);
      }
    }
  }

  /** 1 to 5 random bytes after an encoded event, zeros (padding, say) more often than others. */
  private static Gen<List<Byte>> garbage() {
    Gen<Byte> b = Gen.frequency(Gen.weight(1, Gen.constant((byte) 0)), Gen.weight(3, Gen.ints(0, 255).map(Integer::byteValue)));
    return b.list(1, 5, 2.5);
  }

  private static byte[] plus(byte[] bytes, List<Byte> extra) {
    byte[] out = Arrays.copyOf(bytes, bytes.length + extra.size());
    for (int j = 0; j < extra.size(); j++) {
      out[bytes.length + j] = extra.get(j);
    }
    return out;
  }

  /** Bytes after a complete event are a DecodeException: an event is exactly its bytes. */
  @Test
  void trailingGarbage_isADecodeException() {
    Gen<List<Object>> cases = c -> List.of(EventGens.runEvents().next(c), EventGens.catalogEvents().next(c), garbage().next(c));
    Property.forAll(cases).tries(TRIES).check(c -> {
      @SuppressWarnings("unchecked")
      List<Byte> extra = (List<Byte>) c.get(2);
      byte[] runPlus = plus(encode((RunEvent) c.get(0)), extra);
      byte[] catPlus = plus(encode((CatalogEvent) c.get(1)), extra);
      assertThatThrownBy(() -> decodeRun(runPlus)).isInstanceOf(DecodeException.class);
      assertThatThrownBy(() -> decodeCatalog(catPlus)).isInstanceOf(DecodeException.class);
    });
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

  /**
   * Up to 47 random bytes, usually with the current format version in byte 1 and often a known tag
   * in byte 0, so that most get past the header checks.
   */
  private static Gen<byte[]> randomBytes() {
    Gen<Integer> knownTag = Gen.choose(Gen.ints(1, 10), Gen.ints(64, 70));
    return c -> {
      List<Byte> list = Gen.ints(0, 255).map(Integer::byteValue).list(0, 47, 24).next(c);
      byte[] bytes = new byte[list.size()];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = list.get(i);
      }
      if (bytes.length > 1 && c.index(4) != 3) {
        bytes[1] = (byte) EventCodec.FORMAT_VERSION; // get past the version check most of the time
      }
      if (bytes.length > 0 && c.weighted(0.5)) {
        bytes[0] = knownTag.next(c).byteValue();
      }
      return bytes;
    };
  }

  /** Any bytes decode, or fail with the codec's own format errors: never another exception. */
  @Test
  void randomBytes_onlyEverDecodeOrThrowFormatErrors() {
    Property.forAll(randomBytes()).describedAs(Arrays::toString).tries(30_000).check(EventCodecTest::assertOnlyFormatErrors);
  }

  /** An encoded event with 1 to 3 bits flipped past its header, and a quarter of the time cut short. */
  private static Gen<byte[]> mutatedEncodings() {
    return c -> {
      byte[] bytes = c.weighted(0.5) ? encode(EventGens.runEvents().next(c)) : encode(EventGens.catalogEvents().next(c));
      for (int flips = Gen.ints(1, 3).next(c); flips > 0; flips--) {
        int at = 2 + c.index(Math.max(1, bytes.length - 2));
        int bit = c.index(8);
        if (at < bytes.length) {
          bytes[at] ^= (byte) (1 << bit);
        }
      }
      if (c.index(4) == 3) {
        bytes = Arrays.copyOf(bytes, c.index(bytes.length + 1));
      }
      return bytes;
    };
  }

  /** Damaged encodings decode, or fail with the codec's own format errors: never another exception. */
  @Test
  void mutatedEncodings_onlyEverDecodeOrThrowFormatErrors() {
    Property.forAll(mutatedEncodings()).describedAs(Arrays::toString).tries(5_000).check(EventCodecTest::assertOnlyFormatErrors);
  }

  private static void assertOnlyFormatErrors(byte[] bytes) {
    for (Function<byte[], Object> decode :
        List.<Function<byte[], Object>>of(EventCodecTest::decodeRun, EventCodecTest::decodeCatalog)) {
      Throwable t = catchAny(() -> decode.apply(bytes));
      if (t != null && !(t instanceof DecodeException) && !(t instanceof UnsupportedFormatException)) {
        throw new AssertionError("bytes " + Arrays.toString(bytes) + " gave " + t, t);
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

  /** ByteSink writes the JDK's UTF-8 (unpaired surrogates as '?'), and reads back what the JDK decodes. */
  @Test
  void byteSinkUtf8_equalsJdkEncoder_includingUnpairedSurrogates() {
    ByteSink sink = new ByteSink(4);
    Gen<String> strings = Gen.choose(EventGens.rawStrings(), EventGens.strings());
    Property.forAll(strings).tries(5_000).check(s -> {
      sink.reset();
      sink.writeString(s);
      ByteSource src = new ByteSource(sink.array(), 0, sink.length());
      long length = src.readVarLong();
      byte[] body = Arrays.copyOfRange(sink.array(), sink.length() - src.remaining(), sink.length());
      byte[] jdk = s.getBytes(StandardCharsets.UTF_8);
      assertThat(body).isEqualTo(jdk);
      assertThat(length).isEqualTo(jdk.length);
      assertThat(ByteSink.utf8Length(s)).isEqualTo(jdk.length);
      // and reading it back gives what the JDK's decoder gives
      ByteSource again = new ByteSource(sink.array(), 0, sink.length());
      assertThat(again.readString()).isEqualTo(new String(jdk, StandardCharsets.UTF_8));
    });
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

  /** Every long survives varint, zig-zag and fixed-width encoding, each exactly its own bytes. */
  @Test
  void varLongAndZigZag_roundTrip() {
    ByteSink sink = new ByteSink(1);
    Property.forAll(EventGens.longs()).tries(20_000).check(v -> {
      sink.reset();
      sink.writeVarLong(v);
      sink.writeZigZag(v);
      sink.writeLong(v);
      ByteSource src = ByteSource.of(sink.toByteArray());
      assertThat(src.readVarLong()).isEqualTo(v);
      assertThat(src.readZigZag()).isEqualTo(v);
      assertThat(src.readLong()).isEqualTo(v);
      src.expectEnd();
    });
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
