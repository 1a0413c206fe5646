package io.tracklog;

import io.tracklog.log.ChronicleEventLog;
import io.tracklog.log.EventLog;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One open {@link EventLog} per directory per JVM, reference-counted. Writers, stores and readers in
 * one process that touch the same run share its queue instead of mapping it twice, and the queue is
 * closed when the last user lets go (so open queues stay bounded by what is in use).
 */
final class SharedLogs {
  private static final Map<Path, Entry> OPEN = new HashMap<>();

  private SharedLogs() {}

  private static final class Entry {
    final EventLog log;
    int refs;

    Entry(EventLog log) {
      this.log = log;
    }
  }

  /** A counted reference to an open log; closing it releases the reference. */
  static final class Lease implements AutoCloseable {
    private final Path key;
    private final EventLog log;
    private boolean released;

    private Lease(Path key, EventLog log) {
      this.key = key;
      this.log = log;
    }

    EventLog log() {
      return log;
    }

    @Override
    public void close() {
      synchronized (OPEN) {
        if (released) {
          return;
        }
        released = true;
        Entry e = OPEN.get(key);
        if (e != null && --e.refs == 0) {
          OPEN.remove(key);
          e.log.close();
        }
      }
    }
  }

  static Lease acquire(Path dir) {
    Path key = dir.toAbsolutePath().normalize();
    synchronized (OPEN) {
      Entry e = OPEN.get(key);
      if (e == null) {
        e = new Entry(ChronicleEventLog.open(key));
        OPEN.put(key, e);
      }
      e.refs++;
      return new Lease(key, e.log);
    }
  }

  /** How many logs are open in this JVM (tests check nothing leaks). */
  static int openCount() {
    synchronized (OPEN) {
      return OPEN.size();
    }
  }
}
