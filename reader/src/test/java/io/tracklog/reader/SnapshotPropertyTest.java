package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.InputTag;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.SystemTags;
import io.tracklog.format.ByteSource;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.log.EventReader;
import io.tracklog.testing.Choices;
import io.tracklog.testing.Gen;
import io.tracklog.testing.Property;
import io.tracklog.testing.TryDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Compacted answer = raw-log answer": random event streams (many runs and keys, awkward steps,
 * timestamps and values, params, tags, renames, status changes, deletes and restores, batches,
 * dataset inputs, writers closed and resumed, the store reopened) with {@code compact()} and {@code
 * rebuild()} at random moments, some runs still open. After every few operations a fresh snapshot
 * must answer exactly what a full log replay answers, a refreshed one too, and snapshots taken
 * earlier must still answer what they answered then. A {@link Property}: a failure shrinks to the
 * fewest operations that show it (listed in the report), and names the seed that reproduces it.
 */
class SnapshotPropertyTest {
  private static final int STREAMS = 3;
  private static final int OPS_PER_STREAM = 300;
  private static final String[] KEYS = {"loss", "acc", "lr", "val/loss", "grad norm", "m.5"};
  private static final double[] SPECIAL = {
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, Double.MAX_VALUE, -Double.MIN_VALUE
  };
  private static final long[] STEPS = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 0, 1, 2, 3, -7, 1_000_000_000_000L};

  @TempDir Path dir;

  @Test
  void snapshots_answerAsTheLogs_atEveryPoint() {
    Property.drawing().tries(STREAMS).shrinkSeconds(300).check(c -> {
      try (TryDir t = TryDir.in(dir)) {
        new Stream(t.path(), c).play();
      }
    });
  }

  /** What a snapshot answered when it was taken, to check it later. */
  private record Expected(Snapshot snapshot, Map<String, Run> runs, Map<String, List<Metric>> histories) {}

  private static final class Stream {
    private final Path root;
    private final Choices random;
    private final List<String> experiments = new ArrayList<>();
    private final Set<String> deletedExperiments = new HashSet<>();
    private final List<String> runs = new ArrayList<>();
    private final Map<String, String> experimentOf = new HashMap<>();
    private final Set<String> deletedRuns = new HashSet<>();
    private final Map<String, Map<String, String>> params = new HashMap<>();
    private final Map<String, RunWriter> writers = new LinkedHashMap<>();
    private final List<Expected> pinned = new ArrayList<>();
    private final StringBuilder trace = new StringBuilder();
    private Store store;
    private int op;

    Stream(Path root, Choices random) {
      this.root = root;
      this.random = random;
    }

    private String why() {
      String t = trace.length() > 1500 ? "..." + trace.substring(trace.length() - 1500) : trace.toString();
      return "op " + op + ", last ops: " + t;
    }

    private void note(String s) {
      trace.append(op).append(':').append(s).append(' ');
      random.note(op + ": " + s);
    }

    void play() {
      store = Store.open(root, manual());
      try (StoreReader reader = StoreReader.open(root)) {
        for (int e = 0; e < 3; e++) {
          experiments.add(store.createExperiment("exp-" + e));
        }
        experiments.add(Experiment.DEFAULT_ID);
        Snapshot last = reader.snapshot();
        // OPS_PER_STREAM operations when fresh; a shrinker can end the stream after any of them
        for (op = 0; op < OPS_PER_STREAM && random.weighted(1.0); op++) {
          step();
          if (random.index(30) == 29 || op == OPS_PER_STREAM - 1) {
            last = check(reader, last);
          }
        }
        for (RunWriter w : writers.values()) {
          w.close();
        }
        writers.clear();
        note("compact-final");
        store.compact();
        check(reader, last);
      } finally {
        for (RunWriter w : writers.values()) {
          w.close();
        }
        store.close();
      }
    }

    private static StoreOptions manual() {
      return StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    }

    private void step() {
      int r = random.index(100);
      if (runs.isEmpty() || (r < 6 && runs.size() < 24)) {
        startRun();
      } else if (r < 45) {
        RunWriter w = writableWriter();
        if (w != null) {
          logMetrics(w);
        }
      } else if (r < 60) {
        RunWriter w = writableWriter();
        if (w != null) {
          statefulWrite(w);
        }
      } else if (r < 66) {
        RunWriter w = writableWriter();
        if (w != null) {
          note("end " + w.runId().substring(0, 4));
          w.end(RunStatus.values()[2 + random.index(3)]);
          if (random.weighted(0.5)) {
            close(w);
          }
        }
      } else if (r < 72) {
        RunWriter w = anyWriter();
        if (w != null) {
          close(w); // without ending: the run stays RUNNING (or as it was)
        }
      } else if (r < 78) {
        String runId = closedRun();
        if (runId != null && !deletedRuns.contains(runId)) {
          note("resume " + runId.substring(0, 4));
          writers.put(runId, store.resumeRun(runId));
        }
      } else if (r < 81) {
        String runId = closedRun();
        if (runId != null && !deletedRuns.contains(runId)) {
          RunStatus status = RunStatus.values()[random.index(RunStatus.values().length)];
          Long end = random.weighted(0.5) ? null : (long) random.index(1_000_000);
          note("update " + runId.substring(0, 4) + " " + status + " " + end);
          store.updateRun(runId, status, end);
        }
      } else if (r < 85) {
        String runId = runs.get(random.index(runs.size()));
        if (deletedRuns.contains(runId)) {
          note("restore " + runId.substring(0, 4));
          store.restoreRun(runId);
          deletedRuns.remove(runId);
        } else {
          note("delete " + runId.substring(0, 4));
          store.deleteRun(runId);
          deletedRuns.add(runId);
        }
      } else if (r < 87) {
        String exp = experiments.get(random.index(experiments.size() - 1)); // not the default one
        if (deletedExperiments.remove(exp)) {
          note("restoreExp " + exp);
          store.restoreExperiment(exp);
          for (String runId : runs) {
            if (experimentOf.get(runId).equals(exp)) {
              deletedRuns.remove(runId);
            }
          }
        } else {
          note("deleteExp " + exp);
          store.deleteExperiment(exp);
          deletedExperiments.add(exp);
          for (String runId : runs) {
            if (experimentOf.get(runId).equals(exp)) {
              deletedRuns.add(runId);
            }
          }
        }
      } else if (r < 95) {
        note("compact");
        store.compact();
      } else if (r < 98) {
        note("rebuild");
        store.rebuild();
      } else {
        note("reopen-store");
        for (RunWriter w : writers.values()) {
          w.close();
        }
        writers.clear();
        store.close();
        store = Store.open(root, manual());
      }
    }

    private void startRun() {
      List<String> active = new ArrayList<>(experiments);
      active.removeAll(deletedExperiments);
      String exp = active.get(random.index(active.size()));
      RunSpec.Builder spec = RunSpec.builder(exp).runName("run-" + runs.size());
      if (random.index(4) == 0) {
        spec.startTime((long) random.index(1_000_000));
      }
      RunWriter w = store.startRun(spec.build());
      note("start " + w.runId().substring(0, 4) + " in " + exp);
      runs.add(w.runId());
      experimentOf.put(w.runId(), exp);
      params.put(w.runId(), new HashMap<>());
      writers.put(w.runId(), w);
    }

    private RunWriter writableWriter() {
      List<RunWriter> ok = new ArrayList<>();
      for (RunWriter w : writers.values()) {
        if (!deletedRuns.contains(w.runId())) {
          ok.add(w);
        }
      }
      return ok.isEmpty() ? null : ok.get(random.index(ok.size()));
    }

    private RunWriter anyWriter() {
      List<RunWriter> all = new ArrayList<>(writers.values());
      return all.isEmpty() ? null : all.get(random.index(all.size()));
    }

    private String closedRun() {
      List<String> closed = new ArrayList<>();
      for (String runId : runs) {
        if (!writers.containsKey(runId)) {
          closed.add(runId);
        }
      }
      return closed.isEmpty() ? null : closed.get(random.index(closed.size()));
    }

    private void close(RunWriter w) {
      note("close " + w.runId().substring(0, 4));
      w.close();
      writers.remove(w.runId());
    }

    private double value() {
      return switch (random.index(4)) {
        case 0 -> SPECIAL[random.index(SPECIAL.length)];
        case 1 -> random.index(5); // duplicates
        default -> Gen.between(-4_000_000, 4_000_000).next(random) / 1_000_000.0;
      };
    }

    private long stepValue() {
      return random.index(3) == 0 ? STEPS[random.index(STEPS.length)] : random.index(30) - 5;
    }

    private long timestamp() {
      return random.index(5) == 0 ? STEPS[random.index(3)] & Long.MAX_VALUE : random.index(1000);
    }

    private void logMetrics(RunWriter w) {
      int n = 1 + random.index(random.index(10) == 0 ? 300 : 12);
      note("metrics " + w.runId().substring(0, 4) + " x" + n);
      for (int i = 0; i < n; i++) {
        w.logMetric(KEYS[random.index(KEYS.length)], value(), timestamp(), stepValue());
      }
    }

    private void statefulWrite(RunWriter w) {
      String runId = w.runId();
      Map<String, String> ps = params.get(runId);
      switch (random.index(7)) {
        case 0 -> {
          String key = "p" + random.index(8);
          String value = ps.getOrDefault(key, "v" + random.index(3));
          note("param " + key);
          w.logParam(key, value);
          ps.put(key, value);
        }
        case 1 -> {
          note("tag");
          w.setTag("t" + random.index(4), "v" + random.index(100));
        }
        case 2 -> {
          String key = "t" + random.index(4);
          if (w.state().tags().containsKey(key)) {
            note("deleteTag " + key);
            w.deleteTag(key);
          }
        }
        case 3 -> {
          note("rename");
          if (random.weighted(0.5)) {
            w.setTag(SystemTags.RUN_NAME, "renamed-" + random.index(100));
          } else {
            w.setName("named-" + random.index(100));
          }
        }
        case 4 -> {
          List<Metric> metrics = new ArrayList<>();
          for (int i = random.index(6); i > 0; i--) {
            metrics.add(new Metric(KEYS[random.index(KEYS.length)], value(), timestamp(), stepValue()));
          }
          List<Param> batchParams = new ArrayList<>();
          if (random.weighted(0.5)) {
            String key = "bp" + random.index(5);
            String value = ps.getOrDefault(key, "x" + random.index(3));
            batchParams.add(new Param(key, value));
            ps.put(key, value);
          }
          List<RunTag> tags = random.weighted(0.5) ? List.of(new RunTag("bt", "v" + random.index(9))) : List.of();
          note("batch m" + metrics.size());
          w.logBatch(metrics, batchParams, tags);
        }
        case 5 -> {
          int d = random.index(3);
          Dataset ds =
              new Dataset("ds" + d, "digest" + d, "local", "/data/" + d, d == 0 ? "{\"cols\":[]}" : null, null);
          note("input ds" + d);
          w.logInputs(
              List.of(
                  random.weighted(0.5)
                      ? DatasetInput.of(ds, random.weighted(0.5) ? "train" : null)
                      : new DatasetInput(ds, List.of(new InputTag("k", "v"), new InputTag(InputTag.CONTEXT, "eval")))));
        }
        default -> {
          note("status");
          w.updateStatus(random.weighted(0.5) ? RunStatus.RUNNING : RunStatus.SCHEDULED, null);
        }
      }
    }

    // ---- checks --------------------------------------------------------------------------------

    private Snapshot check(StoreReader reader, Snapshot last) {
      String why = why();
      // Every earlier snapshot still answers what it answered when taken.
      for (Expected e : pinned) {
        compare(e.snapshot(), e, why + " [pinned snapshot, generation " + e.snapshot().generation() + "]");
      }
      Expected now = oracle();
      Snapshot fresh = reader.snapshot();
      compare(fresh, now, why + " [fresh snapshot, generation " + fresh.generation() + "]");
      Snapshot refreshed = reader.refresh(last);
      compare(refreshed, now, why + " [refreshed snapshot]");
      assertThat(reader.refresh(fresh)).as(why + " refresh without changes").isSameAs(fresh);
      pinned.add(new Expected(fresh, now.runs(), now.histories()));
      if (pinned.size() > 4) {
        pinned.remove(random.index(pinned.size()));
      }
      return refreshed;
    }

    /** The naive answer: full log replay for runs, the raw log's metric events for histories. */
    private Expected oracle() {
      Map<String, Run> expectedRuns = new LinkedHashMap<>();
      Map<String, List<Metric>> histories = new HashMap<>();
      for (String runId : runs) {
        expectedRuns.put(runId, store.getRun(runId));
        for (String key : KEYS) {
          histories.put(runId + "\u0000" + key, new ArrayList<>());
        }
        try (EventReader log = store.openRunLog(runId)) {
          for (ByteSource src = log.next(); src != null; src = log.next()) {
            RunEvent e = EventCodec.decodeRunEvent(src);
            if (e instanceof RunEvent.MetricLogged m) {
              histories.get(runId + "\u0000" + m.metric().key()).add(m.metric());
            } else if (e instanceof RunEvent.BatchLogged b) {
              for (Metric m : b.metrics()) {
                histories.get(runId + "\u0000" + m.key()).add(m);
              }
            }
          }
        }
      }
      return new Expected(null, expectedRuns, histories);
    }

    private void compare(Snapshot snap, Expected expected, String why) {
      for (Map.Entry<String, Run> e : expected.runs().entrySet()) {
        String runId = e.getKey();
        assertThat(snap.getRun(runId)).as("getRun %s; %s", runId, why).isEqualTo(e.getValue());
        for (String key : KEYS) {
          assertThat(snap.metricHistory(runId, key))
              .as("metricHistory %s %s; %s", runId, key, why)
              .isEqualTo(expected.histories().get(runId + "\u0000" + key));
        }
      }
      for (String exp : experiments) {
        List<Run> inExp = new ArrayList<>();
        for (Map.Entry<String, Run> e : expected.runs().entrySet()) {
          if (experimentOf.get(e.getKey()).equals(exp)) {
            inExp.add(e.getValue());
          }
        }
        assertThat(snap.runs(exp, ViewType.ALL)).as("runs(%s, ALL); %s", exp, why).isEqualTo(inExp);
      }
    }
  }
}
