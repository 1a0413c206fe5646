package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a store of many short runs weighs in apparent size ({@code du --apparent-size}, what
 * {@code zip}, {@code rsync} without {@code -S} and object stores copy): a run costs what a row
 * costs, and nothing is preallocated or sparse beyond Chronicle's fixed first index arrays
 * (docs/DESIGN-NOTES.md, "Where a run's bytes go"). Before store format 2, each of these runs was
 * a Chronicle queue of its own, 80 MiB apparent.
 */
class StoreFootprintTest {
  private static final int RUNS = 2_000;

  @TempDir Path dir;

  @Test
  void aSweepOfShortRuns_weighsAboutAKilobyteARun_andNoFileIsPreallocated() throws IOException {
    StoreOptions manual = StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    try (Store store = Store.open(dir, manual)) {
      String exp = store.createExperiment("sweep");
      for (int i = 0; i < RUNS; i++) {
        int n = i;
        store.run(RunSpec.of(exp, "trial-" + i), r -> {
          r.logParam("lr", Double.toString(1e-4 * n));
          r.logParam("depth", Integer.toString(n % 9));
          r.logParam("seed", Integer.toString(n));
          for (int step = 0; step < 10; step++) {
            r.logMetric("loss", 1.0 / (step + 1 + n), step);
            r.logMetric("accuracy", 0.5 + step / 20.0, step);
          }
        });
      }
      long logsOnly = apparent(dir);
      store.compact();
      long compacted = apparent(dir);
      Map<String, Long> byFile = files(dir);
      System.out.printf("StoreFootprintTest: %d runs, %d B before compaction, %d B after%n", RUNS, logsOnly, compacted);
      assertThat(logsOnly).as("before compaction: %s", byFile).isLessThan(fixedQueueBytes() + RUNS * 1_200L);
      // the logs stay (they are the source of truth); compaction adds the Arrow files
      assertThat(compacted).as("after compaction: %s", byFile).isLessThan(fixedQueueBytes() + RUNS * 2_000L);
      for (Map.Entry<String, Long> f : byFile.entrySet()) {
        if (f.getKey().endsWith(".cq4")) { // a cycle file: its content and the index arrays Chronicle starts with
          assertThat(f.getValue()).as(f.getKey()).isLessThan(2L << 20);
        }
      }
    }
  }

  /**
   * The store's queues before any run: the catalog's and one lane's {@code metadata.cq4t} (128 KiB
   * each) and first cycle files (128 and 320 KiB, their first index arrays).
   */
  private static long fixedQueueBytes() {
    return (128 + 128 + 128 + 320) * 1024L;
  }

  private static long apparent(Path root) throws IOException {
    return files(root).values().stream().mapToLong(Long::longValue).sum();
  }

  private static Map<String, Long> files(Path root) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        out.put(root.relativize(p).toString(), Files.size(p));
      }
    }
    return out;
  }
}
