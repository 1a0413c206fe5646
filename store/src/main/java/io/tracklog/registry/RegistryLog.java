package io.tracklog.registry;

import io.tracklog.error.AlreadyClosedException;
import io.tracklog.error.CorruptFileException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.internal.FileOps;
import io.tracklog.log.ChronicleEventLog;
import io.tracklog.log.EventLog;
import io.tracklog.log.EventReader;
import io.tracklog.log.FileEventLog;
import io.tracklog.log.ProcessLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The registry log (docs/FORMAT.md §Model registry log) and the state folded from it. A write takes
 * the cross-process registry lock, catches up on the log, checks the change against that state,
 * appends one event and folds it; a read catches up without the lock. The log is not created until
 * the first write: an absent log is an empty registry, so read-only opens create nothing.
 *
 * <p>Thread-safe: one monitor guards the state, the log and its reader. If folding the log fails
 * (a damaged excerpt, an event that does not fit), every later access throws the same {@link
 * CorruptFileException}: the state is not trusted past it.
 */
final class RegistryLog implements AutoCloseable {
  private final Path dir;
  private final Path file;
  private final Path lockFile;
  private final FileOps ops;
  private final Object monitor = new Object();
  private final RegistryState state = new RegistryState(); // guarded by monitor
  private final ByteSink sink = new ByteSink(); // guarded by monitor
  private EventLog log; // guarded by monitor; null until the log exists and is needed
  private EventReader reader; // guarded by monitor
  private RegistrySnapshot snapshot; // guarded by monitor: the last one taken, reused while unchanged
  private RuntimeException broken; // guarded by monitor
  private boolean closed; // guarded by monitor

  /**
   * The log of a store is the file {@code <dir>.log} (store format 7), or, in a store that made its
   * registry at format 6, the Chronicle queue in {@code dir}, which it keeps.
   */
  RegistryLog(Path dir, Path lockFile, FileOps ops) {
    this.dir = dir;
    this.file = dir.resolveSibling(dir.getFileName() + ".log");
    this.lockFile = lockFile;
    this.ops = ops;
  }

  /** Runs {@code read} over the state caught up with the log. */
  <T> T read(Function<RegistryState, T> read) {
    openIfExists();
    synchronized (monitor) {
      catchUp(false);
      return read.apply(state);
    }
  }

  /**
   * Under the registry lock, over the caught-up state: {@code check} returns the event to append
   * (or null for a no-op, or throws MLflow's error), then {@code result} answers from the state with
   * the event folded.
   */
  <T> T write(Function<RegistryState, RegistryEvent> check, Function<RegistryState, T> result) {
    synchronized (monitor) {
      checkOpen();
    }
    return ProcessLock.withLock(
        lockFile,
        () -> {
          synchronized (monitor) {
            catchUp(true);
            RegistryEvent event = check.apply(state);
            if (event != null) {
              RegistryCodec.encode(event, sink);
              log.append(sink.array(), sink.length(), ops);
              catchUp(true);
            }
            return result.apply(state);
          }
        });
  }

  /**
   * Under the registry lock, over the caught-up state: {@code plan} returns the events to append,
   * in order (none: a no-op), each folded as it is appended (archive imports, which carry a model's
   * whole history).
   */
  void writeAll(Function<RegistryState, List<RegistryEvent>> plan) {
    synchronized (monitor) {
      checkOpen();
    }
    ProcessLock.withLock(
        lockFile,
        () -> {
          synchronized (monitor) {
            catchUp(true);
            for (RegistryEvent event : plan.apply(state)) {
              RegistryCodec.encode(event, sink);
              log.append(sink.array(), sink.length(), ops);
              catchUp(true);
            }
            return null;
          }
        });
  }

  /**
   * Every event folded so far, in log order, with the lineage of the model it changed (as the
   * state numbers them): what an archive copies of the models it carries.
   */
  void eachEvent(BiConsumer<Long, RegistryEvent> action) {
    openIfExists();
    synchronized (monitor) {
      catchUp(false);
      if (reader == null) {
        return; // no registry log
      }
      RegistryState replay = new RegistryState();
      try (EventReader r = log.openReader()) {
        for (ByteSource src = r.next(); src != null && replay.position() < state.position(); src = r.next()) {
          RegistryEvent e = r.decode(src, RegistryCodec::decode);
          if (e.kind().logged()) {
            replay.apply(e);
            continue; // an archive carries registered models, not logged models
          }
          RegistryState.Model before = replay.model(e.name());
          replay.apply(e);
          action.accept(before != null ? before.lineage : replay.model(e.name()).lineage, e);
        }
      }
    }
  }

  /** An immutable view of the registry as the log now says; the same instance while nothing changed. */
  RegistrySnapshot snapshot() {
    openIfExists();
    synchronized (monitor) {
      catchUp(false);
      if (snapshot == null || snapshot.position() != state.position()) {
        snapshot = RegistrySnapshot.of(state);
      }
      return snapshot;
    }
  }

  /** Folds the events appended since the last call; opens (with {@code create}, creates) the log first. */
  private void catchUp(boolean create) {
    checkOpen();
    if (broken != null) {
      throw broken;
    }
    if (reader == null) {
      if (!create) {
        return; // no registry yet (openIfExists opens one that exists)
      }
      openLog();
    }
    try {
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        RegistryEvent event = reader.decode(src, RegistryCodec::decode);
        try {
          state.apply(event);
        } catch (IllegalStateException e) {
          throw reader.corrupt(e.getMessage(), e);
        }
      }
    } catch (RuntimeException e) {
      broken = e;
      throw e;
    }
  }

  /**
   * Opens the log for a reader if another store has created it. The first open takes the registry
   * lock, as writers create the log under it: a queue still being created is never opened half-made.
   * Called without the monitor (writers take the lock, then the monitor).
   */
  private void openIfExists() {
    synchronized (monitor) {
      checkOpen();
      if (reader != null || !(FileEventLog.exists(file) || ChronicleEventLog.exists(dir))) {
        return;
      }
    }
    ProcessLock.withLock(
        lockFile,
        () -> {
          synchronized (monitor) {
            if (reader == null && !closed) {
              openLog();
            }
          }
        });
  }

  /**
   * Opens the log (creating the file if there is no log) and a reader from its start; the caller
   * holds the monitor, and the registry lock if the log may be created.
   */
  private void openLog() {
    // Every excerpt of a registry log is checked: the log is newer than checked frames (format 4).
    // The folder decides, not its metadata file: Chronicle rebuilds a missing metadata.cq4t, so a
    // queue of format 6 that lost it is still that store's log, never replaced by a new file.
    log = Files.isDirectory(dir)
        ? ChronicleEventLog.open(dir, ChronicleEventLog.Volume.LOW, ChronicleEventLog.Frames.CHECKED)
        : FileEventLog.open(file, true, ops);
    try {
      reader = log.openReader();
    } catch (RuntimeException | Error e) {
      log.close();
      log = null;
      throw e;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new AlreadyClosedException("Model registry " + file + " is closed");
    }
  }

  /** Forces the log to the storage device, if there is one. */
  void sync() {
    synchronized (monitor) {
      if (log != null) {
        log.sync();
      }
    }
  }

  @Override
  public void close() {
    synchronized (monitor) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (reader != null) {
          reader.close();
        }
      } finally {
        reader = null;
        if (log != null) {
          log.close();
          log = null;
        }
      }
    }
  }
}
