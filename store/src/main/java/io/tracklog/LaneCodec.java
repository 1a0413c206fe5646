package io.tracklog;

import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.format.DecodeException;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import java.util.ArrayList;
import java.util.List;

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
  /** A run's RunStarted event, what the session shares left out (store format 8). */
  static final int RUN_STARTED = 39;
  /** A run's BatchLogged event, its keys listed or referred to (store format 8). */
  static final int BATCH = 40;

  /** Version byte of the ATTACHED, DETACHED, RUN_STARTED and BATCH frames. */
  static final int FRAME_VERSION = 1;
  /** Version byte of LANE_OPENED frames written now (version 1 recorded no session). */
  static final int LANE_OPENED_VERSION = 2;

  /** RUN_STARTED tag codes: the tag follows in full. */
  private static final int TAG_WRITTEN = 0;
  /** RUN_STARTED tag code: {@code mlflow.runName}, the run's name. */
  private static final int TAG_RUN_NAME = 1;
  /** RUN_STARTED tag code: {@code mlflow.user}, the run's user. */
  private static final int TAG_USER = 2;
  /** RUN_STARTED tag codes from this one up: the session's source tag {@code code - TAG_SOURCE}. */
  private static final int TAG_SOURCE = 3;

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

  static void laneOpened(ByteSink out, long pid, long time, LaneSession session) {
    out.reset();
    out.writeByte(LANE_OPENED);
    out.writeByte(LANE_OPENED_VERSION);
    out.writeVarLong(pid);
    out.writeVarLong(time);
    out.writeNullableString(session.artifactLocation());
    out.writeVarLong(session.sourceTags().size());
    for (RunTag t : session.sourceTags()) {
      out.writeString(t.key());
      out.writeString(t.value());
    }
  }

  /** The session a whole LANE_OPENED frame starts ({@link LaneSession#NONE} for version 1). */
  static LaneSession readLaneOpened(ByteSource in) {
    int tag = in.readByte();
    if (tag != LANE_OPENED) {
      throw new DecodeException("frame of type " + tag + " where a LANE_OPENED frame was expected");
    }
    int version = in.readByte();
    if (version < 1 || version > LANE_OPENED_VERSION) {
      throw UnsupportedFormatException.version("lane frame " + tag, version, 1, LANE_OPENED_VERSION);
    }
    in.readVarLong(); // pid
    in.readVarLong(); // time
    if (version == 1) {
      in.expectEnd();
      return LaneSession.NONE;
    }
    String location = in.readNullableString();
    int n = in.readCount();
    List<RunTag> tags = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tags.add(new RunTag(in.readString(), in.readString()));
    }
    in.expectEnd();
    return new LaneSession(location, tags);
  }

  /**
   * A RUN_STARTED frame: the event with what {@code session} (begun at {@code sessionToken}) holds
   * left out, losslessly: the artifact URI when it is the session's default for the run, and each
   * tag that is the run's name, its user or one of the session's source tags becomes a one-byte
   * code, in the tags' order; a generated run id is 16 bytes. Layout (docs/FORMAT.md §Lanes): tag,
   * version, ordinal, session token + 1 (0: none used), run id, experiment id, run name, user (nullable), start time, artifact URI
   * (nullable: the default), tag count, then per tag its code, and key and value for code 0.
   */
  static void runStarted(ByteSink out, int ordinal, RunEvent.RunStarted e, long sessionToken, LaneSession session) {
    out.reset();
    out.writeByte(RUN_STARTED);
    out.writeByte(FRAME_VERSION);
    out.writeVarLong(ordinal);
    boolean defaultUri = e.artifactUri().equals(session.defaultArtifactUri(e.runId()));
    int[] codes = new int[e.tags().size()];
    boolean usesSession = defaultUri;
    for (int i = 0; i < codes.length; i++) {
      codes[i] = code(e.tags().get(i), e, session);
      usesSession |= codes[i] >= TAG_SOURCE;
    }
    out.writeVarLong(usesSession ? sessionToken + 1 : 0);
    writeRunId(out, e.runId());
    out.writeString(e.experimentId());
    out.writeString(e.runName());
    out.writeNullableString(e.userId());
    out.writeVarLong(e.startTime());
    out.writeNullableString(defaultUri ? null : e.artifactUri());
    out.writeVarLong(codes.length);
    for (int i = 0; i < codes.length; i++) {
      out.writeVarLong(codes[i]);
      if (codes[i] == TAG_WRITTEN) {
        out.writeString(e.tags().get(i).key());
        out.writeString(e.tags().get(i).value());
      }
    }
  }

  /**
   * A run id: a generated one (32 lower-case hex digits) as a 0 then its 16 bytes, any other as a
   * string (never empty, so its length is never 0).
   */
  private static void writeRunId(ByteSink out, String runId) {
    if (!isGeneratedId(runId)) {
      out.writeString(runId);
      return;
    }
    out.writeByte(0);
    for (int i = 0; i < 32; i += 2) {
      out.writeByte(Character.digit(runId.charAt(i), 16) << 4 | Character.digit(runId.charAt(i + 1), 16));
    }
  }

  private static String readRunId(ByteSource in) {
    String id = in.readString();
    if (!id.isEmpty()) {
      return id;
    }
    char[] hex = new char[32];
    for (int i = 0; i < 32; i += 2) {
      int b = in.readByte() & 0xFF;
      hex[i] = Character.forDigit(b >>> 4, 16);
      hex[i + 1] = Character.forDigit(b & 0xF, 16);
    }
    return new String(hex);
  }

  private static boolean isGeneratedId(String id) {
    if (id.length() != 32) {
      return false;
    }
    for (int i = 0; i < 32; i++) {
      char c = id.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static int code(RunTag t, RunEvent.RunStarted e, LaneSession session) {
    if (t.key().equals(SystemTags.RUN_NAME) && t.value().equals(e.runName())) {
      return TAG_RUN_NAME;
    }
    if (t.key().equals(SystemTags.USER) && t.value().equals(e.userId())) {
      return TAG_USER;
    }
    List<RunTag> source = session.sourceTags();
    for (int i = 0; i < source.size(); i++) {
      if (source.get(i).equals(t)) {
        return TAG_SOURCE + i;
      }
    }
    return TAG_WRITTEN;
  }

  /**
   * The rest of a RUN_STARTED frame, after its tag, version and ordinal; {@code sessions} reads the
   * LANE_OPENED frame at a token of the same lane.
   */
  static RunEvent.RunStarted readRunStarted(ByteSource in, java.util.function.LongFunction<LaneSession> sessions) {
    long reference = in.readVarLong();
    LaneSession session = reference == 0 ? null : sessions.apply(reference - 1);
    String runId = readRunId(in);
    String experimentId = in.readString();
    String runName = in.readString();
    String userId = in.readNullableString();
    long startTime = in.readVarLong();
    String artifactUri = in.readNullableString();
    if (artifactUri == null) {
      artifactUri = session == null ? null : session.defaultArtifactUri(runId);
      if (artifactUri == null) {
        throw new DecodeException("run " + runId + " takes its session's artifact location, which it has none of");
      }
    }
    int n = in.readCount();
    List<RunTag> tags = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long code = in.readVarLong();
      if (code == TAG_WRITTEN) {
        tags.add(new RunTag(in.readString(), in.readString()));
      } else if (code == TAG_RUN_NAME) {
        tags.add(new RunTag(SystemTags.RUN_NAME, runName));
      } else if (code == TAG_USER && userId != null) {
        tags.add(new RunTag(SystemTags.USER, userId));
      } else if (code >= TAG_SOURCE && session != null && code - TAG_SOURCE < session.sourceTags().size()) {
        tags.add(session.sourceTags().get((int) (code - TAG_SOURCE)));
      } else {
        throw new DecodeException("run " + runId + " has tag code " + code + " that names nothing");
      }
    }
    in.expectEnd();
    return new RunEvent.RunStarted(runId, experimentId, runName, userId, startTime, artifactUri, tags);
  }

  /**
   * A BATCH frame: the batch's keys, listed ({@code keysToken} -1) or as the token of an earlier
   * BATCH frame of the lane that lists the same {@code keys}; then each metric point (key index,
   * value, timestamp and step deltas from the point before, the first from 0), each param's value
   * and each tag's value, in the keys' order. Layout (docs/FORMAT.md §Lanes): tag, version,
   * ordinal, order, keys token + 1 (0: listed here), [metric keys, param keys, tag keys: each a
   * count and strings], point count, points, param values, tag values. Returns how many bytes the
   * key lists took (0 when referred to), which a writer weighs against the reference's size.
   */
  static int batch(ByteSink out, int ordinal, long order, RunEvent.BatchLogged b, BatchKeys keys, long keysToken) {
    out.reset();
    out.writeByte(BATCH);
    out.writeByte(FRAME_VERSION);
    out.writeVarLong(ordinal);
    out.writeVarLong(order);
    out.writeVarLong(keysToken < 0 ? 0 : keysToken + 1);
    int listStart = out.length();
    if (keysToken < 0) {
      out.writeStrings(keys.metrics());
      out.writeStrings(keys.params());
      out.writeStrings(keys.tags());
    }
    int listed = out.length() - listStart;
    out.writeVarLong(b.metrics().size());
    java.util.Map<String, Integer> index = new java.util.HashMap<>();
    for (String k : keys.metrics()) {
      index.put(k, index.size());
    }
    long prevTs = 0;
    long prevStep = 0;
    for (io.tracklog.Metric m : b.metrics()) {
      out.writeVarLong(index.get(m.key()));
      out.writeDouble(m.value());
      out.writeZigZag(m.timestampMs() - prevTs);
      out.writeZigZag(m.step() - prevStep);
      prevTs = m.timestampMs();
      prevStep = m.step();
    }
    for (Param p : b.params()) {
      out.writeString(p.value());
    }
    for (RunTag t : b.tags()) {
      out.writeString(t.value());
    }
    return listed;
  }

  /**
   * The rest of a BATCH frame, after its tag, version, ordinal and order; {@code keysAt} reads the
   * keys of the BATCH frame at a token of the same lane.
   */
  static RunEvent.BatchLogged readBatch(ByteSource in, java.util.function.LongFunction<BatchKeys> keysAt) {
    long reference = in.readVarLong();
    BatchKeys keys = reference == 0 ? readKeyLists(in) : keysAt.apply(reference - 1);
    int n = in.readCount();
    List<io.tracklog.Metric> metrics = new ArrayList<>(n);
    long ts = 0;
    long step = 0;
    for (int i = 0; i < n; i++) {
      long index = in.readVarLong();
      if (index < 0 || index >= keys.metrics().size()) {
        throw new DecodeException("batch metric key index " + index + " out of range [0, " + keys.metrics().size() + ")");
      }
      double value = in.readDouble();
      ts += in.readZigZag();
      step += in.readZigZag();
      metrics.add(new io.tracklog.Metric(keys.metrics().get((int) index), value, ts, step));
    }
    List<Param> params = new ArrayList<>(keys.params().size());
    for (String k : keys.params()) {
      params.add(new Param(k, in.readString()));
    }
    List<RunTag> tags = new ArrayList<>(keys.tags().size());
    for (String k : keys.tags()) {
      tags.add(new RunTag(k, in.readString()));
    }
    in.expectEnd();
    return new RunEvent.BatchLogged(metrics, params, tags);
  }

  private static BatchKeys readKeyLists(ByteSource in) {
    return new BatchKeys(in.readStrings(), in.readStrings(), in.readStrings());
  }

  /** The keys a whole BATCH frame lists; damage if it is not one, or refers to another for them. */
  static BatchKeys readBatchKeys(ByteSource in) {
    int tag = readTag(in);
    if (tag != BATCH) {
      throw new DecodeException("frame of type " + tag + " where a BATCH frame listing keys was expected");
    }
    readOrdinal(in);
    in.readVarLong(); // order
    if (in.readVarLong() != 0) {
      throw new DecodeException("BATCH frame refers to another for its keys where one listing them was expected");
    }
    return readKeyLists(in);
  }

  /** The frame's type tag, consuming it (and its version byte, checked, if it has one). */
  static int readTag(ByteSource in) {
    int tag = in.readByte();
    if (tag < RUN_EVENT || tag > BATCH) {
      throw new DecodeException("unknown lane frame type tag " + tag); // lanes are versioned by the store
    }
    if (tag >= ATTACHED) {
      int version = in.readByte();
      int newest = tag == LANE_OPENED ? LANE_OPENED_VERSION : FRAME_VERSION;
      if (version < 1 || version > newest) {
        throw UnsupportedFormatException.version("lane frame " + tag, version, 1, newest);
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
