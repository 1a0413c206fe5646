package io.tracklog.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.InputTag;
import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.SystemTags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random run-event streams applied through {@link RunState} (after an encode/decode round trip)
 * against a naive oracle written here from MLflow's rules (mlflow/utils/validation.py, mlflow/store/tracking/file_store.py), not from RunState's code.
 */
class RunStateOracleTest {
  private static final long SEED = Long.getLong("tracklog.test.seed", System.nanoTime());
  private static final String[] KEYS = {"a", "b", "c", "d/e", SystemTags.RUN_NAME};
  private static final double[] VALUES = {
    Double.NaN, 0.0, -0.0, 1.0, 1.0, 2.5, -3.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
  };

  /** A stream generator with few distinct keys, steps, timestamps and values, so ties are common. */
  private static final class Streams {
    final Random random;

    Streams(Random random) {
      this.random = random;
    }

    <T> T pick(T[] items) {
      return items[random.nextInt(items.length)];
    }

    Metric metric() {
      long step = random.nextInt(10) == 0 ? Long.MIN_VALUE + random.nextInt(2) : random.nextInt(5) - 2;
      long ts = random.nextInt(10) == 0 ? Long.MAX_VALUE - random.nextInt(2) : random.nextInt(4);
      return new Metric(pick(new String[] {"a", "b", "c"}), VALUES[random.nextInt(VALUES.length)], ts, step);
    }

    Param param() {
      return new Param(pick(KEYS), pick(new String[] {"1", "2", ""}));
    }

    RunTag tag() {
      return new RunTag(pick(KEYS), pick(new String[] {"x", "y", "名前", ""}));
    }

    DatasetInput input() {
      Dataset d =
          new Dataset(pick(new String[] {"ds1", "ds2"}), pick(new String[] {"d1", "d2"}), "local", "src" + random.nextInt(3), null, null);
      return DatasetInput.of(d, pick(new String[] {"training", "eval", null}));
    }

    RunEvent next() {
      return switch (random.nextInt(12)) {
        case 0, 1, 2, 3 -> new RunEvent.MetricLogged(metric());
        case 4 -> new RunEvent.ParamLogged(param());
        case 5 -> new RunEvent.TagSet(tag());
        case 6 -> new RunEvent.TagDeleted(pick(KEYS));
        case 7 -> new RunEvent.StatusChanged(
            RunStatus.values()[random.nextInt(RunStatus.values().length)],
            random.nextBoolean() ? null : (long) random.nextInt(1000));
        case 8 -> {
          List<DatasetInput> inputs = new ArrayList<>();
          for (int i = random.nextInt(3); i > 0; i--) {
            inputs.add(input());
          }
          yield new RunEvent.InputsLogged(inputs);
        }
        case 9 -> {
          List<Metric> ms = new ArrayList<>();
          for (int i = random.nextInt(6); i > 0; i--) {
            ms.add(metric());
          }
          List<Param> ps = new ArrayList<>();
          for (int i = random.nextInt(3); i > 0; i--) {
            ps.add(param());
          }
          List<RunTag> ts = new ArrayList<>();
          for (int i = random.nextInt(3); i > 0; i--) {
            ts.add(tag());
          }
          yield new RunEvent.BatchLogged(ms, ps, ts);
        }
        case 10 -> new RunEvent.RunDeleted(random.nextInt(1000));
        default -> new RunEvent.RunRestored(random.nextInt(1000));
      };
    }

    List<RunEvent> stream() {
      List<RunTag> startTags = new ArrayList<>();
      startTags.add(new RunTag(SystemTags.USER, "u"));
      if (random.nextInt(4) == 0) {
        startTags.add(new RunTag(SystemTags.RUN_NAME, "tagged-name"));
      }
      List<RunEvent> events = new ArrayList<>();
      events.add(
          new RunEvent.RunStarted(
              "r" + random.nextInt(100), "0", "start-name", random.nextBoolean() ? null : "u", 7L, "file:///a", startTags));
      for (int n = random.nextInt(120); n > 0; n--) {
        events.add(next());
      }
      return events;
    }
  }

  // ---- the oracle ------------------------------------------------------------------------------

  /** Every metric point in the order the run's log applies them. */
  private static List<Metric> points(List<RunEvent> events) {
    List<Metric> points = new ArrayList<>();
    for (RunEvent e : events) {
      if (e instanceof RunEvent.MetricLogged m) {
        points.add(m.metric());
      } else if (e instanceof RunEvent.BatchLogged b) {
        points.addAll(b.metrics());
      }
    }
    return points;
  }

  /**
   * §7 stated directly: among the points with the largest (step, timestamp), Python's max() over
   * (step, timestamp, value) keeps the first of them if it is NaN (nothing compares greater than
   * NaN), and otherwise the first point holding the largest non-NaN value (0.0 == -0.0).
   */
  static Metric latest(List<Metric> pointsOfOneKey) {
    long maxStep = pointsOfOneKey.stream().mapToLong(Metric::step).max().orElseThrow();
    long maxTs =
        pointsOfOneKey.stream().filter(p -> p.step() == maxStep).mapToLong(Metric::timestampMs).max().orElseThrow();
    List<Metric> top = pointsOfOneKey.stream().filter(p -> p.step() == maxStep && p.timestampMs() == maxTs).toList();
    if (Double.isNaN(top.get(0).value())) {
      return top.get(0);
    }
    double maxValue =
        top.stream().mapToDouble(Metric::value).filter(v -> !Double.isNaN(v)).max().orElseThrow();
    return top.stream().filter(p -> p.value() == maxValue).findFirst().orElseThrow();
  }

  private static Run oracle(List<RunEvent> events) {
    RunEvent.RunStarted started = (RunEvent.RunStarted) events.get(0);
    String name = started.runName();
    Map<String, String> tags = new LinkedHashMap<>();
    Map<String, String> params = new HashMap<>();
    List<DatasetInput> inputs = new ArrayList<>();
    RunStatus status = RunStatus.RUNNING;
    Long endTime = null;
    LifecycleStage stage = LifecycleStage.ACTIVE;
    List<RunTag> tagSets = new ArrayList<>(started.tags());
    for (RunTag t : started.tags()) {
      tags.put(t.key(), t.value());
    }
    for (RunEvent e : events.subList(1, events.size())) {
      List<RunTag> newTags = List.of();
      List<Param> newParams = List.of();
      if (e instanceof RunEvent.TagSet t) {
        newTags = List.of(t.tag());
      } else if (e instanceof RunEvent.BatchLogged b) {
        newTags = b.tags();
        newParams = b.params();
      } else if (e instanceof RunEvent.ParamLogged p) {
        newParams = List.of(p.param());
      } else if (e instanceof RunEvent.TagDeleted d) {
        tags.remove(d.key());
      } else if (e instanceof RunEvent.StatusChanged s) {
        status = s.status();
        endTime = s.endTime() != null ? s.endTime() : endTime;
      } else if (e instanceof RunEvent.RunDeleted) {
        stage = LifecycleStage.DELETED;
      } else if (e instanceof RunEvent.RunRestored) {
        stage = LifecycleStage.ACTIVE;
      } else if (e instanceof RunEvent.InputsLogged in) {
        for (DatasetInput i : in.inputs()) {
          if (inputs.stream()
              .noneMatch(x -> x.dataset().name().equals(i.dataset().name())
                  && x.dataset().digest().equals(i.dataset().digest()))) {
            inputs.add(i);
          }
        }
      }
      for (Param p : newParams) {
        params.putIfAbsent(p.key(), p.value()); // params are immutable: the first value stays
      }
      for (RunTag t : newTags) {
        tags.put(t.key(), t.value());
      }
      tagSets.addAll(newTags);
    }
    // the name: the last mlflow.runName ever set (deleting the tag does not rename the run)
    for (RunTag t : tagSets) {
      if (t.key().equals(SystemTags.RUN_NAME)) {
        name = t.value();
      }
    }
    Map<String, List<Metric>> byKey = new LinkedHashMap<>();
    for (Metric m : points(events)) {
      byKey.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
    }
    Map<String, Metric> metrics = new HashMap<>();
    byKey.forEach((k, ps) -> metrics.put(k, latest(ps)));
    RunInfo info =
        new RunInfo(
            started.runId(), name, started.experimentId(), started.userId(), status, started.startTime(), endTime,
            started.artifactUri(), stage);
    return new Run(info, metrics, params, tags, inputs);
  }

  // ---- tests -----------------------------------------------------------------------------------

  @Test
  void randomStreams_matchTheOracle() {
    Random random = new Random(SEED);
    Streams gen = new Streams(random);
    ByteSink sink = new ByteSink();
    for (int i = 0; i < 1500; i++) {
      List<RunEvent> events = gen.stream();
      RunState state = new RunState();
      for (RunEvent e : events) {
        EventCodec.encode(e, sink);
        state.apply(EventCodec.decodeRunEvent(new ByteSource(sink.array(), 0, sink.length())));
      }
      Run expected = oracle(events);
      Run actual = state.toRun();
      String where = "seed " + SEED + " stream " + i + ": " + events;
      assertThat(actual.info()).as(where).isEqualTo(expected.info());
      assertThat(actual.metrics()).as(where).isEqualTo(expected.metrics());
      assertThat(actual.params()).as(where).isEqualTo(expected.params());
      assertThat(actual.tags()).as(where).isEqualTo(expected.tags());
      assertThat(actual.inputs()).as(where).isEqualTo(expected.inputs());
      assertThat(actual).as(where).isEqualTo(expected);
      assertThat(state.eventCount()).as(where).isEqualTo(events.size());
      assertThat(state.status()).as(where).isEqualTo(expected.info().status());
      assertThat(state.lifecycleStage()).as(where).isEqualTo(expected.info().lifecycleStage());
      for (Map.Entry<String, String> p : expected.params().entrySet()) {
        assertThat(state.param(p.getKey())).as(where).isEqualTo(p.getValue());
      }
      // signed zeros are told apart: the first of 0.0 and -0.0 at a tie stays
      actual.metrics().forEach((k, m) -> assertThat(Double.doubleToRawLongBits(m.value()))
          .as(where + " key " + k)
          .isEqualTo(Double.doubleToRawLongBits(expected.metrics().get(k).value())));
    }
  }

  @Test
  void applyMetric_equalsApplyingMetricEvents() {
    Random random = new Random(SEED + 1);
    Streams gen = new Streams(random);
    for (int i = 0; i < 300; i++) {
      RunEvent.RunStarted start = new RunEvent.RunStarted("r", "0", "n", null, 0L, "a", List.of());
      RunState viaEvents = new RunState();
      RunState viaApplyMetric = new RunState();
      viaEvents.apply(start);
      viaApplyMetric.apply(start);
      for (int n = random.nextInt(50); n > 0; n--) {
        Metric m = gen.metric();
        viaEvents.apply(new RunEvent.MetricLogged(m));
        viaApplyMetric.applyMetric(m);
      }
      assertThat(viaApplyMetric.toRun().metrics()).as("seed %d stream %d", SEED + 1, i).isEqualTo(viaEvents.toRun().metrics());
    }
  }

  @Test
  void oracle_selfCheck() {
    // the oracle itself on the cases §7 spells out
    assertThat(latest(List.of(m(1, 100, 5), m(2, 999, 4)))).isEqualTo(m(1, 100, 5));
    assertThat(latest(List.of(m(1, 1, 0), m(2, 50, -1)))).isEqualTo(m(1, 1, 0));
    assertThat(latest(List.of(m(1, 10, 3), m(7, 10, 3)))).isEqualTo(m(7, 10, 3));
    assertThat(latest(List.of(m(1, 10, 3), m(Double.NaN, 10, 3)))).isEqualTo(m(1, 10, 3));
    assertThat(latest(List.of(m(Double.NaN, 10, 3), m(1, 10, 3)))).isEqualTo(m(Double.NaN, 10, 3));
    assertThat(latest(List.of(m(1, 10, 3), m(Double.NaN, 10, 3), m(2, 10, 3)))).isEqualTo(m(2, 10, 3));
  }

  private static Metric m(double v, long ts, long step) {
    return new Metric("k", v, ts, step);
  }

  @Test
  void stateRequiresRunStartedFirstAndOnce() {
    RunState state = new RunState();
    assertThatThrownBy(() -> state.apply(new RunEvent.TagSet(new RunTag("k", "v"))))
        .isInstanceOf(DecodeException.class)
        .hasMessageContaining("TAG_SET");
    RunEvent.RunStarted start = new RunEvent.RunStarted("r", "0", "n", null, 0L, "a", List.of());
    state.apply(start);
    assertThatThrownBy(() -> state.apply(start)).isInstanceOf(DecodeException.class);
  }

  @Test
  void inputs_sameNameAndDigest_addedOnce_contextOfTheFirstKept() {
    RunState state = new RunState();
    state.apply(new RunEvent.RunStarted("r", "0", "n", null, 0L, "a", List.of()));
    Dataset d = new Dataset("ds", "d1", "local", "s", null, null);
    state.apply(new RunEvent.InputsLogged(List.of(DatasetInput.of(d, "training"))));
    state.apply(new RunEvent.InputsLogged(List.of(DatasetInput.of(d, "eval"), DatasetInput.of(
        new Dataset("ds", "d2", "local", "s", null, null), "eval"))));
    assertThat(state.toRun().inputs())
        .extracting(i -> i.dataset().digest() + "/" + i.context())
        .containsExactly("d1/training", "d2/eval");
    assertThat(state.toRun().inputs().get(0).tags()).containsExactly(new InputTag(InputTag.CONTEXT, "training"));
  }
}
