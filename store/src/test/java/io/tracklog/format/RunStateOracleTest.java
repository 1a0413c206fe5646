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
import io.tracklog.testing.Gen;
import io.tracklog.testing.Property;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random run-event streams applied through {@link RunState} (after an encode/decode round trip)
 * against a naive oracle written here from MLflow's rules (mlflow/utils/validation.py, mlflow/store/tracking/file_store.py), not from RunState's code.
 */
class RunStateOracleTest {
  private static final String[] KEYS = {"a", "b", "c", "d/e", SystemTags.RUN_NAME};
  private static final double[] VALUES = {
    Double.NaN, 0.0, -0.0, 1.0, 1.0, 2.5, -3.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
  };

  /** Generators with few distinct keys, steps, timestamps and values, so ties are common. */
  private static final class Streams {
    static Gen<Metric> metric() {
      Gen<Long> step = Gen.frequency(Gen.weight(9, Gen.between(-2, 2)), Gen.weight(1, Gen.between(Long.MIN_VALUE, Long.MIN_VALUE + 1)));
      Gen<Long> ts = Gen.frequency(Gen.weight(9, Gen.between(0, 3)), Gen.weight(1, Gen.between(Long.MAX_VALUE - 1, Long.MAX_VALUE)));
      return c -> {
        String key = Gen.oneOf("a", "b", "c").next(c);
        double value = VALUES[c.index(VALUES.length)];
        long t = ts.next(c);
        return new Metric(key, value, t, step.next(c));
      };
    }

    static Gen<Param> param() {
      return c -> new Param(Gen.oneOf(KEYS).next(c), Gen.oneOf("1", "2", "").next(c));
    }

    static Gen<RunTag> tag() {
      return c -> new RunTag(Gen.oneOf(KEYS).next(c), Gen.oneOf("x", "y", "名前", "").next(c));
    }

    static Gen<DatasetInput> input() {
      return c -> {
        Dataset d =
            new Dataset(Gen.oneOf("ds1", "ds2").next(c), Gen.oneOf("d1", "d2").next(c), "local", "src" + c.index(3), null, null);
        return DatasetInput.of(d, Gen.oneOf("training", "eval", null).next(c));
      };
    }

    /** One event after RunStarted: a third of them metrics, then every other kind. */
    static Gen<RunEvent> next() {
      return Gen.frequency(
          Gen.weight(4, metric().map(RunEvent.MetricLogged::new)),
          Gen.weight(1, param().map(RunEvent.ParamLogged::new)),
          Gen.weight(1, tag().map(RunEvent.TagSet::new)),
          Gen.weight(1, Gen.oneOf(KEYS).map(RunEvent.TagDeleted::new)),
          Gen.weight(1, c -> new RunEvent.StatusChanged(
              Gen.oneOf(RunStatus.values()).next(c), Gen.between(0, 999).orNull(0.5).next(c))),
          Gen.weight(1, input().list(2).map(RunEvent.InputsLogged::new)),
          Gen.weight(1, c -> new RunEvent.BatchLogged(metric().list(5).next(c), param().list(2).next(c), tag().list(2).next(c))),
          Gen.weight(1, Gen.between(0, 999).map(RunEvent.RunDeleted::new)),
          Gen.weight(1, Gen.between(0, 999).map(RunEvent.RunRestored::new)));
    }

    /** RunStarted (sometimes naming the run by tag), then up to 119 events. */
    static Gen<List<RunEvent>> stream() {
      return c -> {
        List<RunTag> startTags = new ArrayList<>();
        startTags.add(new RunTag(SystemTags.USER, "u"));
        if (c.index(4) == 3) {
          startTags.add(new RunTag(SystemTags.RUN_NAME, "tagged-name"));
        }
        List<RunEvent> events = new ArrayList<>();
        events.add(
            new RunEvent.RunStarted(
                "r" + c.index(100), "0", "start-name", c.weighted(0.5) ? "u" : null, 7L, "file:///a", startTags));
        events.addAll(next().list(0, 119, 60).next(c));
        return events;
      };
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

  /**
   * RunState, fed each event after an encode/decode round trip, folds a stream to the run the
   * oracle computes: info, latest metrics (signed zeros told apart), params, tags, inputs.
   */
  @Test
  void randomStreams_matchTheOracle() {
    ByteSink sink = new ByteSink();
    Property.forAll(Streams.stream()).tries(1500).check(events -> {
      RunState state = new RunState();
      for (RunEvent e : events) {
        EventCodec.encode(e, sink);
        state.apply(EventCodec.decodeRunEvent(new ByteSource(sink.array(), 0, sink.length())));
      }
      Run expected = oracle(events);
      Run actual = state.toRun();
      assertThat(actual.info()).isEqualTo(expected.info());
      assertThat(actual.metrics()).isEqualTo(expected.metrics());
      assertThat(actual.params()).isEqualTo(expected.params());
      assertThat(actual.tags()).isEqualTo(expected.tags());
      assertThat(actual.inputs()).isEqualTo(expected.inputs());
      assertThat(actual).isEqualTo(expected);
      assertThat(state.eventCount()).isEqualTo(events.size());
      assertThat(state.status()).isEqualTo(expected.info().status());
      assertThat(state.lifecycleStage()).isEqualTo(expected.info().lifecycleStage());
      for (Map.Entry<String, String> p : expected.params().entrySet()) {
        assertThat(state.param(p.getKey())).isEqualTo(p.getValue());
      }
      // signed zeros are told apart: the first of 0.0 and -0.0 at a tie stays
      actual.metrics().forEach((k, m) -> assertThat(Double.doubleToRawLongBits(m.value()))
          .as("key " + k)
          .isEqualTo(Double.doubleToRawLongBits(expected.metrics().get(k).value())));
    });
  }

  /** The writer's fast path for one metric folds exactly as the MetricLogged event does. */
  @Test
  void applyMetric_equalsApplyingMetricEvents() {
    Property.forAll(Streams.metric().list(0, 49, 25)).tries(300).check(metrics -> {
      RunEvent.RunStarted start = new RunEvent.RunStarted("r", "0", "n", null, 0L, "a", List.of());
      RunState viaEvents = new RunState();
      RunState viaApplyMetric = new RunState();
      viaEvents.apply(start);
      viaApplyMetric.apply(start);
      for (Metric m : metrics) {
        viaEvents.apply(new RunEvent.MetricLogged(m));
        viaApplyMetric.applyMetric(m);
      }
      assertThat(viaApplyMetric.toRun().metrics()).isEqualTo(viaEvents.toRun().metrics());
    });
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
