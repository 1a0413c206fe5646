package io.tracklog.testing;

import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.Compactor;
import io.tracklog.compact.MergePolicy;
import io.tracklog.error.CommitConflictException;
import io.tracklog.internal.FileOps;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child JVM that compacts, for CompactionFaultTest and CompactionCrashIT.
 *
 * <ul>
 *   <li>{@code root once}: opens the store, prints {@code READY}, waits for a {@code GO} line, compacts
 *       once and prints {@code RESULT <generation> <runsWritten>} or {@code CONFLICT <message>}.
 *   <li>{@code root loop <seed>}: forever (until killed, or {@link #LIMIT} rounds, then {@code LIMIT}):
 *       writes a few runs with many points, keeps one run open and growing across rounds, and
 *       compacts with merge factor 2 so merges happen all the time; prints {@code COMPACTED
 *       <generation>} after each compaction.
 * </ul>
 */
public final class CompactorChild {
  public static final int LIMIT = 10_000;

  private CompactorChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    StoreOptions manual = StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    try (Store store = Store.open(root, manual)) {
      if (args[1].equals("once")) {
        once(store);
      } else {
        loop(store, Long.parseLong(args[2]));
      }
    }
  }

  private static void once(Store store) throws Exception {
    System.out.println("READY");
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("GO"); line = in.readLine()) {
      // wait for GO
    }
    try {
      Compactor.Result r = store.compact();
      System.out.println("RESULT " + r.generation() + " " + r.runsWritten());
    } catch (CommitConflictException e) {
      System.out.println("CONFLICT " + e.getMessage());
    }
    System.out.flush();
  }

  private static void loop(Store store, long seed) {
    Random random = new Random(seed);
    String exp = store.setExperiment("crash-compaction").experimentId();
    Compactor compactor = store.compactor(FileOps.DEFAULT, new MergePolicy(2));
    try (RunWriter open = store.startRun(RunSpec.of(exp, "always-open"))) {
      for (int round = 0; round < LIMIT; round++) {
        for (int r = random.nextInt(3); r >= 0; r--) {
          try (RunWriter w = store.startRun(RunSpec.of(exp, "r" + round + "-" + r))) {
            w.logParam("round", Integer.toString(round));
            int points = random.nextInt(2000);
            for (int i = 0; i < points; i++) {
              w.logMetric(i % 3 == 0 ? "loss" : "acc", random.nextGaussian(), 1000 + i, random.nextInt(500));
            }
            w.end(RunStatus.FINISHED);
          }
        }
        for (int i = 0; i < 50; i++) {
          open.logMetric("live", i, round, round * 50L + i);
        }
        Compactor.Result result = compactor.compact();
        System.out.println("COMPACTED " + result.generation());
        System.out.flush();
      }
    }
    System.out.println("LIMIT");
    System.out.flush();
    while (true) {
      Thread.onSpinWait(); // wait to be killed
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
