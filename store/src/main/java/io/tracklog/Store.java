package io.tracklog;

import io.tracklog.error.AlreadyClosedException;
import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.InvalidStateException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.error.RunNotActiveException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.error.TagNotFoundException;
import io.tracklog.compact.CompactionSource;
import io.tracklog.compact.Compactor;
import io.tracklog.compact.FileOps;
import io.tracklog.compact.MergePolicy;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogCheckpoint;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.CatalogState;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import io.tracklog.format.Validation;
import io.tracklog.log.ChronicleEventLog;
import io.tracklog.log.EventLog;
import io.tracklog.log.EventReader;
import io.tracklog.log.ProcessLock;
import io.tracklog.log.StripedLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
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
 * handed out that are still open. Semantics and limits are MLflow's (MLFLOW-SEMANTICS.md §1-3).
 */
public final class Store implements AutoCloseable {
  /** The environment variable naming the default store directory. */
  public static final String ROOT_ENV = "TRACKLOG_ROOT";
  /** The default store directory when {@value #ROOT_ENV} is not set. */
  public static final String DEFAULT_ROOT = "tracklog";
  /** Run ids name folders, and file names are at most 255 bytes on common file systems. */
  public static final int MAX_RUN_ID_BYTES = 255;

  private final StoreLayout layout;
  private final StoreOptions options;
  private final StoreMetadata metadata;
  private final SharedLogs.Lease catalogLease;
  private final Lanes lanes;
  private StripedLock stateLocks; // set once by the constructor

  private final Object catalogMonitor = new Object();
  private final CatalogState catalog = new CatalogState(); // guarded by catalogMonitor
  private final EventReader catalogReader; // guarded by catalogMonitor
  private final ByteSink catalogSink = new ByteSink(); // guarded by catalogMonitor
  private long checkpointPosition; // guarded by catalogMonitor: of the checkpoint loaded or written here
  private long restoredFrom; // the checkpoint position the catalog was restored from at open, or 0

  private final Map<String, RunWriter> openWriters = new ConcurrentHashMap<>();
  private volatile boolean closing; // close() began: writers are being closed, then the catalog
  private volatile boolean closed;
  private volatile boolean shuttingDown;

  private Store(Path root, StoreOptions options) {
    this(root, options, null);
  }

  /**
   * @param bare for the upgrade: a new store with this identity whose catalog starts empty (no
   *     Default experiment: the converted catalog brings its own)
   */
  private Store(Path root, StoreOptions options, StoreMetadata bare) {
    this.layout = new StoreLayout(root);
    this.options = options;
    this.lanes = new Lanes(layout, options.clock());
    refuseFormat1(layout);
    boolean success = false;
    boolean retained = false;
    boolean retainedCatalog = false;
    SharedLogs.Lease lease = null;
    EventReader reader = null;
    try {
      Files.createDirectories(root);
      ProcessLock.retain(layout.catalogLock());
      retainedCatalog = true;
      stateLocks = StripedLock.open(layout.runStateLocks());
      retained = true;
      lease = SharedLogs.acquire(layout.catalogDir());
      reader = lease.log().openReader();
      this.catalogLease = lease;
      this.catalogReader = reader;
      this.metadata =
          bare == null ? ProcessLock.withLock(layout.catalogLock(), this::initialise) : initialiseBare(bare);
      success = true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create store directory " + root, e);
    } finally {
      if (!success) {
        if (reader != null) {
          reader.close();
        }
        if (lease != null) {
          lease.close();
        }
        if (retainedCatalog) {
          ProcessLock.unretain(layout.catalogLock());
        }
        if (retained) {
          stateLocks.close();
        }
      }
    }
    ShutdownHook.register(this);
  }

  /**
   * A store of format 1 (a Chronicle queue per run) is converted by {@code tracklog upgrade}, not
   * read: refuse it before creating anything in it.
   */
  private static void refuseFormat1(StoreLayout layout) {
    Path json = layout.storeJson();
    if (Files.isRegularFile(json) && StoreMetadata.readVersion(json) == 1) {
      throw new io.tracklog.error.UnsupportedFormatException(
          "Store "
              + layout.root()
              + " has format 1 (a log per run); this version reads format "
              + StoreMetadata.CURRENT_VERSION
              + ". Convert it with `tracklog upgrade --root "
              + layout.root()
              + "` (or StoreUpgrade.upgrade(root)).");
    }
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
   */
  public static Store open(Path root, StoreOptions options) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(options, "options");
    return new Store(root.toAbsolutePath().normalize(), options);
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

  /**
   * Runs under the catalog lock: folds the catalog (from its checkpoint, if there is a valid one,
   * then the log's tail), and writes store.json and the Default experiment if they are missing.
   */
  private StoreMetadata initialise() {
    Path json = layout.storeJson();
    StoreMetadata existing = Files.exists(json) ? StoreMetadata.read(json) : null;
    synchronized (catalogMonitor) {
      if (existing != null) {
        restoredFrom =
            CatalogCheckpoints.restore(layout.catalogCheckpoint(), existing.storeId(), catalogReader, catalog);
        checkpointPosition = restoredFrom;
      }
      refreshCatalog();
      if (catalog.experiment(Experiment.DEFAULT_ID) == null) {
        long now = clock().millis();
        appendCatalog(
            new CatalogEvent.ExperimentCreated(
                Experiment.DEFAULT_ID, Experiment.DEFAULT_NAME, defaultArtifactLocation(), now, now, Map.of()));
      }
    }
    if (existing != null) {
      return existing;
    }
    new StoreMetadata(StoreMetadata.CURRENT_VERSION, UUID.randomUUID().toString(), clock().millis()).write(json);
    return StoreMetadata.read(json);
  }

  private StoreMetadata initialiseBare(StoreMetadata bare) {
    bare.write(layout.storeJson());
    return bare;
  }

  /** Opens a new, empty store for the upgrade to fill (see {@link StoreUpgrade}). */
  static Store openBare(Path root, StoreMetadata metadata) {
    return new Store(root.toAbsolutePath().normalize(), StoreOptions.defaults(), metadata);
  }

  /** Upgrade path: appends a catalog event as the old catalog held it. */
  void appendCatalogVerbatim(CatalogEvent event) {
    withCatalogLock(
        cat -> {
          appendCatalog(event);
          return null;
        });
  }

  public Path root() {
    return layout.root();
  }

  /** The store's unique id, fixed when it was created. */
  public String storeId() {
    return metadata.storeId();
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

  private String defaultArtifactLocation() {
    return layout.runsDir().toUri().toString().replaceAll("/$", "");
  }

  // ---- catalog ---------------------------------------------------------------------------------

  private void refreshCatalog() {
    synchronized (catalogMonitor) {
      for (ByteSource src = catalogReader.next(); src != null; src = catalogReader.next()) {
        catalog.apply(EventCodec.decodeCatalogEvent(src));
      }
    }
  }

  /** Appends and applies a catalog event; the caller holds the catalog lock and monitor. */
  private void appendCatalog(CatalogEvent event) {
    EventCodec.encode(event, catalogSink);
    catalogLease.log().append(catalogSink.array(), catalogSink.length());
    refreshCatalog();
  }

  /** Runs {@code action} holding the cross-process catalog lock over an up-to-date catalog. */
  private <T> T withCatalogLock(Function<CatalogState, T> action) {
    checkOpen();
    return ProcessLock.withLock(
        layout.catalogLock(),
        () -> {
          synchronized (catalogMonitor) {
            refreshCatalog();
            return action.apply(catalog);
          }
        });
  }

  private <T> T readCatalog(Function<CatalogState, T> read) {
    checkOpen();
    synchronized (catalogMonitor) {
      refreshCatalog();
      return read.apply(catalog);
    }
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
    Validation.experimentName(name);
    Validation.artifactLocation(artifactLocation);
    Validation.experimentTags(Objects.requireNonNull(tags, "tags"));
    return withCatalogLock(
        cat -> {
          requireNameFree(cat, name);
          String id = cat.nextExperimentId();
          long now = clock().millis();
          appendCatalog(
              new CatalogEvent.ExperimentCreated(
                  id, name, artifactLocation == null ? defaultArtifactLocation() : artifactLocation, now, now, tags));
          return id;
        });
  }

  private static void requireNameFree(CatalogState cat, String name) {
    if (cat.experimentByName(name) != null) {
      throw new ResourceAlreadyExistsException("Experiment '" + name + "' already exists.");
    }
  }

  /**
   * Returns the active experiment named {@code name}, creating it if there is none (MLflow's
   * set_experiment). Safe when several processes call it at once: all get the same experiment.
   *
   * @throws InvalidParameterException if the name is invalid or names a deleted experiment
   */
  public Experiment setExperiment(String name) {
    Validation.experimentName(name);
    Experiment existing = readCatalog(cat -> cat.experimentByName(name));
    if (existing == null) {
      existing =
          withCatalogLock(
              cat -> {
                Experiment e = cat.experimentByName(name);
                if (e != null) {
                  return e;
                }
                long now = clock().millis();
                String id = cat.nextExperimentId();
                appendCatalog(
                    new CatalogEvent.ExperimentCreated(id, name, defaultArtifactLocation(), now, now, Map.of()));
                return cat.experiment(id);
              });
    }
    if (!existing.isActive()) {
      throw new InvalidParameterException(
          "Cannot set a deleted experiment '"
              + name
              + "' as the active experiment. You can restore the experiment, or permanently delete"
              + " the experiment to create a new one.");
    }
    return existing;
  }

  /**
   * The experiment with this id, active or deleted.
   *
   * @throws ExperimentNotFoundException if there is none
   */
  public Experiment getExperiment(String experimentId) {
    Validation.experimentId(experimentId);
    Experiment e = readCatalog(cat -> cat.experiment(experimentId));
    if (e == null) {
      throw ExperimentNotFoundException.withId(experimentId);
    }
    return e;
  }

  /** The experiment with this name, active or deleted (MLflow searches all views), if any. */
  public Optional<Experiment> findExperimentByName(String name) {
    Objects.requireNonNull(name, "name");
    return Optional.ofNullable(readCatalog(cat -> cat.experimentByName(name)));
  }

  /** Every experiment, active and deleted, in creation order. */
  public List<Experiment> experiments() {
    return readCatalog(cat -> List.copyOf(cat.experiments()));
  }

  /**
   * Renames an active experiment.
   *
   * @throws ResourceAlreadyExistsException if the new name is taken
   * @throws InvalidStateException if the experiment is deleted
   */
  public void renameExperiment(String experimentId, String newName) {
    Validation.experimentName(newName);
    withCatalogLock(
        cat -> {
          Experiment e = requireExperiment(cat, experimentId);
          if (!e.isActive()) {
            throw new InvalidStateException("Cannot rename a non-active experiment.");
          }
          if (!e.name().equals(newName)) {
            requireNameFree(cat, newName);
            appendCatalog(new CatalogEvent.ExperimentRenamed(experimentId, newName, clock().millis()));
          }
          return null;
        });
  }

  /** Sets a tag on an active experiment (key ≤ 250, value ≤ 5000 code points). */
  public void setExperimentTag(String experimentId, String key, String value) {
    Validation.experimentTag(key, value);
    withCatalogLock(
        cat -> {
          requireActive(requireExperiment(cat, experimentId));
          appendCatalog(new CatalogEvent.ExperimentTagSet(experimentId, key, value));
          return null;
        });
  }

  /** Deletes a tag from an active experiment; a missing tag is an error. */
  public void deleteExperimentTag(String experimentId, String key) {
    Validation.tagKey(key);
    withCatalogLock(
        cat -> {
          Experiment e = requireActive(requireExperiment(cat, experimentId));
          if (!e.tags().containsKey(key)) {
            throw TagNotFoundException.ofExperiment(experimentId, key);
          }
          appendCatalog(new CatalogEvent.ExperimentTagDeleted(experimentId, key));
          return null;
        });
  }

  /**
   * Soft-deletes an experiment and every active run in it (MLflow's delete_experiment). The Default
   * experiment cannot be deleted.
   */
  public void deleteExperiment(String experimentId) {
    Validation.experimentId(experimentId);
    if (experimentId.equals(Experiment.DEFAULT_ID)) {
      throw new InvalidStateException(
          "Cannot delete the default experiment '0'. This is an internally reserved experiment.");
    }
    withCatalogLock(
        cat -> {
          Experiment e = requireExperiment(cat, experimentId);
          if (!e.isActive()) {
            throw new InvalidStateException(
                "Cannot delete experiment '" + experimentId + "': it is already deleted.");
          }
          long now = clock().millis();
          // Runs first: a crash half-way leaves an active experiment with some deleted runs, and
          // deleting it again finishes the job.
          for (String runId : cat.runIds(experimentId)) {
            setRunLifecycle(runId, LifecycleStage.DELETED, now);
          }
          appendCatalog(new CatalogEvent.ExperimentDeleted(experimentId, now));
          return null;
        });
  }

  /** Restores a deleted experiment and all of its runs, including runs deleted one by one. */
  public void restoreExperiment(String experimentId) {
    Validation.experimentId(experimentId);
    withCatalogLock(
        cat -> {
          Experiment e = requireExperiment(cat, experimentId);
          if (e.isActive()) {
            throw new InvalidStateException(
                "Cannot restore an active experiment: '" + experimentId + "' is not deleted.");
          }
          long now = clock().millis();
          for (String runId : cat.runIds(experimentId)) {
            setRunLifecycle(runId, LifecycleStage.ACTIVE, now);
          }
          appendCatalog(new CatalogEvent.ExperimentRestored(experimentId, now));
          return null;
        });
  }

  /**
   * Import path: creates an experiment exactly as given (id, name, artifact location, tags, creation
   * and last-update time, lifecycle stage), for migration and archives. An import may bring its own
   * experiment {@code "0"}: it replaces the store's Default experiment if that has no runs and no tags
   * and was never renamed or deleted (catalog event ExperimentReplaced).
   *
   * @throws ResourceAlreadyExistsException if the id or name is taken
   */
  public Experiment importExperiment(Experiment experiment) {
    Objects.requireNonNull(experiment, "experiment");
    Validation.experimentId(experiment.experimentId());
    Validation.experimentName(experiment.name());
    Validation.artifactLocation(experiment.artifactLocation());
    Validation.experimentTags(experiment.tags());
    return withCatalogLock(
        cat -> {
          Experiment existing = cat.experiment(experiment.experimentId());
          if (existing != null && !isPristineDefault(cat, existing)) {
            throw new ResourceAlreadyExistsException(
                "Experiment with id '" + experiment.experimentId() + "' already exists.");
          }
          Experiment byName = cat.experimentByName(experiment.name());
          if (byName != null && byName != existing) {
            throw new ResourceAlreadyExistsException("Experiment '" + experiment.name() + "' already exists.");
          }
          if (existing != null) {
            // The Default experiment every store starts with, untouched: the import brings its own "0".
            appendCatalog(
                new CatalogEvent.ExperimentReplaced(
                    experiment.experimentId(),
                    experiment.name(),
                    experiment.artifactLocation(),
                    experiment.creationTime(),
                    experiment.lastUpdateTime(),
                    experiment.tags()));
          } else {
            appendCatalog(
                new CatalogEvent.ExperimentCreated(
                    experiment.experimentId(),
                    experiment.name(),
                    experiment.artifactLocation(),
                    experiment.creationTime(),
                    experiment.lastUpdateTime(),
                    experiment.tags()));
          }
          if (!experiment.isActive()) {
            appendCatalog(
                new CatalogEvent.ExperimentDeleted(experiment.experimentId(), experiment.lastUpdateTime()));
          }
          return cat.experiment(experiment.experimentId());
        });
  }

  /** The Default experiment as a store creates it: no runs, no tags, named Default, active. */
  private static boolean isPristineDefault(CatalogState cat, Experiment e) {
    return e.experimentId().equals(Experiment.DEFAULT_ID)
        && e.name().equals(Experiment.DEFAULT_NAME)
        && e.tags().isEmpty()
        && e.isActive()
        && cat.runIds(e.experimentId()).isEmpty();
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
    Objects.requireNonNull(run, "run");
    Validation.runId(run.runId());
    Validation.experimentId(run.experimentId());
    if (run.runId().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_RUN_ID_BYTES) {
      throw new InvalidParameterException("Invalid run ID: '" + run.runId() + "': longer than " + MAX_RUN_ID_BYTES + " bytes");
    }
    if (run.startTime() < 0 || (run.endTime() != null && run.endTime() < 0)) {
      throw new InvalidParameterException("Invalid start or end time for run '" + run.runId() + "'");
    }
    for (RunTag t : run.tags()) {
      Validation.tagKey(t.key());
    }
    for (Param p : run.params()) {
      Validation.paramKey(p.key());
    }
    for (Metric m : run.metrics()) {
      Validation.metricKey(m.key());
      if (m.timestampMs() < 0) {
        Validation.metricTimestamp(m.key(), m.value(), m.timestampMs());
      }
    }
    List<List<String>> artifactPaths = new ArrayList<>();
    for (RunImport.ArtifactFile a : run.artifacts()) {
      artifactPaths.add(RunArtifacts.segments(a.path(), false));
    }
    withCatalogLock(
        cat -> {
          requireExperiment(cat, run.experimentId());
          if (cat.experimentOfRun(run.runId()) != null) {
            throw new ResourceAlreadyExistsException("Run with id '" + run.runId() + "' already exists.");
          }
          deleteTree(layout.runDir(run.runId())); // artifacts of an import that failed before
          int ordinal = cat.runCount();
          Lane lane = lanes.attach();
          boolean success = false;
          try {
            long[] order = {0};
            long token = writeImportedRun(lane, ordinal, order, run, artifactPaths);
            lane.appendMarker(io.tracklog.format.LaneCodec.DETACHED, ordinal);
            lane.sync();
            appendCatalog(
                new CatalogEvent.RunRegistered(run.runId(), run.experimentId(), clock().millis(), lane.number, token));
            success = true;
          } finally {
            lanes.detach(lane);
            if (!success) {
              deleteTree(layout.runDir(run.runId()));
            }
          }
          return null;
        });
  }

  private static final int IMPORT_CHUNK = 1000;

/** Writes an imported run's events to a lane; returns the token of its first frame. */
  private long writeImportedRun(Lane lane, int ordinal, long[] order, RunImport run, List<List<String>> artifactPaths) {
    long token =
        lane.appendRunEvent(
            ordinal,
            order[0]++,
            new RunEvent.RunStarted(
                run.runId(), run.experimentId(), run.runName(), run.userId(), run.startTime(), run.artifactUri(), run.tags()));
    List<Param> params = run.params();
    for (int i = 0; i < params.size(); i += IMPORT_CHUNK) {
      lane.appendRunEvent(
          ordinal,
          order[0]++,
          new RunEvent.BatchLogged(List.of(), params.subList(i, Math.min(params.size(), i + IMPORT_CHUNK)), List.of()));
    }
    List<Metric> metrics = run.metrics();
    for (int i = 0; i < metrics.size(); i += IMPORT_CHUNK) {
      lane.appendRunEvent(
          ordinal,
          order[0]++,
          new RunEvent.BatchLogged(metrics.subList(i, Math.min(metrics.size(), i + IMPORT_CHUNK)), List.of(), List.of()));
    }
    if (!run.inputs().isEmpty()) {
      lane.appendRunEvent(ordinal, order[0]++, new RunEvent.InputsLogged(run.inputs()));
    }
    RunArtifacts folder = new RunArtifacts(run.runId(), layout.runArtifacts(run.runId()));
    for (int i = 0; i < run.artifacts().size(); i++) {
      Path source = run.artifacts().get(i).source();
      RunArtifacts.Written w = folder.write(artifactPaths.get(i), out -> Files.copy(source, out));
      lane.appendRunEvent(ordinal, order[0]++, new RunEvent.ArtifactWritten(w.path(), w.size(), w.sha256()));
    }
    if (run.status() != RunStatus.RUNNING || run.endTime() != null) {
      lane.appendRunEvent(ordinal, order[0]++, new RunEvent.StatusChanged(run.status(), run.endTime()));
    }
    if (run.lifecycleStage() == LifecycleStage.DELETED) {
      lane.appendRunEvent(
          ordinal, order[0]++, new RunEvent.RunDeleted(run.deletedTime() == null ? 0L : run.deletedTime()));
    }
    return token;
  }

  /**
   * Import path for the upgrade from format 1: a run's events exactly as its old log held them, then
   * its registration. The caller holds the catalog lock.
   */
  void importRunEvents(String runId, String experimentId, List<RunEvent> events) {
    withCatalogLock(
        cat -> {
          int ordinal = cat.runCount();
          Lane lane = lanes.attach();
          try {
            long token = -1;
            long order = 0;
            Lane.MetricState metrics = new Lane.MetricState(ordinal);
            for (RunEvent e : events) {
              if (e instanceof RunEvent.MetricLogged m && token >= 0) {
                Metric x = m.metric();
                lane.appendMetric(metrics, x.key(), x.value(), x.timestampMs(), x.step());
              } else {
                long t = lane.appendRunEvent(ordinal, order++, e);
                token = token < 0 ? t : token;
              }
            }
            lane.appendMarker(io.tracklog.format.LaneCodec.DETACHED, ordinal);
            appendCatalog(new CatalogEvent.RunRegistered(runId, experimentId, clock().millis(), lane.number, token));
          } finally {
            lanes.detach(lane);
          }
          return null;
        });
  }

  private static Experiment requireExperiment(CatalogState cat, String experimentId) {
    Validation.experimentId(experimentId);
    Experiment e = cat.experiment(experimentId);
    if (e == null) {
      throw ExperimentNotFoundException.withId(experimentId);
    }
    return e;
  }

  private static Experiment requireActive(Experiment e) {
    if (!e.isActive()) {
      throw new InvalidParameterException(
          "The experiment " + e.experimentId() + " must be in the 'active' state. Current state is deleted.");
    }
    return e;
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
    Objects.requireNonNull(spec, "spec");
    checkOpen();
    Validation.experimentId(spec.experimentId());
    if (spec.runId() != null) {
      Validation.runId(spec.runId());
      if (spec.runId().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_RUN_ID_BYTES) {
        throw new InvalidParameterException(
            "Invalid run ID: '"
                + spec.runId()
                + "'. Tracklog names a folder after each run, so a run ID may be at most "
                + MAX_RUN_ID_BYTES
                + " bytes of UTF-8");
      }
    }
    if (spec.parentRunId() != null) {
      Validation.runId(spec.parentRunId());
    }
    if (spec.startTime() != null && spec.startTime() < 0) {
      throw new InvalidParameterException("Invalid start time " + spec.startTime());
    }
    Map<String, String> tags = new LinkedHashMap<>();
    for (RunTag t : spec.tags()) {
      Validation.tag(t);
      tags.put(t.key(), t.value());
    }
    String tagName = tags.get(SystemTags.RUN_NAME);
    if (spec.runName() != null && tagName != null && !spec.runName().equals(tagName)) {
      throw new InvalidParameterException(
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values"
              + " (run_name='"
              + spec.runName()
              + "', mlflow.runName='"
              + tagName
              + "').");
    }
    String runName =
        spec.runName() != null
            ? spec.runName()
            : tagName != null ? tagName : RunNames.generate(ThreadLocalRandom.current());
    Validation.runName(runName);
    String user = spec.userId() != null ? spec.userId() : options.userName();
    tags.put(SystemTags.RUN_NAME, runName);
    tags.putIfAbsent(SystemTags.USER, user);
    if (options.sourceTags()) {
      SourceTags.current().forEach(tags::putIfAbsent); // MLflow's source tags; the caller's win
    }
    if (spec.parentRunId() != null) {
      tags.put(SystemTags.PARENT_RUN_ID, spec.parentRunId());
    }
    List<RunTag> startTags = new ArrayList<>();
    tags.forEach((k, v) -> startTags.add(new RunTag(k, v)));
    String runId = spec.runId() != null ? spec.runId() : UUID.randomUUID().toString().replace("-", "");
    long startTime = spec.startTime() != null ? spec.startTime() : clock().millis();

    return withCatalogLock(
        cat -> {
          Experiment exp = requireExperiment(cat, spec.experimentId());
          if (!exp.isActive()) {
            throw new InvalidStateException(
                "Could not create run under non-active experiment with ID " + exp.experimentId() + ".");
          }
          if (cat.experimentOfRun(runId) != null) {
            throw new ResourceAlreadyExistsException("Run with id '" + runId + "' already exists.");
          }
          if (openWriters.containsKey(runId)) {
            throw new IllegalStateException("Cannot start run " + runId + ": this store has a writer open on it");
          }
          String artifactUri = exp.artifactLocation() + "/" + runId + "/artifacts";
          RunEvent.RunStarted started =
              new RunEvent.RunStarted(runId, exp.experimentId(), runName, user, startTime, artifactUri, startTags);
          // The run's first frame, then its registration: a crash in between leaves a frame of an
          // ordinal nobody registered at that token, which no reader ever reads.
          int ordinal = cat.runCount();
          Lane lane = lanes.attach();
          RunAttachment attachment;
          try {
            long token = lane.appendRunEvent(ordinal, 0, started);
            appendCatalog(new CatalogEvent.RunRegistered(runId, exp.experimentId(), clock().millis(), lane.number, token));
            attachment = new RunAttachment(this, lanes, lane, runId, ordinal, started);
          } catch (RuntimeException | Error e) {
            lanes.detach(lane);
            throw e;
          }
          return register(attachment);
        });
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
    requireRun(runId);
    RunWriter writer = openWriter(runId, null);
    try {
      Run run = writer.state();
      if (run.info().lifecycleStage() == LifecycleStage.DELETED) {
        throw new RunNotActiveException(runId);
      }
      if (run.info().status() != RunStatus.RUNNING) {
        writer.updateStatus(RunStatus.RUNNING, null);
      }
      return writer;
    } catch (RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  /** Opens a writer on an existing run: a new attachment on one of this store's lanes. */
  private RunWriter openWriter(String runId, RunEvent.RunStarted started) {
    checkOpen();
    if (openWriters.containsKey(runId)) {
      throw new IllegalStateException(
          "Cannot open run " + runId + ": this store already has a writer open on it; share that RunWriter");
    }
    return register(attach(runId));
  }

  private RunWriter register(RunAttachment attachment) {
    RunWriter writer;
    try {
      writer = new RunWriter(this, attachment, options.durability());
    } catch (RuntimeException | Error e) {
      attachment.close();
      throw e;
    }
    if (openWriters.putIfAbsent(attachment.runId, writer) != null) {
      writer.close();
      throw new IllegalStateException("Cannot open run " + attachment.runId + ": opened concurrently in this store");
    }
    return writer;
  }

  /**
   * Attaches to an existing run: an ATTACHED frame on a lane of this store, then a RunReopened
   * catalog event naming it, under the catalog lock. Readers that trusted a sealed compaction of the
   * run read it again from that event on; a compactor that sealed the run before read every frame
   * written before it.
   */
  private RunAttachment attach(String runId) {
    return withCatalogLock(
        cat -> {
          CatalogSnapshot.RunEntry entry = cat.runEntry(runId);
          if (entry == null) {
            throw new RunNotFoundException(runId);
          }
          Lane lane = lanes.attach();
          try {
            long token = lane.appendMarker(io.tracklog.format.LaneCodec.ATTACHED, entry.ordinal());
            appendCatalog(new CatalogEvent.RunReopened(runId, clock().millis(), lane.number, token));
            return new RunAttachment(this, lanes, lane, runId, entry.ordinal());
          } catch (RuntimeException | Error e) {
            lanes.detach(lane);
            throw e;
          }
        });
  }

  void writerClosed(RunWriter writer) {
    openWriters.remove(writer.runId(), writer);
  }

  /**
   * The run as its log says now (MLflow's get_run); deleted runs included.
   *
   * @throws RunNotFoundException if there is no such run
   */
  public Run getRun(String runId) {
    requireRun(runId);
    return replay(runId).toRun();
  }

  /**
   * The whole content of a run's log: the run, every metric point in append order, artifact
   * records and the deletion time (see {@link RunRecord}).
   *
   * @throws RunNotFoundException if there is no such run
   */
  public RunRecord runRecord(String runId) {
    RunState state = new RunState();
    Map<String, List<Metric>> history = new java.util.TreeMap<>();
    Long deleted = null;
    try (EventReader reader = openRunLog(runId)) {
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        RunEvent event = EventCodec.decodeRunEvent(src);
        state.apply(event);
        if (event instanceof RunEvent.MetricLogged m) {
          history.computeIfAbsent(m.metric().key(), k -> new ArrayList<>()).add(m.metric());
        } else if (event instanceof RunEvent.BatchLogged b) {
          for (Metric m : b.metrics()) {
            history.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m);
          }
        } else if (event instanceof RunEvent.RunDeleted d) {
          deleted = d.deletedTime();
        } else if (event instanceof RunEvent.RunRestored) {
          deleted = null;
        }
      }
    }
    Map<String, List<Metric>> frozen = new java.util.TreeMap<>();
    history.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
    return new RunRecord(state.toRun(), frozen, state.artifacts(), deleted);
  }

  /** The artifact folder of a run, for listing, opening and copying out its artifacts. */
  public RunArtifacts artifacts(String runId) {
    requireRun(runId);
    return new RunArtifacts(runId, layout.runArtifacts(runId));
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
    return readCatalog(cat -> cat.runIds(experimentId));
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
    requireRun(runId);
    setRunLifecycle(runId, LifecycleStage.DELETED, clock().millis());
  }

  /** Restores a deleted run. Restoring an active run is a no-op. */
  public void restoreRun(String runId) {
    requireRun(runId);
    setRunLifecycle(runId, LifecycleStage.ACTIVE, clock().millis());
  }

  /**
   * MLflow's update_run for a run with no writer here: a new status and optional end time.
   *
   * @throws RunNotActiveException if the run is deleted
   */
  public void updateRun(String runId, RunStatus status, Long endTime) {
    Objects.requireNonNull(status, "status");
    requireRun(runId);
    if (endTime != null && endTime < 0) { // as RunWriter.updateStatus: the log must not get it
      throw new InvalidParameterException("Invalid end time " + endTime + " for run '" + runId + "'");
    }
    RunWriter open = openWriters.get(runId);
    if (open != null) {
      open.updateStatus(status, endTime);
      return;
    }
    appendToRun(
        runId,
        state -> {
          if (state.lifecycleStage() == LifecycleStage.DELETED) {
            throw new RunNotActiveException(runId);
          }
          return new RunEvent.StatusChanged(status, endTime);
        });
  }

  private void setRunLifecycle(String runId, LifecycleStage stage, long time) {
    appendToRun(
        runId,
        state -> {
          if (state.lifecycleStage() == stage) {
            return null;
          }
          return stage == LifecycleStage.DELETED ? new RunEvent.RunDeleted(time) : new RunEvent.RunRestored(time);
        });
    RunWriter open = openWriters.get(runId);
    if (open != null) {
      open.markDeleted(stage == LifecycleStage.DELETED);
    }
  }

  /**
   * Appends to a run without a writer of this store: attach (announcing it in the catalog), let
   * {@code decide} check the run's state under its state lock and name the event (or null), detach.
   */
  private void appendToRun(String runId, Function<RunState, RunEvent> decide) {
    try (RunAttachment a = attach(runId)) {
      a.appendChecked(decide);
    }
  }

  /** Folds a run's events from every lane it was written to. */
  RunState replay(String runId) {
    RunState state = new RunState();
    try (EventReader reader = openRunLog(runId)) {
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        state.apply(EventCodec.decodeRunEvent(src));
      }
    }
    return state;
  }

  private void requireRun(String runId) {
    Validation.runId(runId);
    if (readCatalog(cat -> cat.experimentOfRun(runId)) == null) {
      throw new RunNotFoundException(runId);
    }
  }

  /**
   * Runs left RUNNING by a writer that is gone (its process died or closed it without ending the
   * run): every attachment of the run has ended (a DETACHED frame, a new session on its lane, or a
   * lane nobody holds). Runs with a writer in this store are not listed.
   */
  public List<String> orphanedRuns() {
    List<String> orphans = new ArrayList<>();
    for (String runId : allRunIds()) {
      if (!openWriters.containsKey(runId) && isOrphan(runId)) {
        orphans.add(runId);
      }
    }
    return orphans;
  }

  /** RUNNING, and no attachment of it can still be appended to. */
  private boolean isOrphan(String runId) {
    CatalogSnapshot snap = catalogSnapshot();
    CatalogSnapshot.RunEntry entry = snap.run(runId);
    try (RunStream stream = new RunStream(layout, entry.ordinal(), snap.attachments(runId), true)) {
      RunState state = new RunState();
      for (ByteSource src = stream.next(); src != null; src = stream.next()) {
        state.apply(EventCodec.decodeRunEvent(src));
      }
      if (state.status() != RunStatus.RUNNING) {
        return false;
      }
      return sealOpenLanes(stream);
    }
  }

  /**
   * For each attachment of {@code stream} that has not ended: if nobody holds its lane, drains it
   * while holding the lane (so no new session starts) and marks it ended. Returns whether every
   * attachment has ended and nothing more was found.
   */
  private boolean sealOpenLanes(RunStream stream) {
    boolean[] quiet = {true};
    for (int lane : new java.util.LinkedHashSet<>(stream.openLanes())) {
      Lanes.ifFree(
          layout,
          lane,
          () -> {
            if (stream.next() != null) {
              quiet[0] = false;
            }
            stream.markLaneEnded(lane);
          });
    }
    return quiet[0] && stream.allEnded();
  }

  /**
   * Ends every orphaned run as KILLED (end time now). Holds the catalog lock, so no writer can
   * attach to a run meanwhile. Returns the runs it ended.
   */
  public List<String> endOrphanedRuns() {
    List<String> ended = new ArrayList<>();
    long now = clock().millis();
    withCatalogLock(
        cat -> {
          for (String runId : allRunIds()) {
            if (openWriters.containsKey(runId) || !isOrphan(runId)) {
              continue;
            }
            appendToRun(
                runId,
                state -> {
                  if (state.status() != RunStatus.RUNNING) {
                    return null;
                  }
                  ended.add(runId);
                  return new RunEvent.StatusChanged(RunStatus.KILLED, now);
                });
          }
          return null;
        });
    return ended;
  }

  private List<String> allRunIds() {
    return readCatalog(
        cat -> {
          List<String> ids = new ArrayList<>();
          for (Experiment e : cat.experiments()) {
            ids.addAll(cat.runIds(e.experimentId()));
          }
          return ids;
        });
  }

  // ---- compaction ------------------------------------------------------------------------------

  /**
   * Compacts every run whose log has moved past the newest manifest into Arrow files and commits the
   * next manifest generation (docs/FORMAT.md §Compaction). Safe to call from several processes.
   *
   * @throws io.tracklog.error.CommitConflictException if other compactors kept committing first
   */
  public Compactor.Result compact() {
    return compactor(FileOps.DEFAULT, MergePolicy.DEFAULT).compact();
  }

  /** Regenerates every Arrow file from the logs; every read answers the same afterwards. */
  public Compactor.Result rebuild() {
    return compactor(FileOps.DEFAULT, MergePolicy.DEFAULT).rebuild();
  }

  /** Whether a writer that ended its run compacts it on close (not while the JVM shuts down). */
  boolean compactsOnClose() {
    return options.compaction() == StoreOptions.CompactionTrigger.WHEN_RUN_CLOSES && !shuttingDown;
  }

  /** Compacts one run (and whatever segment it must rewrite or merge). */
  Compactor.Result compactRun(String runId) {
    return compactor(FileOps.DEFAULT, MergePolicy.DEFAULT).compact(runId::equals);
  }

  /** The advanced door: a compactor with its own file operations (fault injection) and merge policy. */
  public Compactor compactor(FileOps ops, MergePolicy policy) {
    checkOpen();
    return new Compactor(new CompactionView(), ops, policy);
  }

  /**
   * An immutable view of the catalog as it is now (experiments, runs, reopenings); taking one
   * copies nothing per run.
   */
  public CatalogSnapshot catalogSnapshot() {
    return readCatalog(CatalogState::snapshot);
  }

  /** Fewest catalog events worth a checkpoint; smaller catalogs replay in well under a millisecond. */
  static final long CHECKPOINT_MIN_EVENTS = 1024;

  /**
   * After a compaction: checkpoints the catalog if its log has grown by {@link
   * #CHECKPOINT_MIN_EVENTS} and a quarter since the newest checkpoint (so rewriting it stays a small
   * share of the catalog's growth).
   */
  void checkpointCatalogIfDue() {
    long position = catalogPosition();
    long known;
    synchronized (catalogMonitor) {
      known = checkpointPosition;
    }
    known = Math.max(known, CatalogCheckpoints.position(layout.catalogCheckpoint()));
    if (position - known >= Math.max(CHECKPOINT_MIN_EVENTS, known / 4)) {
      checkpointCatalog();
    }
  }

  /**
   * Writes {@code catalog.checkpoint}: the catalog as this store has folded it, anchored on the last
   * event it read (docs/FORMAT.md §Catalog checkpoint). Returns false if there was nothing to anchor
   * on or the file could not be written; the log stays the source of truth either way.
   */
  boolean checkpointCatalog() {
    checkOpen();
    CatalogSnapshot snap;
    Map<String, String> names;
    long token;
    synchronized (catalogMonitor) {
      refreshCatalog();
      snap = catalog.snapshot();
      names = catalog.idsByName();
      token = catalogReader.lastToken();
    }
    if (snap.position() == 0 || token < 0) {
      return false;
    }
    CatalogCheckpoint.Anchor anchor;
    try (EventReader again = catalogLease.log().openReader()) {
      if (!again.seek(token, snap.position() - 1)) {
        return false;
      }
      ByteSource last = again.next();
      if (last == null) {
        return false;
      }
      anchor = new CatalogCheckpoint.Anchor(snap.position(), token, last.remaining(), last.crc32c());
    }
    byte[] bytes = CatalogCheckpoint.encode(metadata.storeId(), anchor, snap, names);
    try {
      // compaction.lock serialises checkpoint writers across processes (a compaction holds it)
      ProcessLock.withLock(
          layout.root().resolve("compaction.lock"),
          () -> {
            try {
              CatalogCheckpoints.write(layout.catalogCheckpoint(), bytes);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (RuntimeException e) {
      return false;
    }
    synchronized (catalogMonitor) {
      checkpointPosition = Math.max(checkpointPosition, snap.position());
    }
    return true;
  }

  /** The catalog position this store's open restored from a checkpoint, 0 if it replayed the log. */
  long restoredCheckpointPosition() {
    synchronized (catalogMonitor) {
      return restoredFrom;
    }
  }

  /**
   * A reader over a run's log from its first event; the caller closes it. For readers that fold
   * logs themselves (the reader module's snapshots).
   *
   * @throws RunNotFoundException if there is no such run
   */
  public EventReader openRunLog(String runId) {
    requireRun(runId);
    CatalogSnapshot snap = catalogSnapshot();
    return new RunStream(layout, snap.run(runId).ordinal(), snap.attachments(runId), false)
        .following(() -> catalogSnapshot().attachments(runId));
  }

  /** The runs' check-then-act locks (one byte-range lock file, striped by run id). */
  StripedLock stateLocks() {
    return stateLocks;
  }

  /** A run's attachments as the catalog says now (see {@link CatalogSnapshot#attachments}). */
  List<CatalogSnapshot.Attachment> attachments(String runId) {
    return readCatalog(cat -> cat.attachments(runId));
  }

  /** How many catalog events this store has read: a reader's consistency point. */
  public long catalogPosition() {
    return readCatalog(CatalogState::position);
  }

  /** The store seen by a compactor. */
  private final class CompactionView implements CompactionSource {
    @Override
    public io.tracklog.SegmentCompression compression() {
      return options.segmentCompression();
    }

    @Override
    public String storeId() {
      return metadata.storeId();
    }

    @Override
    public void compactionFinished() {
      checkpointCatalogIfDue();
    }

    @Override
    public Path root() {
      return layout.root();
    }

    @Override
    public long catalogPosition() {
      return Store.this.catalogPosition();
    }

    @Override
    public Map<String, io.tracklog.compact.Manifest.ExperimentEntry> experiments() {
      Map<String, io.tracklog.compact.Manifest.ExperimentEntry> map = new LinkedHashMap<>();
      for (Experiment e : Store.this.experiments()) {
        map.put(e.experimentId(), new io.tracklog.compact.Manifest.ExperimentEntry(e.name(), e.lifecycleStage().mlflowName()));
      }
      return map;
    }

    @Override
    public List<RunRef> runs() {
      return readCatalog(
          cat -> {
            List<RunRef> refs = new ArrayList<>();
            for (Experiment e : cat.experiments()) {
              for (String runId : cat.runIds(e.experimentId())) {
                refs.add(new RunRef(runId, e.experimentId(), cat.lastReopened(runId)));
              }
            }
            return refs;
          });
    }

    @Override
    public <T> Read<T> readRun(String runId, Function<EventReader, T> read) {
      CatalogSnapshot snap = catalogSnapshot();
      try (RunStream stream = new RunStream(layout, snap.run(runId).ordinal(), snap.attachments(runId), false)) {
        T value = read.apply(stream);
        // Sealed: every attachment ended, so any later append first registers a new attachment
        // (a RunReopened past this compaction's catalog position).
        return new Read<>(value, sealOpenLanes(stream));
      }
    }
  }

  /** Forces the catalog and every open run log to the storage device. */
  public void sync() {
    checkOpen();
    catalogLease.log().sync();
    lanes.sync();
  }

  private void checkOpen() {
    if (closed) {
      throw new AlreadyClosedException("Store " + layout.root() + " is closed");
    }
  }

  /** At JVM shutdown: end runs left RUNNING by open writers as KILLED (if so configured), close. */
  void shutdown() {
    shuttingDown = true;
    if (options.killRunsAtShutdown() == StoreOptions.ShutdownPolicy.END_AS_KILLED) {
      for (RunWriter w : List.copyOf(openWriters.values())) {
        w.killIfRunning();
      }
    }
    close();
  }

  /** Closes the writers still open, then the catalog. Idempotent. */
  @Override
  public void close() {
    synchronized (catalogMonitor) {
      if (closing) {
        return;
      }
      closing = true;
    }
    ShutdownHook.unregister(this);
    RuntimeException failure = null;
    for (RunWriter w : List.copyOf(openWriters.values())) {
      try {
        w.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    try {
      lanes.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    synchronized (catalogMonitor) {
      closed = true;
      catalogReader.close();
      catalogLease.close();
    }
    try {
      ProcessLock.unretain(layout.catalogLock());
      stateLocks.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    try {
      SharedLogs.closeIdle(layout.root()); // the runs this store used, and the catalog if unused
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      throw failure;
    }
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
    return Files.isRegularFile(dir.resolve("store.json"))
        && (ChronicleEventLog.exists(dir.resolve("logs").resolve("catalog")) || ChronicleEventLog.exists(dir.resolve("catalog")));
  }
}
