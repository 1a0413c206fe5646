package io.tracklog;

import io.tracklog.compact.Compactor;
import io.tracklog.internal.FileOps;
import io.tracklog.compact.MergePolicy;
import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.InvalidStateException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.error.StorageException;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.CatalogState;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.Validation;
import io.tracklog.log.ProcessLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code tracklog gc} ({@link Store#gc}): permanently deletes runs and experiments in the deleted
 * lifecycle stage, with the semantics of MLflow's {@code mlflow gc} (mlflow/cli.py, {@code gc}), then
 * their artifacts and their compacted rows (docs/FORMAT.md §Catalog events, tag 73; docs/DESIGN-NOTES.md,
 * "Permanent deletion").
 *
 * <ol>
 *   <li>Without locks, find the candidates: the runs named, or every deleted run (deleted long
 *       enough ago); the experiments named, or every deleted experiment (old enough).
 *   <li>Holding {@code compaction.lock} (no compaction reads a run while it disappears) and the
 *       catalog lock (nobody attaches to a run meanwhile), check each candidate again, its lanes
 *       sealed as a compactor seals them: deleted, and no writer left that could still append to it
 *       (a restore in flight, a writer open on it). Then append one {@code Purged} event: the commit
 *       point. Before it nothing has changed; after it the runs and experiments are unknown.
 *   <li>Delete the folders {@code runs/<id>/} of every purged run (also those an interrupted gc left).
 *   <li>Compact: every segment holding a purged run is rewritten without it.
 *   <li>Commit the segments once more if the previous manifest still lists a segment holding a purged
 *       run, so that its files are deleted now rather than after two more compactions.
 * </ol>
 *
 * Each step after the commit point is idempotent and finds its work from the catalog and the files,
 * so a gc interrupted anywhere (a crash, a full disk) is finished by the next one. Thread-safe.
 */
final class Gc {
  private final StoreLayout layout;
  private final Catalog catalog;
  private final RunLogs logs;
  private final FileOps ops;
  private final Function<FileOps, Compactor> compactors;
  private final java.util.function.Predicate<String> openHere; // this store has a writer on the run
  private final long now;

  Gc(
      StoreLayout layout,
      Catalog catalog,
      RunLogs logs,
      FileOps ops,
      Function<FileOps, Compactor> compactors,
      java.util.function.Predicate<String> openHere,
      long now) {
    this.openHere = openHere;
    this.layout = layout;
    this.catalog = catalog;
    this.logs = logs;
    this.ops = ops;
    this.compactors = compactors;
    this.now = now;
  }

  /** What one run's log says about its lifecycle. */
  private record Lifecycle(boolean deleted, long deletedTime, boolean sealed) {}

  /** What the commit purged, and what it left. */
  private record Purge(List<String> runIds, List<String> experimentIds, List<String> skipped) {}

  GcReport run(GcOptions options) {
    if (options.runIds() != null) {
      options.runIds().forEach(Validation::runId);
    }
    if (options.experimentIds() != null) {
      options.experimentIds().forEach(Validation::experimentId);
    }
    // 1. Candidates, without locks (a scan of every run's stateful events when no run is named).
    List<String> runCandidates = options.runIds() != null ? options.runIds() : deletedRuns(options);
    // 2. Checked again and committed under the locks.
    Purge purge =
        ProcessLock.withLock(
            layout.root().resolve("compaction.lock"),
            () -> catalog.withLock(cat -> commit(cat, options, runCandidates)));
    // 3.-5. Idempotent clean-up: artifacts, segments, older files.
    CatalogSnapshot snap = catalog.snapshot();
    int folders = deleteArtifactFolders(snap);
    Compactor compactor = compactors.apply(ops);
    Compactor.Result compacted = compactor.compact(runId -> false); // only segments holding purged runs
    compactor.reclaim(snap::isPurged);
    long generation = io.tracklog.compact.ManifestFiles.latestGeneration(layout.root()).orElse(0);
    return new GcReport(
        purge.runIds(), purge.experimentIds(), purge.skipped(), folders, compacted.segmentsWritten(), generation);
  }

  /** Every deleted run deleted at least {@code olderThan} ago (mlflow's _get_deleted_runs). */
  private List<String> deletedRuns(GcOptions options) {
    CatalogSnapshot snap = catalog.snapshot();
    long limit = now - (options.olderThan() == null ? 0 : options.olderThan().toMillis());
    List<String> out = new ArrayList<>();
    for (List<String> ids : snap.runsByExperiment().values()) {
      for (String runId : ids) {
        Lifecycle l = lifecycle(snap, runId, false);
        if (l.deleted() && l.deletedTime() <= limit) {
          out.add(runId);
        }
      }
    }
    return out;
  }

  /** Under compaction.lock and the catalog lock: checks the candidates and appends the Purged event. */
  private Purge commit(CatalogState cat, GcOptions options, List<String> runCandidates) {
    CatalogSnapshot snap = cat.snapshot();
    boolean explicitRuns = options.runIds() != null;
    Long runLimit = options.olderThan() == null ? null : now - options.olderThan().toMillis();
    Set<String> runs = new LinkedHashSet<>();
    List<String> experiments = new ArrayList<>();
    List<String> skipped = new ArrayList<>();

    List<String> experimentCandidates = new ArrayList<>();
    if (options.experimentIds() != null) {
      for (String id : new LinkedHashSet<>(options.experimentIds())) {
        Experiment e = cat.experiment(id);
        if (e == null) {
          throw ExperimentNotFoundException.withId(id);
        }
        if (e.isActive()) {
          throw new InvalidStateException(
              "Experiment " + id + " is not in the deleted lifecycle stage. Only experiments in the deleted"
                  + " lifecycle stage can be permanently deleted.");
        }
        if (runLimit != null && e.lastUpdateTime() >= runLimit) {
          throw new InvalidParameterException(
              "Experiment " + id + " is not older than the required age. Only experiments deleted more than "
                  + options.olderThan() + " ago can be permanently deleted.");
        }
        experimentCandidates.add(id);
      }
    } else {
      for (Experiment e : cat.experiments()) {
        if (!e.isActive() && (runLimit == null || e.lastUpdateTime() < runLimit)) {
          experimentCandidates.add(e.experimentId());
        }
      }
    }

    for (String runId : new LinkedHashSet<>(runCandidates)) {
      if (cat.runEntry(runId) == null) {
        if (explicitRuns) {
          throw new RunNotFoundException(runId);
        }
        continue; // purged by another gc meanwhile
      }
      Lifecycle l = lifecycle(snap, runId, true);
      String problem = null;
      if (!l.deleted()) {
        problem = "Run " + runId + " is not in `deleted` lifecycle stage. Only runs in `deleted` lifecycle stage can be"
            + " permanently deleted.";
      } else if (runLimit != null && l.deletedTime() > runLimit) {
        if (explicitRuns) {
          throw new InvalidParameterException(
              "Run " + runId + " is not older than the required age. Only runs deleted more than "
                  + options.olderThan() + " ago can be permanently deleted.");
        }
        continue;
      } else if (!l.sealed()) {
        problem = "Run " + runId + " is still being written to (a writer has it open, or a restore is in flight);"
            + " it is not permanently deleted while a writer could still append to it.";
      }
      if (problem != null) {
        if (explicitRuns) {
          throw new InvalidStateException(problem);
        }
        if (l.deleted()) {
          skipped.add(problem); // restored meanwhile: nothing to say
        }
        continue;
      }
      runs.add(runId);
    }

    for (String experimentId : experimentCandidates) {
      List<String> its = new ArrayList<>();
      String problem = null;
      for (String runId : cat.runIds(experimentId)) {
        if (runs.contains(runId)) {
          continue;
        }
        Lifecycle l = lifecycle(snap, runId, true);
        if (!l.deleted() || !l.sealed()) {
          problem = "Experiment " + experimentId + " has run " + runId
              + (l.deleted() ? ", which is still being written to" : ", which is not deleted")
              + "; an experiment is permanently deleted only with all of its runs.";
          break;
        }
        its.add(runId);
      }
      if (problem != null) {
        if (options.experimentIds() != null) {
          throw new InvalidStateException(problem);
        }
        skipped.add(problem);
        continue;
      }
      runs.addAll(its);
      experiments.add(experimentId);
    }
    if (!runs.isEmpty() || !experiments.isEmpty()) {
      catalog.append(new CatalogEvent.Purged(now, experiments, new ArrayList<>(runs)));
    }
    return new Purge(List.copyOf(runs), experiments, skipped);
  }

  /**
   * Folds a run's stateful events for its lifecycle; with {@code seal}, also seals its lanes as a
   * compactor does (every attachment ended, nobody can start a new one while we hold the catalog lock).
   */
  private Lifecycle lifecycle(CatalogSnapshot snap, String runId, boolean seal) {
    try (RunStream stream = logs.stream(snap, runId, true)) {
      boolean deleted = false;
      long deletedTime = 0;
      for (ByteSource src = stream.next(); src != null; src = stream.next()) {
        RunEvent event = EventCodec.decodeRunEvent(src);
        if (event instanceof RunEvent.RunDeleted d) {
          deleted = true;
          deletedTime = d.deletedTime();
        } else if (event instanceof RunEvent.RunRestored) {
          deleted = false;
        }
      }
      boolean sealed = seal && deleted && !openHere.test(runId) && Orphans.sealOpenLanes(layout, stream);
      return new Lifecycle(deleted, deletedTime, sealed);
    }
  }

  /** Removes {@code runs/<id>/} of every run {@code snap} says was purged; returns how many. */
  private int deleteArtifactFolders(CatalogSnapshot snap) {
    if (snap.purgedRuns().isEmpty() || !Files.isDirectory(layout.runsDir())) {
      return 0;
    }
    List<Path> doomed = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.runsDir())) {
      for (Path dir : dirs) {
        if (snap.isPurged(dir.getFileName().toString()) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          doomed.add(dir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + layout.runsDir(), e);
    }
    for (Path dir : doomed) {
      deleteTree(dir);
    }
    return doomed.size();
  }

  /** Deletes a folder bottom-up through {@link FileOps} (links are removed, never followed). */
  private void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        ops.delete(p);
      }
    } catch (IOException e) {
      throw StorageException.writing("the deletion of a purged run's files", dir, e);
    }
  }

  /** The compactor gc uses: the store's, with {@code ops}. */
  static Function<FileOps, Compactor> compactors(Store store) {
    return ops -> store.compactor(ops, MergePolicy.DEFAULT);
  }
}
