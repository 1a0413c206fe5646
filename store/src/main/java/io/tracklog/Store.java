package io.tracklog;

import io.tracklog.compact.Compactor;
import io.tracklog.compact.MergePolicy;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.InvalidStateException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.error.RunNotActiveException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.error.StorageException;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.Validation;
import io.tracklog.internal.FileOps;
import io.tracklog.log.ChronicleEventLog;
import io.tracklog.log.EventReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A Tracklog store: one directory holding experiments and runs as append-only event logs. The entry
 * point for writing, and for reading single runs and experiments (searches live in the reader module).
 *
 * <pre>{@code
 * try (Store store = Store.open(Path.of("tracklog"))) {
 *   String exp = store.setExperiment("mnist").experimentId();
 *   store.run(RunSpec.of(exp, "baseline"), run -> {
 *     run.logParam("lr", "0.01");
 *     run.logMetric("accuracy", 0.97, 10);
 *   }); // FINISHED, or FAILED if the block throws
 * }
 * }</pre>
 *
 * <p>Thread-safe. Any number of processes may open the same store and write to it at once: runs are
 * separate logs, and every check-then-act on shared state (creating an experiment if absent, a
 * param's first value) holds a cross-process file lock. Closing the store closes the writers it
 * handed out that are still open. Semantics and limits are MLflow's (mlflow/utils/validation.py).
 */
public final class Store implements AutoCloseable {
  /** The environment variable naming the default store directory. */
  public static final String ROOT_ENV = "TRACKLOG_ROOT";
  /** The default store directory when {@value #ROOT_ENV} is not set. */
  public static final String DEFAULT_ROOT = "tracklog";
  /** Run ids name folders, and file names are at most 255 bytes on common file systems. */
  public static final int MAX_RUN_ID_BYTES = 255;

  // A facade: each job is a package-private class of its own, and the methods below delegate.
  private final StoreLayout layout;
  private final StoreOptions options;
  private final Lanes lanes;
  private final StripedLock stateLocks;
  private final Catalog catalog;
  private final RunLogs runLogs;
  private final RunWriters writers;
  private final Experiments experiments;
  private final RunImporter importer;
  private final Orphans orphans;
  private final io.tracklog.registry.ModelRegistry registry;

  private final AtomicBoolean closing = new AtomicBoolean(); // close() began
  private volatile boolean shuttingDown;

  /**
   * @param bare null to open (or create) a store; for the upgrade, a new store with this identity
   *     whose catalog starts empty (no Default experiment: the converted catalog brings its own)
   */
  private Store(Path root, StoreOptions options, FileOps ops, StoreMetadata bare) {
    StoreMetadata found = refuseFormat1(new StoreLayout(root));
    StoreMetadata known = bare != null ? bare : found;
    this.layout = new StoreLayout(root, known == null ? ChronicleEventLog.Frames.CHECKED : known.frames(), ops);
    this.options = options;
    this.lanes =
        new Lanes(
            layout,
            options.clock(),
            LaneSession.of(Catalog.defaultArtifactLocation(layout), options.sourceTags() ? SourceTags.current() : Map.of()));
    try {
      ops.createDirectories(root);
    } catch (IOException e) {
      throw StorageException.writing("store directory", root, e);
    }
    this.stateLocks = StripedLock.open(layout.runStateLocks());
    try {
      this.catalog = Catalog.open(layout, options.clock(), bare, found);
    } catch (RuntimeException | Error e) {
      stateLocks.close();
      throw e;
    }
    this.runLogs = new RunLogs(layout, catalog, lanes, stateLocks, options.clock());
    this.writers = new RunWriters(this, options, catalog, runLogs);
    this.experiments = new Experiments(catalog, writers, options.clock());
    this.importer = new RunImporter(layout, catalog, lanes, options.clock());
    this.orphans = new Orphans(catalog, runLogs, writers, options.clock());
    this.registry =
        io.tracklog.registry.ModelRegistry.open(
            layout.registryDir(), layout.registryLock(), ops, options.clock(), options.userName(),
            runId -> getRun(runId).info().artifactUri(), layout.loggedModelsDir(),
            () -> RunNames.generate(java.util.concurrent.ThreadLocalRandom.current()));
    if (options.killRunsAtShutdown() != StoreOptions.ShutdownPolicy.OWNER_CLOSES) {
      ShutdownHook.register(this);
    }
  }

  /**
   * A store of format 1 (a Chronicle queue per run) is converted by {@code tracklog upgrade}, not
   * read: refuse it before creating anything in it. Returns what store.json says, or null if there
   * is none yet.
   */
  private static StoreMetadata refuseFormat1(StoreLayout layout) {
    Path json = layout.storeJson();
    if (!Files.isRegularFile(json)) {
      if (Files.isDirectory(layout.catalogDir())) {
        throw new CorruptFileException(json, "is missing, yet the folder holds a store's catalog log");
      }
      return null;
    }
    StoreMetadata found = StoreMetadata.readAnyVersion(json);
    if (found.formatVersion() == 1) {
      throw new io.tracklog.error.UnsupportedFormatException(
          "Store "
              + layout.root()
              + " has format 1 (a log per run); this version reads format "
              + StoreMetadata.CURRENT_VERSION
              + ". Convert it with `tracklog upgrade --root "
              + layout.root()
              + "` (or StoreUpgrade.upgrade(root)).");
    }
    return found;
  }

  /** Opens the store at {@code root}, creating it if absent, with default options. */
  public static Store open(Path root) {
    return open(root, StoreOptions.defaults());
  }

  /**
   * Opens the store at {@code root}, creating it if absent.
   *
   * @throws io.tracklog.error.UnsupportedFormatException if the store was written by a newer format
   * @throws io.tracklog.error.CorruptFileException if {@code store.json} is not a Tracklog store file
   * @throws StorageException if a new store's files cannot be written (a full disk); a retry
   *     creates it
   */
  public static Store open(Path root, StoreOptions options) {
    return open(root, options, FileOps.DEFAULT);
  }

  /**
   * Opens the store at {@code root} as {@link #open(Path, StoreOptions)} does, writing every file
   * through {@code ops} (tests fail the N-th operation, or fill the disk).
   */
  static Store open(Path root, StoreOptions options, FileOps ops) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(ops, "ops");
    if (java.nio.file.Files.isRegularFile(root)) {
      // An archive (or any file): never written to. StoreReader.open reads archives.
      throw new io.tracklog.error.InvalidStateException(
          "Cannot open " + root + " for writing: it is a file, not a store folder (an archive is read-only: StoreReader.open)");
    }
    return new Store(root.toAbsolutePath().normalize(), options, ops, null);
  }

  /** Opens the default store: {@code $TRACKLOG_ROOT}, or {@code ./tracklog}. */
  public static Store openDefault() {
    return open(defaultRoot());
  }

  /** {@code $TRACKLOG_ROOT} if set and not blank, else {@code ./tracklog}. */
  public static Path defaultRoot() {
    String env = System.getenv(ROOT_ENV);
    return Paths.get(env == null || env.isBlank() ? DEFAULT_ROOT : env);
  }

  /** Opens a new, empty store for the upgrade to fill (see {@link StoreUpgrade}). */
  static Store openBare(Path root, StoreMetadata metadata) {
    return new Store(root.toAbsolutePath().normalize(), StoreOptions.defaults(), FileOps.DEFAULT, metadata);
  }

  public Path root() {
    return layout.root();
  }

  /** The store's unique id, fixed when it was created. */
  public String storeId() {
    return catalog.metadata().storeId();
  }

  public StoreOptions options() {
    return options;
  }

  InstantSource clock() {
    return options.clock();
  }

  StoreLayout layout() {
    return layout;
  }

  /** The catalog, for this package (tests checkpoint it and check what an open restored). */
  Catalog catalog() {
    return catalog;
  }

  /** Run-log access, for this package (tests replay runs below the API). */
  RunLogs runLogs() {
    return runLogs;
  }

  /** The import paths, for the upgrade from format 1. */
  RunImporter importer() {
    return importer;
  }

  // ---- experiments -----------------------------------------------------------------------------

  /** Creates an experiment with a generated id and the default artifact location. */
  public String createExperiment(String name) {
    return createExperiment(name, null, Map.of());
  }

  /**
   * Creates an experiment (MLflow's create_experiment).
   *
   * @param artifactLocation where its runs' artifacts go, or null for the store's own folder
   * @throws InvalidParameterException if the name, location or a tag is invalid
   * @throws ResourceAlreadyExistsException if an experiment (active or deleted) has this name
   */
  public String createExperiment(String name, String artifactLocation, Map<String, String> tags) {
    return experiments.create(name, artifactLocation, tags);
  }

  /**
   * Returns the active experiment named {@code name}, creating it if there is none (MLflow's
   * set_experiment). Safe when several processes call it at once: all get the same experiment.
   *
   * @throws InvalidParameterException if the name is invalid or names a deleted experiment
   */
  public Experiment setExperiment(String name) {
    return experiments.set(name);
  }

  /**
   * The experiment with this id, active or deleted.
   *
   * @throws ExperimentNotFoundException if there is none
   */
  public Experiment getExperiment(String experimentId) {
    return experiments.get(experimentId);
  }

  /** The experiment with this name, active or deleted (MLflow searches all views), if any. */
  public Optional<Experiment> findExperimentByName(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(catalog.read(cat -> cat.experimentByName(name)));
  }

  /** Every experiment, active and deleted, in creation order. */
  public List<Experiment> experiments() {
    return catalog.read(cat -> List.copyOf(cat.experiments()));
  }

  /**
   * Renames an active experiment.
   *
   * @throws ResourceAlreadyExistsException if the new name is taken
   * @throws InvalidStateException if the experiment is deleted
   */
  public void renameExperiment(String experimentId, String newName) {
    experiments.rename(experimentId, newName);
  }

  /** Sets a tag on an active experiment (key ≤ 250, value ≤ 5000 code points). */
  public void setExperimentTag(String experimentId, String key, String value) {
    experiments.setTag(experimentId, key, value);
  }

  /** Deletes a tag from an active experiment; a missing tag is an error. */
  public void deleteExperimentTag(String experimentId, String key) {
    experiments.deleteTag(experimentId, key);
  }

  /**
   * Soft-deletes an experiment and every active run in it (MLflow's delete_experiment). The Default
   * experiment cannot be deleted.
   */
  public void deleteExperiment(String experimentId) {
    experiments.delete(experimentId);
  }

  /** Restores a deleted experiment and all of its runs, including runs deleted one by one. */
  public void restoreExperiment(String experimentId) {
    experiments.restore(experimentId);
  }

  // ---- import ----------------------------------------------------------------------------------

  /**
   * Import path: creates an experiment exactly as given (id, name, artifact location, tags, creation
   * and last-update time, lifecycle stage), for migration and archives. An import may bring its own
   * experiment {@code "0"}: it replaces the store's Default experiment if that has no runs and no tags
   * and was never renamed or deleted (catalog event ExperimentReplaced).
   *
   * @throws ResourceAlreadyExistsException if the id or name is taken
   */
  public Experiment importExperiment(Experiment experiment) {
    return importer.importExperiment(experiment);
  }

  /**
   * Import path: writes a whole run exactly as given (ids, times, status, lifecycle, tags, params,
   * every metric point in order, inputs, artifact files) and only then registers it in the catalog.
   * Until that last append no reader sees the run; if anything fails before it, the run's folder is
   * removed and the exception rethrown, so an import never leaves half a run. The experiment may be
   * deleted (MLflow keeps runs of deleted experiments). Holds the catalog lock throughout.
   *
   * <p>Keys are checked with MLflow's rules (they name files when exported); value lengths are not,
   * so what another store accepted is kept.
   *
   * @throws ResourceAlreadyExistsException if the run id is taken
   * @throws ExperimentNotFoundException if the experiment does not exist
   * @throws InvalidParameterException if an id, key or artifact path is invalid; nothing is written
   */
  public void importRun(RunImport run) {
    importer.importRun(run);
  }

  // ---- runs ------------------------------------------------------------------------------------

  /** Starts a run with a generated name in an experiment. */
  public RunWriter startRun(String experimentId) {
    return startRun(RunSpec.of(experimentId));
  }

  /**
   * Starts a run (MLflow's create_run): status RUNNING, a new 32-hex-digit id unless the spec gives
   * one, the {@code mlflow.runName} and {@code mlflow.user} tags set. The caller closes the writer.
   *
   * @throws InvalidParameterException if a name, tag or id is invalid, or the run name and the
   *     {@code mlflow.runName} tag disagree
   * @throws ExperimentNotFoundException if the experiment does not exist
   * @throws InvalidStateException if the experiment is deleted
   * @throws ResourceAlreadyExistsException if the spec's run id is taken
   */
  public RunWriter startRun(RunSpec spec) {
    return writers.start(spec);
  }

  /**
   * Runs {@code block} in a new run: it ends FINISHED when the block returns and FAILED when it
   * throws, and the exception is rethrown unchanged. If the block ends the run itself, that status
   * stands. Returns the run id.
   */
  public <E extends Exception> String run(RunSpec spec, RunBlock<E> block) throws E {
    Objects.requireNonNull(block, "block");
    RunWriter run = startRun(spec);
    try {
      block.accept(run);
    } catch (Throwable t) {
      try {
        if (!run.hasEndedHere()) {
          if (run.isClosed()) {
            updateRun(run.runId(), RunStatus.FAILED, clock().millis());
          } else {
            run.end(RunStatus.FAILED);
          }
        }
      } catch (RuntimeException e) {
        t.addSuppressed(e);
      } finally {
        try {
          run.close();
        } catch (RuntimeException e) {
          t.addSuppressed(e);
        }
      }
      throw t;
    }
    try {
      if (!run.hasEndedHere()) {
        if (run.isClosed()) {
          updateRun(run.runId(), RunStatus.FINISHED, clock().millis()); // the block closed it
        } else {
          run.end(RunStatus.FINISHED);
        }
      }
    } finally {
      run.close();
    }
    return run.runId();
  }

  /**
   * Attaches to an existing run to write more (MLflow's start_run(run_id=...)); a run that had ended
   * is set RUNNING again. Other processes may hold writers on the same run.
   *
   * @throws RunNotFoundException if there is no such run
   * @throws RunNotActiveException if the run is deleted
   * @throws IllegalStateException if this store already has a writer open on the run
   */
  public RunWriter resumeRun(String runId) {
    return writers.resume(runId, true);
  }

  /**
   * Attaches to an existing run to write more without touching its status: MLflow's REST writes
   * (log-metric to a FINISHED run keeps it FINISHED). A tracking server writes through these.
   *
   * @throws RunNotFoundException if there is no such run
   * @throws RunNotActiveException if the run is deleted
   * @throws IllegalStateException if this store already has a writer open on the run
   */
  public RunWriter attachRun(String runId) {
    return writers.resume(runId, false);
  }

  void writerClosed(RunWriter writer) {
    writers.closed(writer);
  }

  /**
   * The run as its log says now (MLflow's get_run); deleted runs included.
   *
   * @throws RunNotFoundException if there is no such run
   */
  public Run getRun(String runId) {
    runLogs.requireRun(runId);
    return runLogs.replay(runId).toRun();
  }

  /**
   * The whole content of a run's log: the run, every metric point in append order, artifact
   * records and the deletion time (see {@link RunRecord}).
   *
   * @throws RunNotFoundException if there is no such run
   */
  public RunRecord runRecord(String runId) {
    return runLogs.record(runId);
  }

  /** The artifact folder of a run, for listing, opening and copying out its artifacts. */
  public RunArtifacts artifacts(String runId) {
    runLogs.requireRun(runId);
    return new RunArtifacts(
        runId, layout.runArtifacts(runId), layout.ops(), runLogs.replay(runId).artifacts(), path -> runLogs.artifactHistory(runId, path));
  }

  /** MLflow's list_artifacts: the direct children of {@code path} (null for the root), sorted. */
  public List<ArtifactInfo> listArtifacts(String runId, String path) {
    return artifacts(runId).list(path);
  }

  /** Opens one artifact file of a run; the caller closes the stream. */
  public java.io.InputStream openArtifact(String runId, String path) {
    return artifacts(runId).open(path);
  }

  /** MLflow's download_artifacts: copies a file or directory (null: all) below {@code dest}. */
  public Path downloadArtifacts(String runId, String path, Path dest) {
    return artifacts(runId).copyTo(path, dest);
  }

  /** Every run of an experiment, active and deleted, in creation order. */
  public List<String> runIds(String experimentId) {
    Validation.experimentId(experimentId);
    return catalog.read(cat -> cat.runIds(experimentId));
  }

  /** Every run of an experiment, active and deleted, replayed from the logs. */
  public List<Run> runs(String experimentId) {
    List<Run> runs = new ArrayList<>();
    for (String runId : runIds(experimentId)) {
      runs.add(getRun(runId));
    }
    return runs;
  }

  /** Soft-deletes a run: its data stays readable, writes to it fail. Deleting twice is a no-op. */
  public void deleteRun(String runId) {
    runLogs.requireRun(runId);
    writers.setLifecycle(runId, LifecycleStage.DELETED, clock().millis());
  }

  /** Restores a deleted run. Restoring an active run is a no-op. */
  public void restoreRun(String runId) {
    runLogs.requireRun(runId);
    writers.setLifecycle(runId, LifecycleStage.ACTIVE, clock().millis());
  }

  /**
   * MLflow's update_run for a run with no writer here: a new status and optional end time.
   *
   * @throws RunNotActiveException if the run is deleted
   */
  public void updateRun(String runId, RunStatus status, Long endTime) {
    writers.update(runId, status, endTime);
  }

  /**
   * Runs left RUNNING by a writer that is gone (its process died or closed it without ending the
   * run): every attachment of the run has ended (a DETACHED frame, a new session on its lane, or a
   * lane nobody holds). Runs with a writer in this store are not listed.
   */
  public List<String> orphanedRuns() {
    return orphans.find();
  }

  /**
   * Ends every orphaned run as KILLED (end time now). Holds the catalog lock, so no writer can
   * attach to a run meanwhile. Returns the runs it ended.
   */
  public List<String> endOrphanedRuns() {
    return orphans.end();
  }

  // ---- compaction and reading below the API ----------------------------------------------------

  /**
   * Compacts every run whose log has moved past the newest manifest into Arrow files and commits the
   * next manifest generation (docs/FORMAT.md §Compaction). Safe to call from several processes.
   *
   * @throws io.tracklog.error.CommitConflictException if other compactors kept committing first
   */
  public Compactor.Result compact() {
    return compactor(layout.ops(), MergePolicy.DEFAULT).compact();
  }

  /** Regenerates every Arrow file from the logs; every read answers the same afterwards. */
  public Compactor.Result rebuild() {
    return compactor(layout.ops(), MergePolicy.DEFAULT).rebuild();
  }

  /** Whether a writer that ended its run compacts it on close (not while the JVM shuts down). */
  boolean compactsOnClose() {
    return options.compaction() == StoreOptions.CompactionTrigger.WHEN_RUN_CLOSES && !shuttingDown;
  }

  /** Compacts one run (and whatever segment it must rewrite or merge). */
  Compactor.Result compactRun(String runId) {
    return compactor(layout.ops(), MergePolicy.DEFAULT).compact(runId::equals);
  }

  /** The advanced door: a compactor with its own file operations (fault injection) and merge policy. */
  public Compactor compactor(FileOps ops, MergePolicy policy) {
    catalog.checkOpen();
    return new Compactor(new CompactionView(catalog, runLogs, options.segmentCompression()), ops, policy);
  }

  /**
   * An immutable view of the catalog as it is now (experiments, runs, reopenings); taking one
   * copies nothing per run.
   */
  public CatalogSnapshot catalogSnapshot() {
    return catalog.snapshot();
  }

  /**
   * A reader over a run's log from its first event; the caller closes it. For readers that fold
   * logs themselves (the reader module's snapshots).
   *
   * @throws RunNotFoundException if there is no such run
   */
  public EventReader openRunLog(String runId) {
    return runLogs.open(runId);
  }

  /** How many catalog events this store has read: a reader's consistency point. */
  public long catalogPosition() {
    return catalog.position();
  }

  /**
   * Checks the whole store and reports what is wrong (or {@link VerifyReport#ok()}); {@code tracklog
   * verify}. Reads without changing anything, while writers keep going: it works from the catalog
   * and the manifest as they are when it starts, and what is written meanwhile is not a problem.
   * Checks that
   *
   * <ul>
   *   <li>every log decodes from its first event: the catalog, every lane's excerpts, the out-of-line
   *       events they reference (length and SHA-256), and every run's events, folded;
   *   <li>every artifact file has the size and SHA-256 of its run's last ArtifactWritten event for
   *       its path;
   *   <li>the newest two manifests parse, and every file they list exists with the length and
   *       CRC32C they record (readers fall back to the logs from a file that does not);
   *   <li>the catalog checkpoint's parts decode, anchor on the catalog log, and restore the catalog
   *       that replaying the log gives (a store ignores a part that does not).
   * </ul>
   *
   * Whether the Arrow files' rows say what the logs say is checked by the reader module's {@code
   * StoreReader.deepVerify()} ({@code tracklog verify --deep}). Damage that stops the store from
   * opening is reported by {@link #open} itself.
   */
  public VerifyReport verify() {
    catalog.checkOpen();
    return new StoreVerifier(layout, catalog, runLogs).verify();
  }

  /**
   * Permanently deletes runs and experiments in the deleted lifecycle stage, as MLflow's {@code
   * mlflow gc} (mlflow/cli.py, {@code gc}); {@code tracklog gc}. Without run ids, every deleted run
   * (deleted at least {@code olderThan} ago) goes; without experiment ids, every deleted experiment
   * (last updated, that is deleted, at least {@code olderThan} ago) goes, with all of its runs. Then
   * their artifact folders are deleted and the compacted segments holding them are rewritten.
   *
   * <p>Afterwards a purged run is unknown ({@link RunNotFoundException} from {@link #getRun}, absent
   * from listings, searches and readers), a purged experiment too, and its name is free; a purged
   * run's id is not given to a new run. Named runs and experiments are checked before anything is
   * purged: all of them go, or the call fails and nothing does. A run not deleted is never touched;
   * deleted runs and experiments that a writer could still append to are left (listed in {@link
   * GcReport#skipped()}). A gc interrupted anywhere leaves every run either whole or purged, and the
   * next gc finishes its work (docs/FORMAT.md §Catalog events).
   *
   * @throws RunNotFoundException if a named run does not exist
   * @throws ExperimentNotFoundException if a named experiment does not exist
   * @throws InvalidStateException if a named run or experiment is not deleted, a named run is still
   *     being written to, or a named experiment has a run that is not deleted
   * @throws InvalidParameterException if a named run or experiment was deleted more recently than
   *     {@code olderThan}, or an id is invalid
   */
  public GcReport gc(GcOptions options) {
    return gc(options, layout.ops());
  }

  /** The advanced door: {@link #gc(GcOptions)} with its own file operations (fault injection). */
  public GcReport gc(GcOptions options, FileOps ops) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(ops, "ops");
    catalog.checkOpen();
    return new Gc(layout, catalog, runLogs, ops, Gc.compactors(this), writers::isOpen, clock().millis()).run(options);
  }

  /** Forces the catalog, every open run log and the registry log to the storage device. */
  public void sync() {
    catalog.checkOpen();
    catalog.sync();
    lanes.sync();
    registry.sync();
  }

  /**
   * The store's model registry (MLflow's registered models, versions, stages and aliases; issue
   * #12). The store closes it.
   *
   * @throws AlreadyClosedException if the store is closed
   */
  public io.tracklog.registry.ModelRegistry registry() {
    catalog.checkOpen();
    return registry;
  }

  // ---- closing ---------------------------------------------------------------------------------

  /** At JVM shutdown: end runs left RUNNING by open writers as KILLED (if so configured), close. */
  void shutdown() {
    shuttingDown = true;
    if (options.killRunsAtShutdown() == StoreOptions.ShutdownPolicy.END_AS_KILLED) {
      for (RunWriter w : writers.openWriters()) {
        w.killIfRunning();
      }
    }
    close();
  }

  /** Closes the writers still open, then the lanes and the catalog. Idempotent. */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    ShutdownHook.unregister(this);
    RuntimeException failure = null;
    for (RunWriter w : writers.openWriters()) {
      failure = attempt(w::close, failure);
    }
    failure =
        attempt(
            () ->
                lanes.close(
                    ends ->
                        catalog.withLock(
                            cat -> {
                              ends.forEach(catalog::append);
                              return null;
                            })),
            failure);
    failure = attempt(registry::close, failure);
    failure = attempt(catalog::checkpointOnClose, failure);
    failure =
        attempt(
            () -> {
              catalog.close();
              stateLocks.close();
            },
            failure);
    // the runs this store used, and the catalog if unused
    failure = attempt(() -> SharedLogs.closeIdle(layout.root()), failure);
    if (failure != null) {
      throw failure;
    }
  }

  /** Runs {@code step} of a close; returns the first failure so far, later ones suppressed in it. */
  private static RuntimeException attempt(Runnable step, RuntimeException failure) {
    try {
      step.run();
    } catch (RuntimeException e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
    }
    return failure;
  }

  /** Removes a folder and everything below it (closing idle logs there first). */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    SharedLogs.closeIdle(dir);
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove " + dir, e);
    }
  }

  /** True if {@code dir} holds a Tracklog store. */
  public static boolean exists(Path dir) {
    StoreLayout layout = new StoreLayout(dir);
    return Files.isRegularFile(layout.storeJson()) || Files.isDirectory(layout.catalogDir());
  }
}
