package io.tracklog.reader;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.tracklog.ArtifactInfo;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.VerifyReport;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import io.tracklog.log.EventReader;
import io.tracklog.reader.search.ModelVersionPage;
import io.tracklog.reader.search.RegisteredModelPage;
import io.tracklog.reader.search.RegistrySearch;
import io.tracklog.registry.RegistryChange;
import io.tracklog.registry.RegistrySnapshot;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The read side of a store: point-in-time {@link Snapshot}s over compacted Arrow files plus the log
 * tails of live runs. Opens while writers in other processes are active; never writes run data.
 *
 * <pre>{@code
 * try (StoreReader reader = StoreReader.open(Path.of("tracklog"))) {
 *   Snapshot snap = reader.snapshot();
 *   Run run = snap.getRun(runId);
 *   List<Metric> loss = snap.metricHistory(runId, "loss");
 *   snap = reader.refresh(snap); // the same instance if nothing changed
 * }
 * }</pre>
 *
 * <p>Thread-safe. Decoded segments, compacted histories and live runs are cached (Caffeine, bounded
 * by weight: runs, points, tail points; maintenance runs on the calling thread, so a short-lived
 * reader wakes no pool thread); one Arrow
 * allocator serves the reader. Close it to release the store (if it opened it), its logs and its memory.
 */
public final class StoreReader implements AutoCloseable {
  /** Most compacted runs kept decoded in memory. */
  public static final long DEFAULT_MAX_CACHED_RUNS = 200_000;
  /** Most runs kept that were read one at a time (segments not decoded whole). */
  public static final long DEFAULT_MAX_POINT_RUNS = 10_000;
  /**
   * Runs of one segment read one at a time (each loads the segment's runs and latest files and
   * decodes one run's rows) before the whole segment is decoded instead.
   */
  static final int POINT_LOOKUPS_BEFORE_DECODE = 8;
  /**
   * Weight bound of the live-run cache: a live run weighs 1 plus 1 per 1,024 metric points of its
   * tail, so about 1,000 open runs with short tails, or fewer with long ones (a 1 M-point tail weighs
   * ~1,000).
   */
  public static final long DEFAULT_MAX_LIVE_WEIGHT = 2_000;
  /** Weight bound of the compacted-history cache, in metric points (24 bytes each on the heap). */
  public static final long DEFAULT_MAX_CACHED_POINTS = 4_000_000;
  /**
   * Most cells (a run's value of one key, about) of search columns kept in memory: 1 M runs of 10
   * params, 5 metrics and 7 tags weigh 31 M cells and take ~550 MB of heap (docs/BENCHMARKS.md).
   */
  public static final long DEFAULT_MAX_SEARCH_CELLS = 48_000_000;

  private final ReadSource store; // a store (closed if the reader opened it) or an archive
  private final Path root;
  // Made on first use: a reader that answers from the mapped files alone (the usual history and
  // search) never loads Arrow Java's allocator, a few hundred classes in a fresh JVM.
  private final Object allocatorLock = new Object();
  private BufferAllocator allocator; // guarded by allocatorLock
  private final Cache<String, Map<String, SegmentReader.CompactedRun>> segments;
  private final Cache<String, LiveRun> liveRuns;
  /** Compacted histories, by metrics file, run and key; immutable columns, so safely shared. */
  private final Cache<String, MetricPoints> histories =
      Caffeine.newBuilder().executor(Runnable::run)
          .maximumWeight(DEFAULT_MAX_CACHED_POINTS)
          .<String, MetricPoints>weigher((k, v) -> 1 + v.size())
          .build();
  /** Search columns by runs file: built once per reader (issue #4). */
  private final Cache<String, RunColumns> columns =
      Caffeine.newBuilder().executor(Runnable::run)
          .maximumWeight(DEFAULT_MAX_SEARCH_CELLS)
          .<String, RunColumns>weigher((k, v) -> (int) Math.min(Integer.MAX_VALUE, v.weight()))
          .build();
  private final Cache<String, Boolean> verified = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000).build();
  /**
   * Metrics files mapped, checked (CRC32C once per reader) and their footer and batch index parsed,
   * by path and CRC; unmapped by the collector.
   */
  private final Cache<String, SegmentReader.MetricsFile> metricsFiles =
      Caffeine.newBuilder().executor(Runnable::run).maximumSize(256).build();
  /** Runs read one by one (binary search), by runs file and run id. */
  private final Cache<String, SegmentReader.CompactedRun> pointRuns =
      Caffeine.newBuilder().executor(Runnable::run).maximumSize(DEFAULT_MAX_POINT_RUNS).build();
  /** Point lookups per runs file, to decide when decoding the whole segment pays. */
  private final Cache<String, AtomicInteger> lookups = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000).build();
  private final Fallbacks fallbacks = new Fallbacks();

  private StoreReader(ReadSource store) {
    this.store = store;
    this.root = store.root();
    this.segments =
        Caffeine.newBuilder().executor(Runnable::run)
            .maximumWeight(DEFAULT_MAX_CACHED_RUNS)
            .<String, Map<String, SegmentReader.CompactedRun>>weigher((k, v) -> Math.max(1, v.size()))
            .build();
    this.liveRuns =
        Caffeine.newBuilder().executor(Runnable::run)
            .maximumWeight(DEFAULT_MAX_LIVE_WEIGHT)
            .<String, LiveRun>weigher((k, v) -> 1 + v.pointCount() / 1024)
            .<String, LiveRun>removalListener((k, v, cause) -> {
              // REPLACED is this reader re-putting the same run to update its weight: keep it open
              if (v != null && cause != RemovalCause.REPLACED) {
                v.close();
              }
            })
            .build();
  }

  /**
   * Opens the existing store at {@code root} for reading.
   *
   * <p>{@code root} may also be an archive file ({@code tracklog archive create}, docs/FORMAT.md
   * §Archives): the reader then answers read-only from the archive's runs, artifacts and registered
   * models, exactly as the store it came from answered for them. Opening checks the container and
   * every entry's CRC-32, and extracts the entries (SHA-256 checked; metrics files when a history
   * first needs one) to a temporary folder that closing the reader deletes.
   *
   * @throws IllegalArgumentException if {@code root} holds no Tracklog store
   * @throws CorruptFileException if {@code root} is a damaged or hostile archive (naming the entry)
   * @throws UnsupportedFormatException if {@code root} is an archive of an unsupported version
   */
  public static StoreReader open(Path root) {
    Objects.requireNonNull(root, "root");
    if (Files.isRegularFile(root)) {
      return new StoreReader(ArchiveSource.open(root));
    }
    if (!Store.exists(root)) {
      throw new IllegalArgumentException("Cannot open store " + root + ": no Tracklog store there");
    }
    return new StoreReader(new StoreSource(Store.open(root), true));
  }

  /**
   * A reader over a store this process already has open, e.g. to pick the best run of a sweep it
   * just logged: it shares the store's catalog and logs instead of opening them again, and sees
   * what the store's writers appended as soon as they return. Closing the reader leaves the store
   * open; close the reader before the store.
   */
  public static StoreReader of(Store store) {
    Objects.requireNonNull(store, "store");
    return new StoreReader(new StoreSource(store, false));
  }

  /**
   * MLflow's search_registered_models over the store's model registry as it is now (docs/SEARCH.md
   * §Model registry): a filter on {@code name} and {@code tags.<key>}, order_by keys {@code name},
   * {@code creation_timestamp}, {@code last_updated_timestamp} ({@code timestamp}), pages of up to
   * {@value RegistrySearch#MAX_MODELS} ({@value RegistrySearch#DEFAULT_MAX_MODELS} is MLflow's default).
   *
   * @throws io.tracklog.reader.search.InvalidFilterException if the filter or an order_by element is invalid
   * @throws io.tracklog.error.InvalidParameterException if max_results or the page token is invalid
   */
  public RegisteredModelPage searchRegisteredModels(String filter, int maxResults, List<String> orderBy, String pageToken) {
    return RegistrySearch.searchModels(store.registry(), filter, maxResults, orderBy, pageToken);
  }

  /**
   * MLflow's search_model_versions over the store's model registry as it is now: a filter on {@code
   * name}, {@code run_id} (also {@code IN}), {@code source_path}, {@code version_number} and {@code
   * tags.<key>}; order_by keys {@code name}, {@code version_number}, {@code creation_timestamp},
   * {@code last_updated_timestamp}; pages of up to {@value RegistrySearch#MAX_VERSIONS}.
   *
   * @throws io.tracklog.reader.search.InvalidFilterException if the filter or an order_by element is invalid
   * @throws io.tracklog.error.InvalidParameterException if max_results or the page token is invalid
   */
  public ModelVersionPage searchModelVersions(String filter, int maxResults, List<String> orderBy, String pageToken) {
    return RegistrySearch.searchVersions(store.registry(), filter, maxResults, orderBy, pageToken);
  }

  /**
   * The model registry as it is now (an archive's: as it was archived). Its registered models and
   * versions, for the registry gets ({@code model}, {@code versions}, {@code version}, {@code
   * versionByAlias}).
   */
  public RegistrySnapshot registry() {
    return store.registry();
  }

  /**
   * A registered model's audit trail, as {@code ModelRegistry.history}.
   *
   * @throws io.tracklog.error.ResourceNotFoundException if no model ever had that name
   */
  public List<RegistryChange> modelHistory(String name) {
    Objects.requireNonNull(name, "name");
    return store.modelHistory(name);
  }

  /**
   * MLflow's list_artifacts: the direct children of {@code path} (null for the root), sorted.
   *
   * @throws io.tracklog.error.RunNotFoundException if there is no such run
   * @throws io.tracklog.error.InvalidArtifactPathException if the path breaks a rule
   */
  public List<ArtifactInfo> listArtifacts(String runId, String path) {
    Objects.requireNonNull(runId, "runId");
    return store.listArtifacts(runId, path);
  }

  /**
   * Opens one artifact file of a run; the caller closes the stream.
   *
   * @throws io.tracklog.error.RunNotFoundException if there is no such run
   * @throws io.tracklog.error.InvalidArtifactPathException if the path breaks a rule
   * @throws io.tracklog.error.InvalidParameterException if there is no such file
   */
  public InputStream openArtifact(String runId, String path) {
    Objects.requireNonNull(runId, "runId");
    return store.openArtifact(runId, path);
  }

  /** What this reader reads: a store or an archive. */
  ReadSource source() {
    return store;
  }

  /**
   * A snapshot of the store as it is now. Only runs that have a log tail past the manifest have
   * their logs read now; which those are is found without visiting every run (ManifestIndex).
   */
  public Snapshot snapshot() {
    ManifestIndex index = pinnedManifest();
    Manifest manifest = index.manifest();
    CatalogSnapshot catalog = store.catalogSnapshot();
    // Runs whose log must be read now (ordered: unsealed, reopened, never compacted):
    Map<String, Manifest.Segment> tails = new LinkedHashMap<>();
    for (String runId : index.unsealed()) { // compacted while a writer had the run
      noteTail(tails, index, catalog, runId);
    }
    if (catalog.anyReopened()) { // reopened since the compaction read the catalog
      for (String runId : catalog.reopenedSince(manifest.catalogPosition())) {
        noteTail(tails, index, catalog, runId);
      }
    }
    // Runs registered since the compaction read the catalog: most are in no segment yet.
    int before = catalog.runCountBefore(manifest.catalogPosition());
    long compactedSince = 0;
    for (CatalogSnapshot.RunEntry e : catalog.runs().subList(before, catalog.runCount())) {
      if (catalog.isPurged(e.runId())) {
        continue; // tracklog gc
      }
      Manifest.Segment seg = index.segmentOf(e.runId(), e.experimentId());
      if (seg == null) {
        tails.put(e.runId(), null);
      } else {
        compactedSince++;
      }
    }
    for (String runId : index.uncompactedBefore(catalog, compactedSince)) {
      if (!catalog.isPurged(runId)) { // computed once per manifest: a gc may have purged it since
        tails.put(runId, null);
      }
    }
    Map<String, LiveRun.View> live = new HashMap<>();
    for (Map.Entry<String, Manifest.Segment> t : tails.entrySet()) {
      String runId = t.getKey();
      Manifest.Segment seg = t.getValue();
      if (seg != null && catalog.attachments(runId).size() > 1) {
        // Written through several attachments since (a resume, a delete, another process): its
        // compacted prefix is not a prefix of one lane's frames, so the whole run is read again.
        seg = null;
      }
      Manifest.Segment segment = seg;
      Manifest.RunCoverage cov = seg == null ? null : seg.runs().get(runId);
      long baseSeq = cov == null ? 0 : cov.seq();
      String cacheKey = runId + "@" + baseSeq;
      LiveRun run = liveRuns.get(cacheKey, k -> openLive(manifest, segment, runId, baseSeq));
      int beforePoints = run.pointCount();
      LiveRun.View view = run.advance();
      if (run.pointCount() / 1024 != beforePoints / 1024) {
        liveRuns.put(cacheKey, run); // its weight grew
      }
      if (view.run() != null) {
        live.put(runId, view);
      }
    }
    return new Snapshot(this, index, catalog, live);
  }

  /** Notes that a run of the catalog (others are ignored) has a log tail past its segment. */
  private static void noteTail(
      Map<String, Manifest.Segment> tails, ManifestIndex index, CatalogSnapshot catalog, String runId) {
    CatalogSnapshot.RunEntry e = catalog.run(runId);
    if (e != null && !tails.containsKey(runId)) {
      tails.put(runId, index.segmentOf(runId, e.experimentId()));
    }
  }

  private volatile ManifestIndex lastManifest;

  /** The newest manifest, parsed once per generation per reader. */
  private ManifestIndex pinnedManifest() {
    OptionalLong gen = ManifestFiles.latestGeneration(root);
    ManifestIndex last = lastManifest;
    long want = gen.isPresent() ? gen.getAsLong() : 0;
    if (last != null && last.generation() == want) {
      return last;
    }
    Manifest manifest = gen.isPresent() ? ManifestFiles.read(root, want) : Manifest.empty(store.storeId());
    ManifestIndex next = new ManifestIndex(manifest, fallbacks);
    lastManifest = next;
    return next;
  }

  /**
   * The store as it is now, or {@code old} itself if nothing changed since it was taken (as Lucene's
   * {@code openIfChanged}): same manifest generation, same catalog position, no live run grew.
   */
  public Snapshot refresh(Snapshot old) {
    Objects.requireNonNull(old, "old");
    Snapshot next = snapshot();
    if (next.generation() == old.generation()
        && next.catalogPosition() == old.catalogPosition()
        && sameLiveRuns(old, next)) {
      return old;
    }
    return next;
  }

  private static boolean sameLiveRuns(Snapshot a, Snapshot b) {
    if (!a.live().keySet().equals(b.live().keySet())) {
      return false;
    }
    for (Map.Entry<String, LiveRun.View> e : a.live().entrySet()) {
      if (e.getValue().seq() != b.live().get(e.getKey()).seq()) {
        return false;
      }
    }
    return true;
  }

  private LiveRun openLive(Manifest manifest, Manifest.Segment segment, String runId, long baseSeq) {
    Run base = segment == null ? null : compactedRun(manifest, segment, runId);
    return new LiveRun(store.openRunLog(runId), base, baseSeq);
  }

  // ---- compacted data, with the log as fallback ------------------------------------------------

  /**
   * A compacted run's state from its segment; from its log's covered prefix if the files fail, or
   * from its whole log if {@code segment} is null (its segment's runs cannot be read).
   * Until a segment has been asked for {@link #POINT_LOOKUPS_BEFORE_DECODE} runs, each is read by
   * binary search (its rows only); then the whole segment is decoded once and cached.
   */
  Run compactedRun(Manifest manifest, Manifest.Segment segment, String runId) {
    if (segment == null) {
      // not live and in no segment whose runs can be read (ManifestIndex): its whole log
      return replayPrefix(runId, Long.MAX_VALUE).toRun();
    }
    try {
      String path = segment.runsFile().path();
      Map<String, SegmentReader.CompactedRun> decoded = segments.getIfPresent(path);
      String key = path + "#" + runId;
      SegmentReader.CompactedRun run = decoded != null ? decoded.get(runId) : pointRuns.getIfPresent(key);
      if (decoded == null && run == null) {
        if (lookups.get(path, k -> new AtomicInteger()).incrementAndGet() > POINT_LOOKUPS_BEFORE_DECODE) {
          run = decodedSegment(segment).get(runId);
        } else {
          run = pointRuns.get(key, k -> readOneRun(segment, runId));
        }
      }
      if (run == null) {
        throw new CorruptFileException(root.resolve(path), "has no row for run " + runId);
      }
      return run.run();
    } catch (CorruptFileException e) {
      fellBack(e);
      return replayPrefix(runId, segment.runs().get(runId).seq()).toRun();
    }
  }

  /**
   * Every compacted run of a segment, decoded once and cached; for listing many runs of a segment.
   *
   * @throws CorruptFileException if its files fail
   */
  Map<String, SegmentReader.CompactedRun> decodedSegment(Manifest.Segment segment) {
    return segments.get(segment.runsFile().path(), k -> SegmentReader.readRuns(root, segment, allocator()));
  }

  /**
   * A segment's search columns, once per reader and cached (weight-bounded): loaded from its search
   * file if it has one that passes its checks, else built from its runs and latest files (segments
   * written before search files existed, or whose search file is damaged: the answers are the same).
   *
   * @throws CorruptFileException if its runs or latest file fails its checks (and no search file served)
   */
  RunColumns searchColumns(Manifest.Segment segment) {
    return columns.get(segment.runsFile().path(), k -> {
      if (segment.searchFile() != null) {
        try {
          return SearchFileReader.read(root, segment);
        } catch (CorruptFileException e) { // built from the runs and latest files below
          fallbacks.note(e, Fallback.Source.SEGMENT_FILES);
        } catch (UnsupportedFormatException e) {
          fallbacks.note(root.resolve(segment.searchFile().path()), e.getMessage(), Fallback.Source.SEGMENT_FILES);
        }
      }
      verify(segment.runsFile());
      verify(segment.latestFile());
      return SegmentReader.readColumns(root, segment, allocator());
    });
  }

  private SegmentReader.CompactedRun readOneRun(Manifest.Segment segment, String runId) {
    verify(segment.runsFile());
    verify(segment.latestFile());
    return SegmentReader.readRun(root, segment, runId, allocator());
  }

  /** A compacted run's points of one key, in append order; from the log if the files fail. */
  MetricPoints compactedHistory(Manifest manifest, Manifest.Segment segment, String runId, String key) {
    Manifest.FileEntry file = segment.metricsFile();
    try {
      return histories.get(file.path() + '\u0000' + runId + '\u0000' + key, k -> readHistory(file, runId, key));
    } catch (CorruptFileException e) {
      fellBack(e);
      return MetricPoints.of(key, replayHistory(runId, key, segment.runs().get(runId).seq()));
    }
  }

  /** Notes that the file {@code e} names failed and the logs answer instead (once per file). */
  void fellBack(CorruptFileException e) {
    fallbacks.note(e, Fallback.Source.LOGS);
  }

  /**
   * The compacted files this reader stopped trusting because they failed their checks, in the order
   * it met them, each once; the answers came from the logs (or a search file's segment) instead.
   * Each was also logged once as a {@code System.Logger} WARNING. Empty for a healthy store; {@code
   * tracklog verify} checks every file.
   */
  public List<Fallback> fallbacks() {
    return fallbacks.list();
  }

  /** A run's points of one key from its whole log: for a run in no segment whose runs can be read. */
  MetricPoints logHistory(String runId, String key) {
    return MetricPoints.of(key, replayHistory(runId, key, Long.MAX_VALUE));
  }

  /**
   * One series of a metrics file: in place from its checked mapping, or through Arrow Java
   * (compressed, over 2 GiB).
   *
   * @throws CorruptFileException if the file fails its checks
   */
  MetricPoints readHistory(Manifest.FileEntry file, String runId, String key) {
    store.prepare(file.path());
    if (file.length() <= Integer.MAX_VALUE) {
      SegmentReader.MetricsFile metrics =
          metricsFiles.get(
              file.path() + "@" + file.crc32c(),
              k -> SegmentReader.MetricsFile.parse(root.resolve(file.path()), SegmentFiles.mapVerified(root, file)));
      MetricPoints points = SegmentReader.historyInPlace(metrics, runId, key);
      if (points != null) {
        return points;
      }
    } else {
      verify(file);
    }
    return SegmentReader.history(root, file, runId, key, allocator());
  }

  /** Arrow Java's allocator for the files read through it (compressed, large, runs and latest). */
  private BufferAllocator allocator() {
    synchronized (allocatorLock) {
      if (allocator == null) {
        allocator = new RootAllocator();
      }
      return allocator;
    }
  }

  private void closeAllocator() {
    synchronized (allocatorLock) {
      if (allocator != null) {
        allocator.close();
      }
    }
  }

  private void verify(Manifest.FileEntry entry) {
    // Checked once per file per reader: files never change after their final rename.
    if (verified.getIfPresent(entry.path() + "@" + entry.crc32c()) == null) {
      SegmentFiles.verify(root, entry);
      verified.put(entry.path() + "@" + entry.crc32c(), Boolean.TRUE);
    }
  }

  private RunState replayPrefix(String runId, long seq) {
    RunState state = new RunState();
    eachEvent(runId, seq, state::apply);
    return state;
  }

  private List<Metric> replayHistory(String runId, String key, long seq) {
    List<Metric> points = new ArrayList<>();
    eachEvent(runId, seq, e -> eachMetric(e, m -> {
      if (m.key().equals(key)) {
        points.add(m);
      }
    }));
    return points;
  }

  /** Decodes a run's first {@code seq} events (all, for {@code Long.MAX_VALUE}) from its log, in order. */
  void eachEvent(String runId, long seq, Consumer<RunEvent> action) {
    try (EventReader log = store.openRunLog(runId)) {
      for (ByteSource src = log.next(); src != null && log.position() <= seq; src = log.next()) {
        action.accept(log.decode(src, EventCodec::decodeRunEvent));
      }
    }
  }

  /** The metric points an event logs, in order. */
  static void eachMetric(RunEvent e, Consumer<Metric> action) {
    if (e instanceof RunEvent.MetricLogged m) {
      action.accept(m.metric());
    } else if (e instanceof RunEvent.BatchLogged b) {
      b.metrics().forEach(action);
    }
  }

  /**
   * Everything {@link Store#verify()} checks, and that every live Arrow file says what the logs say
   * ({@code tracklog verify --deep}): each compacted run's attributes, params, tags, inputs, latest
   * metrics, metric histories, search row and run index entry, as this reader decodes them, against
   * a fold of the log events they cover. Reads every compacted run's log, so it takes about as long
   * as a rebuild; changes nothing, and writers may keep going.
   */
  public VerifyReport deepVerify() {
    VerifyReport report = store.verify();
    Set<Path> failed = new HashSet<>();
    for (VerifyReport.Problem p : report.problems()) {
      failed.add(p.file());
    }
    Manifest manifest;
    try {
      manifest = pinnedManifest().manifest();
    } catch (CorruptFileException | UnsupportedFormatException e) {
      return report; // reported as a manifest problem
    }
    return report.plus(new CompactedFilesCheck(this, root, allocator(), failed).check(manifest, store.catalogSnapshot()));
  }

  @Override
  public void close() {
    liveRuns.invalidateAll();
    liveRuns.cleanUp();
    segments.invalidateAll();
    pointRuns.invalidateAll();
    histories.invalidateAll();
    metricsFiles.invalidateAll();
    columns.invalidateAll();
    try {
      closeAllocator();
    } finally {
      store.close();
    }
  }
}
