package io.tracklog.compact;

import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.format.FileNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Fills a segment's search table (docs/FORMAT.md §search): the runs of the runs and latest files
 * transposed into one column per key, so that a reader's first search loads columns instead of
 * decoding every run's param and tag maps (issue #10). Keys fewer than one run in {@link
 * SegmentSchemas#SEARCH_SPARSE_RATIO} has go to the {@code rare_*} map columns instead, so rare keys
 * do not cost a column of runs each. Strings repeated enough are dictionary-encoded.
 *
 * <p>Everything here is derived from the same {@link RunDigest}s as the runs and latest files, so the
 * search file is rebuildable from the logs like them.
 */
final class SearchFileWriter {
  private SearchFileWriter() {}

  /** A filled table and the dictionaries its encoded columns refer to; closes both. */
  record Table(VectorSchemaRoot root, DictionaryProvider.MapDictionaryProvider dictionaries) implements AutoCloseable {
    @Override
    public void close() {
      try {
        root.close();
      } finally {
        dictionaries.close();
      }
    }
  }

  /** One key's values by row (null where a run lacks it), and how many runs have it. */
  private static final class Column<T> {
    final Object[] values;
    int count;

    Column(int rows) {
      values = new Object[rows];
    }

    void set(int row, T value) {
      if (values[row] == null) {
        count++;
      }
      values[row] = value;
    }

    @SuppressWarnings("unchecked")
    T get(int row) {
      return (T) values[row];
    }
  }

  /**
   * The location most of {@code runs} keep their artifacts under, as {@code <location>/<run_id>/artifacts}
   * (the experiment's), or null if none does.
   */
  private static String commonArtifactLocation(List<RunDigest> runs) {
    Map<String, Integer> counts = new java.util.HashMap<>();
    String best = null;
    int bestCount = 0;
    for (RunDigest d : runs) {
      String location = FileNames.runArtifactLocation(d.run().info().artifactUri(), d.runId());
      if (location != null) {
        int n = counts.merge(location, 1, Integer::sum);
        if (n > bestCount) {
          best = location;
          bestCount = n;
        }
      }
    }
    return best;
  }

  /** The latest point of one series, as the latest file has it. */
  private record Latest(double value, long timestamp, long step) {}

  /** The search table of {@code runs}, sorted by run id, with schema metadata {@code meta}. */
  static Table fill(List<RunDigest> runs, Map<String, String> meta, BufferAllocator allocator) {
    int rows = runs.size();
    String location = commonArtifactLocation(runs);
    if (location != null) {
      meta = new java.util.LinkedHashMap<>(meta);
      meta.put(SegmentSchemas.META_ARTIFACT_LOCATION, location);
    }
    Map<String, Column<String>> params = new TreeMap<>();
    Map<String, Column<String>> tags = new TreeMap<>();
    Map<String, Column<Latest>> metrics = new TreeMap<>();
    for (int row = 0; row < rows; row++) {
      RunDigest d = runs.get(row);
      Run run = d.run();
      int r = row;
      run.params().forEach((k, v) -> params.computeIfAbsent(k, x -> new Column<>(rows)).set(r, v));
      run.tags().forEach((k, v) -> tags.computeIfAbsent(k, x -> new Column<>(rows)).set(r, v));
      for (MetricSeries s : d.series()) {
        int i = s.latest();
        metrics.computeIfAbsent(s.key, x -> new Column<>(rows)).set(row, new Latest(s.value(i), s.timestamp(i), s.step(i)));
      }
    }
    List<Field> fields = new ArrayList<>();
    List<Filler> fillers = new ArrayList<>();
    DictionaryProvider.MapDictionaryProvider dictionaries = new DictionaryProvider.MapDictionaryProvider();
    long[] nextId = {0};
    boolean success = false;
    try {
      StringSink strings = (name, nullable, values) -> {
        Map<String, Integer> ids = dictionary(values, rows);
        fields.add(stringField(name, nullable, ids, allocator, dictionaries, nextId));
        fillers.add(v -> fillStrings(v, values, ids, rows));
      };
      strings.add("run_id", false, row -> runs.get(row).runId());
      strings.add("run_name", false, row -> info(runs, row).runName());
      strings.add("user_id", true, row -> info(runs, row).userId());
      strings.add("status", false, row -> info(runs, row).status().name());
      fields.add(new Field("start_time", FieldType.notNullable(INT64), null));
      fillers.add(v -> fillLongs(v, row -> info(runs, row).startTime(), rows));
      fields.add(new Field("end_time", FieldType.nullable(INT64), null));
      fillers.add(v -> fillLongs(v, row -> info(runs, row).endTime(), rows));
      strings.add("artifact_uri", location != null, row -> {
        String uri = info(runs, row).artifactUri();
        return location != null && uri.equals(FileNames.runArtifactUri(location, runs.get(row).runId())) ? null : uri;
      });
      strings.add("lifecycle_stage", false, row -> info(runs, row).lifecycleStage().mlflowName());
      strings.add("inputs", true, row -> SegmentWriter.inputsJson(runs.get(row).run().inputs()));
      Map<String, Column<String>> rareParams = new TreeMap<>();
      Map<String, Column<String>> rareTags = new TreeMap<>();
      Map<String, Column<Latest>> rareMetrics = new TreeMap<>();
      params.forEach((k, c) -> {
        if (isRare(c, rows)) {
          rareParams.put(k, c);
        } else {
          strings.add(SegmentSchemas.SEARCH_PARAM_PREFIX + k, true, c::get);
        }
      });
      tags.forEach((k, c) -> {
        if (isRare(c, rows)) {
          rareTags.put(k, c);
        } else {
          strings.add(SegmentSchemas.SEARCH_TAG_PREFIX + k, true, c::get);
        }
      });
      metrics.forEach((k, c) -> {
        if (isRare(c, rows)) {
          rareMetrics.put(k, c);
          return;
        }
        fields.add(new Field(SegmentSchemas.SEARCH_METRIC_PREFIX + k, FieldType.nullable(FLOAT64), null));
        fillers.add(v -> {
          Float8Vector vec = (Float8Vector) v;
          vec.allocateNew(Math.max(rows, 1));
          for (int row = 0; row < rows; row++) {
            Latest l = c.get(row);
            if (l == null) {
              vec.setNull(row);
            } else {
              vec.set(row, l.value());
            }
          }
          vec.setValueCount(rows);
        });
        fields.add(new Field(SegmentSchemas.SEARCH_METRIC_TIMESTAMP_PREFIX + k, FieldType.nullable(INT64), null));
        fillers.add(v -> fillLongs(v, row -> c.get(row) == null ? null : c.get(row).timestamp(), rows));
        fields.add(new Field(SegmentSchemas.SEARCH_METRIC_STEP_PREFIX + k, FieldType.nullable(INT64), null));
        fillers.add(v -> fillLongs(v, row -> c.get(row) == null ? null : c.get(row).step(), rows));
      });
      fields.add(SegmentSchemas.stringMap(SegmentSchemas.SEARCH_RARE_PARAMS));
      fillers.add(v -> fillRareStrings((MapVector) v, rareParams, rows));
      fields.add(SegmentSchemas.stringMap(SegmentSchemas.SEARCH_RARE_TAGS));
      fillers.add(v -> fillRareStrings((MapVector) v, rareTags, rows));
      fields.add(SegmentSchemas.rareMetrics(SegmentSchemas.SEARCH_RARE_METRICS));
      fillers.add(v -> fillRareMetrics((MapVector) v, rareMetrics, rows));

      VectorSchemaRoot root = VectorSchemaRoot.create(SegmentSchemas.search(fields, meta), allocator);
      try {
        for (int i = 0; i < fillers.size(); i++) {
          fillers.get(i).fill(root.getVector(i));
        }
        root.setRowCount(rows);
      } catch (RuntimeException | Error e) {
        root.close();
        throw e;
      }
      success = true;
      return new Table(root, dictionaries);
    } finally {
      if (!success) {
        dictionaries.close();
      }
    }
  }

  private static final ArrowType INT64 = new ArrowType.Int(64, true);
  private static final ArrowType INT32 = new ArrowType.Int(32, true);
  private static final ArrowType FLOAT64 = new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE);

  private static RunInfo info(List<RunDigest> runs, int row) {
    return runs.get(row).run().info();
  }

  private static boolean isRare(Column<?> c, int rows) {
    return (long) c.count * SegmentSchemas.SEARCH_SPARSE_RATIO < rows;
  }

  @FunctionalInterface
  private interface Filler {
    void fill(FieldVector v);
  }

  @FunctionalInterface
  private interface RowFunction<T> {
    T at(int row);
  }

  @FunctionalInterface
  private interface StringSink {
    void add(String name, boolean nullable, RowFunction<String> values);
  }

  /**
   * A string column's values by dictionary id (first-seen order), or null when it is better stored
   * plain: more than half its values distinct (run ids, names, URIs: one per run), or none at all.
   */
  private static Map<String, Integer> dictionary(RowFunction<String> values, int rows) {
    Map<String, Integer> ids = new HashMap<>();
    for (int row = 0; row < rows; row++) {
      String v = values.at(row);
      if (v != null && ids.putIfAbsent(v, ids.size()) == null && ids.size() * 2L > rows) {
        return null;
      }
    }
    return ids.isEmpty() ? null : ids;
  }

  /** A string column's field: utf8, or int32 indices into a utf8 dictionary put in the provider. */
  private static Field stringField(
      String name, boolean nullable, Map<String, Integer> ids, BufferAllocator allocator,
      DictionaryProvider.MapDictionaryProvider dictionaries, long[] nextId) {
    if (ids == null) {
      return new Field(name, new FieldType(nullable, ArrowType.Utf8.INSTANCE, null), null);
    }
    DictionaryEncoding encoding = new DictionaryEncoding(nextId[0]++, false, (ArrowType.Int) INT32);
    String[] byId = new String[ids.size()];
    ids.forEach((v, i) -> byId[i] = v);
    VarCharVector dict = new VarCharVector(new Field(name, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null), allocator);
    try {
      dict.allocateNew(byId.length);
      for (int i = 0; i < byId.length; i++) {
        dict.setSafe(i, byId[i].getBytes(StandardCharsets.UTF_8));
      }
      dict.setValueCount(byId.length);
    } catch (RuntimeException | Error e) {
      dict.close();
      throw e;
    }
    dictionaries.put(new Dictionary(dict, encoding));
    return new Field(name, new FieldType(nullable, INT32, encoding), null);
  }

  private static void fillStrings(FieldVector v, RowFunction<String> values, Map<String, Integer> ids, int rows) {
    if (ids == null) {
      VarCharVector s = (VarCharVector) v;
      s.allocateNew(Math.max(rows, 1));
      for (int row = 0; row < rows; row++) {
        String value = values.at(row);
        if (value == null) {
          s.setNull(row);
        } else {
          s.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
        }
      }
      s.setValueCount(rows);
      return;
    }
    IntVector indices = (IntVector) v;
    indices.allocateNew(Math.max(rows, 1));
    for (int row = 0; row < rows; row++) {
      String value = values.at(row);
      if (value == null) {
        indices.setNull(row);
      } else {
        indices.set(row, ids.get(value));
      }
    }
    indices.setValueCount(rows);
  }

  private static void fillLongs(FieldVector v, RowFunction<Long> values, int rows) {
    BigIntVector vec = (BigIntVector) v;
    vec.allocateNew(Math.max(rows, 1));
    for (int row = 0; row < rows; row++) {
      Long value = values.at(row);
      if (value == null) {
        vec.setNull(row);
      } else {
        vec.set(row, value);
      }
    }
    vec.setValueCount(rows);
  }

  /** A map per run of its rare keys (sorted), empty for most runs. */
  private static void fillRareStrings(MapVector map, Map<String, Column<String>> rare, int rows) {
    map.allocateNew();
    StructVector entries = (StructVector) map.getDataVector();
    VarCharVector keys = (VarCharVector) entries.getChild(MapVector.KEY_NAME);
    VarCharVector values = (VarCharVector) entries.getChild(MapVector.VALUE_NAME);
    int at = 0;
    for (int row = 0; row < rows; row++) {
      map.startNewValue(row);
      int n = 0;
      for (Map.Entry<String, Column<String>> e : rare.entrySet()) {
        String value = e.getValue().get(row);
        if (value != null) {
          entries.setIndexDefined(at);
          keys.setSafe(at, e.getKey().getBytes(StandardCharsets.UTF_8));
          values.setSafe(at, value.getBytes(StandardCharsets.UTF_8));
          at++;
          n++;
        }
      }
      map.endValue(row, n);
    }
    keys.setValueCount(at);
    values.setValueCount(at);
    entries.setValueCount(at);
    map.setValueCount(rows);
  }

  /** A map per run of its rare metric keys to their latest (value, timestamp, step). */
  private static void fillRareMetrics(MapVector map, Map<String, Column<Latest>> rare, int rows) {
    map.allocateNew();
    StructVector entries = (StructVector) map.getDataVector();
    VarCharVector keys = (VarCharVector) entries.getChild(MapVector.KEY_NAME);
    StructVector points = (StructVector) entries.getChild(MapVector.VALUE_NAME);
    Float8Vector values = (Float8Vector) points.getChild("value");
    BigIntVector timestamps = (BigIntVector) points.getChild("timestamp");
    BigIntVector steps = (BigIntVector) points.getChild("step");
    int at = 0;
    for (int row = 0; row < rows; row++) {
      map.startNewValue(row);
      int n = 0;
      for (Map.Entry<String, Column<Latest>> e : rare.entrySet()) {
        Latest l = e.getValue().get(row);
        if (l != null) {
          entries.setIndexDefined(at);
          points.setIndexDefined(at);
          keys.setSafe(at, e.getKey().getBytes(StandardCharsets.UTF_8));
          values.setSafe(at, l.value());
          timestamps.setSafe(at, l.timestamp());
          steps.setSafe(at, l.step());
          at++;
          n++;
        }
      }
      map.endValue(row, n);
    }
    for (FieldVector v : List.<FieldVector>of(keys, values, timestamps, steps, points, entries)) {
      v.setValueCount(at);
    }
    map.setValueCount(rows);
  }
}
