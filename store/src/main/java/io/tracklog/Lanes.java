package io.tracklog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writer lanes of one open store (docs/FORMAT.md §Lanes). A store takes lanes as its writers
 * need them, at most {@link #MAX_LANES} (so threads writing different runs do not queue on one
 * lane's lock), each the lowest-numbered lane no process holds, and keeps them until it closes.
 *
 * <p>Within a JVM a lane is held by at most one store ({@link #HELD}); across processes the lane's
 * lock file is locked exclusively. Whether a lane is held is how readers tell a dead writer's runs
 * from live ones (as {@code writer.lock} did per run in format 1).
 */
final class Lanes {
  /** Most lanes one store holds: writers beyond that share the least loaded one. */
  static final int MAX_LANES = 4;

  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet(); // lane lock files held here

  private final StoreLayout layout;
  private final InstantSource clock;
  private final LaneSession session;
  private final List<Lane> lanes = new ArrayList<>(); // guarded by this
  /** The lane each thread that started or attached a writer uses; guarded by this. */
  private final java.util.WeakHashMap<Thread, Lane> byThread = new java.util.WeakHashMap<>();

  /** @param session what the runs this store starts share, recorded once per lane it takes */
  Lanes(StoreLayout layout, InstantSource clock, LaneSession session) {
    this.layout = layout;
    this.clock = clock;
    this.session = session;
  }

  /**
   * A lane for one more attachment. Each thread keeps the lane it was given (one thread's runs,
   * nested ones included, share a lane); a thread new to this store gets a lane no live thread
   * uses, else a new one while there are fewer than {@link #MAX_LANES}, else the least used. The
   * caller holds the catalog lock, so a lane's session begins before any attachment on it is
   * registered; {@code cat} is the catalog under that lock (for the lanes' recorded ends).
   */
  synchronized Lane attach(io.tracklog.format.CatalogState cat) {
    Thread thread = Thread.currentThread();
    Lane lane = byThread.get(thread);
    if (lane == null) {
      java.util.Map<Lane, Integer> users = new java.util.HashMap<>();
      for (Lane l : byThread.values()) {
        users.merge(l, 1, Integer::sum);
      }
      for (Lane l : lanes) {
        int n = users.getOrDefault(l, 0);
        if (lane == null || n < users.getOrDefault(lane, 0)) {
          lane = l;
        }
      }
      if (lane == null || (users.getOrDefault(lane, 0) > 0 && lanes.size() < MAX_LANES)) {
        lane = take(cat);
        lanes.add(lane);
      }
      byThread.put(thread, lane);
    }
    lane.attached++;
    return lane;
  }

  synchronized void detach(Lane lane) {
    lane.attached--;
  }

  /**
   * Takes the lowest-numbered lane nobody holds and that holds every frame the catalog records for
   * it, and starts a session on it. A lane cut short is left as it is, for readers and {@code
   * verify} to report: a new session on it would end the cut attachments there and hide the cut.
   */
  private Lane take(io.tracklog.format.CatalogState cat) {
    for (int n = 0; ; n++) {
      Path lockFile = layout.laneLock(n).toAbsolutePath().normalize();
      if (!HELD.add(lockFile)) {
        continue;
      }
      boolean success = false;
      FileChannel ch = null;
      try {
        Files.createDirectories(lockFile.getParent());
        ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          continue;
        }
        SharedLogs.Lease log = SharedLogs.acquire(layout, layout.laneDir(n));
        if (!holdsRecordedEnd(log, cat.laneEnd(n))) {
          log.close();
          System.getLogger(Lanes.class.getName())
              .log(System.Logger.Level.WARNING, "{0} holds fewer frames than the catalog records: cut short; "
                  + "writing to another lane (run `tracklog verify`)", layout.laneDir(n));
          continue;
        }
        Lane lane = new Lane(n, lockFile, log, layout.ops(), ch, lock);
        try {
          lane.open(ProcessHandle.current().pid(), clock.millis(), session);
        } catch (RuntimeException e) {
          lane.close();
          ch = null;
          throw e;
        }
        success = true;
        return lane;
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot take lane " + lockFile, e);
      } finally {
        if (!success) {
          HELD.remove(lockFile);
          if (ch != null) {
            try {
              ch.close();
            } catch (IOException ignored) {
              // nothing was taken
            }
          }
        }
      }
    }
  }

  /** Whether a lane has a readable frame at {@code end} (its recorded end; -1: none recorded). */
  private static boolean holdsRecordedEnd(SharedLogs.Lease log, long end) {
    if (end < 0) {
      return true;
    }
    try (io.tracklog.log.EventReader reader = log.log().openReader()) {
      return reader.seek(end, 0) && reader.next() != null;
    } catch (io.tracklog.error.CorruptFileException e) {
      return false;
    }
  }

  /** Syncs every lane of this store. */
  synchronized void sync() {
    for (Lane l : lanes) {
      if (!l.isClosed()) {
        l.sync();
      }
    }
  }

  /**
   * Releases every lane; their writers must have been closed. First forces each lane to the device
   * and hands {@code record} what it now holds, for the catalog (docs/FORMAT.md §Lanes, recorded
   * ends); a failure there still releases the lanes.
   */
  synchronized void close(java.util.function.Consumer<List<io.tracklog.format.CatalogEvent.LaneForced>> record) {
    RuntimeException failure = null;
    try {
      List<io.tracklog.format.CatalogEvent.LaneForced> ends = new ArrayList<>();
      for (Lane l : lanes) {
        long token = l.force(layout.laneDir(l.number));
        if (token >= 0) {
          ends.add(new io.tracklog.format.CatalogEvent.LaneForced(l.number, token, clock.millis()));
        }
      }
      if (!ends.isEmpty()) {
        record.accept(ends);
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Lane l : lanes) {
      try {
        l.close();
      } catch (RuntimeException e) {
        failure = failure == null ? e : failure;
      } finally {
        HELD.remove(l.lockFile);
      }
    }
    lanes.clear();
    byThread.clear();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * If no process holds lane {@code lane}, runs {@code action} holding it (so nobody can start a
   * session on it meanwhile) and returns true; returns false if the lane is held.
   */
  static boolean ifFree(StoreLayout layout, int lane, Runnable action) {
    Path lockFile = layout.laneLock(lane).toAbsolutePath().normalize();
    if (!HELD.add(lockFile)) {
      return false; // a store of this JVM holds it
    }
    try {
      if (!Files.exists(lockFile)) {
        action.run();
        return true;
      }
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
        FileLock lock;
        try {
          lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          return false;
        }
        if (lock == null) {
          return false;
        }
        try (lock) {
          action.run();
          return true;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check lane " + lockFile, e);
    } finally {
      HELD.remove(lockFile);
    }
  }

  static final int ATTACHED = LaneCodec.ATTACHED;
  static final int DETACHED = LaneCodec.DETACHED;
}
