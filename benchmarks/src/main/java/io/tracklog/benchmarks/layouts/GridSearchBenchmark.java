package io.tracklog.benchmarks.layouts;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole grid search (issue #6), one op: in an empty store (opened outside the measurement), create an
 * experiment; 12 runs, each: start, 3 params (learning rate, batch size, optimizer), 100 epochs × 4
 * metrics logged one call each, end; then find the best run (highest latest {@code val_acc} among the
 * runs with optimizer "adam") through the layout's search. Checks the answer.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 15)
@Fork(1)
public class GridSearchBenchmark {
  static final String[] LR = {"0.1", "0.01", "0.001"};
  static final String[] BATCH = {"32", "128"};
  static final String[] OPT = {"adam", "sgd"};

  @State(Scope.Thread)
  public static class Empty {
    @Param({"TRACKLOG", "MLFLOW_FILES", "SQLITE", "SQLITE_BATCHED", "JSONL", "ROCKSDB"})
    public Layout layout;

    Path dir;
    StorageLayout store;

    @Setup(Level.Invocation)
    public void open() {
      dir = DiskUsage.tempDir("layouts-grid-");
      store = layout.open(dir.resolve("store"));
    }

    @TearDown(Level.Invocation)
    public void close() {
      try {
        store.close();
      } finally {
        DiskUsage.deleteTree(dir);
      }
    }
  }

  @Benchmark
  public String gridSearch(Empty e) {
    StorageLayout store = e.store;
    String exp = store.createExperiment("grid");
    String expectedBest = null;
    long t = System.currentTimeMillis();
    for (int r = 0; r < 12; r++) {
      String lr = LR[r % 3];
      String batch = BATCH[(r / 3) % 2];
      String opt = OPT[r / 6];
      try (StorageLayout.LayoutRun run = store.startRun(exp, null, "grid-" + r, t)) {
        run.logParam("learning_rate", lr);
        run.logParam("batch_size", batch);
        run.logParam("optimizer", opt);
        // Run r converges towards 0.80 + r/100: the best adam run is r = 5.
        double target = 0.80 + r / 100.0;
        for (int epoch = 0; epoch < 100; epoch++) {
          double progress = 1.0 - Math.exp(-epoch / 20.0);
          run.logMetric("train_loss", 2.0 * (1 - progress) + 0.05, t, epoch);
          run.logMetric("val_loss", 2.1 * (1 - progress) + 0.08, t, epoch);
          run.logMetric("train_acc", target * progress + 0.01, t, epoch);
          run.logMetric("val_acc", target * progress, t, epoch);
        }
        run.end(t);
        if (r == 5) {
          expectedBest = run.runId();
        }
      }
    }
    List<String> best =
        store.search(new StorageLayout.RunQuery(List.of(exp), "val_acc", 0.0, "optimizer", "adam", "val_acc", true, 1));
    if (best.size() != 1 || !best.get(0).equals(expectedBest)) {
      throw new IllegalStateException(e.layout + " found " + best + ", expected " + expectedBest);
    }
    return best.get(0);
  }
}
