package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Experiment;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.ArtifactInfo;
import io.tracklog.error.CorruptFileException;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import io.tracklog.testing.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11, Lucene-style: every file of a store, truncated at each interesting length, with bytes
 * flipped at seeded random positions and 4 KiB blocks zeroed, Chronicle files cut at their last
 * excerpts' boundaries (zeros from there on); for each case the CLI, the reader and
 * the store API either answer exactly as on the pristine store or fail with {@link
 * CorruptFileException} naming a file of the store. Never another exception, a hang, or a different
 * answer. {@code -Dtracklog.test.seed=N} replays one seed; a failure lists every bad case. By default
 * one file of each kind and a sample of lengths and positions (about 150 cases, a few minutes on 2
 * cores); {@code -Dtracklog.faultSweep.all=true} sweeps two files of each kind and more lengths
 * and positions (about 300 cases).
 */
class FaultSweepTest {
  private static final long SEED = Long.getLong("tracklog.test.seed", 20261203L);
  private static final Duration CASE_TIMEOUT = Duration.ofSeconds(40);
  private static final boolean ALL = Boolean.getBoolean("tracklog.faultSweep.all");

  @TempDir static Path dir;
  private static Path pristine;
  private static Answers expected;
  private static ExecutorService worker;

  @BeforeAll
  static void writePristineStore() throws Exception {
    worker = newWorker();
    pristine = dir.resolve("pristine");
    assertThat(CliRun.execute("demo", "--root", pristine.toString()).exitCode()).isZero();
    StoreOptions manual = StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    try (Store store = Store.open(pristine, manual)) {
      String exp = store.createExperiment("faults");
      String compacted = store.run(RunSpec.of(exp, "compacted"), w -> {
        w.logParam("big", "x".repeat(6000));
        w.logParam("bigger", "y".repeat(6000));
        w.logParam("biggest", "z".repeat(6000)); // with the others, over 15 KiB: an out-of-line event
        for (int i = 0; i < 50; i++) {
          w.logMetric("loss", 1.0 / (i + 1), 1_700_000_000_000L + i, i);
        }
        w.logText("hello", "notes/hello.txt");
      });
      String deleted = store.run(RunSpec.of(exp, "deleted"), w -> w.logMetric("loss", 0.5, 0));
      store.deleteRun(deleted);
      store.compact();
      store.run(RunSpec.of(exp, "after-compaction"), w -> {
        w.setTag("phase", "late");
        w.logMetric("loss", 0.25, 1_700_000_000_000L, 3);
      });
      store.deleteRun(compacted); // a compacted run reopened: its log goes on past the segment
      try (RunWriter running = store.startRun(exp)) {
        running.logMetric("loss", 0.75, 1);
      } // closed without an end: the run stays RUNNING
    }
    expected = Answers.of(copy("expected"));
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fault-sweep-case");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stopWorker() {
    worker.shutdownNow();
  }

  private static Path copy(String name) {
    Path target = dir.resolve(name);
    Trees.copy(pristine, target);
    return target;
  }

  /**
   * One way to damage one file; {@code logOnly}: with the catalog checkpoint and head removed too,
   * so that the catalog is folded from its log.
   */
  record Damage(String file, String kind, long at, int length, boolean logOnly) {
    Damage(String file, String kind, long at, int length) {
      this(file, kind, at, length, false);
    }

    Damage foldingTheLog() {
      return new Damage(file, kind, at, length, true);
    }

    void applyTo(Path root) throws IOException {
      if (logOnly) {
        Trees.delete(root.resolve("catalog-checkpoint"));
        Files.delete(root.resolve("logs/catalog.head"));
      }
      Path target = root.resolve(file);
      byte[] bytes = Files.readAllBytes(target);
      switch (kind) {
        case "truncate" -> Files.write(target, java.util.Arrays.copyOf(bytes, (int) at));
        case "flip" -> {
          bytes[(int) at] ^= (byte) length;
          Files.write(target, bytes);
        }
        case "zero" -> {
          java.util.Arrays.fill(bytes, (int) at, (int) Math.min(bytes.length, at + length), (byte) 0);
          Files.write(target, bytes);
        }
        case "cut" -> { // everything from an excerpt's header on lost, as a tail that never reached the disk
          java.util.Arrays.fill(bytes, (int) at, bytes.length, (byte) 0);
          Files.write(target, bytes);
        }
        case "delete" -> Files.delete(target);
        default -> throw new IllegalArgumentException(kind);
      }
    }

    @Override
    public String toString() {
      return kind + " " + file + (kind.equals("delete") ? "" : " at " + at + (kind.equals("truncate") || kind.equals("cut") ? "" : " (" + length + ")"))
          + (logOnly ? " without checkpoint and head" : "");
    }
  }

  /** The damage cases of one file: truncations at interesting lengths, seeded flips, zeroed blocks. */
  static List<Damage> damages(String file, byte[] bytes, SplittableRandom random) {
    List<Damage> cases = new ArrayList<>();
    int used = bytes.length;
    while (used > 0 && bytes[used - 1] == 0) {
      used--; // Chronicle's files are mostly zeros past their content: damage the content
    }
    List<Long> lengths = ALL
        ? List.of(0L, 1L, 8L, (long) used / 2, (long) used - 1, (long) bytes.length - 1)
        : List.of(0L, (long) used / 2, (long) used - 1);
    for (long at : new java.util.TreeSet<>(lengths)) {
      if (at >= 0 && at < bytes.length) {
        cases.add(new Damage(file, "truncate", at, 0));
      }
    }
    for (int i = 0; i < (ALL ? 6 : 3) && used > 0; i++) {
      cases.add(new Damage(file, "flip", random.nextInt(used), 1 << random.nextInt(8)));
    }
    if (used > 4096) {
      cases.add(new Damage(file, "zero", random.nextInt(used / 4096) * 4096L, 4096));
    }
    if (file.endsWith(".cq4")) {
      List<Integer> starts = dataExcerpts(bytes);
      List<Integer> picked = new ArrayList<>(starts.subList(Math.max(0, starts.size() - (ALL ? 6 : 3)), starts.size()));
      if (ALL && !starts.isEmpty()) {
        picked.add(starts.get(starts.size() / 2));
      }
      for (int at : new java.util.TreeSet<>(picked)) {
        cases.add(new Damage(file, "cut", at, 0));
      }
    }
    cases.add(new Damage(file, "delete", 0, 0));
    return cases;
  }

  /**
   * Where each data excerpt of a Chronicle cycle file begins (its 4-byte header: the length in the
   * low 30 bits, bit 30 set on metadata such as index blocks; padded to 4 bytes), up to the first
   * empty header: the frame boundaries a lost tail can end at.
   */
  static List<Integer> dataExcerpts(byte[] bytes) {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    List<Integer> starts = new ArrayList<>();
    boolean first = true; // the file's own header
    for (int pos = 0; pos + 4 <= bytes.length; ) {
      int header = buf.getInt(pos);
      if (header == 0) {
        break;
      }
      if ((header & 0x40000000) == 0 && !first) {
        starts.add(pos);
      }
      first = false;
      pos = (pos + 4 + (header & 0x3FFFFFFF) + 3) & ~3;
    }
    return starts;
  }

  /** What a user sees of a store: the CLI's JSON, and every run through the reader and the store API. */
  record Answers(String cli, String reader, String store) {
    static Answers of(Path root) {
      return new Answers(cli(root), reader(root), store(root));
    }

    private static String cli(Path root) {
      StringBuilder out = new StringBuilder();
      for (String[] args : List.of(
          new String[] {"export-json", "--root", root.toString()},
          new String[] {"experiments", "--root", root.toString(), "--view", "ALL", "--format", "json"},
          new String[] {"search", "--root", root.toString(), "--experiment-ids", "0,1,2,3,4,5", "--view", "ALL",
              "--format", "json", "--order-by", "metrics.loss DESC", "--max-results", "1000"})) {
        CliRun r = CliRun.execute(args);
        if (r.exitCode() != 0) {
          throw new CliFailed(r.err());
        }
        for (String line : r.err().lines().toList()) {
          if (!line.startsWith("warning: ")) { // a fallback to the logs is announced, and fine
            throw new CliFailed("unexpected stderr: " + line);
          }
        }
        // The newest manifest deleted, the one before it answers: the same runs, an older generation.
        // (and so other runs read from logs than from segments).
        out.append(r.out().replaceFirst("\"generation\":[0-9]+,\"live_run_ids\":\\[[^]]*]", "_"));
      }
      return out.toString();
    }

    private static String reader(Path root) {
      StringBuilder out = new StringBuilder();
      try (StoreReader reader = StoreReader.open(root)) {
        Snapshot snap = reader.snapshot();
        for (Experiment e : snap.listExperiments(ViewType.ALL)) {
          out.append(e).append('\n');
          for (Run run : snap.runs(e.experimentId(), ViewType.ALL)) {
            out.append(run).append('\n');
            for (String key : new java.util.TreeSet<>(run.metrics().keySet())) {
              out.append(key).append(snap.metricHistory(run.runId(), key)).append('\n');
            }
          }
        }
      }
      return out.toString();
    }

    private static String store(Path root) {
      StringBuilder out = new StringBuilder();
      try (Store store = Store.open(root)) {
        for (Experiment e : store.experiments()) {
          out.append(e).append('\n');
          for (Run run : store.runs(e.experimentId())) {
            out.append(run).append('\n');
            artifacts(store, run.runId(), null, out);
          }
        }
      }
      return out.toString();
    }

    private static void artifacts(Store store, String runId, String path, StringBuilder out) {
      for (ArtifactInfo a : store.listArtifacts(runId, path)) {
        out.append(a).append('\n');
        if (a.isDir()) {
          artifacts(store, runId, a.path(), out);
        } else {
          try (InputStream in = store.openArtifact(runId, a.path())) {
            out.append(java.util.Arrays.hashCode(in.readAllBytes())).append('\n');
          } catch (IOException x) {
            throw new UncheckedIOException(x);
          }
        }
      }
    }
  }

  /** The CLI failed; its stderr. */
  static final class CliFailed extends RuntimeException {
    CliFailed(String err) {
      super(err.strip());
    }
  }

  /** Null if the case is fine (identical answers, or typed errors naming a file), else what went wrong. */
  private static String check(Damage damage, Path root) {
    List<String> wrong = new ArrayList<>();
    probe("cli", root, wrong, () -> Answers.cli(root), expected.cli());
    probe("reader", root, wrong, () -> Answers.reader(root), expected.reader());
    probe("store", root, wrong, () -> Answers.store(root), expected.store());
    return wrong.isEmpty() ? null : damage + ": " + String.join("; ", wrong);
  }

  private static void probe(String what, Path root, List<String> wrong, java.util.concurrent.Callable<String> answer, String expect) {
    Future<String> f = worker.submit(answer);
    try {
      String got = f.get(CASE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (!got.equals(expect)) {
        wrong.add(what + " answered differently" + firstDifference(expect, got));
      }
    } catch (TimeoutException e) {
      f.cancel(true);
      worker.shutdownNow();
      worker = newWorker(); // the hung thread may never come back
      wrong.add(what + " hung");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable t = e.getCause();
      if (t instanceof CorruptFileException c && c.path() != null && c.path().toAbsolutePath().startsWith(root.toAbsolutePath())) {
        return;
      }
      if (t instanceof CliFailed c && c.getMessage().startsWith("error: Corrupt file " + root)) {
        return;
      }
      wrong.add(what + " threw " + t);
    }
  }

  private static String firstDifference(String a, String b) {
    int i = 0;
    while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    int from = Math.max(0, i - 60);
    return " at char " + i + ": expected «" + a.substring(from, Math.min(a.length(), i + 60)) + "» got «"
        + b.substring(from, Math.min(b.length(), i + 60)) + "»";
  }

  @Test
  void everyDamage_givesTheSameAnswers_orATypedErrorNamingTheFile() throws IOException {
    Map<String, List<Path>> byKind = new TreeMap<>();
    try (Stream<Path> files = Files.walk(pristine)) {
      files.filter(Files::isRegularFile).sorted().forEach(p -> byKind.computeIfAbsent(kindOf(pristine.relativize(p)), k -> new ArrayList<>()).add(p));
    }
    SplittableRandom random = new SplittableRandom(SEED);
    List<String> bad = new ArrayList<>();
    int count = 0;
    long started = System.nanoTime();
    for (Map.Entry<String, List<Path>> kind : byKind.entrySet()) {
      List<Path> files = kind.getValue();
      for (Path file : (ALL ? List.of(files.get(0), files.get(files.size() - 1)) : List.of(files.get(0))).stream().distinct().toList()) {
        String rel = pristine.relativize(file).toString();
        List<Damage> cases = new ArrayList<>(damages(rel, Files.readAllBytes(file), random));
        if (rel.startsWith("logs/catalog/")) {
          // Not a cut at an event boundary: with the checkpoint and the head gone, nothing records
          // the catalog's lost tail (docs/FORMAT.md §Checked frames, cut short).
          cases.addAll(cases.stream().filter(d -> !d.kind().equals("cut")).map(Damage::foldingTheLog).toList());
        }
        for (Damage damage : cases) {
          Path root = copy("case-" + count++);
          System.out.println("fault sweep case " + (count - 1) + ": " + damage);
          damage.applyTo(root);
          String problem = check(damage, root);
          if (problem != null) {
            bad.add(problem);
          }
          Trees.delete(root);
        }
      }
    }
    System.out.printf("fault sweep: %d cases in %d s%n", count, (System.nanoTime() - started) / 1_000_000_000L);
    System.out.println("fault sweep: " + count + " cases over " + byKind.size() + " file kinds " + byKind.keySet() + ", seed " + SEED);
    assertThat(bad).as("cases (of %d, seed %d) with a wrong answer, a raw exception or a hang", count, SEED).isEmpty();
  }

  /** A file's kind: its path with digits and run ids generalised. */
  static String kindOf(Path rel) {
    return rel.toString().replaceAll("[0-9a-f]{32}", "<run>").replaceAll("[0-9]+", "N");
  }

}
