package io.tracklog.cli.ui;

import io.tracklog.Durability;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A generated store of many small runs in one experiment, written as fast as the public API allows:
 * runs from several threads ({@link Store#run} with one {@code logBatch} each), page-cache
 * durability, no source tags, and a {@link Store#compact()} every {@value #COMPACT_EVERY} runs, so the
 * reader searches columns (uncompacted, a first search of 100 k runs took 5-10 s here; compacted,
 * 0.1 s). 100 k runs take about 15 s on 2 cores.
 *
 * <p>Run {@code i}: name {@code run-<i>}, start time {@code START + i} seconds (so the default order,
 * start time descending, is the reverse of {@code i}), ended FINISHED 1-2 s later, params {@code optimizer} (adam, sgd, rmsprop
 * by {@code i % 3}) and {@code batch_size} (32 · 2^(i % 4)), and one point each of {@code accuracy}
 * (a hash of {@code i} in [0, 1)) and {@code loss} (1 − accuracy).
 */
final class LargeStore {
  static final String EXPERIMENT = "sweep";
  static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final String[] OPTIMIZERS = {"adam", "sgd", "rmsprop"};

  /**
   * Runs written between two compactions. One compaction of 100 k new runs took 43 s here (its plan
   * is quadratic in the runs it adds: Compactor.plan's List.contains); ten of 10 k, merges included,
   * about 12 s: a store compacted as it grows.
   */
  static final int COMPACT_EVERY = 10_000;

  private LargeStore() {}

  /** Options the generator writes with; the store is then served with the same. */
  static StoreOptions options() {
    return StoreOptions.builder()
        .durability(Durability.PAGE_CACHE)
        .compaction(StoreOptions.CompactionTrigger.MANUAL)
        .sourceTags(false)
        .userName("sweeper")
        .build();
  }

  /**
   * Writes {@code runs} runs into a new experiment of the store at {@code root}, compacting after
   * every {@value #COMPACT_EVERY}; returns the experiment id.
   */
  static String write(Path root, int runs) {
    try (Store store = Store.open(root, options())) {
      String experimentId = store.createExperiment(EXPERIMENT);
      int threads = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        for (int from = 0; from < runs; from += COMPACT_EVERY) {
          int to = Math.min(runs, from + COMPACT_EVERY);
          List<Future<?>> parts = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int first = from + t;
            parts.add(pool.submit(() -> {
              for (int i = first; i < to; i += threads) {
                writeRun(store, experimentId, i);
              }
            }));
          }
          for (Future<?> part : parts) {
            part.get();
          }
          store.compact();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while writing the store", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("writing the store failed", e.getCause());
      } finally {
        pool.shutdownNow();
      }
      return experimentId;
    }
  }

  static double accuracy(int i) {
    long z = (i + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }

  private static void writeRun(Store store, String experimentId, int i) {
    long start = START + i * 1000L;
    RunSpec spec = RunSpec.builder(experimentId).runName("run-" + i).startTime(start).build();
    double accuracy = accuracy(i);
    store.run(spec, run -> {
      run.logBatch(
          List.of(new Metric("accuracy", accuracy, start + 500, 0), new Metric("loss", 1 - accuracy, start + 500, 0)),
          List.of(new Param("optimizer", OPTIMIZERS[i % 3]), new Param("batch_size", Integer.toString(32 << (i % 4)))),
          List.of());
      run.end(RunStatus.FINISHED, start + 1000 + i % 1000);
    });
  }
}
