package io.tracklog.format;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.InputTag;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.format.CatalogEvent.ExperimentCreated;
import io.tracklog.format.CatalogEvent.ExperimentDeleted;
import io.tracklog.format.CatalogEvent.ExperimentRenamed;
import io.tracklog.format.CatalogEvent.ExperimentRestored;
import io.tracklog.format.CatalogEvent.ExperimentTagDeleted;
import io.tracklog.format.CatalogEvent.ExperimentTagSet;
import io.tracklog.format.CatalogEvent.RunRegistered;
import io.tracklog.format.RunEvent.BatchLogged;
import io.tracklog.format.RunEvent.InputsLogged;
import io.tracklog.format.RunEvent.MetricLogged;
import io.tracklog.format.RunEvent.ParamLogged;
import io.tracklog.format.RunEvent.RunDeleted;
import io.tracklog.format.RunEvent.RunRestored;
import io.tracklog.format.RunEvent.RunStarted;
import io.tracklog.format.RunEvent.StatusChanged;
import io.tracklog.format.RunEvent.TagDeleted;
import io.tracklog.format.RunEvent.TagSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary encoding of events (docs/FORMAT.md §Events). Each event is {@code [type tag: u8]
 * [format version: u8] [body]}, little-endian, strings as varint length + UTF-8. Decoding rejects an
 * unknown tag or version with {@link UnsupportedFormatException} and malformed bytes with {@link
 * DecodeException}: nothing is ever skipped silently.
 */
public final class EventCodec {
  /** The event format version this build writes. */
  public static final int FORMAT_VERSION = 1;
  /** The oldest event format version this build reads. */
  public static final int MIN_SUPPORTED_VERSION = 1;
  /**
   * The version BatchLogged events are written with: version 2 stores the batch's metric keys once
   * and each point as a key index, the value and the deltas of timestamp and step from the previous
   * point (about 11 bytes a point instead of 25; docs/FORMAT.md §Events). Version 1 still decodes.
   */
  public static final int BATCH_FORMAT_VERSION = 2;

  /**
   * The version RunRegistered and RunReopened are written with in a lane store (format 2): they name
   * the lane and the token of the run's first frame there. Version 1 (per-run logs) still decodes.
   */
  public static final int LANE_EVENT_VERSION = 2;

  // Run log tags 1..63, catalog tags 64..126, 127 is reserved by the log for out-of-line events.
  static final int RUN_STARTED = 1;
  static final int METRIC_LOGGED = 2;
  static final int PARAM_LOGGED = 3;
  static final int TAG_SET = 4;
  static final int TAG_DELETED = 5;
  static final int STATUS_CHANGED = 6;
  static final int INPUTS_LOGGED = 7;
  static final int BATCH_LOGGED = 8;
  static final int RUN_DELETED = 9;
  static final int RUN_RESTORED = 10;
  static final int ARTIFACT_WRITTEN = 11;

  static final int EXPERIMENT_CREATED = 64;
  static final int EXPERIMENT_RENAMED = 65;
  static final int EXPERIMENT_TAG_SET = 66;
  static final int EXPERIMENT_TAG_DELETED = 67;
  static final int EXPERIMENT_DELETED = 68;
  static final int EXPERIMENT_RESTORED = 69;
  static final int RUN_REGISTERED = 70;
  static final int RUN_REOPENED = 71;
  static final int EXPERIMENT_REPLACED = 72;
  static final int PURGED = 73;
  static final int LANE_FORCED = 74;

  private EventCodec() {}

  static int tag(RunEvent.Kind kind) {
    return switch (kind) {
      case RUN_STARTED -> RUN_STARTED;
      case METRIC_LOGGED -> METRIC_LOGGED;
      case PARAM_LOGGED -> PARAM_LOGGED;
      case TAG_SET -> TAG_SET;
      case TAG_DELETED -> TAG_DELETED;
      case STATUS_CHANGED -> STATUS_CHANGED;
      case INPUTS_LOGGED -> INPUTS_LOGGED;
      case BATCH_LOGGED -> BATCH_LOGGED;
      case RUN_DELETED -> RUN_DELETED;
      case RUN_RESTORED -> RUN_RESTORED;
      case ARTIFACT_WRITTEN -> ARTIFACT_WRITTEN;
    };
  }

  /** The format version this build writes events of {@code kind} with. */
  static int version(RunEvent.Kind kind) {
    return kind == RunEvent.Kind.BATCH_LOGGED ? BATCH_FORMAT_VERSION : FORMAT_VERSION;
  }

  static int tag(CatalogEvent.Kind kind) {
    return switch (kind) {
      case EXPERIMENT_CREATED -> EXPERIMENT_CREATED;
      case EXPERIMENT_RENAMED -> EXPERIMENT_RENAMED;
      case EXPERIMENT_TAG_SET -> EXPERIMENT_TAG_SET;
      case EXPERIMENT_TAG_DELETED -> EXPERIMENT_TAG_DELETED;
      case EXPERIMENT_DELETED -> EXPERIMENT_DELETED;
      case EXPERIMENT_RESTORED -> EXPERIMENT_RESTORED;
      case RUN_REGISTERED -> RUN_REGISTERED;
      case RUN_REOPENED -> RUN_REOPENED;
      case EXPERIMENT_REPLACED -> EXPERIMENT_REPLACED;
      case PURGED -> PURGED;
      case LANE_FORCED -> LANE_FORCED;
    };
  }

  // ---- run events ------------------------------------------------------------------------------

  /** The hot path: a metric straight into {@code out}, without building a record. */
  public static void encodeMetric(ByteSink out, String key, double value, long timestampMs, long step) {
    out.reset();
    out.writeByte(METRIC_LOGGED);
    out.writeByte(FORMAT_VERSION);
    writeMetricBody(out, key, value, timestampMs, step);
  }

  private static void writeMetricBody(ByteSink out, String key, double value, long timestampMs, long step) {
    out.writeString(key);
    out.writeDouble(value);
    out.writeVarLong(timestampMs);
    out.writeZigZag(step);
  }

  private static Metric readMetricBody(ByteSource in) {
    String key = in.readString();
    double value = in.readDouble();
    long ts = in.readVarLong();
    long step = in.readZigZag();
    return new Metric(key, value, ts, step);
  }

  /** Encodes {@code event} into {@code out}, replacing what it held. */
  public static void encode(RunEvent event, ByteSink out) {
    out.reset();
    append(event, out);
  }

  /** Appends {@code event}'s encoding to what {@code out} holds (a lane frame's body). */
  public static void append(RunEvent event, ByteSink out) {
    out.writeByte(tag(event.kind()));
    out.writeByte(version(event.kind()));
    switch (event.kind()) {
      case RUN_STARTED -> {
        RunStarted e = (RunStarted) event;
        out.writeString(e.runId());
        out.writeString(e.experimentId());
        out.writeString(e.runName());
        out.writeNullableString(e.userId());
        out.writeVarLong(e.startTime());
        out.writeString(e.artifactUri());
        writeTags(out, e.tags());
      }
      case METRIC_LOGGED -> {
        Metric m = ((MetricLogged) event).metric();
        writeMetricBody(out, m.key(), m.value(), m.timestampMs(), m.step());
      }
      case PARAM_LOGGED -> {
        Param p = ((ParamLogged) event).param();
        out.writeString(p.key());
        out.writeString(p.value());
      }
      case TAG_SET -> {
        RunTag t = ((TagSet) event).tag();
        out.writeString(t.key());
        out.writeString(t.value());
      }
      case TAG_DELETED -> out.writeString(((TagDeleted) event).key());
      case STATUS_CHANGED -> {
        StatusChanged e = (StatusChanged) event;
        out.writeByte(e.status().number());
        out.writeBoolean(e.endTime() != null);
        if (e.endTime() != null) {
          out.writeVarLong(e.endTime());
        }
      }
      case INPUTS_LOGGED -> {
        List<DatasetInput> inputs = ((InputsLogged) event).inputs();
        out.writeVarLong(inputs.size());
        for (DatasetInput input : inputs) {
          Dataset d = input.dataset();
          out.writeString(d.name());
          out.writeString(d.digest());
          out.writeString(d.sourceType());
          out.writeString(d.source());
          out.writeNullableString(d.schema());
          out.writeNullableString(d.profile());
          out.writeVarLong(input.tags().size());
          for (InputTag t : input.tags()) {
            out.writeString(t.key());
            out.writeString(t.value());
          }
        }
      }
      case BATCH_LOGGED -> {
        BatchLogged e = (BatchLogged) event;
        writeBatchMetrics(out, e.metrics());
        out.writeVarLong(e.params().size());
        for (Param p : e.params()) {
          out.writeString(p.key());
          out.writeString(p.value());
        }
        writeTags(out, e.tags());
      }
      case RUN_DELETED -> out.writeVarLong(((RunDeleted) event).deletedTime());
      case RUN_RESTORED -> out.writeVarLong(((RunRestored) event).restoredTime());
      case ARTIFACT_WRITTEN -> {
        RunEvent.ArtifactWritten e = (RunEvent.ArtifactWritten) event;
        out.writeString(e.path());
        out.writeVarLong(e.size());
        out.writeString(e.sha256());
      }
    }
  }

  private static void writeTags(ByteSink out, List<RunTag> tags) {
    out.writeVarLong(tags.size());
    for (RunTag t : tags) {
      out.writeString(t.key());
      out.writeString(t.value());
    }
  }

  private static List<RunTag> readTags(ByteSource in) {
    int n = in.readCount();
    List<RunTag> tags = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      tags.add(new RunTag(in.readString(), in.readString()));
    }
    return tags;
  }

  /** Receives a decoded metric without a {@link Metric} being built (compaction's fast path). */
  @FunctionalInterface
  public interface MetricSink {
    void metric(String key, double value, long timestampMs, long step);
  }

  /** Decodes a MetricLogged event (check {@link #isMetricLogged} first) straight into a sink. */
  public static void decodeMetric(ByteSource in, MetricSink sink) {
    decodeMetric(in, sink, new StringCache());
  }

  /** As {@link #decodeMetric(ByteSource, MetricSink)}, decoding keys through {@code keys}. */
  public static void decodeMetric(ByteSource in, MetricSink sink, StringCache keys) {
    int tag = in.readByte();
    int version = in.readByte();
    checkVersion(tag, version);
    if (tag != METRIC_LOGGED) {
      throw new DecodeException("not a metric event: type tag " + tag);
    }
    String key = in.readString(keys);
    double value = in.readDouble();
    long ts = in.readVarLong();
    long step = in.readZigZag();
    in.expectEnd();
    sink.metric(key, value, ts, step);
  }

  private static RunEvent.ArtifactWritten readArtifactWritten(ByteSource in) {
    String path = in.readString();
    long size = in.readVarLong();
    String sha256 = in.readString();
    if (size < 0) {
      throw new DecodeException("negative artifact size " + size);
    }
    return new RunEvent.ArtifactWritten(path, size, sha256);
  }

  /** True if the source holds a MetricLogged event (peeks at the type tag, consumes nothing). */
  public static boolean isMetricLogged(ByteSource in) {
    return in.peekByte() == METRIC_LOGGED;
  }

  /** Decodes one run event; the source must hold exactly one event. */
  public static RunEvent decodeRunEvent(ByteSource in) {
    int tag = in.readByte();
    int version = in.readByte();
    checkVersion(tag, version);
    RunEvent event =
        switch (tag) {
          case RUN_STARTED -> new RunStarted(
              in.readString(),
              in.readString(),
              in.readString(),
              in.readNullableString(),
              in.readVarLong(),
              in.readString(),
              readTags(in));
          case METRIC_LOGGED -> new MetricLogged(readMetricBody(in));
          case PARAM_LOGGED -> new ParamLogged(new Param(in.readString(), in.readString()));
          case TAG_SET -> new TagSet(new RunTag(in.readString(), in.readString()));
          case TAG_DELETED -> new TagDeleted(in.readString());
          case STATUS_CHANGED -> {
            RunStatus status = readStatus(in);
            Long end = in.readBoolean() ? in.readVarLong() : null;
            yield new StatusChanged(status, end);
          }
          case INPUTS_LOGGED -> {
            int n = in.readCount();
            List<DatasetInput> inputs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              Dataset d =
                  new Dataset(
                      in.readString(),
                      in.readString(),
                      in.readString(),
                      in.readString(),
                      in.readNullableString(),
                      in.readNullableString());
              int tagCount = in.readCount();
              List<InputTag> tags = new ArrayList<>(tagCount);
              for (int j = 0; j < tagCount; j++) {
                tags.add(new InputTag(in.readString(), in.readString()));
              }
              inputs.add(new DatasetInput(d, tags));
            }
            yield new InputsLogged(inputs);
          }
          case BATCH_LOGGED -> {
            List<Metric> metrics = version == 1 ? readBatchMetricsV1(in) : readBatchMetrics(in);
            int np = in.readCount();
            List<Param> params = new ArrayList<>(np);
            for (int i = 0; i < np; i++) {
              params.add(new Param(in.readString(), in.readString()));
            }
            yield new BatchLogged(metrics, params, readTags(in));
          }
          case RUN_DELETED -> new RunDeleted(in.readVarLong());
          case RUN_RESTORED -> new RunRestored(in.readVarLong());
          case ARTIFACT_WRITTEN -> readArtifactWritten(in);
          default -> throw new UnsupportedFormatException(
              "Unknown run event type tag " + tag + " (version " + version + ")");
        };
    in.expectEnd();
    return event;
  }

  private static RunStatus readStatus(ByteSource in) {
    int n = in.readByte();
    try {
      return RunStatus.ofNumber(n);
    } catch (IllegalArgumentException e) {
      throw new DecodeException("invalid run status number " + n);
    }
  }

  private static void checkVersion(int tag, int version) {
    int max =
        tag == BATCH_LOGGED ? BATCH_FORMAT_VERSION : tag == RUN_REGISTERED || tag == RUN_REOPENED ? LANE_EVENT_VERSION : FORMAT_VERSION;
    if (version < MIN_SUPPORTED_VERSION || version > max) {
      throw UnsupportedFormatException.version("event format (type tag " + tag + ")", version, MIN_SUPPORTED_VERSION, max);
    }
  }

  /**
   * A batch's metrics, version 2: {@code [n] [k] [key]*k} then per point {@code [key index] [value:
   * f64] [zigzag timestamp delta] [zigzag step delta]}, deltas from the previous point (the first
   * from 0). Differences wrap in two's complement, so every long round-trips.
   */
  private static void writeBatchMetrics(ByteSink out, List<Metric> metrics) {
    out.writeVarLong(metrics.size());
    if (metrics.isEmpty()) {
      return;
    }
    Map<String, Integer> keyIndex = new HashMap<>();
    List<String> keys = new ArrayList<>();
    int[] indices = new int[metrics.size()];
    for (int i = 0; i < indices.length; i++) {
      String key = metrics.get(i).key();
      Integer index = keyIndex.putIfAbsent(key, keys.size());
      if (index == null) {
        index = keys.size();
        keys.add(key);
      }
      indices[i] = index;
    }
    out.writeVarLong(keys.size());
    for (String key : keys) {
      out.writeString(key);
    }
    long prevTs = 0;
    long prevStep = 0;
    for (int i = 0; i < indices.length; i++) {
      Metric m = metrics.get(i);
      out.writeVarLong(indices[i]);
      out.writeDouble(m.value());
      out.writeZigZag(m.timestampMs() - prevTs);
      out.writeZigZag(m.step() - prevStep);
      prevTs = m.timestampMs();
      prevStep = m.step();
    }
  }

  private static List<Metric> readBatchMetrics(ByteSource in) {
    int n = in.readCount();
    List<Metric> metrics = new ArrayList<>(n);
    if (n == 0) {
      return metrics;
    }
    int k = in.readCount();
    if (k == 0) {
      throw new DecodeException("batch of " + n + " metrics without keys");
    }
    String[] keys = new String[k];
    for (int i = 0; i < k; i++) {
      keys[i] = in.readString();
    }
    long ts = 0;
    long step = 0;
    for (int i = 0; i < n; i++) {
      long index = in.readVarLong();
      if (index < 0 || index >= k) {
        throw new DecodeException("metric key index " + index + " out of range [0, " + k + ")");
      }
      double value = in.readDouble();
      ts += in.readZigZag();
      step += in.readZigZag();
      metrics.add(new Metric(keys[(int) index], value, ts, step));
    }
    return metrics;
  }

  private static List<Metric> readBatchMetricsV1(ByteSource in) {
    int n = in.readCount();
    List<Metric> metrics = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      metrics.add(readMetricBody(in));
    }
    return metrics;
  }

  // ---- catalog events --------------------------------------------------------------------------

  public static void encode(CatalogEvent event, ByteSink out) {
    out.reset();
    out.writeByte(tag(event.kind()));
    out.writeByte(version(event));
    switch (event.kind()) {
      case EXPERIMENT_CREATED -> {
        ExperimentCreated e = (ExperimentCreated) event;
        writeExperiment(out, e.experimentId(), e.name(), e.artifactLocation(), e.creationTime(), e.lastUpdateTime(), e.tags());
      }
      case EXPERIMENT_REPLACED -> {
        CatalogEvent.ExperimentReplaced e = (CatalogEvent.ExperimentReplaced) event;
        writeExperiment(out, e.experimentId(), e.name(), e.artifactLocation(), e.creationTime(), e.lastUpdateTime(), e.tags());
      }
      case EXPERIMENT_RENAMED -> {
        ExperimentRenamed e = (ExperimentRenamed) event;
        out.writeString(e.experimentId());
        out.writeString(e.name());
        out.writeVarLong(e.time());
      }
      case EXPERIMENT_TAG_SET -> {
        ExperimentTagSet e = (ExperimentTagSet) event;
        out.writeString(e.experimentId());
        out.writeString(e.key());
        out.writeString(e.value());
      }
      case EXPERIMENT_TAG_DELETED -> {
        ExperimentTagDeleted e = (ExperimentTagDeleted) event;
        out.writeString(e.experimentId());
        out.writeString(e.key());
      }
      case EXPERIMENT_DELETED -> {
        ExperimentDeleted e = (ExperimentDeleted) event;
        out.writeString(e.experimentId());
        out.writeVarLong(e.time());
      }
      case EXPERIMENT_RESTORED -> {
        ExperimentRestored e = (ExperimentRestored) event;
        out.writeString(e.experimentId());
        out.writeVarLong(e.time());
      }
      case RUN_REGISTERED -> {
        RunRegistered e = (RunRegistered) event;
        out.writeString(e.runId());
        out.writeString(e.experimentId());
        out.writeVarLong(e.time());
        writeLanePlace(out, e.lane(), e.laneToken());
      }
      case RUN_REOPENED -> {
        CatalogEvent.RunReopened e = (CatalogEvent.RunReopened) event;
        out.writeString(e.runId());
        out.writeVarLong(e.time());
        writeLanePlace(out, e.lane(), e.laneToken());
      }
      case PURGED -> {
        CatalogEvent.Purged e = (CatalogEvent.Purged) event;
        out.writeVarLong(e.time());
        out.writeStrings(e.experimentIds());
        out.writeStrings(e.runIds());
      }
      case LANE_FORCED -> {
        CatalogEvent.LaneForced e = (CatalogEvent.LaneForced) event;
        out.writeVarLong(e.lane());
        out.writeVarLong(e.lastToken());
        out.writeVarLong(e.time());
      }
    }
  }

  /** The version a catalog event is written with: 2 for a registration or reopening that names a lane. */
  private static int version(CatalogEvent event) {
    if (event instanceof RunRegistered r && r.lane() >= 0
        || event instanceof CatalogEvent.RunReopened o && o.lane() >= 0) {
      return LANE_EVENT_VERSION;
    }
    return FORMAT_VERSION;
  }

  /** Version 2 of RunRegistered/RunReopened appends the lane and token; version 1 has neither. */
  private static void writeLanePlace(ByteSink out, int lane, long token) {
    if (lane >= 0) {
      out.writeVarLong(lane);
      out.writeVarLong(token);
    }
  }

  private static void writeExperiment(
      ByteSink out, String id, String name, String location, long created, long updated, Map<String, String> tags) {
    out.writeString(id);
    out.writeString(name);
    out.writeString(location);
    out.writeVarLong(created);
    out.writeVarLong(updated);
    out.writeVarLong(tags.size());
    for (Map.Entry<String, String> t : tags.entrySet()) {
      out.writeString(t.getKey());
      out.writeString(t.getValue());
    }
  }

  private static int readLane(ByteSource in) {
    long lane = in.readVarLong();
    if (lane > 1_000_000) {
      throw new DecodeException("lane number out of range: " + lane);
    }
    return (int) lane;
  }

  public static CatalogEvent decodeCatalogEvent(ByteSource in) {
    int tag = in.readByte();
    int version = in.readByte();
    checkVersion(tag, version);
    CatalogEvent event =
        switch (tag) {
          case EXPERIMENT_CREATED, EXPERIMENT_REPLACED -> {
            String id = in.readString();
            String name = in.readString();
            String location = in.readString();
            long created = in.readVarLong();
            long updated = in.readVarLong();
            int n = in.readCount();
            Map<String, String> tags = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
              tags.put(in.readString(), in.readString());
            }
            yield tag == EXPERIMENT_CREATED
                ? new ExperimentCreated(id, name, location, created, updated, tags)
                : new CatalogEvent.ExperimentReplaced(id, name, location, created, updated, tags);
          }
          case EXPERIMENT_RENAMED -> new ExperimentRenamed(in.readString(), in.readString(), in.readVarLong());
          case EXPERIMENT_TAG_SET -> new ExperimentTagSet(in.readString(), in.readString(), in.readString());
          case EXPERIMENT_TAG_DELETED -> new ExperimentTagDeleted(in.readString(), in.readString());
          case EXPERIMENT_DELETED -> new ExperimentDeleted(in.readString(), in.readVarLong());
          case EXPERIMENT_RESTORED -> new ExperimentRestored(in.readString(), in.readVarLong());
          case RUN_REGISTERED -> {
            String runId = in.readString();
            String experimentId = in.readString();
            long time = in.readVarLong();
            yield version >= LANE_EVENT_VERSION
                ? new RunRegistered(runId, experimentId, time, readLane(in), in.readVarLong())
                : new RunRegistered(runId, experimentId, time);
          }
          case RUN_REOPENED -> {
            String runId = in.readString();
            long time = in.readVarLong();
            yield version >= LANE_EVENT_VERSION
                ? new CatalogEvent.RunReopened(runId, time, readLane(in), in.readVarLong())
                : new CatalogEvent.RunReopened(runId, time);
          }
          case PURGED -> new CatalogEvent.Purged(in.readVarLong(), in.readStrings(), in.readStrings());
          case LANE_FORCED -> {
            long lane = in.readVarLong();
            long token = in.readVarLong();
            if (lane < 0 || lane > 1_000_000 || token < 0) {
              throw new DecodeException("invalid LaneForced lane " + lane + " or token " + token);
            }
            yield new CatalogEvent.LaneForced((int) lane, token, in.readVarLong());
          }
          default -> throw new UnsupportedFormatException(
              "Unknown catalog event type tag " + tag + " (version " + version + ")");
        };
    in.expectEnd();
    return event;
  }
}
