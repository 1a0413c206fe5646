package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * M4 downsampling, property by property on random histories: every point kept was logged, at most
 * four a bucket, in x order, and each bucket's first, last, lowest and highest point kept, so the
 * drawn line covers the same pixels (spikes included).
 */
class DownsamplerTest {
  @RepeatedTest(50)
  void keepsEachBucketsFirstLastMinAndMax(org.junit.jupiter.api.RepetitionInfo info) {
    SplittableRandom random = new SplittableRandom(info.getCurrentRepetition());
    int n = 1 + random.nextInt(20_000);
    int width = 1 + random.nextInt(400);
    List<Metric> history = new ArrayList<>(n);
    long step = random.nextInt(100);
    for (int i = 0; i < n; i++) {
      step += random.nextInt(4); // repeated steps happen (MLflow keeps duplicates)
      double v = random.nextInt(50) == 0 ? Double.NaN : random.nextGaussian() * (random.nextInt(1000) == 0 ? 1e6 : 1);
      history.add(new Metric("m", v, 1_700_000_000_000L + i, step));
    }
    Long from = random.nextBoolean() ? null : history.get(random.nextInt(n)).step();
    Long to = random.nextBoolean() ? null : Math.max(from == null ? 0 : from, history.get(random.nextInt(n)).step());
    Downsampler.Series s = Downsampler.downsample(history, Downsampler.Axis.STEP, 0, from, to, width);

    List<Metric> window = history.stream()
        .filter(m -> (from == null || m.step() >= from) && (to == null || m.step() <= to)).toList();
    if (window.size() <= 4 * width) {
      assertThat(s.downsampled()).isFalse();
      assertThat(s.size()).isEqualTo(window.size());
      for (int i = 0; i < s.size(); i++) {
        assertThat(s.x()[i]).isEqualTo(window.get(i).step());
        assertThat(Double.compare(s.y()[i], window.get(i).value())).isZero();
      }
      return;
    }
    assertThat(s.downsampled()).isTrue();
    assertThat(s.size()).isLessThanOrEqualTo(4 * width);
    for (int i = 1; i < s.size(); i++) {
      assertThat(s.x()[i]).isGreaterThanOrEqualTo(s.x()[i - 1]);
    }
    // the window's extremes and ends survive
    double min = window.stream().mapToDouble(Metric::value).filter(v -> !Double.isNaN(v)).min().orElse(Double.NaN);
    double max = window.stream().mapToDouble(Metric::value).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      ys.add(s.y()[i]);
    }
    if (!Double.isNaN(min)) {
      assertThat(ys).contains(min, max);
    }
    assertThat(s.x()[0]).isEqualTo(window.get(0).step());
    assertThat(s.x()[s.size() - 1]).isEqualTo(window.get(window.size() - 1).step());
    // every kept point is a logged (step, value) pair
    java.util.Set<String> logged = new java.util.HashSet<>();
    for (Metric m : window) {
      logged.add(m.step() + ":" + Double.doubleToLongBits(m.value()));
    }
    for (int i = 0; i < s.size(); i++) {
      assertThat(logged).contains(s.x()[i] + ":" + Double.doubleToLongBits(s.y()[i]));
    }
  }

  @Test
  void aOneStepSpikeInAMillionPointsShows() {
    int n = 1_000_000;
    List<Metric> history = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      history.add(new Metric("loss", i == 654_321 ? 100.0 : 1.0 / (1 + i), i, i));
    }
    Downsampler.Series s = Downsampler.downsample(history, Downsampler.Axis.STEP, 0, null, null, 2000);
    assertThat(s.size()).isLessThanOrEqualTo(8000);
    int spike = -1;
    for (int i = 0; i < s.size(); i++) {
      if (s.y()[i] == 100.0) {
        spike = i;
      }
    }
    assertThat(spike).isNotNegative();
    assertThat(s.x()[spike]).isEqualTo(654_321);
  }

  @Test
  void pointsOutOfStepOrderAreSortedStably() {
    List<Metric> history = List.of(new Metric("m", 3, 30, 3), new Metric("m", 1, 10, 1), new Metric("m", 2, 20, 1));
    Downsampler.Series s = Downsampler.downsample(history, Downsampler.Axis.STEP, 0, null, null, 10);
    assertThat(s.x()).containsExactly(1, 1, 3);
    assertThat(s.y()).containsExactly(1, 2, 3);
    Downsampler.Series relative = Downsampler.downsample(history, Downsampler.Axis.RELATIVE, 5, null, null, 10);
    assertThat(relative.x()).containsExactly(5, 15, 25);
  }
}
