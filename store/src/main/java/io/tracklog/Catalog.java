package io.tracklog;

import io.tracklog.error.AlreadyClosedException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogCheckpoint;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.CatalogState;
import io.tracklog.format.EventCodec;
import io.tracklog.log.EventReader;
import io.tracklog.log.ProcessLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * A store's catalog (experiments, and which lanes hold each run): its log, the state this store has
 * folded from it, the cross-process catalog lock and the in-JVM monitor that guard both, and the
 * checkpoint parts in {@code catalog-checkpoint/} (docs/FORMAT.md §Catalog checkpoint, {@link
 * CheckpointParts}) that let an open restore the catalog without decoding its runs and replay only
 * the log's tail.
 *
 * <p>Split out of {@link Store} so that every other part of a store reaches the catalog through
 * {@link #read} and {@link #withLock} only. Thread-safe. The checkpoint is only ever a shortcut: any
 * doubt about it (missing, unreadable, corrupt, another store's, not matching the log) and the
 * store replays the whole log, as without it.
 */
final class Catalog implements AutoCloseable {
  /**
   * Fewest catalog events worth a checkpoint part: an open replays at most about this many events
   * past the checkpoint (plus those since the last compaction), well under a millisecond.
   */
  static final long CHECKPOINT_MIN_EVENTS = 1024;

  private final StoreLayout layout;
  private final InstantSource clock;
  private final SharedLogs.Lease lease;

  private final Object monitor = new Object();
  private final CatalogState state = new CatalogState(); // guarded by monitor
  private final EventReader reader; // guarded by monitor
  private final ByteSink sink = new ByteSink(); // guarded by monitor
  private long restoredFrom; // the checkpoint position the catalog was restored from at open, or 0
  private StoreMetadata metadata; // set once by open
  private volatile boolean closed;

  private Catalog(StoreLayout layout, InstantSource clock, SharedLogs.Lease lease, EventReader reader) {
    this.layout = layout;
    this.clock = clock;
    this.lease = lease;
    this.reader = reader;
  }

  /**
   * Opens the catalog of the store at {@code layout}, retaining its lock file while open.
   *
   * @param bare null to fold the catalog and create store.json and the Default experiment if missing
   *     (under the catalog lock); for the upgrade, the identity of a new store whose catalog starts
   *     empty (the converted catalog brings its own Default experiment)
   */
  static Catalog open(StoreLayout layout, InstantSource clock, StoreMetadata bare) {
    ProcessLock.retain(layout.catalogLock());
    SharedLogs.Lease lease = null;
    EventReader reader = null;
    boolean success = false;
    try {
      lease = SharedLogs.acquire(layout.catalogDir());
      reader = lease.log().openReader();
      Catalog catalog = new Catalog(layout, clock, lease, reader);
      if (bare == null) {
        catalog.metadata = ProcessLock.withLock(layout.catalogLock(), catalog::initialise);
      } else {
        bare.write(layout.storeJson());
        catalog.metadata = bare;
      }
      success = true;
      return catalog;
    } finally {
      if (!success) {
        if (reader != null) {
          reader.close();
        }
        if (lease != null) {
          lease.close();
        }
        ProcessLock.unretain(layout.catalogLock());
      }
    }
  }

  /**
   * Runs under the catalog lock: folds the catalog (from its checkpoint, if there is a valid one,
   * then the log's tail), and writes store.json and the Default experiment if they are missing.
   */
  private StoreMetadata initialise() {
    Path json = layout.storeJson();
    StoreMetadata existing = Files.exists(json) ? StoreMetadata.read(json) : null;
    synchronized (monitor) {
      if (existing != null) {
        restoredFrom = restore(layout.catalogCheckpoints(), existing.storeId(), reader, state);
      }
      refresh();
      if (state.experiment(Experiment.DEFAULT_ID) == null) {
        long now = clock.millis();
        append(
            new CatalogEvent.ExperimentCreated(
                Experiment.DEFAULT_ID, Experiment.DEFAULT_NAME, defaultArtifactLocation(), now, now, Map.of()));
      }
    }
    if (existing != null) {
      return existing;
    }
    new StoreMetadata(StoreMetadata.CURRENT_VERSION, UUID.randomUUID().toString(), clock.millis()).write(json);
    return StoreMetadata.read(json);
  }

  /** The store's store.json, as read or written when the catalog opened. */
  StoreMetadata metadata() {
    return metadata;
  }

  /** Where experiments created without an artifact location keep their runs' artifacts. */
  String defaultArtifactLocation() {
    return layout.runsDir().toUri().toString().replaceAll("/$", "");
  }

  /** Throws if the store is closed: every catalog access checks it. */
  void checkOpen() {
    if (closed) {
      throw new AlreadyClosedException("Store " + layout.root() + " is closed");
    }
  }

  // ---- the log and its fold ---------------------------------------------------------------------

  private void refresh() {
    synchronized (monitor) {
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        state.apply(EventCodec.decodeCatalogEvent(src));
      }
    }
  }

  /** Appends and applies a catalog event; the caller holds the catalog lock and monitor ({@link #withLock}). */
  void append(CatalogEvent event) {
    EventCodec.encode(event, sink);
    lease.log().append(sink.array(), sink.length());
    refresh();
  }

  /** Runs {@code action} holding the cross-process catalog lock over an up-to-date catalog. */
  <T> T withLock(Function<CatalogState, T> action) {
    checkOpen();
    return ProcessLock.withLock(
        layout.catalogLock(),
        () -> {
          synchronized (monitor) {
            refresh();
            return action.apply(state);
          }
        });
  }

  /** Runs {@code read} over an up-to-date catalog, without the cross-process lock. */
  <T> T read(Function<CatalogState, T> read) {
    checkOpen();
    synchronized (monitor) {
      refresh();
      return read.apply(state);
    }
  }

  /** An immutable view of the catalog as it is now; taking one copies nothing per run. */
  CatalogSnapshot snapshot() {
    return read(CatalogState::snapshot);
  }

  /** How many catalog events this store has read: a reader's consistency point. */
  long position() {
    return read(CatalogState::position);
  }

  /** A run's attachments as the catalog says now (see {@link CatalogSnapshot#attachments}). */
  List<CatalogSnapshot.Attachment> attachments(String runId) {
    return read(cat -> cat.attachments(runId));
  }

  /** Every run of every experiment, in experiment then creation order. */
  List<String> allRunIds() {
    return read(
        cat -> {
          List<String> ids = new ArrayList<>();
          for (Experiment e : cat.experiments()) {
            ids.addAll(cat.runIds(e.experimentId()));
          }
          return ids;
        });
  }

  /** Forces the catalog log to the storage device. */
  void sync() {
    lease.log().sync();
  }

  /** Closes the log; accesses fail from now on. Then releases the lock file. */
  @Override
  public void close() {
    synchronized (monitor) {
      closed = true;
      reader.close();
      lease.close();
    }
    ProcessLock.unretain(layout.catalogLock());
  }

  // ---- checkpoint ---------------------------------------------------------------------------------

  /**
   * After a compaction: writes a checkpoint part if the log has grown by {@link
   * #CHECKPOINT_MIN_EVENTS} past the checkpoint's chain.
   */
  void checkpointIfDue() {
    long position = position();
    long covered = CheckpointParts.end(CheckpointParts.chain(CheckpointParts.list(layout.catalogCheckpoints())));
    if (position - covered >= CHECKPOINT_MIN_EVENTS) {
      checkpoint();
    }
  }

  /**
   * Brings the checkpoint up to the catalog as this store has folded it, anchored on the last event
   * it read (docs/FORMAT.md §Catalog checkpoint): writes one part, which may absorb the chain's last
   * parts, then removes the parts it replaces. Returns false if there was nothing to anchor on or the
   * part could not be written; the log stays the source of truth either way.
   */
  boolean checkpoint() {
    checkOpen();
    CatalogSnapshot snap;
    Map<String, String> names;
    long token;
    synchronized (monitor) {
      refresh();
      snap = state.snapshot();
      names = state.idsByName();
      token = reader.lastToken();
    }
    if (snap.position() == 0 || token < 0) {
      return false;
    }
    CatalogCheckpoint.Anchor anchor;
    try (EventReader again = lease.log().openReader()) {
      if (!again.seek(token, snap.position() - 1)) {
        return false;
      }
      ByteSource last = again.next();
      if (last == null) {
        return false;
      }
      anchor = new CatalogCheckpoint.Anchor(snap.position(), token, last.remaining(), last.crc32c());
    }
    Path dir = layout.catalogCheckpoints();
    try {
      // compaction.lock serialises checkpoint writers across processes (a compaction holds it)
      ProcessLock.withLock(
          layout.root().resolve("compaction.lock"),
          () -> {
            try {
              writePart(dir, snap, names, anchor);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (RuntimeException e) {
      return false;
    }
    return true;
  }

  private void writePart(Path dir, CatalogSnapshot snap, Map<String, String> names, CatalogCheckpoint.Anchor anchor)
      throws IOException {
    List<CheckpointParts.Part> all = CheckpointParts.list(dir);
    List<CheckpointParts.Part> chain = CheckpointParts.chain(all);
    long position = snap.position();
    if (CheckpointParts.end(chain) >= position) {
      return; // another store got there first
    }
    long from = CheckpointParts.mergeFrom(chain, position);
    byte[] bytes = CatalogCheckpoint.encode(metadata.storeId(), from, anchor, snap, names);
    Files.createDirectories(dir);
    Path file = dir.resolve(CheckpointParts.name(from, position));
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, "*.tmp")) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
      }
    }
    AtomicFiles.replace(file, bytes);
    // Now the new chain is whole: remove what it absorbed, and parts of no chain.
    for (CheckpointParts.Part p : all) {
      boolean kept = p.to() <= from && chain.contains(p);
      if (!kept && !p.file().equals(file)) {
        Files.deleteIfExists(p.file());
      }
    }
    Files.deleteIfExists(layout.legacyCatalogCheckpoint());
  }

  /** The catalog position this store's open restored from a checkpoint, 0 if it replayed the log. */
  long restoredFrom() {
    synchronized (monitor) {
      return restoredFrom;
    }
  }

  /**
   * Restores {@code catalog} (which has applied nothing) from the longest chain of checkpoint parts
   * in {@code dir} whose parts are whole, belong to {@code storeId}, follow one another, and whose
   * last event the log holds where the chain says; then moves {@code reader} (at the log's start)
   * past it. A chain that fails is cut at the failing part and tried again. Returns the position
   * restored, or 0 with nothing changed (the reader at the start).
   */
  private static long restore(Path dir, String storeId, EventReader reader, CatalogState catalog) {
    for (int listing = 0; listing < 2; listing++) { // a second listing if a part vanished meanwhile
      List<CheckpointParts.Part> chain = CheckpointParts.chain(CheckpointParts.list(dir));
      List<CatalogCheckpoint> parts = new ArrayList<>(chain.size());
      boolean vanished = false;
      for (CheckpointParts.Part p : chain) {
        try {
          CatalogCheckpoint part = CheckpointParts.read(p);
          if (!part.storeId().equals(storeId)) {
            break;
          }
          parts.add(part);
        } catch (java.nio.file.NoSuchFileException e) {
          vanished = true;
          break;
        } catch (IOException | RuntimeException e) {
          break; // corrupt, truncated, unreadable: the chain ends before it
        }
      }
      if (vanished && listing == 0) {
        continue;
      }
      for (int n = parts.size(); n > 0; n--) {
        List<CatalogCheckpoint> prefix = parts.subList(0, n);
        CatalogCheckpoint.Anchor anchor = prefix.get(n - 1).anchor();
        try {
          if (!reader.seek(anchor.logToken(), anchor.position() - 1) || !anchor.matches(reader.next())) {
            reader.rewind();
            continue; // stale: the log is not the one this part was taken of
          }
          catalog.restore(List.copyOf(prefix));
          return anchor.position();
        } catch (RuntimeException e) {
          reader.rewind(); // the replay meets the same problem and reports it
          return 0;
        }
      }
      return 0;
    }
    return 0;
  }
}
