package io.tracklog.compact;

import io.tracklog.error.CommitConflictException;
import io.tracklog.error.StorageException;
import io.tracklog.internal.FileOps;
import io.tracklog.log.ProcessLock;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Compacts run logs into Arrow segments and commits them as the next manifest generation
 * (docs/FORMAT.md §Compaction).
 *
 * <p>One compaction: read the newest manifest; pick the runs whose logs have moved past what it
 * covers (never compacted, not sealed, or reopened since); rewrite every segment that holds one of
 * them, with those runs re-read from their logs, so that each run lives in exactly one segment;
 * merge tiers that are full; write the files aside, fsync, rename (with a run index file for each new
 * segment, and for each kept segment of a format-1 or 2 manifest, which has none); publish {@code
 * manifest-<generation+1>.json}, whose size grows with the segments, not the runs; then delete files
 * no manifest of the last two generations uses.
 * A crash at any point leaves the previous generation whole and readable.
 *
 * <p>Compactors in several processes serialise on {@code compaction.lock}; the manifest's publish
 * also fails cleanly if another compactor got the generation first, and this one then starts over.
 */
public final class Compactor {
  private static final int MAX_ATTEMPTS = 3;
  /** Threads that read run logs during a compaction: the cores, at most four. */
  private static final int READ_THREADS = Math.min(4, Runtime.getRuntime().availableProcessors());

  private final CompactionSource source;
  private final FileOps ops;
  private final MergePolicy policy;

  public Compactor(CompactionSource source, FileOps ops, MergePolicy policy) {
    this.source = source;
    this.ops = ops;
    this.policy = policy;
  }

  /** What a compaction did; {@code generation} is the manifest now current. */
  public record Result(long generation, int runsWritten, long pointsWritten, int segmentsWritten, int segmentsDropped) {}

  /** Compacts every run that needs it. */
  public Result compact() {
    return compact(runId -> true);
  }

  /** Compacts the runs {@code include} accepts (plus the other runs of segments it must rewrite). */
  public Result compact(Predicate<String> include) {
    return ProcessLock.withLock(source.root().resolve("compaction.lock"), () -> compactLocked(include));
  }

  /** Regenerates every Arrow file from the logs: every run is re-read, every segment rewritten. */
  public Result rebuild() {
    return ProcessLock.withLock(source.root().resolve("compaction.lock"), () -> rebuildLocked());
  }

  private Result compactLocked(Predicate<String> include) {
    for (int attempt = 1; ; attempt++) {
      Manifest current = ManifestFiles.latest(source.root(), source.storeId());
      long catalogPosition = source.catalogPosition();
      List<CompactionSource.RunRef> refs = source.runs();
      Map<String, Manifest.Segment> byRun = current.segmentsByRun();

      Set<String> dirty = new HashSet<>();
      int inSegments = 0;
      for (CompactionSource.RunRef ref : refs) {
        if (byRun.containsKey(ref.runId())) {
          inSegments++;
        }
        if (!include.test(ref.runId())) {
          continue;
        }
        Manifest.Segment seg = byRun.get(ref.runId());
        Manifest.RunCoverage cov = seg == null ? null : seg.runs().get(ref.runId());
        if (cov == null || !cov.sealed() || ref.lastReopened() >= current.catalogPosition()) {
          dirty.add(ref.runId());
        }
      }
      // The manifest's runs were all in the catalog when it was written; those the catalog no
      // longer has were purged (tracklog gc), and their segments are rewritten without them.
      boolean purged = inSegments < byRun.size();
      if (dirty.isEmpty() && !purged) {
        return finished(new Result(current.generation(), 0, 0, 0, 0));
      }
      Plan plan = plan(current, refs, dirty);
      Result result = write(current, catalogPosition, plan);
      if (result != null) {
        return finished(result);
      }
      if (attempt == MAX_ATTEMPTS) {
        throw new CommitConflictException(
            "Cannot commit manifest generation " + (current.generation() + 1) + ": lost " + attempt
                + " races with other compactors");
      }
    }
  }

  private Result rebuildLocked() {
    for (int attempt = 1; ; attempt++) {
      Manifest current = ManifestFiles.latest(source.root(), source.storeId());
      long catalogPosition = source.catalogPosition();
      List<CompactionSource.RunRef> refs = source.runs();
      Map<String, List<String>> byExperiment = new LinkedHashMap<>();
      for (CompactionSource.RunRef ref : refs) {
        byExperiment.computeIfAbsent(ref.experimentId(), k -> new ArrayList<>()).add(ref.runId());
      }
      Plan plan = new Plan(new ArrayList<>(current.segments()), new ArrayList<>(), byExperiment);
      Result result = write(current, catalogPosition, plan);
      if (result != null) {
        return finished(result);
      }
      if (attempt == MAX_ATTEMPTS) {
        throw new CommitConflictException("Cannot commit a rebuild: lost " + attempt + " races");
      }
    }
  }

  /**
   * Reclaims the space of segments that only the previous manifest still lists (they stay on disk
   * for two generations, docs/FORMAT.md §Compaction): if one of them holds a run {@code urgent}
   * accepts (tracklog gc: a purged run), commits the current segments again as the next generation,
   * whose garbage collection then deletes them; otherwise deletes only the files neither of the
   * newest two manifests lists (left by a compaction that stopped before its collection).
   *
   * <p>The new generation keeps the current one's {@code catalog_position}: it covers the same
   * events. Returns whether it committed one.
   */
  public boolean reclaim(Predicate<String> urgent) {
    return ProcessLock.withLock(source.root().resolve("compaction.lock"), () -> reclaimLocked(urgent));
  }

  private boolean reclaimLocked(Predicate<String> urgent) {
    List<Long> generations = ManifestFiles.generations(source.root());
    if (generations.size() < 2) {
      return false;
    }
    Manifest current = ManifestFiles.latest(source.root(), source.storeId());
    Manifest previous;
    try {
      previous = ManifestFiles.read(source.root(), generations.get(generations.size() - 2));
    } catch (RuntimeException e) {
      return false; // an unreadable older manifest is garbage the next compaction removes
    }
    Set<String> listed = new HashSet<>();
    for (Manifest.Segment s : current.segments()) {
      listed.add(s.runsFile().path());
    }
    boolean worth = false;
    for (Manifest.Segment s : previous.segments()) {
      if (!listed.contains(s.runsFile().path())) {
        try {
          worth |= s.runs().keySet().stream().anyMatch(urgent);
        } catch (RuntimeException e) {
          worth = true; // its runs cannot be read: collect it anyway
        }
      }
    }
    if (!worth) {
      collectGarbage(previous, current);
      return false;
    }
    return write(current, current.catalogPosition(), new Plan(List.of(), new ArrayList<>(current.segments()), Map.of())) != null;
  }

  private Result finished(Result result) {
    try {
      source.compactionFinished();
    } catch (RuntimeException e) {
      // a checkpoint is only a shortcut for the next open: the compaction stands
    }
    return result;
  }

  /**
   * Which segments go, which stay, and which runs the new segments of each experiment hold.
   */
  private record Plan(List<Manifest.Segment> dropped, List<Manifest.Segment> kept, Map<String, List<String>> newSegments) {}

  private Plan plan(Manifest current, List<CompactionSource.RunRef> refs, Set<String> dirty) {
    Map<String, String> experimentOf = new HashMap<>();
    for (CompactionSource.RunRef ref : refs) {
      experimentOf.put(ref.runId(), ref.experimentId());
    }
    List<Manifest.Segment> dropped = new ArrayList<>();
    List<Manifest.Segment> kept = new ArrayList<>();
    // Sets in insertion order: a list's contains() here made a compaction of n new runs O(n²)
    // (43 s for 100 k runs in one call, nearly all of it in this method).
    Map<String, java.util.LinkedHashSet<String>> newSegments = new LinkedHashMap<>();
    for (Manifest.Segment s : current.segments()) {
      boolean touched = false;
      for (String runId : s.runs().keySet()) {
        touched |= dirty.contains(runId) || !experimentOf.containsKey(runId); // changed, or purged
      }
      if (touched) {
        dropped.add(s);
        for (String runId : s.runs().keySet()) {
          if (experimentOf.containsKey(runId)) {
            newSegments.computeIfAbsent(s.experimentId(), k -> new java.util.LinkedHashSet<>()).add(runId);
          }
        }
      } else {
        kept.add(s);
      }
    }
    for (String runId : dirty) {
      newSegments.computeIfAbsent(experimentOf.get(runId), k -> new java.util.LinkedHashSet<>()).add(runId);
    }
    // Merge full tiers: the merged segment is one of the new ones of its experiment.
    for (String experimentId : new ArrayList<>(newSegments.keySet())) {
      List<Manifest.Segment> ofExperiment = new ArrayList<>();
      for (Manifest.Segment s : kept) {
        if (s.experimentId().equals(experimentId)) {
          ofExperiment.add(s);
        }
      }
      for (List<Manifest.Segment> group : policy.merges(ofExperiment)) {
        for (Manifest.Segment s : group) {
          kept.remove(s);
          dropped.add(s);
          for (String runId : s.runs().keySet()) {
            if (experimentOf.containsKey(runId)) {
              newSegments.get(experimentId).add(runId);
            }
          }
        }
      }
    }
    Map<String, List<String>> runsOf = new LinkedHashMap<>();
    newSegments.forEach((experimentId, runIds) -> runsOf.put(experimentId, List.copyOf(runIds)));
    return new Plan(dropped, kept, runsOf);
  }

  /** Writes the plan's segments and commits; null if another compactor committed first. */
  private Result write(Manifest current, long catalogPosition, Plan plan) {
    long generation = current.generation() + 1;
    List<Manifest.Segment> written = new ArrayList<>();
    List<Manifest.FileEntry> indexes = new ArrayList<>(); // run indexes written for kept segments
    boolean committed = false;
    long points = 0;
    int runs = 0;
    try (BufferAllocator allocator = new RootAllocator()) {
      SegmentWriter writer = new SegmentWriter(source.root(), ops, allocator, source.storeId(), source.compression());
      for (Map.Entry<String, List<String>> e : plan.newSegments().entrySet()) {
        List<RunDigest> digests = new ArrayList<>();
        Map<String, Boolean> sealed = new HashMap<>();
        List<String> runIds = e.getValue();
        List<CompactionSource.Read<RunDigest>> reads = readRuns(runIds);
        for (int i = 0; i < runIds.size(); i++) {
          String runId = runIds.get(i);
          CompactionSource.Read<RunDigest> read = reads.get(i);
          if (!read.value().hasStarted()) {
            continue; // a run registered but not yet readable: next time
          }
          digests.add(read.value());
          sealed.put(runId, read.sealed());
          points += read.value().pointCount();
        }
        if (digests.isEmpty()) {
          continue;
        }
        runs += digests.size();
        written.add(writer.write(e.getKey(), generation, digests, sealed));
      }
      List<Manifest.Segment> segments = new ArrayList<>();
      for (Manifest.Segment kept : plan.kept()) {
        // kept from a manifest of format 1 or 2: format 3 needs its run index, written once now
        Manifest.Segment indexed = writer.withRunIndex(kept);
        if (indexed != kept) {
          indexes.add(indexed.runIndexFile());
        }
        segments.add(indexed);
      }
      segments.addAll(written);
      Manifest next =
          new Manifest(
              Manifest.FORMAT_VERSION,
              generation,
              source.storeId(),
              System.currentTimeMillis(),
              catalogPosition,
              source.experiments(),
              segments);
      source.forceLogs();
      committed = ManifestFiles.publish(source.root(), next, ops);
      if (!committed) {
        return null;
      }
      collectGarbage(current, next);
      return new Result(generation, runs, points, written.size(), plan.dropped().size());
    } catch (IOException e) {
      throw StorageException.writing("the compaction of store", source.root(), e);
    } finally {
      if (!committed) {
        for (Manifest.Segment s : written) {
          for (Manifest.FileEntry f : s.files()) {
            ManifestFiles.deleteQuietly(ops, source.root().resolve(f.path()));
          }
        }
        for (Manifest.FileEntry f : indexes) {
          ManifestFiles.deleteQuietly(ops, source.root().resolve(f.path()));
        }
      }
    }
  }

  /**
   * Reads and folds the logs of {@code runIds}, in that order. Decoding the logs is most of a
   * compaction's time, and runs are independent, so several threads read them.
   */
  private List<CompactionSource.Read<RunDigest>> readRuns(List<String> runIds) {
    int threads = Math.min(READ_THREADS, runIds.size());
    List<CompactionSource.Read<RunDigest>> reads = new ArrayList<>(runIds.size());
    if (threads <= 1) {
      for (String runId : runIds) {
        reads.add(source.readRun(runId, RunDigest::read));
      }
      return reads;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "tracklog-compaction-reader");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<CompactionSource.Read<RunDigest>>> futures = new ArrayList<>(runIds.size());
      for (String runId : runIds) {
        futures.add(pool.submit(() -> source.readRun(runId, RunDigest::read)));
      }
      for (Future<CompactionSource.Read<RunDigest>> f : futures) {
        reads.add(f.get());
      }
      return reads;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while reading run logs for compaction", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Deletes what neither {@code next} nor {@code previous} uses: Arrow files of older generations,
   * stale temp files, manifests older than {@code previous}. A reader pinned to an older generation
   * that finds a file gone answers from the logs and moves to the newest manifest. Failures here are
   * ignored: garbage is retried at the next compaction and never affects what readers see.
   */
  private void collectGarbage(Manifest previous, Manifest next) {
    Set<String> live = new HashSet<>();
    for (Manifest m : List.of(previous, next)) {
      for (Manifest.Segment s : m.segments()) {
        for (Manifest.FileEntry f : s.files()) {
          live.add(f.path());
        }
      }
    }
    Path compacted = source.root().resolve("compacted");
    if (Files.isDirectory(compacted)) {
      try (DirectoryStream<Path> partitions = Files.newDirectoryStream(compacted)) {
        for (Path partition : partitions) {
          try (DirectoryStream<Path> files = Files.newDirectoryStream(partition)) {
            for (Path f : files) {
              String rel = source.root().relativize(f).toString().replace('\\', '/');
              if (!live.contains(rel)) {
                ManifestFiles.deleteQuietly(ops, f);
              }
            }
          }
        }
      } catch (IOException | RuntimeException ignored) {
        // next time
      }
    }
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(source.root(), "manifest-*.tmp")) {
      for (Path f : stale) {
        ManifestFiles.deleteQuietly(ops, f); // we hold the compaction lock: nobody is writing one
      }
    } catch (IOException | RuntimeException ignored) {
      // next time
    }
    for (long gen : ManifestFiles.generations(source.root())) {
      if (gen < previous.generation()) {
        ManifestFiles.deleteQuietly(ops, source.root().resolve(ManifestFiles.fileName(gen)));
      }
    }
  }
}
