package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.LifecycleStage;
import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.reader.PageToken;
import io.tracklog.reader.RunColumns;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The engine alone ({@link ColumnarRunSearch#search(List, SearchRequest)}) over columns built in
 * memory, larger than the store-based property test can afford: thousands of rows per segment, keys
 * that few runs have (sparse columns), many segments, pruning by computed ranges. The expected
 * answer is the reference evaluation over the same runs ({@link RunColumns#run}).
 */
class ColumnarEngineTest {
  private static final double[] NUMBERS = {
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 0.5, 1, 2, -1, 1e300, 0.25
  };
  private static final String[] VALUES = {"a", "b", "cnn", "CNN", "rnn_1", "10", "9", "0.01", "x%y", "Ünï", ""};

  @Test
  void engine_equalsReference_onLargeRandomColumns() {
    for (long seed = 10; seed < 14; seed++) {
      Random random = new Random(seed);
      List<RunColumns> segments = new ArrayList<>();
      List<String> experiments = List.of("0", "1", "2");
      for (int s = 0; s < 6; s++) {
        segments.add(segment(random, experiments.get(random.nextInt(experiments.size())), s, 200 + random.nextInt(2500)));
      }
      for (int q = 0; q < 150; q++) {
        SearchRequest req = RunSearchEquivalenceTest.request(random, experiments);
        for (int page = 0; page < 5; page++) {
          RunPage expected = reference(segments, req);
          RunPage actual = ColumnarRunSearch.search(segments, req);
          assertThat(actual).as("seed %s request %s", seed, req).isEqualTo(expected);
          if (expected.nextPageToken() == null) {
            break;
          }
          req = req.withPageToken(expected.nextPageToken());
        }
      }
    }
  }

  private static RunColumns segment(Random random, String experiment, int s, int rows) {
    TreeSet<String> ids = new TreeSet<>();
    while (ids.size() < rows) {
      ids.add(String.format("%02d%08x", s, random.nextInt()));
    }
    RunColumns.Builder b = RunColumns.builder(experiment);
    for (String id : ids) {
      long start = 1000 + random.nextInt(5) * 1000L;
      b.addRun(
          id,
          pick(random, new String[] {"r1", "r2", "Run_b", "alpha", "β"}),
          random.nextBoolean() ? null : pick(random, new String[] {"ann", "bob"}),
          RunStatus.values()[random.nextInt(RunStatus.values().length)],
          start,
          random.nextBoolean() ? null : start + random.nextInt(2000),
          "file:///x/" + id + "/artifacts",
          random.nextInt(5) == 0 ? LifecycleStage.DELETED : LifecycleStage.ACTIVE);
      for (String key : new String[] {"loss", "acc", "f1.macro", "val loss"}) {
        // "val loss" is rare: a sparse column
        if (random.nextInt(key.equals("val loss") ? 40 : 3) == 0) {
          b.metric(key, NUMBERS[random.nextInt(NUMBERS.length)], random.nextInt(5), random.nextInt(5));
        }
      }
      for (String key : new String[] {"lr", "model", "batch size"}) {
        if (random.nextInt(key.equals("batch size") ? 50 : 2) == 0) {
          b.param(key, pick(random, VALUES));
        }
      }
      for (String key : new String[] {"team", "env", "mlflow.note"}) {
        if (random.nextInt(key.equals("env") ? 30 : 2) == 0) {
          b.tag(key, pick(random, VALUES));
        }
      }
      if (random.nextInt(20) == 0) {
        b.inputsJson(
            "[{\"dataset\":{\"name\":\"" + pick(random, new String[] {"mnist", "cifar"}) + "\",\"digest\":\"d1\","
                + "\"source_type\":\"local\",\"source\":\"/d\"},\"tags\":[{\"key\":\"mlflow.data.context\",\"value\":\"train\"}]}]");
      }
    }
    return b.build();
  }

  private static final java.util.Map<RunColumns, List<Run>> RUNS = new java.util.IdentityHashMap<>();

  private static RunPage reference(List<RunColumns> segments, SearchRequest req) {
    RunFilter filter = RunFilter.parse(req.filter());
    Set<String> experiments = new LinkedHashSet<>(req.experimentIds());
    List<Run> hits = new ArrayList<>();
    for (RunColumns cols : segments) {
      if (!experiments.contains(cols.experimentId())) {
        continue;
      }
      for (Run run : RUNS.computeIfAbsent(cols, c -> {
        List<Run> all = new ArrayList<>();
        for (int row = 0; row < c.rows(); row++) {
          all.add(c.run(row));
        }
        return all;
      })) {
        if (req.viewType().includes(run.info().lifecycleStage()) && filter.matches(run)) {
          hits.add(run);
        }
      }
    }
    hits.sort(RunSearch.ordering(OrderBy.parseForRuns(req.orderBy())));
    long offset = PageToken.decode(req.pageToken());
    int from = (int) Math.min(offset, hits.size());
    int to = (int) Math.min((long) from + req.maxResults(), hits.size());
    return new RunPage(hits.subList(from, to), to < hits.size() ? PageToken.encode(to) : null);
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }

  @Test
  void compareExactFast_agreesWithBigDecimal() {
    Random random = new Random(7);
    long[] longs = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, 1_700_000_000_000L, Long.MAX_VALUE - 1, Long.MAX_VALUE};
    double[] doubles = {
      0x1p63, -0x1p63, 0x1p62, Math.nextDown(0x1p63), Math.nextUp(-0x1p63), -0.0, 0.0, 0.5, -0.5, 1.5, -1.5,
      1e20, -1e20, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.7e12, 1.7e12 + 0.5, Double.MIN_VALUE
    };
    for (int i = 0; i < 200_000; i++) {
      long a = random.nextInt(4) == 0 ? longs[random.nextInt(longs.length)] : random.nextLong() >> random.nextInt(64);
      double b =
          switch (random.nextInt(4)) {
            case 0 -> doubles[random.nextInt(doubles.length)];
            case 1 -> (double) a + random.nextInt(3) - 1;
            case 2 -> a + random.nextDouble() * 4 - 2;
            default -> Double.longBitsToDouble(random.nextLong());
          };
      if (Double.isNaN(b)) {
        continue;
      }
      int want =
          Double.isInfinite(b) ? (b > 0 ? -1 : 1) : Integer.signum(new BigDecimal(a).compareTo(new BigDecimal(b)));
      assertThat(Compare.compareExactFast(a, b)).as("%s vs %s", a, b).isEqualTo(want);
      assertThat(Compare.compareExact(a, b)).isEqualTo(want);
    }
  }
}
