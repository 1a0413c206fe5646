package io.tracklog.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.format.RunEvent;
import io.tracklog.testing.RunLogs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads of one JVM writing at once, released together from a latch: every event lands, each
 * thread's events keep their order in the log, and param first-value-wins holds under races.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyTest {
  private static final int THREADS = 8;
  private static final int N = 5_000;

  @TempDir Path dir;
  private ExecutorService pool;

  @BeforeEach
  void startPool() {
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  /** Runs {@code task(t)} on THREADS threads released together; returns their results. */
  private <T> List<T> together(ThreadTask<T> task) throws Exception {
    CountDownLatch ready = new CountDownLatch(THREADS);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      Callable<T> c =
          () -> {
            ready.countDown();
            go.await();
            return task.run(thread);
          };
      futures.add(pool.submit(c));
    }
    assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
    go.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(100, TimeUnit.SECONDS));
    }
    return results;
  }

  @FunctionalInterface
  private interface ThreadTask<T> {
    T run(int thread) throws Exception;
  }

  private static String key(int thread) {
    return "k" + thread;
  }

  /** Checks that the log holds exactly steps 0..N-1 of each key, in order. */
  private static void assertEveryThreadInOrder(List<Metric> metrics, int threads) {
    Map<String, List<Long>> steps = new HashMap<>();
    for (Metric m : metrics) {
      steps.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m.step());
      assertThat(m.value()).as("value of %s", m).isEqualTo((double) m.step());
    }
    assertThat(steps).hasSize(threads);
    List<Long> expected = new ArrayList<>();
    for (long s = 0; s < N; s++) {
      expected.add(s);
    }
    for (int t = 0; t < threads; t++) {
      assertThat(steps.get(key(t))).as("steps of %s in log order", key(t)).isEqualTo(expected);
    }
  }

  @Test
  void eightThreads_oneSharedWriter_everyEventPresentInThreadOrder() throws Exception {
    String runId;
    try (Store store = Store.open(dir)) {
      String exp = store.setExperiment("threads").experimentId();
      try (RunWriter run = store.startRun(exp)) {
        runId = run.runId();
        together(
            t -> {
              String k = key(t);
              for (int i = 0; i < N; i++) {
                run.logMetric(k, i, i);
              }
              return null;
            });
        run.end(RunStatus.FINISHED);
      }
      Run run = store.getRun(runId);
      assertThat(run.metrics()).hasSize(THREADS);
      for (int t = 0; t < THREADS; t++) {
        assertThat(run.metrics().get(key(t)).step()).isEqualTo(N - 1);
      }
    }
    List<RunEvent> events = RunLogs.read(dir, runId);
    assertThat(events).hasSize(1 + THREADS * N + 1);
    assertThat(events.get(0)).isInstanceOf(RunEvent.RunStarted.class);
    assertThat(events.get(events.size() - 1))
        .isInstanceOfSatisfying(
            RunEvent.StatusChanged.class, s -> assertThat(s.status()).isEqualTo(RunStatus.FINISHED));
    assertEveryThreadInOrder(RunLogs.metrics(events), THREADS);
    assertInterleaved(RunLogs.metrics(events));
  }

  /** The threads really ran at once: the log switches between keys more than once per thread. */
  private static void assertInterleaved(List<Metric> metrics) {
    int switches = 0;
    for (int i = 1; i < metrics.size(); i++) {
      if (!metrics.get(i).key().equals(metrics.get(i - 1).key())) {
        switches++;
      }
    }
    // Not a correctness property, but without interleaving this test would prove nothing.
    assertThat(switches).as("key switches in the shared log").isGreaterThanOrEqualTo(THREADS - 1);
  }

  @Test
  void eightThreads_eightRuns_startedAtOnce_everyEventPresentInOrder() throws Exception {
    List<String> runIds;
    String exp;
    try (Store store = Store.open(dir)) {
      exp = store.setExperiment("runs").experimentId();
      runIds =
          together(
              t -> {
                String k = key(t);
                try (RunWriter run = store.startRun(exp)) {
                  for (int i = 0; i < N; i++) {
                    run.logMetric(k, i, i);
                  }
                  run.end(RunStatus.FINISHED);
                  return run.runId();
                }
              });
      assertThat(runIds).doesNotHaveDuplicates();
      assertThat(store.runIds(exp)).containsExactlyInAnyOrderElementsOf(runIds);
      for (String id : runIds) {
        assertThat(store.getRun(id).info().status()).isEqualTo(RunStatus.FINISHED);
      }
    }
    for (int t = 0; t < THREADS; t++) {
      List<RunEvent> events = RunLogs.read(dir, runIds.get(t));
      assertThat(events).hasSize(N + 2);
      assertThat(RunLogs.replay(events).experimentId()).isEqualTo(exp);
      List<Metric> metrics = RunLogs.metrics(events);
      assertThat(metrics).hasSize(N);
      for (int i = 0; i < N; i++) {
        assertThat(metrics.get(i).key()).isEqualTo(key(t));
        assertThat(metrics.get(i).step()).isEqualTo(i);
      }
    }
  }

  @Test
  void sameParamSameValue_fromAllThreads_loggedOnce() throws Exception {
    int rounds = 30;
    String runId;
    try (Store store = Store.open(dir)) {
      String exp = store.setExperiment("params").experimentId();
      try (RunWriter run = store.startRun(exp)) {
        runId = run.runId();
        for (int r = 0; r < rounds; r++) {
          String k = "same" + r;
          together(
              t -> {
                run.logParam(k, "v");
                return null;
              });
        }
      }
      assertThat(store.getRun(runId).params()).hasSize(rounds).allSatisfy((k, v) -> assertThat(v).isEqualTo("v"));
    }
    Map<String, Integer> logged = paramEventCounts(RunLogs.read(dir, runId));
    assertThat(logged).hasSize(rounds).allSatisfy((k, n) -> assertThat(n).as("events for %s", k).isEqualTo(1));
  }

  @Test
  void sameParamDifferentValues_exactlyOneThreadWins_othersGetInvalidParameter() throws Exception {
    int rounds = 30;
    String runId;
    Map<String, String> winners = new HashMap<>();
    try (Store store = Store.open(dir)) {
      String exp = store.setExperiment("params").experimentId();
      try (RunWriter run = store.startRun(exp)) {
        runId = run.runId();
        for (int r = 0; r < rounds; r++) {
          String k = "diff" + r;
          List<Object> outcomes =
              together(
                  t -> {
                    String value = "v" + t;
                    try {
                      run.logParam(k, value);
                      return value;
                    } catch (InvalidParameterException e) {
                      return e;
                    }
                  });
          List<Object> won = outcomes.stream().filter(o -> o instanceof String).toList();
          assertThat(won).as("winners of %s", k).hasSize(1);
          assertThat(outcomes.stream().filter(o -> o instanceof InvalidParameterException))
              .as("losers of %s", k)
              .hasSize(THREADS - 1)
              .allSatisfy(
                  e ->
                      assertThat(((Exception) e).getMessage())
                          .contains("Changing param values is not allowed")
                          .contains("value='" + won.get(0) + "'"));
          winners.put(k, (String) won.get(0));
        }
      }
      assertThat(store.getRun(runId).params()).isEqualTo(winners);
    }
    List<RunEvent> events = RunLogs.read(dir, runId);
    assertThat(paramEventCounts(events)).hasSize(rounds).allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
    for (RunEvent e : events) {
      if (e instanceof RunEvent.ParamLogged p) {
        assertThat(p.param().value()).isEqualTo(winners.get(p.param().key()));
      }
    }
  }

  private static Map<String, Integer> paramEventCounts(List<RunEvent> events) {
    Map<String, Integer> counts = new HashMap<>();
    for (RunEvent e : events) {
      if (e instanceof RunEvent.ParamLogged p) {
        counts.merge(p.param().key(), 1, Integer::sum);
      }
    }
    return counts;
  }

  @Test
  void cyclicBarrierRounds_metricsAndParamsMixed_logReplays() throws Exception {
    // Metrics (no lock) and params (state lock) from the same threads at once, round after round.
    int rounds = 50;
    CyclicBarrier barrier = new CyclicBarrier(THREADS);
    String runId;
    try (Store store = Store.open(dir)) {
      String exp = store.setExperiment("mixed").experimentId();
      try (RunWriter run = store.startRun(exp)) {
        runId = run.runId();
        together(
            t -> {
              String k = key(t);
              for (int r = 0; r < rounds; r++) {
                barrier.await(30, TimeUnit.SECONDS);
                run.logMetric(k, r, r);
                run.logParam(k + "-p" + r, "x" + r);
                run.setTag("t" + r, "same");
              }
              return null;
            });
      }
    }
    List<RunEvent> events = RunLogs.read(dir, runId);
    RunLogs.replay(events);
    List<Metric> metrics = RunLogs.metrics(events);
    assertThat(metrics).hasSize(THREADS * rounds);
    for (int t = 0; t < THREADS; t++) {
      String k = key(t);
      assertThat(metrics.stream().filter(m -> m.key().equals(k)).map(Metric::step))
          .containsExactlyElementsOf(java.util.stream.LongStream.range(0, rounds).boxed().toList());
    }
    assertThat(paramEventCounts(events)).hasSize(THREADS * rounds);
  }

  /**
   * The store closed by one thread while others are mid-call: every writer thread gets the typed
   * {@link AlreadyClosedException}, never a raw Chronicle error, and each thread's acknowledged
   * points are in the log as an unbroken prefix. Odd threads set a tag before every point, so the
   * close also lands inside the state-checked path (catch up with the log, then append).
   */
  @Test
  void storeClosedUnderActiveWriters_writersGetAlreadyClosed_acknowledgedPrefixKept() throws Exception {
    int threads = 4;
    CountDownLatch warm = new CountDownLatch(threads);
    long[] acknowledged = new long[threads];
    List<String> runIds = new ArrayList<>();
    List<Future<Throwable>> outcomes = new ArrayList<>();
    Store store = Store.open(dir);
    String exp = store.setExperiment("closing").experimentId();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      RunWriter run = store.startRun(exp);
      runIds.add(run.runId());
      outcomes.add(
          pool.submit(
              () -> {
                try {
                  for (long step = 0; ; step++) {
                    if (thread % 2 == 1 || step % 100 == 50) {
                      run.setTag("progress", Long.toString(step));
                    }
                    run.logMetric("m", step, step);
                    acknowledged[thread] = step + 1;
                    if (step == 1_000) {
                      warm.countDown();
                    }
                  }
                } catch (Throwable e) {
                  return e;
                }
              }));
    }
    assertThat(warm.await(60, TimeUnit.SECONDS)).isTrue();
    store.close();
    for (int t = 0; t < threads; t++) {
      assertThat(outcomes.get(t).get(60, TimeUnit.SECONDS))
          .as("thread %s", t)
          .isInstanceOf(io.tracklog.error.AlreadyClosedException.class);
    }
    for (int t = 0; t < threads; t++) {
      List<Metric> metrics = RunLogs.metrics(RunLogs.read(dir, runIds.get(t)));
      assertThat((long) metrics.size()).isGreaterThanOrEqualTo(acknowledged[t]);
      for (int i = 0; i < metrics.size(); i++) {
        assertThat(metrics.get(i).step()).isEqualTo(i);
      }
    }
  }
}
