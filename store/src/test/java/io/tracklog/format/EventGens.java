package io.tracklog.format;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.InputTag;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.testing.Gen;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generators of event contents for codec round trips: awkward strings, doubles and longs on
 * purpose. Each shrinks toward its plainest value (empty strings, 0, the first kind), so a failing
 * event reduces to the one field that matters.
 */
final class EventGens {
  private EventGens() {}

  /** Doubles whose bits matter: NaNs with payloads and sign, infinities, signed zeros, extremes. */
  static final long[] SPECIAL_DOUBLE_BITS = {
    Double.doubleToRawLongBits(Double.NaN),
    0x7FF8_0000_0000_0123L, // quiet NaN with a payload
    0xFFF8_0000_0000_0000L, // negative quiet NaN
    0xFFFF_FFFF_FFFF_FFFFL, // all-ones NaN
    Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
    Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
    Double.doubleToRawLongBits(0.0),
    Double.doubleToRawLongBits(-0.0),
    Double.doubleToRawLongBits(Double.MIN_VALUE),
    Double.doubleToRawLongBits(-Double.MIN_VALUE),
    Double.doubleToRawLongBits(Double.MAX_VALUE),
    Double.doubleToRawLongBits(-Double.MAX_VALUE),
    Double.doubleToRawLongBits(Double.MIN_NORMAL),
  };

  static final long[] SPECIAL_LONGS = {
    Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L, 63L, 64L, -64L, -65L, 127L, 128L, 16_383L, 16_384L,
    Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 35, 1L << 56, (1L << 56) - 1, 1L << 62, -(1L << 62),
    1_700_000_000_000L, 253_402_300_799_999L
  };

  /** An integer in {@code [-n, n]} that shrinks toward 0. */
  static Gen<Long> small(long n) {
    return c -> {
      long magnitude = Gen.between(0, n).next(c);
      return c.weighted(0.5) ? -magnitude : magnitude;
    };
  }

  /** Random bits, with a signalling NaN made quiet: the CPU may quiet them on any move. */
  static long quietIfNaN(long bits) {
    boolean nan = (bits & 0x7FF0_0000_0000_0000L) == 0x7FF0_0000_0000_0000L && (bits & 0x000F_FFFF_FFFF_FFFFL) != 0;
    return nan ? bits | 0x0008_0000_0000_0000L : bits;
  }

  static Gen<Double> doubles() {
    return Gen.choose(
        small(5).map(Long::doubleValue),
        Gen.between(0, SPECIAL_DOUBLE_BITS.length - 1).map(i -> Double.longBitsToDouble(SPECIAL_DOUBLE_BITS[i.intValue()])),
        small(1_000_000).map(v -> v / 1024.0),
        Gen.longs().map(bits -> Double.longBitsToDouble(quietIfNaN(bits))));
  }

  static Gen<Long> longs() {
    return Gen.choose(
        small(1000), Gen.between(0, SPECIAL_LONGS.length - 1).map(i -> SPECIAL_LONGS[i.intValue()]), Gen.longs());
  }

  /** A non-negative long, as timestamps are once validated; still up to Long.MAX_VALUE; at times any long. */
  static Gen<Long> timestamps() {
    return Gen.frequency(Gen.weight(4, longs().map(v -> v & Long.MAX_VALUE)), Gen.weight(1, longs()));
  }

  /** One UTF-16 piece of a well-formed string: ASCII, NUL, Latin-1, CJK, surrogate pairs. */
  static Gen<String> wellFormedPiece() {
    return Gen.frequency(
        // printable ASCII, rotated so that the simplest choice is 'a'
        Gen.weight(3, Gen.ints(0, 0x5E).map(i -> String.valueOf((char) (0x20 + (i + 0x41) % 0x5F)))),
        Gen.weight(1, Gen.constant("\0")),
        Gen.weight(1, Gen.ints(0x80, 0x7FF).map(ch -> String.valueOf((char) ch.intValue()))), // two UTF-8 bytes
        Gen.weight(1, Gen.ints(0x800, 0xD7FF).map(ch -> String.valueOf((char) ch.intValue()))), // three bytes
        Gen.weight(1, Gen.ints(0xE000, 0xFFFF).map(ch -> String.valueOf((char) ch.intValue()))), // above surrogates
        Gen.weight(1, Gen.ints(0x10000, 0x10FFFF).map(Character::toString)), // a surrogate pair
        Gen.weight(1, Gen.constant("😀")));
  }

  /** A well-formed string: mostly short, sometimes empty, sometimes hundreds of characters. */
  static Gen<String> strings() {
    return Gen.frequency(
        Gen.weight(8, Gen.strings(wellFormedPiece(), 12, 5)),
        Gen.weight(1, Gen.constant("")),
        Gen.weight(1, Gen.strings(wellFormedPiece(), 400, 150)));
  }

  /** Any UTF-16 string, unpaired surrogates included. */
  static Gen<String> rawStrings() {
    Gen<String> unit =
        Gen.frequency(
            Gen.weight(2, Gen.ints(0, 0xFFFF).map(ch -> String.valueOf((char) ch.intValue()))),
            Gen.weight(1, Gen.ints(0xD800, 0xDFFF).map(ch -> String.valueOf((char) ch.intValue()))));
    return Gen.strings(unit, 20, 10);
  }

  static Gen<Metric> metrics() {
    return c -> new Metric(strings().next(c), doubles().next(c), timestamps().next(c), longs().next(c));
  }

  static Gen<Param> params() {
    return c -> new Param(strings().next(c), strings().next(c));
  }

  static Gen<RunTag> tags() {
    return c -> new RunTag(strings().next(c), strings().next(c));
  }

  static Gen<DatasetInput> inputs() {
    Gen<String> nullable = strings().orNull(1.0 / 3);
    return c -> {
      Dataset d =
          new Dataset(
              strings().next(c), strings().next(c), strings().next(c), strings().next(c), nullable.next(c),
              nullable.next(c));
      List<InputTag> tags = Gen.<InputTag>list(x -> new InputTag(strings().next(x), strings().next(x)), 0, 2, 1).next(c);
      return new DatasetInput(d, tags);
    };
  }

  static Gen<RunEvent> runEvents() {
    return Gen.oneOf(RunEvent.Kind.values()).flatMap(EventGens::runEvents);
  }

  static Gen<RunEvent> runEvents(RunEvent.Kind kind) {
    Gen<String> s = strings();
    return switch (kind) {
      case RUN_STARTED -> c -> new RunEvent.RunStarted(
          s.next(c), s.next(c), s.next(c), s.orNull(1.0 / 3).next(c), timestamps().next(c), s.next(c),
          tags().list(4).next(c));
      case METRIC_LOGGED -> metrics().map(RunEvent.MetricLogged::new);
      case PARAM_LOGGED -> params().map(RunEvent.ParamLogged::new);
      case TAG_SET -> tags().map(RunEvent.TagSet::new);
      case TAG_DELETED -> s.map(RunEvent.TagDeleted::new);
      case STATUS_CHANGED -> c -> new RunEvent.StatusChanged(
          Gen.oneOf(RunStatus.values()).next(c), timestamps().orNull(0.5).next(c));
      case INPUTS_LOGGED -> inputs().list(3).map(RunEvent.InputsLogged::new);
      case BATCH_LOGGED -> c -> new RunEvent.BatchLogged(
          metrics().list(5).next(c), params().list(3).next(c), tags().list(4).next(c));
      case RUN_DELETED -> timestamps().map(RunEvent.RunDeleted::new);
      case RUN_RESTORED -> timestamps().map(RunEvent.RunRestored::new);
      case ARTIFACT_WRITTEN -> c -> new RunEvent.ArtifactWritten(
          s.next(c), Gen.between(0, (1 << 20) - 1).next(c), s.next(c));
    };
  }

  static Gen<CatalogEvent> catalogEvents() {
    return Gen.oneOf(CatalogEvent.Kind.values()).flatMap(EventGens::catalogEvents);
  }

  static Gen<CatalogEvent> catalogEvents(CatalogEvent.Kind kind) {
    Gen<String> s = strings();
    Gen<Long> ts = timestamps();
    Gen<Integer> lane = Gen.ints(0, 999);
    Gen<Long> offset = Gen.longs().map(v -> v & Long.MAX_VALUE);
    return switch (kind) {
      case EXPERIMENT_CREATED -> c -> {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = Gen.ints(0, 3).next(c); i > 0; i--) {
          tags.put(s.next(c), s.next(c));
        }
        return new CatalogEvent.ExperimentCreated(s.next(c), s.next(c), s.next(c), ts.next(c), ts.next(c), tags);
      };
      case EXPERIMENT_RENAMED -> c -> new CatalogEvent.ExperimentRenamed(s.next(c), s.next(c), ts.next(c));
      case EXPERIMENT_TAG_SET -> c -> new CatalogEvent.ExperimentTagSet(s.next(c), s.next(c), s.next(c));
      case EXPERIMENT_TAG_DELETED -> c -> new CatalogEvent.ExperimentTagDeleted(s.next(c), s.next(c));
      case EXPERIMENT_DELETED -> c -> new CatalogEvent.ExperimentDeleted(s.next(c), ts.next(c));
      case EXPERIMENT_RESTORED -> c -> new CatalogEvent.ExperimentRestored(s.next(c), ts.next(c));
      case RUN_REGISTERED -> c -> c.weighted(0.5)
          ? new CatalogEvent.RunRegistered(s.next(c), s.next(c), ts.next(c), lane.next(c), offset.next(c))
          : new CatalogEvent.RunRegistered(s.next(c), s.next(c), ts.next(c));
      case RUN_REOPENED -> c -> c.weighted(0.5)
          ? new CatalogEvent.RunReopened(s.next(c), ts.next(c), lane.next(c), offset.next(c))
          : new CatalogEvent.RunReopened(s.next(c), ts.next(c));
      case EXPERIMENT_REPLACED -> c -> new CatalogEvent.ExperimentReplaced(
          s.next(c), s.next(c), s.next(c), ts.next(c), ts.next(c), Map.of(s.next(c), s.next(c)));
      case PURGED -> c -> new CatalogEvent.Purged(ts.next(c), List.of(s.next(c)), List.of(s.next(c), s.next(c) + "x"));
      case LANE_FORCED -> c -> new CatalogEvent.LaneForced(lane.next(c), offset.next(c), ts.next(c));
    };
  }

  /** The raw bits of every double in an event: record equality does not see NaN payloads. */
  static List<Long> doubleBits(RunEvent event) {
    List<Long> bits = new ArrayList<>();
    if (event instanceof RunEvent.MetricLogged m) {
      bits.add(Double.doubleToRawLongBits(m.metric().value()));
    } else if (event instanceof RunEvent.BatchLogged b) {
      for (Metric m : b.metrics()) {
        bits.add(Double.doubleToRawLongBits(m.value()));
      }
    }
    return bits;
  }
}
