package io.tracklog.reader;

import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.RunStatus;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.SegmentSchemas;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;

/**
 * A segment's {@link RunColumns} from its search file (docs/FORMAT.md §search, issue #10). The file
 * is memory-mapped and checked (length, CRC32C, schema metadata) in one pass; then only the
 * per-run attributes every search reads (start and end times, lifecycle) are copied. Each param,
 * tag and metric column, and the string attributes, stay in the mapping until a filter or an
 * order_by needs them whole ({@link RunColumns.Lazy}); a page's runs read their rows in place, and
 * strings stay UTF-8 until looked at. What building the columns from the runs and latest files costs
 * per map entry (decoding it and hashing it into a per-key dictionary) the compactor has paid once.
 *
 * <p>The mapping lives as long as the columns (the garbage collector unmaps it); segment files are
 * never modified once published. Anything that does not fit the format is {@link
 * CorruptFileException}, and the caller builds the columns from the runs and latest files instead,
 * which answer identically.
 */
final class SearchFileReader {
  private SearchFileReader() {}

  /**
   * The columns of a segment from its search file, which this checks.
   *
   * @throws CorruptFileException if the file fails its checks or is not a search table of the
   *     segment's runs
   * @throws UnsupportedFormatException if it is of a newer format version
   */
  static RunColumns read(Path root, Manifest.Segment segment) {
    Manifest.FileEntry entry = segment.searchFile();
    Path file = root.resolve(entry.path());
    ByteBuffer bytes = SegmentFiles.mapVerified(root, entry);
    ArrowFileView view = ArrowFileView.parse(file, bytes);
    SegmentFiles.checkMetadata(file, view.schema.getCustomMetadata(), "search");
    if (view.rows != segment.runs().size() || view.rows != entry.rows()) {
      throw new CorruptFileException(file, "has " + view.rows + " rows for " + segment.runs().size() + " runs");
    }
    try {
      return new Loader(view).columns(segment);
    } catch (CorruptFileException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CorruptFileException(file, "cannot decode search table: " + e, e);
    }
  }

  /** Builds the columns of one parsed file. */
  private static final class Loader {
    final ArrowFileView view;
    final Path file;
    final int rows;

    Loader(ArrowFileView view) {
      this.view = view;
      this.file = view.file;
      this.rows = view.rows;
    }

    RunColumns columns(Manifest.Segment segment) {
      ArrowFileView.Column ids = view.column("run_id");
      if (!isUtf8(ids) || ids.nullCount() != 0) {
        throw corrupt("run_id is not a utf8 column without nulls");
      }
      RunColumns.Strings runIds = strings(ids);
      RunColumns.Lazy<RunColumns.StringColumn, String> status = string(view.column("status"), true);
      for (String s : status.get().dictionary()) { // a handful of values: checked now, not when a page is built
        RunStatus.valueOf(s);
      }
      long[] deleted = deleted(string(view.column("lifecycle_stage"), true).get());
      ArrowFileView.Column start = longColumn("start_time");
      if (start.nullCount() != 0) {
        throw corrupt("start_time has nulls");
      }
      ArrowFileView.Column end = longColumn("end_time");
      Map<String, RunColumns.Lazy<RunColumns.StringColumn, String>> params = new HashMap<>();
      Map<String, RunColumns.Lazy<RunColumns.StringColumn, String>> tags = new HashMap<>();
      Map<String, RunColumns.Lazy<RunColumns.MetricColumn, Metric>> metrics = new HashMap<>();
      for (ArrowFileView.Column c : view.columns.values()) {
        String name = c.field().getName();
        if (name.startsWith(SegmentSchemas.SEARCH_PARAM_PREFIX)) {
          put(params, name.substring(SegmentSchemas.SEARCH_PARAM_PREFIX.length()), string(c, false));
        } else if (name.startsWith(SegmentSchemas.SEARCH_TAG_PREFIX)) {
          put(tags, name.substring(SegmentSchemas.SEARCH_TAG_PREFIX.length()), string(c, false));
        } else if (name.startsWith(SegmentSchemas.SEARCH_METRIC_PREFIX)) {
          String key = name.substring(SegmentSchemas.SEARCH_METRIC_PREFIX.length());
          put(metrics, key, metric(key, c));
        }
      }
      rareStrings(SegmentSchemas.SEARCH_RARE_PARAMS, params);
      rareStrings(SegmentSchemas.SEARCH_RARE_TAGS, tags);
      rareMetrics(metrics);
      ArrowFileView.Column inputs = view.column("inputs");
      return new RunColumns(
          segment.experimentId(),
          file,
          rows,
          runIds,
          string(view.column("run_name"), true),
          string(view.column("user_id"), false),
          status,
          artifactUris(runIds),
          deleted,
          longs(start.buffer(1), rows),
          longs(end.buffer(1), rows),
          validity(end),
          params,
          tags,
          metrics,
          inputs.nullCount() == rows ? null : string(inputs, false),
          segment.metricStats());
    }

    /**
     * The artifact_uri column: where a search file of store format 8 has a null, the run's URI is
     * {@code <tracklog.artifact_location>/<run_id>/artifacts} (docs/FORMAT.md §search).
     */
    private RunColumns.Lazy<RunColumns.StringColumn, String> artifactUris(RunColumns.Strings runIds) {
      ArrowFileView.Column c = view.column("artifact_uri");
      Map<String, String> meta = view.schema.getCustomMetadata();
      String location = meta == null ? null : meta.get(SegmentSchemas.META_ARTIFACT_LOCATION);
      if (location == null || c.nullCount() == 0) {
        return string(c, true);
      }
      RunColumns.Lazy<RunColumns.StringColumn, String> written = string(c, false);
      java.util.function.IntFunction<String> uri =
          row -> {
            String w = written.row(row);
            return w != null ? w : io.tracklog.format.FileNames.runArtifactUri(location, runIds.get(row));
          };
      return new RunColumns.Lazy<>(
          () -> {
            String[] all = new String[rows];
            for (int row = 0; row < rows; row++) {
              all[row] = uri.apply(row);
            }
            return RunColumns.plain(all);
          },
          uri,
          rows);
    }

    private long[] deleted(RunColumns.StringColumn lifecycle) {
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
      return deleted;
    }

    private <V> void put(Map<String, V> columns, String key, V column) {
      if (columns.put(key, column) != null) {
        throw corrupt("key " + key + " has two columns");
      }
    }

    private static boolean isUtf8(ArrowFileView.Column c) {
      return c.field().getType() instanceof ArrowType.Utf8 && c.field().getDictionary() == null;
    }

    private ArrowFileView.Column longColumn(String name) {
      ArrowFileView.Column c = view.column(name);
      if (!(c.field().getType() instanceof ArrowType.Int i) || i.getBitWidth() != 64 || c.field().getDictionary() != null) {
        throw corrupt("column " + name + " is " + c.field().getType() + ", expected int64");
      }
      return c;
    }

    /**
     * A string column: int32 indices into a utf8 dictionary (-1 for null), or plain utf8 (row {@code
     * i} is dictionary entry {@code i}). Dense either way: the writer gives a key a column only if
     * enough runs have it.
     *
     * @param required true if no row may be null
     */
    private RunColumns.Lazy<RunColumns.StringColumn, String> string(ArrowFileView.Column c, boolean required) {
      String name = c.field().getName();
      if (required && c.nullCount() != 0) {
        throw corrupt("column " + name + " has nulls");
      }
      DictionaryEncoding encoding = c.field().getDictionary();
      if (encoding == null) {
        if (!isUtf8(c)) {
          throw corrupt("column " + name + " is " + c.field().getType() + ", expected utf8");
        }
        RunColumns.Strings values = strings(c);
        return new RunColumns.Lazy<>(
            () -> {
              int[] ids = new int[rows];
              for (int i = 0; i < rows; i++) {
                ids[i] = c.isValid(i) ? i : -1;
              }
              return new RunColumns.StringColumn(values, ids, null);
            },
            row -> c.isValid(row) ? values.get(row) : null,
            rows);
      }
      ArrowFileView.Column dictionary = view.dictionaries.get(encoding.getId());
      ArrowType.Int index = encoding.getIndexType();
      if (index.getBitWidth() != 32 || !index.getIsSigned() || dictionary == null || !isUtf8(dictionary)) {
        throw corrupt("column " + name + " is not int32 indices into a utf8 dictionary");
      }
      RunColumns.Strings values = strings(dictionary);
      int size = values.size();
      ByteBuffer indices = c.buffer(1);
      return new RunColumns.Lazy<>(
          () -> {
            int[] ids = new int[rows];
            indices.asIntBuffer().get(0, ids);
            for (int i = 0; i < rows; i++) {
              if (!c.isValid(i)) {
                ids[i] = -1;
              } else if (ids[i] < 0 || ids[i] >= size) {
                throw corrupt("column " + name + " row " + i + " has dictionary index " + ids[i] + " of " + size);
              }
            }
            return new RunColumns.StringColumn(values, ids, null);
          },
          row -> {
            if (!c.isValid(row)) {
              return null;
            }
            int id = indices.getInt(row << 2);
            if (id < 0 || id >= size) {
              throw corrupt("column " + name + " row " + row + " has dictionary index " + id + " of " + size);
            }
            return values.get(id);
          },
          rows);
    }

    /** A metric key's dense column: value (null: the run lacks the key), timestamp and step columns. */
    private RunColumns.Lazy<RunColumns.MetricColumn, Metric> metric(String key, ArrowFileView.Column v) {
      if (!(v.field().getType() instanceof ArrowType.FloatingPoint) || v.field().getDictionary() != null) {
        throw corrupt("column " + v.field().getName() + " is not float64");
      }
      ByteBuffer values = v.buffer(1);
      ByteBuffer ts = longColumn(SegmentSchemas.SEARCH_METRIC_TIMESTAMP_PREFIX + key).buffer(1);
      ByteBuffer steps = longColumn(SegmentSchemas.SEARCH_METRIC_STEP_PREFIX + key).buffer(1);
      return new RunColumns.Lazy<>(
          () -> {
            double[] vs = new double[rows];
            values.asDoubleBuffer().get(0, vs);
            // values only: timestamps and steps serve pages, which read their rows in place
            return new RunColumns.MetricColumn(vs, null, null, validity(v), null);
          },
          row -> v.isValid(row)
              ? new Metric(key, values.getDouble(row << 3), ts.getLong(row << 3), steps.getLong(row << 3))
              : null,
          rows);
    }

    /** Keys fewer runs have: a map per run, made into sparse columns as the runs file's maps are. */
    private void rareStrings(String name, Map<String, RunColumns.Lazy<RunColumns.StringColumn, String>> columns) {
      ArrowFileView.Column map = view.column(name);
      ArrowFileView.Column entries = entries(map);
      if (entries.length() == 0) {
        return;
      }
      RunColumns.Strings keys = strings(child(entries, 0));
      RunColumns.Strings values = strings(child(entries, 1));
      Map<String, RunColumns.StringColumnBuilder> builders = new HashMap<>();
      ByteBuffer offsets = map.buffer(1);
      for (int row = 0; row < rows; row++) {
        int end = offsets.getInt((row + 1) << 2);
        for (int i = offsets.getInt(row << 2); i < end; i++) {
          builders.computeIfAbsent(keys.get(i), k -> new RunColumns.StringColumnBuilder()).add(row, values.get(i));
        }
      }
      builders.forEach((k, b) -> put(columns, k, RunColumns.Lazy.of(b.build(rows))));
    }

    private void rareMetrics(Map<String, RunColumns.Lazy<RunColumns.MetricColumn, Metric>> columns) {
      ArrowFileView.Column map = view.column(SegmentSchemas.SEARCH_RARE_METRICS);
      ArrowFileView.Column entries = entries(map);
      if (entries.length() == 0) {
        return;
      }
      RunColumns.Strings keys = strings(child(entries, 0));
      ArrowFileView.Column points = child(entries, 1);
      if (points.children().size() != 3) {
        throw corrupt(SegmentSchemas.SEARCH_RARE_METRICS + " values are not (value, timestamp, step)");
      }
      ByteBuffer values = points.children().get(0).buffer(1);
      ByteBuffer ts = points.children().get(1).buffer(1);
      ByteBuffer steps = points.children().get(2).buffer(1);
      Map<String, RunColumns.MetricColumnBuilder> builders = new HashMap<>();
      ByteBuffer offsets = map.buffer(1);
      for (int row = 0; row < rows; row++) {
        int end = offsets.getInt((row + 1) << 2);
        for (int i = offsets.getInt(row << 2); i < end; i++) {
          builders
              .computeIfAbsent(keys.get(i), k -> new RunColumns.MetricColumnBuilder())
              .add(row, values.getDouble(i << 3), ts.getLong(i << 3), steps.getLong(i << 3));
        }
      }
      builders.forEach((k, b) -> put(columns, k, RunColumns.Lazy.of(b.build(rows))));
    }

    private ArrowFileView.Column entries(ArrowFileView.Column map) {
      if (!(map.field().getType() instanceof ArrowType.Map) || map.children().size() != 1
          || map.children().get(0).children().size() != 2) {
        throw corrupt("column " + map.field().getName() + " is not a map");
      }
      return map.children().get(0);
    }

    private ArrowFileView.Column child(ArrowFileView.Column c, int i) {
      ArrowFileView.Column child = c.children().get(i);
      if (child.nullCount() != 0 || (i == 0 && !isUtf8(child))) {
        throw corrupt("entries of " + c.field().getName() + " have nulls or a key that is not utf8");
      }
      return child;
    }

    /** The first {@code length} strings of a utf8 column, decoded on use. */
    private RunColumns.Strings strings(ArrowFileView.Column c) {
      if (!isUtf8(c)) {
        throw corrupt("column " + c.field().getName() + " is not utf8");
      }
      return new RunColumns.Strings(c.buffer(2), c.buffer(1), c.length(), file);
    }

    /** A column's validity as bitset words (all set when it has no nulls). */
    private long[] validity(ArrowFileView.Column c) {
      long[] out = new long[RunColumns.words(rows)];
      if (c.nullCount() == 0) {
        java.util.Arrays.fill(out, -1L);
      } else {
        ByteBuffer b = c.buffer(0);
        int bytes = (rows + 7) >>> 3;
        int full = bytes >>> 3;
        b.asLongBuffer().get(0, out, 0, full);
        for (int i = full << 3; i < bytes; i++) {
          out[full] |= (b.get(i) & 0xFFL) << ((i & 7) << 3);
        }
      }
      if ((rows & 63) != 0) {
        out[out.length - 1] &= (1L << rows) - 1; // no bits past the last row
      }
      return out;
    }

    private CorruptFileException corrupt(String why) {
      return new CorruptFileException(file, why);
    }
  }

  private static long[] longs(ByteBuffer data, int rows) {
    long[] out = new long[rows];
    data.asLongBuffer().get(0, out);
    return out;
  }
}
