package io.tracklog;

import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.DecodeException;
import io.tracklog.format.EventCodec;
import io.tracklog.log.EventReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One run's events, gathered from the lanes its attachments wrote to and handed out in the plain
 * event encoding (docs/FORMAT.md §Events), so everything that folds a run reads it as one log.
 *
 * <p>Each attachment is read from its first frame to its end: a DETACHED frame of the run, a
 * LANE_OPENED frame (its writer's session is over), or the lane's current end. Stateful events carry
 * their place in the run's order; they are handed out in that order, metrics in their attachment's
 * order around them. A run with one attachment comes out exactly in lane order. {@link #next()}
 * returns null at the current end; calling it later returns what was appended since.
 *
 * <p>Not thread-safe; close it.
 */
final class RunStream implements EventReader {
  private final StoreLayout layout;
  private final int ordinal;
  private final boolean statefulOnly;
  private java.util.function.IntToLongFunction laneEnds; // recorded ends: CatalogSnapshot.laneEnd
  private final List<Part> parts = new ArrayList<>();
  private java.util.function.Supplier<List<CatalogSnapshot.Attachment>> newer; // null: fixed attachments
  private final ByteSink out = new ByteSink(256);
  private long nextOrder;
  private long position;
  private Part last; // the part of the event next() returned last
  private long lastFrame; // and that event's frame in its lane

  /**
   * @param statefulOnly skip metric frames (a writer's check of the run's state needs no metrics)
   * @param laneEnds the last frame each lane is recorded to hold ({@link CatalogSnapshot#laneEnd}):
   *     an attachment that reaches its lane's end before that frame read a damaged lane
   */
  RunStream(
      StoreLayout layout,
      int ordinal,
      List<CatalogSnapshot.Attachment> attachments,
      boolean statefulOnly,
      java.util.function.IntToLongFunction laneEnds) {
    this.layout = layout;
    this.ordinal = ordinal;
    this.statefulOnly = statefulOnly;
    this.laneEnds = laneEnds;
    try {
      for (CatalogSnapshot.Attachment a : attachments) {
        add(a);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Makes this stream follow the run: at its current end it asks {@code attachments} for the run's
   * attachments now and reads the ones registered since (a reader's live view of a run).
   */
  RunStream following(java.util.function.Supplier<List<CatalogSnapshot.Attachment>> attachments) {
    this.newer = attachments;
    return this;
  }

  /** Replaces the recorded lane ends with newer ones (a newer catalog snapshot's). */
  void laneEnds(java.util.function.IntToLongFunction ends) {
    this.laneEnds = ends;
  }

  /** Adds an attachment registered after the ones given so far. */
  void add(CatalogSnapshot.Attachment a) {
    if (a.lane() < 0) {
      throw new io.tracklog.error.UnsupportedFormatException(
          "run has a log of format 1: upgrade the store with `tracklog upgrade`");
    }
    parts.add(new Part(a));
  }

  int attachmentCount() {
    return parts.size();
  }

  /** The order the run's next stateful event gets (the number handed out so far). */
  long nextOrder() {
    return nextOrder;
  }

  /** Whether every attachment has ended (the last call of {@link #next()} returned null). */
  boolean allEnded() {
    for (Part p : parts) {
      if (!p.ended) {
        return false;
      }
    }
    return true;
  }

  /** Attachments that have not ended, by lane (for a check that their lane is still held). */
  List<Integer> openLanes() {
    List<Integer> lanes = new ArrayList<>();
    for (Part p : parts) {
      if (!p.ended) {
        lanes.add(p.lane);
      }
    }
    return lanes;
  }

  /** Marks the attachments on {@code lane} ended: the caller found nobody holds it and drained them. */
  void markLaneEnded(int lane) {
    for (Part p : parts) {
      if (p.lane == lane && p.peeked == Part.NONE) {
        p.ended = true;
      }
    }
  }

  @Override
  public ByteSource next() {
    return next(null);
  }

  /** Metrics go to {@code metrics} as they were decoded from their frames, unless it is null. */
  @Override
  public ByteSource next(EventCodec.MetricSink metrics) {
    ByteSource src = nextKnown(metrics);
    if (src == null && newer != null) {
      List<CatalogSnapshot.Attachment> all = newer.get();
      if (all.size() > parts.size()) {
        for (int i = parts.size(); i < all.size(); i++) {
          add(all.get(i));
        }
        src = nextKnown(metrics);
      }
    }
    return src;
  }

  private ByteSource nextKnown(EventCodec.MetricSink metrics) {
    boolean single = parts.size() == 1;
    // Stateful events in order; a part waits at one whose turn has not come.
    for (int round = 0; round < 2; round++) {
      for (Part p : parts) {
        int kind = p.peek();
        if (kind == Part.NONE) {
          continue;
        }
        if (kind == Part.METRIC || single || p.order < nextOrder) {
          if (kind == Part.STATEFUL) {
            nextOrder = Math.max(nextOrder, p.order + 1);
          }
          return emit(p, metrics);
        }
        if (p.order == nextOrder) {
          nextOrder++;
          return emit(p, metrics);
        }
      }
      // Every waiting part is ahead of the order: if all of them have ended, the missing events
      // will never come (a writer that died between choosing and writing cannot leave a gap, so
      // this is damage): hand out the lowest next rather than lose the rest.
      Part lowest = null;
      for (Part p : parts) {
        if (p.peeked == Part.STATEFUL && (lowest == null || p.order < lowest.order)) {
          lowest = p;
        }
        if (p.peeked == Part.NONE && !p.ended) {
          return null; // a live part may still bring the missing one
        }
      }
      if (lowest == null) {
        return null;
      }
      nextOrder = lowest.order;
    }
    return null;
  }

  private ByteSource emit(Part p, EventCodec.MetricSink metrics) {
    last = p;
    lastFrame = p.reader.position() - 1;
    if (p.peeked == Part.METRIC && metrics != null) {
      p.peeked = Part.NONE;
      position++;
      metrics.metric(p.key, p.value, p.timestamp, p.step);
      return METRIC_DELIVERED;
    }
    ByteSource src;
    if (p.peeked == Part.METRIC) {
      EventCodec.encodeMetric(out, p.key, p.value, p.timestamp, p.step);
      src = new ByteSource(out.array(), 0, out.length());
    } else {
      src = new ByteSource(p.event, 0, p.eventLength);
    }
    p.peeked = Part.NONE;
    position++;
    return src;
  }

  @Override
  public long position() {
    return position;
  }

  /** The lane of the event {@link #next()} returned last. */
  @Override
  public java.nio.file.Path source() {
    return last == null ? layout.logsDir() : layout.laneDir(last.lane);
  }

  @Override
  public io.tracklog.error.CorruptFileException corrupt(String detail, Throwable cause) {
    return new io.tracklog.error.CorruptFileException(
        source(), "frame " + lastFrame + " (event " + (position - 1) + " of run " + ordinal + "): " + detail, cause);
  }

  @Override
  public void close() {
    for (Part p : parts) {
      p.close();
    }
  }

  /** One attachment: a reader of its lane from the attachment's first frame. */
  private final class Part {
    static final int NONE = 0;
    static final int METRIC = 1;
    static final int STATEFUL = 2;

    final int lane;
    final long token;
    SharedLogs.Lease lease;
    EventReader reader;
    boolean started;
    boolean ended;
    int current = -1; // the run the lane's previous frame named
    // metric decoding state of the attachment
    String[] keys = new String[8];
    int keyCount;
    long lastTimestamp;
    long lastStep;
    // the peeked item
    int peeked = NONE;
    long order;
    byte[] event = new byte[128];
    int eventLength;
    String key;
    double value;
    long timestamp;
    long step;

    Part(CatalogSnapshot.Attachment a) {
      this.lane = a.lane();
      this.token = a.laneToken();
    }

    /** Reads up to this run's next event; returns its kind, or NONE at the part's current end. */
    int peek() {
      if (peeked != NONE || ended) {
        return peeked;
      }
      if (reader == null) {
        lease = SharedLogs.acquire(layout, layout.laneDir(lane));
        reader = lease.log().openReader();
        if (!reader.seek(token, 0)) {
          throw new io.tracklog.error.CorruptFileException(
              layout.laneDir(lane), "has no frame at token " + token + " where the catalog says run " + ordinal + " begins");
        }
      }
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        int kind;
        try {
          kind = frame(src);
        } catch (DecodeException e) {
          throw reader.corrupt(e.getMessage(), e);
        }
        if (kind != NONE) {
          return kind;
        }
        if (ended) {
          close(); // an ended attachment reads no more: its lane reader goes back for the next one
          return NONE;
        }
      }
      long recorded = laneEnds.applyAsLong(lane);
      if (recorded > reader.lastToken()) {
        throw new io.tracklog.error.CorruptFileException(
            layout.laneDir(lane),
            "ends at Chronicle index 0x" + Long.toHexString(reader.lastToken()) + " while reading run " + ordinal
                + ", but the catalog records that it held index 0x" + Long.toHexString(recorded) + " (LaneForced): cut short");
      }
      return NONE;
    }

    private int frame(ByteSource src) {
      boolean first = !started;
      started = true;
      int tag = LaneCodec.readTag(src);
      switch (tag) {
        case LaneCodec.LANE_OPENED -> {
          if (first) {
            throw new DecodeException("attachment of run " + ordinal + " begins with LANE_OPENED");
          }
          ended = true;
          return NONE;
        }
        case LaneCodec.METRIC_SAME_RUN -> {
          if (current != ordinal) {
            return NONE;
          }
          return metric(src, (int) src.readVarLong(), null);
        }
        default -> {}
      }
      int run = LaneCodec.readOrdinal(src);
      current = run;
      if (run != ordinal) {
        if (first) {
          throw new DecodeException("attachment of run " + ordinal + " begins with a frame of run " + run);
        }
        return NONE;
      }
      switch (tag) {
        case LaneCodec.ATTACHED -> {
          if (!first) {
            ended = true; // a later attachment of the run on this lane: this one ended unannounced
          }
          return NONE;
        }
        case LaneCodec.DETACHED -> {
          ended = true;
          return NONE;
        }
        case LaneCodec.METRIC -> {
          return metric(src, (int) src.readVarLong(), null);
        }
        case LaneCodec.METRIC_NEW_KEY -> {
          return metric(src, -1, src.readString());
        }
        case LaneCodec.RUN_STARTED -> {
          order = 0;
          return stateful(LaneCodec.readRunStarted(src, lease::session));
        }
        case LaneCodec.BATCH -> {
          order = src.readVarLong();
          return stateful(LaneCodec.readBatch(src, lease::batchKeys));
        }
        default -> { // RUN_EVENT
          order = src.readVarLong();
          ByteSource inner = src.rest();
          eventLength = inner.remaining();
          if (event.length < eventLength) {
            event = new byte[Math.max(eventLength, event.length * 2)];
          }
          for (int i = 0; i < eventLength; i++) {
            event[i] = (byte) inner.readByte();
          }
          peeked = STATEFUL;
          return STATEFUL;
        }
      }
    }

    /** Peeks {@code e}, decoded from a frame of its own encoding, in the plain event encoding. */
    private int stateful(io.tracklog.format.RunEvent e) {
      EventCodec.encode(e, out);
      if (event.length < out.length()) {
        event = new byte[Math.max(out.length(), event.length * 2)];
      }
      System.arraycopy(out.array(), 0, event, 0, out.length());
      eventLength = out.length();
      peeked = STATEFUL;
      return STATEFUL;
    }

    private int metric(ByteSource src, int index, String newKey) {
      if (newKey != null) {
        if (keyCount == keys.length) {
          keys = Arrays.copyOf(keys, keyCount * 2);
        }
        keys[keyCount++] = newKey;
        key = newKey;
      } else {
        if (index < 0 || index >= keyCount) {
          throw new DecodeException("metric key index " + index + " of run " + ordinal + " out of range (" + keyCount + " keys)");
        }
        key = keys[index];
      }
      value = src.readDouble();
      timestamp = lastTimestamp + src.readZigZag();
      step = lastStep + src.readZigZag();
      src.expectEnd();
      lastTimestamp = timestamp;
      lastStep = step;
      if (statefulOnly) {
        return NONE;
      }
      peeked = METRIC;
      return METRIC;
    }

    /** Releases the lane reader and lease; idempotent (an ended part releases them early). */
    void close() {
      EventReader r = reader;
      SharedLogs.Lease l = lease;
      reader = null;
      lease = null;
      try {
        if (r != null) {
          r.close();
        }
      } finally {
        if (l != null) {
          l.close();
        }
      }
    }
  }
}
