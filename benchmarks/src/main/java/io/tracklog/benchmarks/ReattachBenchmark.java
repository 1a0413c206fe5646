package io.tracklog.benchmarks;

import io.tracklog.Experiment;
import io.tracklog.RunSpec;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Attaching a writer to a run that has been attached to many times before: what a tracking server
 * pays when its writer cache evicts a run and a request brings it back, and what
 * {@code Store.resumeRun} pays in a job that resumes a run once per step. One operation is {@code
 * attachRun} + one {@code logMetric} + {@code close}, on a run attached {@code priorAttachments}
 * times already (each with one point). The attach reads the run's state from every earlier
 * attachment (docs/DESIGN-NOTES.md, "Tailers are pooled").
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@State(Scope.Benchmark)
public class ReattachBenchmark {
  @Param({"10", "1000"})
  int priorAttachments;

  Path dir;
  Store store;
  String runId;
  long step;

  @Setup
  public void open() throws IOException {
    dir = Files.createTempDirectory("tracklog-reattach-bench");
    store = Store.open(dir, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).sourceTags(false).build());
    try (RunWriter w = store.startRun(RunSpec.of(Experiment.DEFAULT_ID, "resumed"))) {
      runId = w.runId();
    }
    for (int i = 0; i < priorAttachments; i++) {
      cycle();
    }
  }

  @TearDown
  public void close() {
    store.close();
    Fixtures.deleteTree(dir);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 5, time = 2)
  public long attachLogClose() {
    return cycle();
  }

  private long cycle() {
    try (RunWriter w = store.attachRun(runId)) {
      w.logMetric("loss", 1.0, 1, step);
    }
    return step++;
  }
}
