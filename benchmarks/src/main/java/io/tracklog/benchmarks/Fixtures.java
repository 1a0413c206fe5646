package io.tracklog.benchmarks;

import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Fixture stores shared by the compaction and reader benchmarks. Everything goes through the public
 * write API ({@link Store}, {@link RunWriter}); nothing here knows the layout of the Arrow files, so
 * the benchmarks keep working when that layout changes.
 */
public final class Fixtures {
  /**
   * Metric keys, cycled by the fixtures: realistic names of 8-19 characters. A fixture with more keys
   * than this list adds a numeric suffix.
   */
  static final String[] KEYS = {
    "train/loss",
    "train/accuracy",
    "val/loss",
    "val/accuracy",
    "learning_rate",
    "grad_norm/global",
    "throughput.samples",
    "gpu0/memory_used_mb",
    "epoch_time_s",
    "weight_decay",
  };

  /** First timestamp of every fixture run: 2026-01-01T00:00:00Z, so sizes do not depend on the day. */
  static final long BASE_TIME_MS = 1_767_225_600_000L;

  /** Milliseconds between two steps of a run (a training loop logging every 10 ms). */
  static final long STEP_INTERVAL_MS = 10;

  private Fixtures() {}

  /** Runs × keys × steps of a fixture; {@code "20x5x10000"} is 20 runs of 5 keys of 10,000 steps. */
  record Shape(int runs, int keys, int steps) {
    Shape {
      if (runs < 1 || keys < 1 || steps < 1) {
        throw new IllegalArgumentException("runs, keys and steps must be positive: " + runs + "x" + keys + "x" + steps);
      }
    }

    static Shape parse(String s) {
      String[] parts = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
      if (parts.length != 3) {
        throw new IllegalArgumentException("Expected RUNSxKEYSxSTEPS, e.g. 20x5x10000, got " + s);
      }
      return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    long points() {
      return (long) runs * keys * steps;
    }

    @Override
    public String toString() {
      return runs + "x" + keys + "x" + steps;
    }
  }

  /** How values are generated. */
  enum Values {
    /** A smooth decaying curve, cheap to generate (timing fixtures). */
    CURVE,
    /** Uniform random doubles: full-entropy mantissas, the worst case for any size-based encoding. */
    RANDOM
  }

  /** Options for fixture stores: compaction only on {@link Store#compact()}, so closing writers does not compact. */
  static StoreOptions manualCompaction() {
    return StoreOptions.builder()
        .compaction(StoreOptions.CompactionTrigger.MANUAL)
        .build();
  }

  /** The key name of key number {@code k}. */
  static String key(int k) {
    return k < KEYS.length ? KEYS[k] : KEYS[k % KEYS.length] + "_" + (k / KEYS.length);
  }

  /**
   * Writes a store at {@code root} with one experiment ({@code "benchmark"}) of {@code shape.runs()}
   * runs. Each run logs, for steps 0..steps-1, every key once per step (the order a training loop logs
   * in), with timestamp {@code BASE_TIME_MS + step * STEP_INTERVAL_MS}, then ends FINISHED. The store
   * is closed on return and nothing is compacted ({@link #manualCompaction()}).
   *
   * @return the run ids, in creation order
   */
  static List<String> writeStore(Path root, Shape shape, Values values, long seed) {
    String[] keys = new String[shape.keys()];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = key(k);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<String> runIds = new ArrayList<>();
    try (Store store = Store.open(root, manualCompaction())) {
      String experimentId = store.setExperiment("benchmark").experimentId();
      for (int r = 0; r < shape.runs(); r++) {
        try (RunWriter run = store.startRun(experimentId)) {
          runIds.add(run.runId());
          run.logParam("seed", Long.toString(seed + r));
          for (int step = 0; step < shape.steps(); step++) {
            long ts = BASE_TIME_MS + (long) step * STEP_INTERVAL_MS;
            for (int k = 0; k < keys.length; k++) {
              double v =
                  values == Values.RANDOM
                      ? random.nextDouble()
                      : (k + 1.0) / (step + 1.0) + 1e-3 * (r + 1);
              run.logMetric(keys[k], v, ts, step);
            }
          }
          run.end(RunStatus.FINISHED);
        }
      }
    }
    return runIds;
  }

  /** A fresh directory under {@code java.io.tmpdir}. */
  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temp directory", e);
    }
  }

  /**
   * Copies a (closed) store directory tree; {@code to} must not exist or be empty. Each copied file is
   * fsynced, so that a later fsync in the measured code (compaction syncs its Arrow files) does not pay
   * for writing back the copy: a real run's log was written long before it is compacted.
   */
  public static void copyTree(Path from, Path to) {
    try {
      Files.walkFileTree(
          from,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
              Files.createDirectories(to.resolve(from.relativize(dir).toString()));
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Path target = to.resolve(from.relativize(file).toString());
              Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
              try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
                ch.force(true);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
    }
  }

  /** Deletes a directory tree; does nothing if it is absent. */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete benchmark directory " + dir, e);
    }
  }

  /** Sum of the apparent sizes ({@code ls -l}) of the regular files under {@code dir}; 0 if absent. */
  static long apparentBytes(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      long sum = 0;
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        sum += Files.size(p);
      }
      return sum;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot size " + dir, e);
    }
  }

  /**
   * Bytes allocated on disk under {@code dir} ({@code du -s -B1}): smaller than the apparent size for
   * sparse files such as Chronicle's preallocated cycle files. -1 if {@code du} is not available.
   */
  static long allocatedBytes(Path dir) {
    try {
      Process p = new ProcessBuilder("du", "-s", "-B1", dir.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        return -1;
      }
      return Long.parseLong(out.split("\\s+")[0]);
    } catch (IOException | NumberFormatException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
