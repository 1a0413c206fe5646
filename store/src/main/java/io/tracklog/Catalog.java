package io.tracklog;

import io.tracklog.error.CorruptFileException;
import io.tracklog.error.AlreadyClosedException;
import io.tracklog.error.StorageException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogCheckpoint;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.CatalogState;
import io.tracklog.format.EventCodec;
import io.tracklog.internal.AsideWrite;
import io.tracklog.internal.FileOps;
import io.tracklog.log.ChronicleEventLog;
import io.tracklog.log.EventLog;
import io.tracklog.log.EventReader;
import io.tracklog.log.ProcessLock;
import java.io.IOException;
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

  private final Object monitor = new Object();
  private CatalogState state = new CatalogState(); // guarded by monitor
  // The log, opened when first needed: a store whose checkpoint covers the whole log (as its head
  // says) answers without mapping it. Both guarded by monitor.
  private SharedLogs.Lease lease;
  private EventReader reader;
  private CatalogHead head; // guarded by monitor; null until the store has one
  // The anchor of a checkpoint restored on the head's word, checked when the log is first opened.
  private CatalogCheckpoint.Anchor unverified; // guarded by monitor
  private boolean appended; // guarded by monitor: this store appended to the log
  private boolean skipCloseCheckpoint; // guarded by monitor
  private final ByteSink sink = new ByteSink(); // guarded by monitor
  private long restoredFrom; // the checkpoint position the catalog was restored from at open, or 0
  private StoreMetadata metadata; // set once by open
  private volatile boolean closed;

  private Catalog(StoreLayout layout, InstantSource clock) {
    this.layout = layout;
    this.clock = clock;
  }

  /**
   * Opens the catalog of the store at {@code layout}, retaining its lock file while open.
   *
   * @param bare null to fold the catalog and create store.json and the Default experiment if missing
   *     (under the catalog lock); for the upgrade, the identity of a new store whose catalog starts
   *     empty (the converted catalog brings its own Default experiment)
   * @param found store.json as the store read it before taking the lock, or null if there was none
   */
  static Catalog open(StoreLayout layout, InstantSource clock, StoreMetadata bare, StoreMetadata found) {
    ProcessLock.retain(layout.catalogLock());
    Catalog catalog = new Catalog(layout, clock);
    boolean success = false;
    try {
      if (bare == null) {
        catalog.metadata = ProcessLock.withLock(layout.catalogLock(), () -> catalog.initialise(found));
      } else {
        bare.write(layout.storeJson(), layout.ops());
        catalog.metadata = bare;
        synchronized (catalog.monitor) {
          catalog.openLog(); // a new store: its log exists from the start
        }
      }
      success = true;
      return catalog;
    } finally {
      if (!success) {
        catalog.release();
        ProcessLock.unretain(layout.catalogLock());
      }
    }
  }

  /**
   * Runs under the catalog lock: folds the catalog (from its checkpoint, if there is a valid one,
   * then the log's tail), and writes store.json and the Default experiment if they are missing.
   */
  private StoreMetadata initialise(StoreMetadata found) {
    Path json = layout.storeJson();
    StoreMetadata existing =
        found != null ? found.checkVersion() : Files.exists(json) ? StoreMetadata.read(json) : null;
    boolean created = existing == null;
    if (created) {
      // store.json first: a folder with a catalog log and no store.json is then always damage
      // (docs/FORMAT.md §store.json), never a creation cut short.
      existing = StoreMetadata.create(UUID.randomUUID().toString(), clock.millis());
      existing.write(json, layout.ops());
    } else if (existing.formatVersion() < StoreMetadata.CURRENT_VERSION) {
      // Format 3 adds the catalog head, format 4 checked log excerpts, format 5 LaneForced events,
      // which older writers would not keep or read: mark the store first, so that they refuse it from now on, then make the head below.
      existing = existing.current();
      existing.write(json, layout.ops());
    }
    synchronized (monitor) {
      head = CatalogHead.openIfExists(layout.catalogHead());
      if (!created) {
        restoredFrom = restore(layout.catalogCheckpoints(), existing.storeId());
      }
      refresh();
      if (reader != null) {
        checkNotCutShort();
      }
      if (state.experiment(Experiment.DEFAULT_ID) == null) {
        long now = clock.millis();
        append(
            new CatalogEvent.ExperimentCreated(
                Experiment.DEFAULT_ID, Experiment.DEFAULT_NAME, defaultArtifactLocation(), now, now, Map.of()));
      }
      publishHead();
    }
    return existing;
  }

  /**
   * Fails if the log read at open holds fewer events than the store recorded it once held: a
   * checkpoint part's name says how far it covers, a manifest its catalog position, and both are
   * written only after the catalog log is forced to the device (so a power loss cannot cut the log
   * below them; a truncated or damaged file can). Without this, a log cut short would fold into an
   * older catalog: deleted runs active again, whole experiments gone (issue #11).
   */
  private void checkNotCutShort() {
    long held = state.position();
    long parts = CheckpointParts.end(CheckpointParts.chain(CheckpointParts.list(layout.catalogCheckpoints())));
    if (held < parts) {
      throw new CorruptFileException(
          layout.catalogDir(), "holds " + held + " events, but catalog checkpoint parts cover " + parts + " of them: the log was cut short");
    }
    long manifest = io.tracklog.compact.ManifestFiles.newestCatalogPosition(layout.root());
    if (held < manifest) {
      throw new CorruptFileException(
          layout.catalogDir(), "holds " + held + " events, but the newest manifest was written when it held " + manifest
              + ": the log was cut short (or the manifest is damaged)");
    }
  }

  /** The store's store.json, as read or written when the catalog opened. */
  StoreMetadata metadata() {
    return metadata;
  }

  /** Where experiments created without an artifact location keep their runs' artifacts. */
  String defaultArtifactLocation() {
    return defaultArtifactLocation(layout);
  }

  /** {@link #defaultArtifactLocation()} of the store laid out as {@code layout}. */
  static String defaultArtifactLocation(StoreLayout layout) {
    return layout.runsDir().toUri().toString().replaceAll("/$", "");
  }

  /** Throws if the store is closed: every catalog access checks it. */
  void checkOpen() {
    if (closed) {
      throw new AlreadyClosedException("Store " + layout.root() + " is closed");
    }
  }

  // ---- the log and its fold ---------------------------------------------------------------------

  /** Applies the events appended since the last refresh; the caller holds the monitor. */
  private void refresh() {
    long published = head == null ? CatalogHead.UNKNOWN : head.position();
    if (published != CatalogHead.UNKNOWN && published == state.position()) {
      return; // nothing appended since: the log need not be read, nor even opened
    }
    applyRest(openLog());
  }

  /** Applies every event {@code log} has past where it stands; the caller holds the monitor. */
  private void applyRest(EventReader log) {
    for (ByteSource src = log.next(); src != null; src = log.next()) {
      state.apply(log.decode(src, EventCodec::decodeCatalogEvent));
    }
  }

  /**
   * The log's reader, opening the log if this store has not yet; the caller holds the monitor. A
   * checkpoint restored on the head's word alone is checked against the log now, and if the log
   * does not hold its last event where it says, the catalog is folded again from the log's start.
   */
  private EventReader openLog() {
    checkOpen();
    if (reader == null) {
      SharedLogs.Lease l = SharedLogs.acquire(layout, layout.catalogDir(), ChronicleEventLog.Volume.LOW);
      try {
        reader = l.log().openReader();
      } catch (RuntimeException | Error e) {
        l.close();
        throw e;
      }
      lease = l;
      CatalogCheckpoint.Anchor anchor = unverified;
      unverified = null;
      if (anchor != null && !anchorHolds(reader, anchor)) {
        reader.rewind();
        state = new CatalogState();
        restoredFrom = 0;
      }
    }
    return reader;
  }

  /** True if {@code reader} now stands just past the anchor's event, as the checkpoint says. */
  private static boolean anchorHolds(EventReader reader, CatalogCheckpoint.Anchor anchor) {
    try {
      return reader.seek(anchor.logToken(), anchor.position() - 1) && anchor.matches(reader.next());
    } catch (RuntimeException e) {
      return false; // the replay meets the same problem and reports it
    }
  }

  /**
   * With the catalog lock held and the log read to its end: makes the head file if the store has
   * none, or repairs a word left pending by a writer that died mid-append. If this store did not
   * read the log, the head already said nothing was new.
   */
  private void publishHead() {
    if (reader == null) {
      return;
    }
    if (head == null) {
      try {
        head = CatalogHead.create(layout.catalogHead(), state.position(), layout.ops());
      } catch (RuntimeException e) {
        // no head: every open reads the log, as before the head existed
      }
    } else if (head.position() != state.position()) {
      head.publish(state.position());
    }
  }

  /** Appends and applies a catalog event; the caller holds the catalog lock and monitor ({@link #withLock}). */
  void append(CatalogEvent event) {
    EventCodec.encode(event, sink);
    openLog();
    EventLog log = lease.log();
    if (head != null) {
      head.beginAppend();
    }
    log.append(sink.array(), sink.length(), layout.ops());
    appended = true;
    refresh();
    if (head != null) {
      head.publish(state.position());
    }
  }

  /** Runs {@code action} holding the cross-process catalog lock over an up-to-date catalog. */
  <T> T withLock(Function<CatalogState, T> action) {
    checkOpen();
    return ProcessLock.withLock(
        layout.catalogLock(),
        () -> {
          synchronized (monitor) {
            refresh();
            publishHead();
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

  /** Forces the catalog log and its head to the storage device. */
  void sync() {
    synchronized (monitor) {
      if (lease != null) {
        lease.log().sync();
      }
      if (head != null) {
        head.force();
      }
    }
  }

  /** Closes the log; accesses fail from now on. Then releases the lock file. */
  @Override
  public void close() {
    synchronized (monitor) {
      closed = true;
      release();
    }
    ProcessLock.unretain(layout.catalogLock());
  }

  private void release() {
    synchronized (monitor) {
      if (reader != null) {
        reader.close();
        reader = null;
      }
      if (lease != null) {
        lease.close();
        lease = null;
      }
    }
  }

  // ---- checkpoint ---------------------------------------------------------------------------------

  /**
   * After a compaction: writes a checkpoint part if the log has grown by {@link
   * #CHECKPOINT_MIN_EVENTS} past the checkpoint's chain.
   */
  void checkpointIfDue() {
    long position = position();
    if (position - checkpointed() >= CHECKPOINT_MIN_EVENTS) {
      checkpoint(true);
    }
  }

  /**
   * As a store that appended closes: brings the checkpoint up to the log, however little it grew,
   * so that the next process to open the store (a CLI, a notebook) restores it whole and, as the
   * head agrees, never opens the log. Skipped, not waited for, while a compaction holds its lock.
   */
  void checkpointOnClose() {
    boolean wrote;
    synchronized (monitor) {
      wrote = appended && !closed && !skipCloseCheckpoint;
    }
    if (wrote && position() > checkpointed()) {
      checkpoint(false);
    }
  }

  /** The catalog position the checkpoint's chain reaches. */
  private long checkpointed() {
    return CheckpointParts.end(CheckpointParts.chain(CheckpointParts.list(layout.catalogCheckpoints())));
  }

  /** Stops {@link #checkpointOnClose} from writing (tests that need a checkpoint with a tail). */
  void skipCheckpointOnClose() {
    synchronized (monitor) {
      skipCloseCheckpoint = true;
    }
  }

  /** Reads the log now, even if the head says nothing is new (tests; verify). */
  void readLog() {
    synchronized (monitor) {
      applyRest(openLog());
    }
  }

  /** Whether this store has opened the catalog log (tests: an open that need not, does not). */
  boolean logOpen() {
    synchronized (monitor) {
      return reader != null;
    }
  }

  /** Brings the checkpoint up to the catalog, waiting for a compaction's lock (see below). */
  boolean checkpoint() {
    return checkpoint(true);
  }

  /**
   * Brings the checkpoint up to the catalog as this store has folded it, anchored on the last event
   * it read (docs/FORMAT.md §Catalog checkpoint): writes one part, which may absorb the chain's last
   * parts, then removes the parts it replaces. Returns false if there was nothing to anchor on or the
   * part could not be written (or, unless {@code wait}, a compaction holds its lock); the log stays
   * the source of truth either way.
   */
  private boolean checkpoint(boolean wait) {
    checkOpen();
    CatalogSnapshot snap;
    Map<String, String> names;
    long token;
    EventLog log;
    synchronized (monitor) {
      openLog();
      refresh();
      snap = state.snapshot();
      names = state.idsByName();
      token = reader.lastToken();
      log = lease.log();
    }
    if (snap.position() == 0 || token < 0) {
      return false;
    }
    CatalogCheckpoint.Anchor anchor;
    try (EventReader again = log.openReader()) {
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
    Runnable write =
        () -> {
          try {
            writePart(dir, snap, names, anchor);
          } catch (IOException e) {
            throw StorageException.writing("catalog checkpoint part in", dir, e);
          }
        };
    try {
      // compaction.lock serialises checkpoint writers across processes (a compaction holds it)
      Path lock = layout.root().resolve("compaction.lock");
      if (wait) {
        ProcessLock.withLock(lock, write);
        return true;
      }
      return ProcessLock.tryWithLock(lock, write);
    } catch (RuntimeException e) {
      return false;
    }
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
    // A part promises that the log held `position` events: make that true on the device first.
    ChronicleEventLog.force(layout.catalogDir());
    FileOps ops = layout.ops();
    ops.createDirectories(dir);
    Path file = dir.resolve(CheckpointParts.name(from, position));
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, "*.tmp")) {
      for (Path p : stale) {
        ops.deleteQuietly(p); // we hold compaction.lock: nobody is writing one
      }
    }
    AsideWrite.replace(ops, file, bytes);
    // Now the new chain is whole: remove what it absorbed, and parts of no chain (what stays is
    // harmless, and removed next time).
    for (CheckpointParts.Part p : all) {
      boolean kept = p.to() <= from && chain.contains(p);
      if (!kept && !p.file().equals(file)) {
        ops.deleteQuietly(p.file());
      }
    }
    ops.deleteQuietly(layout.legacyCatalogCheckpoint());
  }

  /** The catalog position this store's open restored from a checkpoint, 0 if it replayed the log. */
  long restoredFrom() {
    synchronized (monitor) {
      return restoredFrom;
    }
  }

  /**
   * Restores the catalog (which has applied nothing) from the longest chain of checkpoint parts in
   * {@code dir} whose parts are whole, belong to {@code storeId}, follow one another, and whose last
   * event the log holds where the chain says; the log's reader then stands past it. If the head says
   * the log holds exactly what the whole chain covers, the log is not opened: the anchor is checked
   * when it first is ({@link #openLog}). A chain that fails is cut at the failing part and tried
   * again. Returns the position restored, or 0 with nothing changed. The caller holds the monitor.
   */
  private long restore(Path dir, String storeId) {
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
      long published = head == null ? CatalogHead.UNKNOWN : head.position();
      for (int n = parts.size(); n > 0; n--) {
        List<CatalogCheckpoint> prefix = parts.subList(0, n);
        CatalogCheckpoint.Anchor anchor = prefix.get(n - 1).anchor();
        if (n == parts.size() && anchor.position() == published) {
          try {
            state.restore(List.copyOf(prefix));
          } catch (RuntimeException e) {
            return 0; // the log is read from its start
          }
          unverified = anchor;
          return anchor.position();
        }
        EventReader log = openLog();
        if (!anchorHolds(log, anchor)) {
          log.rewind();
          continue; // stale: the log is not the one this part was taken of
        }
        try {
          state.restore(List.copyOf(prefix));
          return anchor.position();
        } catch (RuntimeException e) {
          log.rewind(); // the replay meets the same problem and reports it
          return 0;
        }
      }
      return 0;
    }
    return 0;
  }
}
