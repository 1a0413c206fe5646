package io.tracklog.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * The writers a server keeps open between stateless requests, one per run, in a bounded Caffeine
 * cache: a request names its run, takes the run's writer (attaching one on first use, which does not
 * touch the run's status) and logs through it. A writer idle for {@code idle}, or the least recently
 * used one past {@code maxOpen}, is closed, which releases the run without ending it. A run set to
 * a terminal status is ended through its writer, which is then closed.
 *
 * <p>Each writer is held under a read-write lock: any number of requests log through it at once
 * (a {@link RunWriter} is thread-safe); closing it takes the write lock, so it waits for those
 * requests and none starts on a closed writer. Eviction runs inside the cache's atomic operation on
 * the key, so a request for that run waits until the writer is closed, then attaches a new one.
 */
final class RunWriterCache implements AutoCloseable {
  private final Store store;
  private final Cache<String, Lease> leases;

  RunWriterCache(Store store, int maxOpen, Duration idle) {
    this.store = store;
    this.leases =
        Caffeine.newBuilder()
            .maximumSize(maxOpen)
            .expireAfterAccess(idle)
            .executor(Runnable::run) // evictions on request threads: no writer closed behind our back
            .<String, Lease>evictionListener((runId, lease, cause) -> lease.close())
            .build();
  }

  /** Keeps the writer of a run this server just started. */
  void started(RunWriter writer) {
    Lease old = leases.asMap().put(writer.runId(), new Lease(writer));
    if (old != null) {
      old.close(); // cannot happen: a store opens one writer per run
    }
  }

  /** Runs {@code action} on the run's writer, attaching one if none is open. */
  void write(String runId, Consumer<RunWriter> action) {
    while (true) {
      Lease lease = leases.get(runId, id -> new Lease(store.attachRun(id)));
      if (lease.use(action)) {
        return;
      }
      leases.asMap().remove(runId, lease); // closed under us: take a fresh one
    }
  }

  /**
   * Ends a run with a terminal status: through its writer if one is open here (then closed), else
   * as a status change in its log.
   */
  void end(String runId, RunStatus status, Long endTime) {
    leases
        .asMap()
        .compute(
            runId,
            (id, lease) -> {
              if (lease == null) {
                store.updateRun(id, status, endTime);
              } else {
                lease.closeAfter(
                    w -> {
                      if (endTime == null) {
                        w.end(status);
                      } else {
                        w.end(status, endTime);
                      }
                    });
              }
              return null;
            });
  }

  /** How many writers are open now. */
  long openWriters() {
    return leases.asMap().size();
  }

  /** Closes every writer (syncing each run's log), ending no run. */
  @Override
  public void close() {
    List<String> ids = List.copyOf(leases.asMap().keySet());
    RuntimeException failure = null;
    for (String id : ids) {
      Lease lease = leases.asMap().remove(id);
      if (lease != null) {
        try {
          lease.closeAfter(RunWriter::sync);
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** One open writer and the lock that keeps it from closing under a request. */
  private static final class Lease {
    private final RunWriter writer;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    Lease(RunWriter writer) {
      this.writer = writer;
    }

    /** Runs the action unless the writer was closed; false if it was. */
    boolean use(Consumer<RunWriter> action) {
      lock.readLock().lock();
      try {
        if (closed) {
          return false;
        }
        action.accept(writer);
        return true;
      } finally {
        lock.readLock().unlock();
      }
    }

    void close() {
      closeAfter(w -> {});
    }

    /** Waits for the requests using the writer, runs {@code last} on it, closes it. */
    void closeAfter(Consumer<RunWriter> last) {
      lock.writeLock().lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
        try {
          last.accept(writer);
        } finally {
          writer.close();
        }
      } finally {
        lock.writeLock().unlock();
      }
    }
  }
}
