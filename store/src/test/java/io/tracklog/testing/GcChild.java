package io.tracklog.testing;

import io.tracklog.GcOptions;
import io.tracklog.GcReport;
import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child JVM for GcCrashIT: {@code root seed}: forever (until killed, or {@link #LIMIT} rounds, then
 * {@code LIMIT}): writes a few runs with metrics and artifacts, deletes some of them (and, every third
 * round, an experiment with its runs), compacts, and gcs; prints {@code GC <round> <purged runs>}
 * after each gc.
 */
public final class GcChild {
  public static final int LIMIT = 10_000;

  private GcChild() {}

  public static void main(String[] args) {
    Path root = Path.of(args[0]);
    Random random = new Random(Long.parseLong(args[1]));
    StoreOptions manual = StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    try (Store store = Store.open(root, manual)) {
      String exp = store.setExperiment("gc-crash").experimentId();
      for (int round = 0; round < LIMIT; round++) {
        for (int r = 0; r < 3; r++) {
          String id = run(store, exp, "r" + round + "-" + r, random);
          if (r > 0) {
            store.deleteRun(id);
          }
        }
        if (round % 3 == 2) {
          String doomed = store.createExperiment("doomed-" + round + "-" + random.nextInt(1_000_000));
          run(store, doomed, "in-doomed", random);
          store.deleteExperiment(doomed);
        }
        if (random.nextBoolean()) {
          store.compact();
        }
        GcReport report = store.gc(GcOptions.all());
        System.out.println("GC " + round + " " + report.purgedRunIds().size());
        System.out.flush();
      }
    }
    System.out.println("LIMIT");
    System.out.flush();
  }

  private static String run(Store store, String exp, String name, Random random) {
    int points = random.nextInt(300);
    return store.run(RunSpec.of(exp, name), w -> {
      w.logParam("name", name);
      for (int i = 0; i < points; i++) {
        w.logMetric("loss", random.nextGaussian(), 1000 + i, i);
      }
      w.logText("artifact of " + name, "notes/" + name + ".txt");
    });
  }
}
