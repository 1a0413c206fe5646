package io.tracklog.compact;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Arrow schemas of the compacted tables (docs/FORMAT.md §Compacted files). Column names
 * and types are the contract notebooks rely on; change them only with a format version bump.
 */
public final class SegmentSchemas {
  /** Schema metadata key: always {@value #FORMAT_NAME}. */
  public static final String META_FORMAT = "tracklog.format";
  public static final String FORMAT_NAME = "tracklog-segment";
  public static final String META_FORMAT_VERSION = "tracklog.format_version";
  public static final int FORMAT_VERSION = 1;
  public static final String META_TABLE = "tracklog.table";
  public static final String META_STORE_ID = "tracklog.store_id";
  public static final String META_EXPERIMENT_ID = "tracklog.experiment_id";
  public static final String META_GENERATION = "tracklog.generation";

  private static final ArrowType UTF8 = ArrowType.Utf8.INSTANCE;
  private static final ArrowType INT64 = new ArrowType.Int(64, true);
  private static final ArrowType FLOAT64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);

  private SegmentSchemas() {}

  static Map<String, String> metadata(String storeId, String experimentId, long generation) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(META_FORMAT, FORMAT_NAME);
    m.put(META_FORMAT_VERSION, Integer.toString(FORMAT_VERSION));
    m.put(META_STORE_ID, storeId);
    m.put(META_EXPERIMENT_ID, experimentId);
    m.put(META_GENERATION, Long.toString(generation));
    return m;
  }

  private static Map<String, String> with(Map<String, String> meta, String table) {
    Map<String, String> m = new LinkedHashMap<>(meta);
    m.put(META_TABLE, table);
    return m;
  }

  private static Field required(String name, ArrowType type) {
    return new Field(name, FieldType.notNullable(type), null);
  }

  private static Field nullable(String name, ArrowType type) {
    return new Field(name, FieldType.nullable(type), null);
  }

  static Field stringMap(String name) {
    Field key = new Field("key", FieldType.notNullable(UTF8), null);
    Field value = new Field("value", FieldType.notNullable(UTF8), null);
    Field entries = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(key, value));
    return new Field(name, FieldType.notNullable(new ArrowType.Map(false)), List.of(entries));
  }

  /** One row per run, sorted by run_id. */
  public static Schema runs(Map<String, String> meta) {
    return new Schema(
        List.of(
            required("run_id", UTF8),
            required("experiment_id", UTF8),
            required("run_name", UTF8),
            nullable("user_id", UTF8),
            required("status", UTF8),
            required("start_time", INT64),
            nullable("end_time", INT64),
            required("artifact_uri", UTF8),
            required("lifecycle_stage", UTF8),
            stringMap("params"),
            stringMap("tags"),
            nullable("inputs", UTF8),
            required("seq", INT64)),
        with(meta, "runs"));
  }

  /** One row per (run, metric key), sorted by run_id then key. */
  public static Schema latest(Map<String, String> meta) {
    return new Schema(
        List.of(
            required("run_id", UTF8),
            required("key", UTF8),
            required("value", FLOAT64),
            required("timestamp", INT64),
            required("step", INT64),
            nullable("min", FLOAT64),
            nullable("max", FLOAT64),
            required("count", INT64),
            required("last_step", INT64)),
        with(meta, "latest"));
  }

  /**
   * Schema metadata key of a file's batch index: a strictly ascending JSON array that names where
   * each record batch starts, {@code [run_id, key]} of its first row in the metrics file (non-empty
   * batches), {@code [run_id]} of the first run it covers in the runs and latest files (which cover
   * the same runs batch by batch; a latest batch may be empty). A reader finds a series' or a run's
   * batch by binary search on it instead of loading every batch. Runs and latest files written
   * before it have one batch and no index.
   */
  public static final String META_BATCH_INDEX = "tracklog.batch_index";

  /**
   * One row per series (run, metric key), sorted by run_id then key. The lists {@code step},
   * {@code timestamp} and {@code value} hold the series' points sorted by (step, timestamp), ties in
   * append order; {@code append_order} is empty when that is the append order and otherwise lists, for
   * the i-th point logged, its position in those lists (MLflow's history order). Points cost 24 bytes
   * each: the run id and key are stored once per series, not per point.
   */
  public static Schema metrics(Map<String, String> meta) {
    return new Schema(
        List.of(
            required("run_id", UTF8),
            required("key", UTF8),
            list("step", INT64),
            list("timestamp", INT64),
            list("value", FLOAT64),
            list("append_order", new ArrowType.Int(32, true))),
        with(meta, "metrics"));
  }

  // ---- search (issue #10) -----------------------------------------------------------------------

  /** Column name prefix of a param key's column in the search table: {@code params.<key>}. */
  public static final String SEARCH_PARAM_PREFIX = "params.";
  /** Column name prefix of a tag key's column: {@code tags.<key>}. */
  public static final String SEARCH_TAG_PREFIX = "tags.";
  /** Column name prefix of a metric key's latest value: {@code metrics.<key>}. */
  public static final String SEARCH_METRIC_PREFIX = "metrics.";
  /** Column name prefix of a metric key's latest timestamp: {@code metric_timestamps.<key>}. */
  public static final String SEARCH_METRIC_TIMESTAMP_PREFIX = "metric_timestamps.";
  /** Column name prefix of a metric key's latest step: {@code metric_steps.<key>}. */
  public static final String SEARCH_METRIC_STEP_PREFIX = "metric_steps.";
  /** Map column of each run's params whose key has no column of its own. */
  public static final String SEARCH_RARE_PARAMS = "rare_params";
  public static final String SEARCH_RARE_TAGS = "rare_tags";
  /** Map column of each run's rare metric keys to their latest (value, timestamp, step). */
  public static final String SEARCH_RARE_METRICS = "rare_metrics";
  /**
   * Schema metadata key of a search file (store format 8) whose {@code artifact_uri} is null where a
   * run's artifact URI is {@code <this location>/<run_id>/artifacts}: the segment's most common
   * location, so the column costs a bit a run instead of the whole URI.
   */
  public static final String META_ARTIFACT_LOCATION = "tracklog.artifact_location";

  /** A key has a column of its own unless fewer than one run in this many has it. */
  public static final int SEARCH_SPARSE_RATIO = 8;

  /**
   * One row per run, sorted by run_id, as the runs file: the run attributes, then one column per
   * param, tag and metric key that at least one run in {@link #SEARCH_SPARSE_RATIO} has, then the
   * other keys in three map columns (docs/FORMAT.md §search). The key columns depend on the segment,
   * so the caller lists them.
   */
  static Schema search(List<Field> fields, Map<String, String> meta) {
    return new Schema(fields, with(meta, "search"));
  }

  /** {@code map<utf8, struct<value: float64, timestamp: int64, step: int64>>}. */
  static Field rareMetrics(String name) {
    Field key = new Field("key", FieldType.notNullable(UTF8), null);
    Field value =
        new Field(
            "value",
            FieldType.notNullable(ArrowType.Struct.INSTANCE),
            List.of(required("value", FLOAT64), required("timestamp", INT64), required("step", INT64)));
    Field entries = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(key, value));
    return new Field(name, FieldType.notNullable(new ArrowType.Map(false)), List.of(entries));
  }

  private static Field list(String name, ArrowType element) {
    Field item = new Field("item", FieldType.notNullable(element), null);
    return new Field(name, FieldType.notNullable(ArrowType.List.INSTANCE), List.of(item));
  }
}
