package io.tracklog.benchmarks;

import io.tracklog.Experiment;
import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.reader.StoreReader;
import io.tracklog.registry.ModelRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * Issue #12's registry budgets: {@code registerModel} + an alias at ≥ 5 k/s, and a registry search
 * over 10 k registered models × 10 versions in ≤ 10 ms.
 *
 * <ul>
 *   <li>{@code registerWithAlias}: one {@code registerModel("runs:/<run>/model", name)} (a new
 *       version of one of 100 models) and one {@code setRegisteredModelAlias} to it: two registry
 *       events, each appended under the cross-process registry lock (docs/FORMAT.md §Model registry
 *       log). Reported as register+alias pairs per second.
 *   <li>{@code searchVersions}, {@code searchModels}: {@code StoreReader.searchModelVersions} and
 *       {@code searchRegisteredModels} on a store of 10 k models × 10 versions (written once per
 *       trial through the public API), 100 results per page, with the filters below; the reader
 *       is warm (its registry snapshot folded), as in a long-lived reader or server.
 * </ul>
 */
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class RegistryBenchmark {
  /** A store with one run, whose registry takes new versions. */
  @State(Scope.Benchmark)
  public static class Writing {
    Path dir;
    Store store;
    ModelRegistry registry;
    String source;
    int next;

    @Setup
    public void open() throws IOException {
      dir = Files.createTempDirectory("tracklog-registry-bench");
      store = Store.open(dir, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build());
      String runId = store.run(RunSpec.of(Experiment.DEFAULT_ID, "trained"), r -> r.logMetric("acc", 0.9, 0));
      source = "runs:/" + runId + "/model";
      registry = store.registry();
    }

    @TearDown
    public void close() {
      store.close();
      Fixtures.deleteTree(dir);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public int registerWithAlias(Writing w) {
    String name = "model-" + (w.next++ % 100);
    int version = w.registry.registerModel(w.source, name).version();
    w.registry.setRegisteredModelAlias(name, "champion", version);
    return version;
  }

  /** 10 k models × 10 versions, tags on models and versions, some stages and aliases. */
  @State(Scope.Benchmark)
  public static class Registry {
    @Param({"10000"})
    int models;

    @Param({"10"})
    int versions;

    Path dir;
    StoreReader reader;

    @Setup
    public void write() throws IOException {
      dir = Files.createTempDirectory("tracklog-registry-search-bench");
      try (Store store = Store.open(dir, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
        String runId = store.run(RunSpec.of(Experiment.DEFAULT_ID, "trained"), r -> r.logMetric("acc", 0.9, 0));
        String source = "runs:/" + runId + "/model";
        ModelRegistry registry = store.registry();
        for (int m = 0; m < models; m++) {
          String name = "model-" + m;
          registry.createRegisteredModel(name, java.util.Map.of("team", "team-" + (m % 20)), "model " + m);
          for (int v = 1; v <= versions; v++) {
            registry.createModelVersion(name, source, runId, java.util.Map.of("validated", v % 3 == 0 ? "yes" : "no"), null, null);
          }
          if (m % 10 == 0) {
            registry.transitionModelVersionStage(name, versions, "Production", ModelRegistry.ExistingVersions.KEEP);
            registry.setRegisteredModelAlias(name, "champion", versions);
          }
        }
      }
      reader = StoreReader.open(dir);
      reader.searchRegisteredModels(null, 1, null, null); // fold the registry once
    }

    @TearDown
    public void close() {
      reader.close();
      Fixtures.deleteTree(dir);
    }
  }

  /** Versions of models whose names start with {@code model-12} (111 models, 1 110 versions), one tag, newest first. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Object searchVersions(Registry r) {
    return r.reader.searchModelVersions(
        "name LIKE 'model-12%' AND tags.validated = 'yes'", 100, List.of("version_number DESC"), null);
  }

  /** Models of one team (500 of 10 000) by a name pattern, ordered by name. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 3, time = 2)
  @Measurement(iterations = 5, time = 2)
  public Object searchModels(Registry r) {
    return r.reader.searchRegisteredModels("name LIKE '%-1%' AND tags.team = 'team-3'", 100, List.of("name ASC"), null);
  }
}
