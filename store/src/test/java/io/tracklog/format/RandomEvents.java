package io.tracklog.format;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.InputTag;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random event contents for codec round trips: awkward strings, doubles and longs on purpose. */
final class RandomEvents {
  private final Random random;

  RandomEvents(Random random) {
    this.random = random;
  }

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

  double nextDouble() {
    return switch (random.nextInt(4)) {
      case 0 -> Double.longBitsToDouble(SPECIAL_DOUBLE_BITS[random.nextInt(SPECIAL_DOUBLE_BITS.length)]);
      case 1 -> Double.longBitsToDouble(quietIfNaN(random.nextLong()));
      case 2 -> random.nextGaussian();
      default -> random.nextInt(10) - 5;
    };
  }

  /** Random bits, with a signalling NaN made quiet: the CPU may quiet them on any move. */
  private static long quietIfNaN(long bits) {
    boolean nan = (bits & 0x7FF0_0000_0000_0000L) == 0x7FF0_0000_0000_0000L && (bits & 0x000F_FFFF_FFFF_FFFFL) != 0;
    return nan ? bits | 0x0008_0000_0000_0000L : bits;
  }

  long nextLong() {
    return switch (random.nextInt(3)) {
      case 0 -> SPECIAL_LONGS[random.nextInt(SPECIAL_LONGS.length)];
      case 1 -> random.nextLong();
      default -> random.nextInt(2000) - 1000;
    };
  }

  /** A non-negative long, as timestamps are once validated; still up to Long.MAX_VALUE. */
  long nextTimestamp() {
    return random.nextInt(5) == 0 ? nextLong() : nextLong() & Long.MAX_VALUE;
  }

  /** A well-formed UTF-16 string: ASCII, NUL, Latin-1, CJK, surrogate pairs, sometimes empty or long. */
  String nextString() {
    int shape = random.nextInt(10);
    if (shape == 0) {
      return "";
    }
    int length = shape == 1 ? random.nextInt(400) : random.nextInt(12);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(8)) {
        case 0 -> sb.append('\0');
        case 1 -> sb.append((char) (0x80 + random.nextInt(0x780))); // two UTF-8 bytes
        case 2 -> sb.append((char) (0x800 + random.nextInt(0xD800 - 0x800))); // three bytes
        case 3 -> sb.append((char) (0xE000 + random.nextInt(0x10000 - 0xE000))); // three bytes, above surrogates
        case 4 -> sb.appendCodePoint(0x10000 + random.nextInt(0x110000 - 0x10000)); // surrogate pair
        case 5 -> sb.append("😀");
        default -> sb.append((char) (0x20 + random.nextInt(0x5F)));
      }
    }
    return sb.toString();
  }

  /** Any UTF-16 string, unpaired surrogates included. */
  String nextRawString() {
    int length = random.nextInt(20);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(random.nextInt(3) == 0 ? (char) (0xD800 + random.nextInt(0x800)) : (char) random.nextInt(0x10000));
    }
    return sb.toString();
  }

  String nullable(String s) {
    return random.nextInt(3) == 0 ? null : s;
  }

  Metric metric() {
    return new Metric(nextString(), nextDouble(), nextTimestamp(), nextLong());
  }

  Param param() {
    return new Param(nextString(), nextString());
  }

  RunTag tag() {
    return new RunTag(nextString(), nextString());
  }

  List<RunTag> tags() {
    List<RunTag> tags = new ArrayList<>();
    for (int i = random.nextInt(5); i > 0; i--) {
      tags.add(tag());
    }
    return tags;
  }

  DatasetInput input() {
    Dataset d =
        new Dataset(
            nextString(), nextString(), nextString(), nextString(), nullable(nextString()), nullable(nextString()));
    List<InputTag> tags = new ArrayList<>();
    for (int i = random.nextInt(3); i > 0; i--) {
      tags.add(new InputTag(nextString(), nextString()));
    }
    return new DatasetInput(d, tags);
  }

  RunStatus status() {
    return RunStatus.values()[random.nextInt(RunStatus.values().length)];
  }

  RunEvent runEvent(RunEvent.Kind kind) {
    return switch (kind) {
      case RUN_STARTED -> new RunEvent.RunStarted(
          nextString(), nextString(), nextString(), nullable(nextString()), nextTimestamp(), nextString(), tags());
      case METRIC_LOGGED -> new RunEvent.MetricLogged(metric());
      case PARAM_LOGGED -> new RunEvent.ParamLogged(param());
      case TAG_SET -> new RunEvent.TagSet(tag());
      case TAG_DELETED -> new RunEvent.TagDeleted(nextString());
      case STATUS_CHANGED -> new RunEvent.StatusChanged(status(), random.nextBoolean() ? null : nextTimestamp());
      case INPUTS_LOGGED -> {
        List<DatasetInput> inputs = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          inputs.add(input());
        }
        yield new RunEvent.InputsLogged(inputs);
      }
      case BATCH_LOGGED -> {
        List<Metric> metrics = new ArrayList<>();
        for (int i = random.nextInt(6); i > 0; i--) {
          metrics.add(metric());
        }
        List<Param> params = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          params.add(param());
        }
        yield new RunEvent.BatchLogged(metrics, params, tags());
      }
      case RUN_DELETED -> new RunEvent.RunDeleted(nextTimestamp());
      case RUN_RESTORED -> new RunEvent.RunRestored(nextTimestamp());
      case ARTIFACT_WRITTEN -> new RunEvent.ArtifactWritten(nextString(), random.nextInt(1 << 20), nextString());
    };
  }

  RunEvent runEvent() {
    RunEvent.Kind[] kinds = RunEvent.Kind.values();
    return runEvent(kinds[random.nextInt(kinds.length)]);
  }

  CatalogEvent catalogEvent(CatalogEvent.Kind kind) {
    return switch (kind) {
      case EXPERIMENT_CREATED -> {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          tags.put(nextString(), nextString());
        }
        yield new CatalogEvent.ExperimentCreated(
            nextString(), nextString(), nextString(), nextTimestamp(), nextTimestamp(), tags);
      }
      case EXPERIMENT_RENAMED -> new CatalogEvent.ExperimentRenamed(nextString(), nextString(), nextTimestamp());
      case EXPERIMENT_TAG_SET -> new CatalogEvent.ExperimentTagSet(nextString(), nextString(), nextString());
      case EXPERIMENT_TAG_DELETED -> new CatalogEvent.ExperimentTagDeleted(nextString(), nextString());
      case EXPERIMENT_DELETED -> new CatalogEvent.ExperimentDeleted(nextString(), nextTimestamp());
      case EXPERIMENT_RESTORED -> new CatalogEvent.ExperimentRestored(nextString(), nextTimestamp());
      case RUN_REGISTERED -> random.nextBoolean()
          ? new CatalogEvent.RunRegistered(nextString(), nextString(), nextTimestamp())
          : new CatalogEvent.RunRegistered(
              nextString(), nextString(), nextTimestamp(), random.nextInt(1000), random.nextLong() >>> 1);
      case RUN_REOPENED -> random.nextBoolean()
          ? new CatalogEvent.RunReopened(nextString(), nextTimestamp())
          : new CatalogEvent.RunReopened(nextString(), nextTimestamp(), random.nextInt(1000), random.nextLong() >>> 1);
      case EXPERIMENT_REPLACED -> new CatalogEvent.ExperimentReplaced(
          nextString(), nextString(), nextString(), nextTimestamp(), nextTimestamp(), Map.of(nextString(), nextString()));
    };
  }

  CatalogEvent catalogEvent() {
    CatalogEvent.Kind[] kinds = CatalogEvent.Kind.values();
    return catalogEvent(kinds[random.nextInt(kinds.length)]);
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
