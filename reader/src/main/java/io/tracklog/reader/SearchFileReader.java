package io.tracklog.reader;

import io.tracklog.LifecycleStage;
import io.tracklog.RunStatus;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.SegmentSchemas;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;

/**
 * Loads a segment's {@link RunColumns} from its search file (docs/FORMAT.md §search, issue #10):
 * numbers and dictionary indices are bulk-copied into arrays, strings stay UTF-8 bytes until used.
 * What building from the runs and latest files costs per map entry (decoding it into Strings and
 * hashing it into a per-key dictionary) the compactor has paid once.
 *
 * <p>Anything that does not fit the format is {@link CorruptFileException}; the caller then builds
 * the columns from the runs and latest files, which answer identically.
 */
final class SearchFileReader {
  private SearchFileReader() {}

  /**
   * The columns of a segment from its search file. The caller has verified the file (length and
   * CRC32C).
   *
   * @throws CorruptFileException if the file is not a search table of the segment's runs
   * @throws UnsupportedFormatException if it is of a newer format version
   */
  static RunColumns read(Path root, Manifest.Segment segment, BufferAllocator allocator) {
    Manifest.FileEntry entry = segment.searchFile();
    Path file = root.resolve(entry.path());
    try (SegmentFiles.Opened f = SegmentFiles.open(root, entry, "search", allocator)) {
      List<ArrowBlock> blocks = f.reader().getRecordBlocks();
      if (blocks.size() != 1) {
        throw new CorruptFileException(file, "has " + blocks.size() + " record batches, expected 1");
      }
      f.reader().loadRecordBatch(blocks.get(0));
      VectorSchemaRoot t = f.reader().getVectorSchemaRoot();
      int rows = t.getRowCount();
      if (rows != segment.runs().size() || rows != entry.rows()) {
        throw new CorruptFileException(file, "has " + rows + " rows for " + segment.runs().size() + " runs");
      }
      return new Loader(file, t, f.reader().getDictionaryVectors(), rows).columns(segment);
    } catch (CorruptFileException | UnsupportedFormatException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CorruptFileException(file, "cannot decode search table: " + e.getMessage(), e);
    }
  }

  /** Copies one loaded batch's vectors into column arrays. */
  private static final class Loader {
    final Path file;
    final VectorSchemaRoot t;
    final Map<Long, Dictionary> dictionaries;
    final int rows;

    Loader(Path file, VectorSchemaRoot t, Map<Long, Dictionary> dictionaries, int rows) {
      this.file = file;
      this.t = t;
      this.dictionaries = dictionaries;
      this.rows = rows;
    }

    RunColumns columns(Manifest.Segment segment) {
      FieldVector runIdVector = vector("run_id");
      if (!(runIdVector instanceof VarCharVector ids) || runIdVector.getField().getDictionary() != null
          || ids.getNullCount() != 0) {
        throw corrupt("run_id is not a utf8 column without nulls");
      }
      RunColumns.Strings runIds = strings(ids, rows);
      RunColumns.StringColumn status = string("status", vector("status"));
      for (String s : status.dictionary()) { // a handful of values: checked now, not when a page is built
        RunStatus.valueOf(s);
      }
      RunColumns.StringColumn lifecycle = string("lifecycle_stage", vector("lifecycle_stage"));
      String[] stages = lifecycle.dictionary();
      boolean[] deletedId = new boolean[stages.length];
      for (int i = 0; i < stages.length; i++) {
        deletedId[i] = LifecycleStage.ofMlflowName(stages[i]) == LifecycleStage.DELETED;
      }
      long[] deleted = new long[RunColumns.words(rows)];
      for (int row = 0; row < rows; row++) {
        int id = lifecycle.id(row);
        if (id < 0) {
          throw corrupt("lifecycle_stage is null at row " + row);
        }
        if (deletedId[id]) {
          deleted[row >>> 6] |= 1L << row;
        }
      }
      BigIntVector start = fixed("start_time", BigIntVector.class);
      if (start.getNullCount() != 0) {
        throw corrupt("start_time has nulls");
      }
      BigIntVector end = fixed("end_time", BigIntVector.class);
      RunColumns.StringColumn runName = string("run_name", vector("run_name"));
      RunColumns.StringColumn artifactUri = string("artifact_uri", vector("artifact_uri"));
      if (nulls(runName) || nulls(artifactUri) || nulls(status)) {
        throw corrupt("run_name, artifact_uri or status has nulls");
      }
      Map<String, RunColumns.StringColumn> params = new HashMap<>();
      Map<String, RunColumns.StringColumn> tags = new HashMap<>();
      Map<String, RunColumns.MetricColumn> metrics = new HashMap<>();
      for (FieldVector v : t.getFieldVectors()) {
        String name = v.getField().getName();
        if (name.startsWith(SegmentSchemas.SEARCH_PARAM_PREFIX)) {
          put(params, name.substring(SegmentSchemas.SEARCH_PARAM_PREFIX.length()), string(name, v));
        } else if (name.startsWith(SegmentSchemas.SEARCH_TAG_PREFIX)) {
          put(tags, name.substring(SegmentSchemas.SEARCH_TAG_PREFIX.length()), string(name, v));
        } else if (name.startsWith(SegmentSchemas.SEARCH_METRIC_PREFIX)) {
          String key = name.substring(SegmentSchemas.SEARCH_METRIC_PREFIX.length());
          put(metrics, key, metric(key, v));
        }
      }
      rareStrings(SegmentSchemas.SEARCH_RARE_PARAMS, params);
      rareStrings(SegmentSchemas.SEARCH_RARE_TAGS, tags);
      rareMetrics(metrics);
      return new RunColumns(
          segment.experimentId(),
          file,
          rows,
          runIds,
          runName,
          string("user_id", vector("user_id")),
          status,
          artifactUri,
          deleted,
          longs(start, rows),
          longs(end, rows),
          bits(end.getValidityBuffer(), rows),
          params,
          tags,
          metrics,
          inputs(vector("inputs")),
          segment.metricStats());
    }

    private <V> void put(Map<String, V> columns, String key, V column) {
      if (columns.put(key, column) != null) {
        throw corrupt("key " + key + " has two columns");
      }
    }

    private FieldVector vector(String name) {
      FieldVector v = t.getVector(name);
      if (v == null) {
        throw corrupt("has no column " + name);
      }
      return v;
    }

    private <V extends FieldVector> V fixed(String name, Class<V> type) {
      FieldVector v = vector(name);
      if (!type.isInstance(v) || v.getField().getDictionary() != null) {
        throw corrupt("column " + name + " is " + v.getField().getType() + ", expected " + type.getSimpleName());
      }
      return type.cast(v);
    }

    private static boolean nulls(RunColumns.StringColumn c) {
      for (int i = 0; i < c.entries(); i++) {
        if (c.entryId(i) < 0) {
          return true;
        }
      }
      return false;
    }

    /**
     * A string column: dictionary-encoded (int32 indices; -1 for null) or plain utf8 (row {@code i}
     * is dictionary entry {@code i}). Dense either way, as the writer gives a key a column only if
     * enough runs have it.
     */
    private RunColumns.StringColumn string(String name, FieldVector v) {
      DictionaryEncoding encoding = v.getField().getDictionary();
      if (encoding == null) {
        if (!(v instanceof VarCharVector plain)) {
          throw corrupt("column " + name + " is " + v.getField().getType() + ", expected utf8");
        }
        int[] ids = new int[rows];
        for (int i = 0; i < rows; i++) {
          ids[i] = i;
        }
        clearNulls(ids, plain);
        return new RunColumns.StringColumn(strings(plain, rows), ids, null);
      }
      Dictionary dictionary = dictionaries.get(encoding.getId());
      if (!(v instanceof IntVector indices) || dictionary == null
          || !(dictionary.getVector() instanceof VarCharVector values)) {
        throw corrupt("column " + name + " is not int32 indices into a utf8 dictionary");
      }
      int size = values.getValueCount();
      int[] ids = new int[rows];
      if (rows > 0) {
        indices.getDataBuffer().nioBuffer(0, rows * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(ids);
      }
      clearNulls(ids, indices);
      for (int i = 0; i < rows; i++) {
        if (ids[i] >= size) {
          throw corrupt("column " + name + " row " + i + " has dictionary index " + ids[i] + " of " + size);
        }
      }
      return new RunColumns.StringColumn(strings(values, size), ids, null);
    }

    /** Sets {@code ids[row] = -1} where the vector is null; checks non-null ids are not negative. */
    private void clearNulls(int[] ids, FieldVector v) {
      long[] valid = bits(v.getValidityBuffer(), rows);
      for (int w = 0; w < valid.length; w++) {
        long word = valid[w];
        int base = w << 6;
        for (int b = 0; b < 64 && base + b < rows; b++) {
          if ((word & (1L << b)) == 0) {
            ids[base + b] = -1;
          } else if (ids[base + b] < 0) {
            throw corrupt("column " + v.getField().getName() + " has a negative index at row " + (base + b));
          }
        }
      }
    }

    /** A metric key's dense column: value, with timestamp and step from their own columns. */
    private RunColumns.MetricColumn metric(String key, FieldVector v) {
      if (!(v instanceof Float8Vector values) || v.getField().getDictionary() != null) {
        throw corrupt("column " + v.getField().getName() + " is not float64");
      }
      BigIntVector ts = fixed(SegmentSchemas.SEARCH_METRIC_TIMESTAMP_PREFIX + key, BigIntVector.class);
      BigIntVector steps = fixed(SegmentSchemas.SEARCH_METRIC_STEP_PREFIX + key, BigIntVector.class);
      double[] vs = new double[rows];
      if (rows > 0) {
        values.getDataBuffer().nioBuffer(0, rows * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(vs);
      }
      return new RunColumns.MetricColumn(vs, longs(ts, rows), longs(steps, rows), bits(values.getValidityBuffer(), rows), null);
    }

    /** Keys fewer runs have: a map per run, turned into sparse columns as the runs file's maps are. */
    private void rareStrings(String name, Map<String, RunColumns.StringColumn> columns) {
      MapVector map = map(name);
      StructVector entries = (StructVector) map.getDataVector();
      VarCharVector keys = (VarCharVector) entries.getChild(MapVector.KEY_NAME);
      VarCharVector values = (VarCharVector) entries.getChild(MapVector.VALUE_NAME);
      Map<String, RunColumns.StringColumnBuilder> builders = new HashMap<>();
      Map<String, String> seen = new HashMap<>();
      for (int row = 0; row < rows; row++) {
        int end = map.getElementEndIndex(row);
        for (int i = map.getElementStartIndex(row); i < end; i++) {
          String key = interned(keys, i, seen);
          builders.computeIfAbsent(key, k -> new RunColumns.StringColumnBuilder()).add(row, string(values, i));
        }
      }
      builders.forEach((k, b) -> put(columns, k, b.build(rows)));
    }

    private void rareMetrics(Map<String, RunColumns.MetricColumn> columns) {
      MapVector map = map(SegmentSchemas.SEARCH_RARE_METRICS);
      StructVector entries = (StructVector) map.getDataVector();
      VarCharVector keys = (VarCharVector) entries.getChild(MapVector.KEY_NAME);
      StructVector points = (StructVector) entries.getChild(MapVector.VALUE_NAME);
      Float8Vector values = (Float8Vector) points.getChild("value");
      BigIntVector ts = (BigIntVector) points.getChild("timestamp");
      BigIntVector steps = (BigIntVector) points.getChild("step");
      Map<String, RunColumns.MetricColumnBuilder> builders = new HashMap<>();
      Map<String, String> seen = new HashMap<>();
      for (int row = 0; row < rows; row++) {
        int end = map.getElementEndIndex(row);
        for (int i = map.getElementStartIndex(row); i < end; i++) {
          String key = interned(keys, i, seen);
          builders
              .computeIfAbsent(key, k -> new RunColumns.MetricColumnBuilder())
              .add(row, values.get(i), ts.get(i), steps.get(i));
        }
      }
      builders.forEach((k, b) -> put(columns, k, b.build(rows)));
    }

    private MapVector map(String name) {
      FieldVector v = vector(name);
      if (!(v instanceof MapVector map)) {
        throw corrupt("column " + name + " is not a map");
      }
      return map;
    }

    /** The runs' inputs JSON, or null if no run has any (the usual case: nothing decoded). */
    private String[] inputs(FieldVector v) {
      if (v.getNullCount() == rows) {
        return null;
      }
      RunColumns.StringColumn json = string("inputs", v);
      String[] out = new String[rows];
      for (int row = 0; row < rows; row++) {
        out[row] = json.value(row);
      }
      return out;
    }

    private static String interned(VarCharVector v, int i, Map<String, String> seen) {
      String s = string(v, i);
      String prev = seen.putIfAbsent(s, s);
      return prev != null ? prev : s;
    }

    private static String string(VarCharVector v, int i) {
      return new String(v.get(i), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The first {@code n} strings of a utf8 vector, as bytes decoded on use. */
    private RunColumns.Strings strings(BaseVariableWidthVector v, int n) {
      int[] offsets = new int[n + 1];
      ArrowBuf o = v.getOffsetBuffer();
      if (n > 0) {
        o.nioBuffer(0, (n + 1) * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(offsets);
      }
      long dataLength = v.getDataBuffer().capacity();
      for (int i = 0; i < n; i++) {
        if (offsets[i] < 0 || offsets[i] > offsets[i + 1]) {
          throw corrupt("column " + v.getField().getName() + " has bad offsets at " + i);
        }
      }
      if (offsets[n] > dataLength) {
        throw corrupt("column " + v.getField().getName() + " has offsets past its data");
      }
      byte[] utf8 = new byte[offsets[n]];
      v.getDataBuffer().getBytes(0, utf8);
      return new RunColumns.Strings(utf8, offsets);
    }

    private CorruptFileException corrupt(String why) {
      return new CorruptFileException(file, why);
    }
  }

  private static long[] longs(BigIntVector v, int rows) {
    long[] out = new long[rows];
    if (rows > 0) {
      v.getDataBuffer().nioBuffer(0, rows * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
    }
    return out;
  }

  /** A validity bitmap as words of {@link RunColumns}' bitsets (Arrow's is LSB-first: the same bits). */
  static long[] bits(ArrowBuf validity, int rows) {
    long[] out = new long[RunColumns.words(rows)];
    int bytes = (rows + 7) >>> 3;
    if (bytes == 0) {
      return out;
    }
    ByteBuffer b = validity.nioBuffer(0, bytes).order(ByteOrder.LITTLE_ENDIAN);
    int full = bytes >>> 3;
    b.asLongBuffer().get(out, 0, full);
    for (int i = full << 3; i < bytes; i++) {
      out[full] |= (b.get(i) & 0xFFL) << ((i & 7) << 3);
    }
    if ((rows & 63) != 0) {
      out[out.length - 1] &= (1L << rows) - 1; // bits past the last row
    }
    return out;
  }
}
