package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import io.tracklog.testing.Choices;
import io.tracklog.testing.Property;
import io.tracklog.testing.TryDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The columnar search equals the reference evaluation: for random stores (runs compacted, runs
 * logging after compaction, runs kept open across it, runs never compacted, deletions, NaN and
 * ±Infinity, missing keys, equal start times, dataset inputs) and random valid filters and
 * orderings generated from the grammar, {@link RunSearch#search} returns the same runs in the same
 * order with the same page tokens as {@code RunSearch.searchNaive}, page after page. A {@link
 * Property}: a failure shrinks to a small store and one request, and names the seed that reproduces it.
 */
class RunSearchEquivalenceTest {
  private static final int STORES = 4;
  private static final int REQUESTS_PER_STORE = 400;
  private static final String[] METRICS = {"loss", "acc", "f1.macro", "val loss"};
  private static final String[] PARAMS = {"lr", "model", "batch size"};
  private static final String[] TAGS = {"team", "env", "mlflow.note"};
  private static final String[] VALUES = {"a", "b", "cnn", "CNN", "rnn_1", "10", "9", "0.01", "x%y", "Ünï", ""};
  private static final double[] NUMBERS = {
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 0.5, 1, 2, -1, 1e300, 0.25
  };
  private static final String[] LITERALS = {"0", "0.5", "1", "2", "-1", ".25", "1e300", "1e-3", "5.", "-0"};
  private static final String[] STATUSES = {"RUNNING", "FINISHED", "FAILED", "KILLED", "SCHEDULED"};

  @TempDir Path dir;

  @Test
  void columnarSearch_equalsReference_onRandomStoresAndRequests() {
    int[] pages = {0};
    Property.drawing().tries(STORES).shrinkSeconds(300).check(c -> {
      try (TryDir t = TryDir.in(dir)) {
        pages[0] += check(t.path(), c);
      }
    });
    assertThat(pages[0]).isGreaterThan(STORES * REQUESTS_PER_STORE);
  }

  /**
   * Draws {@link #REQUESTS_PER_STORE} requests, builds a store in three phases and checks the
   * requests on it. The requests come first, so that shrinking the store leaves the failing request
   * as it was. Loops run their full count when fresh; each iteration asks {@code weighted(1.0)}
   * first, so a shrinker can end any of them early.
   */
  private int check(Path root, Choices random) {
    List<SearchRequest> requests = new ArrayList<>();
    for (int q = 0; q < REQUESTS_PER_STORE && random.weighted(1.0); q++) {
      requests.add(request(random, List.of("0", "1", "2")));
    }
    List<String> experiments = new ArrayList<>();
    List<String> runIds = new ArrayList<>();
    List<RunWriter> open = new ArrayList<>();
    StoreOptions options = StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    int pages = 0;
    try (Store store = Store.open(root, options)) {
      experiments.add(Experiment.DEFAULT_ID);
      experiments.add(store.createExperiment("e1"));
      experiments.add(store.createExperiment("e2"));
      assertThat(experiments).as("the ids the requests name").containsExactly("0", "1", "2");
      // phase 1: runs ended and compacted (two compactions: several segments per experiment)
      for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 25 && random.weighted(1.0); i++) {
          RunWriter w = start(store, random, experiments, runIds);
          fill(w, random);
          int r = random.index(5);
          if (r < 3) {
            w.end(RunStatus.values()[2 + r]); // FINISHED, FAILED, KILLED
          } else if (r == 3) {
            w.updateStatus(RunStatus.SCHEDULED, null);
          } // else it stays RUNNING, with no end time
          w.close();
        }
        for (int i = 0; i < 4 && random.weighted(1.0); i++) { // open across the compaction: not sealed
          RunWriter w = start(store, random, experiments, runIds);
          fill(w, random);
          open.add(w);
        }
        store.compact();
      }
      // phase 2: compacted runs change after compaction (live tails over compacted rows)
      for (int i = 0; i < 12 && !runIds.isEmpty() && random.weighted(1.0); i++) {
        String runId = runIds.get(random.index(runIds.size()));
        switch (random.index(3)) {
          case 0 -> {
            try {
              store.deleteRun(runId);
            } catch (RuntimeException e) {
              // already deleted
            }
          }
          case 1 -> {
            try {
              store.restoreRun(runId);
            } catch (RuntimeException e) {
              // not deleted
            }
          }
          default -> {
            if (open.stream().noneMatch(w -> w.runId().equals(runId))) {
              try (RunWriter w = store.resumeRun(runId)) {
                fill(w, random);
              } catch (RuntimeException e) {
                // a deleted run takes no writes
              }
            }
          }
        }
      }
      for (RunWriter w : open) {
        try {
          fill(w, random);
        } catch (io.tracklog.error.RunNotActiveException e) {
          // deleted in phase 2
        }
      }
      // phase 3: runs never compacted
      for (int i = 0; i < 10 && random.weighted(1.0); i++) {
        RunWriter w = start(store, random, experiments, runIds);
        fill(w, random);
        if (random.weighted(0.5)) {
          w.end(RunStatus.FINISHED);
        }
        w.close();
      }
      try (StoreReader reader = StoreReader.open(root)) {
        Snapshot snap = reader.snapshot();
        random.note(runIds.size() + " runs, " + requests.size() + " requests");
        if (snap.liveRunIds().isEmpty()) {
          throw new Property.Rejected("no runs"); // only ever while shrinking
        }
        for (SearchRequest request : requests) {
          SearchRequest req = request;
          String why = "request " + req;
          for (int page = 0; page < 50; page++) {
            RunPage expected = RunSearch.searchNaive(snap, req);
            RunPage actual = RunSearch.search(snap, req);
            assertThat(ids(actual)).as(why).isEqualTo(ids(expected));
            assertThat(actual.runs()).as(why).isEqualTo(expected.runs());
            assertThat(actual.nextPageToken()).as(why).isEqualTo(expected.nextPageToken());
            pages++;
            if (expected.nextPageToken() == null) {
              break;
            }
            req = req.withPageToken(expected.nextPageToken());
          }
        }
      }
    } finally {
      for (RunWriter w : open) {
        w.close();
      }
    }
    return pages;
  }

  private static List<String> ids(RunPage page) {
    return page.runs().stream().map(Run::runId).toList();
  }

  private static RunWriter start(Store store, Choices random, List<String> experiments, List<String> runIds) {
    String exp = experiments.get(random.index(experiments.size()));
    RunSpec.Builder spec =
        RunSpec.builder(exp)
            .runName(pick(random, new String[] {"r1", "r2", "Run_b", "alpha", "β"}))
            .startTime(1_000 + random.index(5) * 1000L); // equal start times: the run_id tie-break
    if (random.weighted(0.5)) {
      spec.userId(pick(random, new String[] {"ann", "bob", "Ann"}));
    }
    RunWriter w = store.startRun(spec.build());
    runIds.add(w.runId());
    return w;
  }

  private static void fill(RunWriter w, Choices random) {
    for (String key : METRICS) {
      int points = random.index(4) - 1; // often none: missing keys
      for (int p = 0; p < points; p++) {
        w.logMetric(key, NUMBERS[random.index(NUMBERS.length)], 1_000 + random.index(3), random.index(3));
      }
    }
    for (String key : PARAMS) {
      if (random.index(3) > 0) {
        try {
          w.logParam(key, pick(random, VALUES));
        } catch (RuntimeException e) {
          // a param keeps its first value
        }
      }
    }
    for (String key : TAGS) {
      if (random.index(3) > 0) {
        w.setTag(key, pick(random, VALUES));
      } else if (random.index(4) == 0 && w.state().tags().containsKey(key)) {
        w.deleteTag(key);
      }
    }
    if (random.index(4) == 0) {
      w.logInput(
          DatasetInput.of(
              new Dataset(pick(random, new String[] {"mnist", "cifar"}), pick(random, new String[] {"d1", "d2"}), "local", "/data", null, null),
              random.weighted(0.5) ? pick(random, new String[] {"train", "eval"}) : null));
    }
  }

  private static String pick(Choices random, String[] values) {
    return values[random.index(values.length)];
  }

  // ---- requests from the grammar ---------------------------------------------------------------

  static SearchRequest request(Choices random, List<String> experiments) {
    List<String> ids = new ArrayList<>();
    int n = 1 + random.index(4);
    for (int i = 0; i < n; i++) {
      ids.add(random.index(8) == 0 ? "404" : experiments.get(random.index(experiments.size())));
    }
    SearchRequest.Builder b = SearchRequest.builder(ids);
    StringJoiner filter = new StringJoiner(random.weighted(0.5) ? " AND " : " and ");
    int clauses = random.index(4);
    for (int i = 0; i < clauses; i++) {
      filter.add(clause(random));
    }
    b.filter(filter.toString());
    int keys = random.index(4);
    for (int i = 0; i < keys; i++) {
      b.orderBy(orderKey(random) + pick(random, new String[] {"", " ASC", " DESC", " desc"}));
    }
    b.maxResults(1 + random.index(random.weighted(0.5) ? 5 : 40));
    b.viewType(ViewType.values()[random.index(ViewType.values().length)]);
    return b.build();
  }

  private static String quoted(String s) {
    return s.contains("'") ? "\"" + s + "\"" : "'" + s + "'";
  }

  private static String key(String prefix, String key) {
    return prefix + "." + (key.contains(" ") ? "`" + key + "`" : key);
  }

  private static String stringOp(Choices random) {
    return pick(random, new String[] {"=", "!=", "LIKE", "ILIKE", "like"});
  }

  private static String pattern(Choices random) {
    return pick(random, new String[] {"%", "c%", "%N", "_", "__", "%1", "r%_%", "x%y", "X%Y", "%ü%", ""});
  }

  private static String clause(Choices random) {
    switch (random.index(9)) {
      case 0, 1 -> {
        return key(pick(random, new String[] {"metrics", "metric"}), pick(random, METRICS)) + " "
            + pick(random, new String[] {"=", "!=", ">", ">=", "<", "<="}) + " " + pick(random, LITERALS);
      }
      case 2 -> {
        String op = stringOp(random);
        String v = op.toUpperCase(java.util.Locale.ROOT).contains("LIKE") ? pattern(random) : pick(random, VALUES);
        return key(pick(random, new String[] {"params", "param", "parameters"}), pick(random, PARAMS)) + " " + op + " " + quoted(v);
      }
      case 3 -> {
        String op = stringOp(random);
        String v = op.toUpperCase(java.util.Locale.ROOT).contains("LIKE") ? pattern(random) : pick(random, VALUES);
        return key(pick(random, new String[] {"tags", "tag"}), pick(random, TAGS)) + " " + op + " " + quoted(v);
      }
      case 4 -> {
        String attr = pick(random, new String[] {"status", "run_name", "user_id", "attributes.status", "`Run name`", "artifact_uri"});
        String op = stringOp(random);
        String v =
            op.toUpperCase(java.util.Locale.ROOT).contains("LIKE")
                ? pick(random, new String[] {"%", "F%", "%ED", "r_", "%b%", "file:%", "%artifacts"})
                : pick(random, new String[] {"FINISHED", "RUNNING", "KILLED", "r1", "Run_b", "ann", "bob", "β"});
        return attr + " " + op + " " + quoted(v);
      }
      case 5 -> {
        return pick(random, new String[] {"start_time", "created", "attribute.end_time", "end_time"}) + " "
            + pick(random, new String[] {"=", "!=", ">", ">=", "<", "<="}) + " "
            + pick(random, new String[] {"1000", "2000", "2500.5", "0", "1e20", "3000", "1700000000000"});
      }
      case 6 -> {
        return "status " + pick(random, new String[] {"=", "!="}) + " " + quoted(pick(random, STATUSES));
      }
      case 7 -> {
        return "datasets." + pick(random, new String[] {"name", "digest", "context"}) + " "
            + pick(random, new String[] {"= 'mnist'", "!= 'cifar'", "LIKE 'd%'", "IN ('train', 'd2')", "NOT IN ('eval')", "ILIKE 'TRAIN'"});
      }
      default -> {
        return "run_id " + pick(random, new String[] {"LIKE '%a%'", "NOT IN ('ABC')", "IN ('x', 'y')", "!= 'x'", "ILIKE '%F%'"});
      }
    }
  }

  private static String orderKey(Choices random) {
    return switch (random.index(5)) {
      case 0, 1 -> key("metrics", pick(random, METRICS));
      case 2 -> key("params", pick(random, PARAMS));
      case 3 -> key("tags", pick(random, TAGS));
      default -> pick(random, new String[] {"start_time", "end_time", "run_name", "status", "user_id", "run_id", "artifact_uri", "attributes.created"});
    };
  }
}
