package io.tracklog;

import io.tracklog.format.ByteSink;
import io.tracklog.format.RunEvent;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A writer lane this store holds: a shared log that every run it writes appends to, held by one
 * process at a time (an exclusive OS lock on {@code lane-NNN.lock}), so frames can depend on what
 * this writer appended before: metric keys become indices and timestamps and steps deltas, per
 * attachment, and a metric of the same run as the frame before it leaves out the run.
 *
 * <p>Thread-safe: frames are encoded and appended under one lock, so each thread's frames keep
 * their order and per-attachment state advances in the order readers will see.
 */
final class Lane {
  final int number;
  final Path lockFile;
  private final SharedLogs.Lease log;
  private final FileOps ops; // writes out-of-line frames
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ReentrantLock appendLock = new ReentrantLock();
  private final ByteSink sink = new ByteSink(256); // guarded by appendLock
  private int lastOrdinal = -1; // the run the last frame named; guarded by appendLock
  private long lastToken = -1; // the index of the last frame this store appended; guarded by appendLock
  private LaneSession session = LaneSession.NONE; // this store's session on the lane; guarded by appendLock
  private long sessionToken = -1; // the session's LANE_OPENED frame; guarded by appendLock
  private BatchKeys listedKeys; // the keys of the last BATCH frame that listed them; guarded by appendLock
  private long listedKeysToken = -1; // and that frame; guarded by appendLock
  private int listedKeysBytes; // and the bytes its key lists took; guarded by appendLock
  int attached; // attachments open on this lane; guarded by the owning Lanes
  private volatile boolean closed;

  Lane(int number, Path lockFile, SharedLogs.Lease log, FileOps ops, FileChannel lockChannel, FileLock lock) {
    this.number = number;
    this.lockFile = lockFile;
    this.log = log;
    this.ops = ops;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Marks a new session: every attachment of an earlier holder of the lane has ended; the runs this
   * store starts on the lane refer to {@code session} for what they share.
   */
  long open(long pid, long time, LaneSession session) {
    appendLock.lock();
    try {
      LaneCodec.laneOpened(sink, pid, time, session);
      lastOrdinal = -1;
      lastToken = log.log().append(sink.array(), sink.length(), ops);
      this.session = session;
      this.sessionToken = lastToken;
      return lastToken;
    } finally {
      appendLock.unlock();
    }
  }

  /** Appends a stateful event of an attachment; fails if the attachment has detached. */
  long appendRunEvent(MetricState attachment, long order, RunEvent event) {
    appendLock.lock();
    try {
      attachment.checkAttached();
      return appendRunEvent(attachment.ordinal, order, event);
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Appends the attachment's DETACHED frame, after which no frame of it is appended (nor read):
   * a call racing with the detach either lands before the frame or fails.
   */
  void detach(MetricState attachment) {
    appendLock.lock();
    try {
      if (!attachment.detached) {
        attachment.detached = true;
        appendMarker(LaneCodec.DETACHED, attachment.ordinal);
      }
    } finally {
      appendLock.unlock();
    }
  }

  /** Appends a stateful run event; returns its token. */
  long appendRunEvent(int ordinal, long order, RunEvent event) {
    appendLock.lock();
    try {
      BatchKeys listing = null;
      int listedBytes = 0;
      if (order == 0 && sessionToken >= 0 && event instanceof RunEvent.RunStarted started) {
        LaneCodec.runStarted(sink, ordinal, started, sessionToken, session);
      } else if (sessionToken >= 0 && event instanceof RunEvent.BatchLogged batch) {
        BatchKeys keys = BatchKeys.of(batch);
        // refer to the listing frame only where the reference is shorter than listing the keys again
        boolean refer = keys.equals(listedKeys) && ByteSink.varLongSize(listedKeysToken + 1) <= listedKeysBytes;
        int listBytes = LaneCodec.batch(sink, ordinal, order, batch, keys, refer ? listedKeysToken : -1);
        if (!refer) {
          listing = keys;
          listedBytes = listBytes;
        }
      } else {
        LaneCodec.runEvent(sink, ordinal, order, event);
      }
      long token = log.log().append(sink.array(), sink.length(), ops);
      if (listing != null) { // only once the frame is in: later batches may refer to it
        listedKeys = listing;
        listedKeysToken = token;
        listedKeysBytes = listedBytes;
      }
      lastToken = token;
      lastOrdinal = ordinal;
      return token;
    } finally {
      appendLock.unlock();
    }
  }

  /** Appends an ATTACHED or DETACHED frame; returns its token. */
  long appendMarker(int tag, int ordinal) {
    appendLock.lock();
    try {
      LaneCodec.marker(sink, tag, ordinal);
      long token = log.log().append(sink.array(), sink.length(), ops);
      lastToken = token;
      lastOrdinal = ordinal;
      return token;
    } finally {
      appendLock.unlock();
    }
  }

  /** The hot path: one metric point of an attachment, encoded against its state. */
  void appendMetric(MetricState state, String key, double value, long timestampMs, long step) {
    appendLock.lock();
    try {
      state.checkAttached();
      int index = state.indexOf(key);
      LaneCodec.metric(
          sink, lastOrdinal == state.ordinal, state.ordinal, index, key, value, timestampMs - state.lastTimestamp, step - state.lastStep);
      lastToken = log.log().append(sink.array(), sink.length(), ops);
      // Only once the frame is in: a failed append leaves the state as readers will rebuild it.
      if (index < 0) {
        state.add(key);
      }
      state.lastTimestamp = timestampMs;
      state.lastStep = step;
      lastOrdinal = state.ordinal;
    } finally {
      appendLock.unlock();
    }
  }

  void sync() {
    log.log().sync();
  }

  /**
   * Forces every frame of this lane to the storage device and returns the index of the last one this
   * store appended (what a LaneForced catalog event records), or -1 if it appended none.
   */
  long force(java.nio.file.Path dir) {
    appendLock.lock();
    try {
      if (closed || lastToken < 0) {
        return -1;
      }
      log.log().sync();
      io.tracklog.log.ChronicleEventLog.force(dir);
      return lastToken;
    } finally {
      appendLock.unlock();
    }
  }

  boolean isClosed() {
    return closed;
  }

  /** Releases the lane: its lock and its log. Attachments must have been closed. */
  void close() {
    appendLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
    } finally {
      appendLock.unlock();
    }
    try {
      try {
        lock.release();
      } finally {
        lockChannel.close();
      }
    } catch (IOException ignored) {
      // the OS drops the lock with the channel or the process
    } finally {
      log.close();
    }
  }

  /**
   * The metric encoding state of one attachment: the keys it has used (their index is their order
   * of first use) and its previous point's timestamp and step. Guarded by the lane's lock.
   */
  static final class MetricState {
    final int ordinal;
    private final java.util.HashMap<String, Integer> keys = new java.util.HashMap<>();
    private final String[] recent = new String[64]; // identity cache: loops reuse key instances
    private final int[] recentIndex = new int[64];
    long lastTimestamp;
    long lastStep;
    boolean detached;

    MetricState(int ordinal) {
      this.ordinal = ordinal;
    }

    void checkAttached() {
      if (detached) {
        throw new io.tracklog.error.AlreadyClosedException("run " + ordinal + " was detached from this lane");
      }
    }

    int indexOf(String key) {
      int slot = System.identityHashCode(key) & 63;
      if (recent[slot] == key) {
        return recentIndex[slot];
      }
      Integer i = keys.get(key);
      if (i == null) {
        return -1;
      }
      recent[slot] = key;
      recentIndex[slot] = i;
      return i;
    }

    void add(String key) {
      keys.put(key, keys.size());
    }
  }
}
