package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.LifecycleStage;
import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.reader.PageToken;
import io.tracklog.reader.RunColumns;
import io.tracklog.testing.Choices;
import io.tracklog.testing.Gen;
import io.tracklog.testing.Property;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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

  /**
   * Four data sets of six segments (200 to 2,700 rows each) and 150 requests each (up to five
   * pages): the engine's pages equal the reference's. Requests are drawn before the data, so
   * shrinking the data leaves the failing request as it was.
   */
  @Test
  void engine_equalsReference_onLargeRandomColumns() {
    Property.drawing().tries(4).shrinkSeconds(300).check(random -> {
      List<String> experiments = List.of("0", "1", "2");
      List<SearchRequest> requests = new ArrayList<>();
      for (int q = 0; q < 150 && random.weighted(1.0); q++) {
        requests.add(RunSearchEquivalenceTest.request(random, experiments));
      }
      List<RunColumns> segments = new ArrayList<>();
      for (int s = 0; s < 6 && random.weighted(1.0); s++) {
        segments.add(segment(random, experiments.get(random.index(experiments.size())), s, 200 + random.index(2500)));
      }
      random.note(segments.stream().map(c -> c.experimentId() + ":" + c.rows()).toList() + " (experiment:rows)");
      for (SearchRequest request : requests) {
        SearchRequest req = request;
        for (int page = 0; page < 5; page++) {
          RunPage expected = reference(segments, req);
          RunPage actual = ColumnarRunSearch.search(segments, req);
          assertThat(actual).as("request %s", req).isEqualTo(expected);
          if (expected.nextPageToken() == null) {
            break;
          }
          req = req.withPageToken(expected.nextPageToken());
        }
      }
    });
  }

  /** Up to {@code rows} runs with ascending ids (random gaps, so segments interleave little). */
  private static RunColumns segment(Choices random, String experiment, int s, int rows) {
    List<String> ids = new ArrayList<>();
    long last = 0;
    for (int i = 0; i < rows && random.weighted(1.0); i++) {
      last += 1 + random.below(0x1FFFFF); // up to 2 M apart: about 0xFFFFFFFF / 2,000 rows
      ids.add(String.format("%02d%08x", s, last));
    }
    RunColumns.Builder b = RunColumns.builder(experiment);
    for (String id : ids) {
      long start = 1000 + random.index(5) * 1000L;
      b.addRun(
          id,
          pick(random, new String[] {"r1", "r2", "Run_b", "alpha", "β"}),
          random.weighted(0.5) ? null : pick(random, new String[] {"ann", "bob"}),
          RunStatus.values()[random.index(RunStatus.values().length)],
          start,
          random.weighted(0.5) ? null : start + random.index(2000),
          "file:///x/" + id + "/artifacts",
          random.index(5) == 0 ? LifecycleStage.DELETED : LifecycleStage.ACTIVE);
      for (String key : new String[] {"loss", "acc", "f1.macro", "val loss"}) {
        // "val loss" is rare: a sparse column
        if (random.index(key.equals("val loss") ? 40 : 3) == 0) {
          b.metric(key, NUMBERS[random.index(NUMBERS.length)], random.index(5), random.index(5));
        }
      }
      for (String key : new String[] {"lr", "model", "batch size"}) {
        if (random.index(key.equals("batch size") ? 50 : 2) == 0) {
          b.param(key, pick(random, VALUES));
        }
      }
      for (String key : new String[] {"team", "env", "mlflow.note"}) {
        if (random.index(key.equals("env") ? 30 : 2) == 0) {
          b.tag(key, pick(random, VALUES));
        }
      }
      if (random.index(20) == 0) {
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
    return new RunPage(hits.subList(from, to), to < hits.size() ? PageToken.encode(to) : null, hits.size());
  }

  private static String pick(Choices random, String[] values) {
    return values[random.index(values.length)];
  }

  /** Exact long-versus-double comparison equals BigDecimal's, at the edges of both ranges too. */
  @Test
  void compareExactFast_agreesWithBigDecimal() {
    double[] doubles = {
      0x1p63, -0x1p63, 0x1p62, Math.nextDown(0x1p63), Math.nextUp(-0x1p63), -0.0, 0.0, 0.5, -0.5, 1.5, -1.5,
      1e20, -1e20, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.7e12, 1.7e12 + 0.5, Double.MIN_VALUE
    };
    Gen<Long> a =
        Gen.frequency(
            Gen.weight(1, Gen.oneOf(0L, 1L, -1L, 1_700_000_000_000L, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE)),
            Gen.weight(3, c -> Gen.longs().next(c) >> c.index(64)));
    Gen<long[]> pairs =
        c -> {
          long x = a.next(c);
          double y =
              switch (c.index(4)) {
                case 0 -> doubles[c.index(doubles.length)];
                case 1 -> (double) x + c.index(3) - 1;
                case 2 -> x + c.below(1 << 20) / (double) (1 << 18) - 2; // x plus an offset in [-2, 2)
                default -> Double.longBitsToDouble(Gen.longs().next(c));
              };
          return new long[] {x, Double.doubleToRawLongBits(y)};
        };
    Property.forAll(pairs).describedAs(p -> p[0] + " vs " + Double.longBitsToDouble(p[1])).tries(200_000).check(p -> {
      long x = p[0];
      double y = Double.longBitsToDouble(p[1]);
      if (Double.isNaN(y)) {
        return;
      }
      int want =
          Double.isInfinite(y) ? (y > 0 ? -1 : 1) : Integer.signum(new BigDecimal(x).compareTo(new BigDecimal(y)));
      assertThat(Compare.compareExactFast(x, y)).isEqualTo(want);
      assertThat(Compare.compareExact(x, y)).isEqualTo(want);
    });
  }
}
