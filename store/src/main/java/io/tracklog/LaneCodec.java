package io.tracklog;

import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.format.DecodeException;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;

/**
 * Frames of a writer lane (docs/FORMAT.md §Lanes): a lane is a log shared by the runs one writer
 * appends to, so every frame names its run by the run's catalog ordinal (or, for the compact metric
 * frame, by being the same run as the lane's previous frame). A run's metrics are encoded against
 * per-attachment state (a key dictionary and the previous point's timestamp and step), which only
 * the attachment's writer updates and any reader rebuilds by reading the attachment from its start.
 */
final class LaneCodec {
  /** A run event in the plain encoding, with its place among the run's stateful events. */
  static final int RUN_EVENT = 32;
  /** A metric point of a key the attachment has used before, of a named run. */
  static final int METRIC = 33;
  /** A metric point of a key the attachment uses for the first time (it gets the next index). */
  static final int METRIC_NEW_KEY = 34;
  /** A metric point of a known key of the run the lane's previous frame named. */
  static final int METRIC_SAME_RUN = 35;
  /** A writer starts appending to an existing run in this lane. */
  static final int ATTACHED = 36;
  /** A writer stops appending to a run in this lane. */
  static final int DETACHED = 37;
  /** A process took the lane: every attachment of earlier holders has ended. */
  static final int LANE_OPENED = 38;

  /** Version byte of the ATTACHED, DETACHED and LANE_OPENED frames. */
  static final int FRAME_VERSION = 1;

  /** Marks a decoded frame that carries no stateful order (metrics and markers). */
  static final long NO_ORDER = -1;

  private LaneCodec() {}

  static void runEvent(ByteSink out, int ordinal, long order, RunEvent event) {
    out.reset();
    out.writeByte(RUN_EVENT);
    out.writeVarLong(ordinal);
    out.writeVarLong(order);
    EventCodec.append(event, out);
  }

  /**
   * A metric frame; {@code sameRun} when the lane's previous frame named this run (the ordinal is
   * then left out), {@code keyIndex} -1 for a key new to the attachment (written in full).
   */
  static void metric(
      ByteSink out, boolean sameRun, int ordinal, int keyIndex, String key, double value, long tsDelta, long stepDelta) {
    out.reset();
    if (keyIndex < 0) {
      out.writeByte(METRIC_NEW_KEY);
      out.writeVarLong(ordinal);
      out.writeString(key);
    } else if (sameRun) {
      out.writeByte(METRIC_SAME_RUN);
      out.writeVarLong(keyIndex);
    } else {
      out.writeByte(METRIC);
      out.writeVarLong(ordinal);
      out.writeVarLong(keyIndex);
    }
    out.writeDouble(value);
    out.writeZigZag(tsDelta);
    out.writeZigZag(stepDelta);
  }

  static void marker(ByteSink out, int tag, int ordinal) {
    out.reset();
    out.writeByte(tag);
    out.writeByte(FRAME_VERSION);
    out.writeVarLong(ordinal);
  }

  static void laneOpened(ByteSink out, long pid, long time) {
    out.reset();
    out.writeByte(LANE_OPENED);
    out.writeByte(FRAME_VERSION);
    out.writeVarLong(pid);
    out.writeVarLong(time);
  }

  /** The frame's type tag, consuming it. */
  static int readTag(ByteSource in) {
    int tag = in.readByte();
    if (tag < RUN_EVENT || tag > LANE_OPENED) {
      throw new DecodeException("unknown lane frame type tag " + tag); // lanes are versioned by the store
    }
    if (tag >= ATTACHED) {
      int version = in.readByte();
      if (version != FRAME_VERSION) {
        throw UnsupportedFormatException.version("lane frame " + tag, version, FRAME_VERSION, FRAME_VERSION);
      }
    }
    return tag;
  }

  static int readOrdinal(ByteSource in) {
    long v = in.readVarLong();
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new DecodeException("run ordinal out of range: " + v);
    }
    return (int) v;
  }
}
