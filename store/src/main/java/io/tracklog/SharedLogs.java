package io.tracklog;

import io.tracklog.log.ChronicleEventLog;
import io.tracklog.log.EventLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One open {@link EventLog} per directory per JVM, reference-counted. Writers, stores and readers in
 * one process that touch the same run share its queue instead of mapping it twice.
 *
 * <p>A log nobody uses any more stays open, idle, for a while: up to {@link #MAX_IDLE} of them, the
 * least recently released closed first. Opening a Chronicle queue costs about half a millisecond of
 * file-system and mapping work, and the usual next user of a run's log is near: a reader replaying
 * a run that a writer of the same process has just ended. {@link #closeIdle} closes the idle logs
 * below a directory (a store closing, a run folder about to be removed).
 */
final class SharedLogs {
  /** Idle logs kept open per JVM: each holds two file descriptors and two mappings. */
  static final int MAX_IDLE = 16;

  private static final Map<Path, Entry> OPEN = new HashMap<>(); // guarded by itself, as IDLE
  private static final LinkedHashMap<Path, Entry> IDLE = new LinkedHashMap<>(); // release order

  private SharedLogs() {}

  /** Frames other frames refer to, kept decoded per open log (sessions and batch keys): read once each. */
  static final int MAX_REFERRED = 1024;

  private static final class Entry {
    final EventLog log;
    final Map<Long, Object> referred = new java.util.concurrent.ConcurrentHashMap<>(); // decoded frames by token
    int refs;

    Entry(EventLog log) {
      this.log = log;
    }
  }

  /** A counted reference to an open log; closing it releases the reference. */
  static final class Lease implements AutoCloseable {
    private final Path key;
    private final Entry entry;
    private final EventLog log;
    private boolean released;

    private Lease(Path key, Entry entry) {
      this.key = key;
      this.entry = entry;
      this.log = entry.log;
    }

    EventLog log() {
      return log;
    }

    /**
     * The session begun by the lane's LANE_OPENED frame at {@code token} (docs/FORMAT.md §Lanes),
     * read once per open log: the frame at a token never changes.
     *
     * @throws io.tracklog.format.DecodeException if there is no such frame there
     */
    LaneSession session(long token) {
      return referred(token, LaneSession.class, LaneCodec::readLaneOpened);
    }

    /** The keys the BATCH frame at {@code token} lists, read once per open log, as {@link #session}. */
    BatchKeys batchKeys(long token) {
      return referred(token, BatchKeys.class, LaneCodec::readBatchKeys);
    }

    private <T> T referred(long token, Class<T> type, java.util.function.Function<io.tracklog.format.ByteSource, T> decode) {
      Object known = entry.referred.get(token);
      if (known == null) {
        try (io.tracklog.log.EventReader reader = log.openReader()) {
          io.tracklog.format.ByteSource frame = reader.seek(token, 0) ? reader.next() : null;
          if (frame == null) {
            throw new io.tracklog.format.DecodeException("refers to token " + token + ", where the lane has no frame");
          }
          known = decode.apply(frame);
        }
        if (entry.referred.size() >= MAX_REFERRED) {
          entry.referred.clear();
        }
        entry.referred.put(token, known);
      }
      if (!type.isInstance(known)) {
        throw new io.tracklog.format.DecodeException(
            "refers to token " + token + " for a " + type.getSimpleName() + ", where the lane has another frame");
      }
      return type.cast(known);
    }

    @Override
    public void close() {
      EventLog evicted = null;
      synchronized (OPEN) {
        if (released) {
          return;
        }
        released = true;
        Entry e = OPEN.get(key);
        if (e != null && --e.refs == 0) {
          IDLE.put(key, e);
          if (IDLE.size() > MAX_IDLE) {
            Iterator<Map.Entry<Path, Entry>> eldest = IDLE.entrySet().iterator();
            Map.Entry<Path, Entry> victim = eldest.next();
            eldest.remove();
            OPEN.remove(victim.getKey());
            evicted = victim.getValue().log;
          }
        }
      }
      if (evicted != null) {
        evicted.close(); // outside the lock: unmapping takes a while and blocks nobody else
      }
    }
  }

  /** A lease on the lane log in {@code dir} of the store laid out as {@code layout} ({@link ChronicleEventLog.Volume#HIGH}). */
  static Lease acquire(StoreLayout layout, Path dir) {
    return acquire(layout, dir, ChronicleEventLog.Volume.HIGH);
  }

  /** A lease on the log in {@code dir}; {@code volume} applies if this call opens it. */
  static Lease acquire(StoreLayout layout, Path dir, ChronicleEventLog.Volume volume) {
    Path key = dir.toAbsolutePath().normalize();
    synchronized (OPEN) {
      Entry e = OPEN.get(key);
      if (e == null) {
        e = new Entry(ChronicleEventLog.open(key, volume, layout.frames()));
        OPEN.put(key, e);
      } else if (e.refs == 0) {
        IDLE.remove(key);
      }
      e.refs++;
      return new Lease(key, e);
    }
  }

  /** Closes the idle logs in or below {@code dir}; logs in use stay open. */
  static void closeIdle(Path dir) {
    Path prefix = dir.toAbsolutePath().normalize();
    List<EventLog> closing = new ArrayList<>();
    synchronized (OPEN) {
      for (Iterator<Map.Entry<Path, Entry>> it = IDLE.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<Path, Entry> idle = it.next();
        if (idle.getKey().startsWith(prefix)) {
          it.remove();
          OPEN.remove(idle.getKey());
          closing.add(idle.getValue().log);
        }
      }
    }
    RuntimeException failure = null;
    for (EventLog log : closing) {
      try {
        log.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** How many logs are open in this JVM, idle ones included (tests check nothing leaks). */
  static int openCount() {
    synchronized (OPEN) {
      return OPEN.size();
    }
  }
}
