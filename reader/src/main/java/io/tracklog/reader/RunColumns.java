package io.tracklog.reader;

import io.tracklog.DatasetInput;
import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.RunStatus;
import io.tracklog.compact.Manifest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The compacted runs of one segment as columns, for search (issue #4): one row per run, sorted by
 * run id; attributes as arrays; each param and tag key a dictionary-encoded string column; each
 * metric key its latest value, timestamp and step with a presence bit. A column whose key few runs
 * have is sparse (the rows that have it, in order), so a store with many rare keys does not cost
 * rows × keys. Built once per reader and segment ({@link Snapshot#columns}): loaded from the
 * segment's search file when it has one ({@code SearchFileReader}), otherwise built from the runs
 * and latest files; or with {@link #builder} (tests, benchmarks). Strings loaded from a search file
 * stay UTF-8 bytes until a search or a page needs them (issue #10: a fresh reader's first search).
 *
 * <p>Immutable and thread-safe once built. Not a stable API: the shape follows the search engine.
 */
public final class RunColumns {
  private final String experimentId;
  private final Path source;
  private final int rows;
  private final Strings runIds;
  private final Lazy<StringColumn, String> runName;
  private final Lazy<StringColumn, String> userId;
  private final Lazy<StringColumn, String> status;
  private final Lazy<StringColumn, String> artifactUri;
  private final Lazy<StringColumn, String> runIdColumn;
  private final long[] deleted;
  private final long[] startTime;
  private final long[] endTime;
  private final long[] endPresent;
  private final Map<String, Lazy<StringColumn, String>> params;
  private final Map<String, Lazy<StringColumn, String>> tags;
  private final Map<String, Lazy<MetricColumn, Metric>> metrics;
  private final Lazy<StringColumn, String> inputsJson;
  private final Map<String, Manifest.KeyStats> metricStats;
  private final long weight;

  private RunColumns(Builder b, Map<String, Manifest.KeyStats> stats) {
    this(
        b.experimentId,
        b.source,
        b.rows,
        new Strings(Arrays.copyOf(b.runIds, b.rows)),
        Lazy.of(b.runName.build(b.rows)),
        Lazy.of(b.userId.build(b.rows)),
        Lazy.of(b.status.build(b.rows)),
        Lazy.of(b.artifactUri.build(b.rows)),
        Arrays.copyOf(b.deleted, words(b.rows)),
        Arrays.copyOf(b.startTime, b.rows),
        Arrays.copyOf(b.endTime, b.rows),
        Arrays.copyOf(b.endPresent, words(b.rows)),
        loaded(b.params, b.rows, StringColumnBuilder::build),
        loaded(b.tags, b.rows, StringColumnBuilder::build),
        loaded(b.metrics, b.rows, MetricColumnBuilder::build),
        b.anyInputs ? Lazy.of(plain(Arrays.copyOf(b.inputsJson, b.rows))) : null,
        stats);
  }

  /**
   * Columns from their parts (SearchFileReader): arrays owned by the result, {@code rows} long
   * (bitsets {@code words(rows)}); the other columns loaded or to be loaded on first use.
   *
   * @param inputsJson the runs' inputs JSON, or null if no run has inputs
   * @param stats the manifest's metric ranges, or null to compute them (which loads every metric column)
   */
  RunColumns(
      String experimentId, Path source, int rows, Strings runIds, Lazy<StringColumn, String> runName,
      Lazy<StringColumn, String> userId, Lazy<StringColumn, String> status, Lazy<StringColumn, String> artifactUri,
      long[] deleted, long[] startTime, long[] endTime, long[] endPresent,
      Map<String, Lazy<StringColumn, String>> params, Map<String, Lazy<StringColumn, String>> tags,
      Map<String, Lazy<MetricColumn, Metric>> metrics, Lazy<StringColumn, String> inputsJson,
      Map<String, Manifest.KeyStats> stats) {
    this.experimentId = Objects.requireNonNull(experimentId, "experimentId");
    this.source = source;
    this.rows = rows;
    this.runIds = runIds;
    this.runName = runName;
    this.userId = userId;
    this.status = status;
    this.artifactUri = artifactUri;
    this.runIdColumn =
        new Lazy<>(
            () -> {
              int[] identity = new int[rows];
              Arrays.setAll(identity, i -> i);
              return new StringColumn(runIds, identity, null);
            },
            runIds::get,
            rows);
    this.deleted = deleted;
    this.startTime = startTime;
    this.endTime = endTime;
    this.endPresent = endPresent;
    this.params = Collections.unmodifiableMap(params);
    this.tags = Collections.unmodifiableMap(tags);
    this.metrics = Collections.unmodifiableMap(metrics);
    this.inputsJson = inputsJson;
    this.metricStats = stats != null ? Map.copyOf(stats) : computeStats(this.metrics);
    long w = rows * 4L;
    for (Lazy<StringColumn, String> c : params.values()) {
      w += c.entries();
    }
    for (Lazy<StringColumn, String> c : tags.values()) {
      w += c.entries();
    }
    for (Lazy<MetricColumn, Metric> c : metrics.values()) {
      w += c.entries() * 2L;
    }
    this.weight = w;
  }

  private static <B, C, V> Map<String, Lazy<C, V>> loaded(
      Map<String, B> builders, int rows, java.util.function.BiFunction<B, Integer, C> build) {
    Map<String, Lazy<C, V>> out = new HashMap<>();
    builders.forEach((k, v) -> out.put(k, Lazy.of(build.apply(v, rows))));
    return out;
  }

  /** A column whose row {@code i} is {@code values[i]} (null: absent), not deduplicated. */
  static StringColumn plain(String[] values) {
    int[] ids = new int[values.length];
    String[] dictionary = new String[values.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = values[i] == null ? -1 : i;
      dictionary[i] = values[i] == null ? "" : values[i];
    }
    return new StringColumn(dictionary, ids, null);
  }

  private static Map<String, Manifest.KeyStats> computeStats(Map<String, Lazy<MetricColumn, Metric>> metrics) {
    Map<String, Manifest.KeyStats> out = new HashMap<>();
    metrics.forEach((key, lazy) -> {
      MetricColumn c = lazy.get();
      double min = Double.NaN;
      double max = Double.NaN;
      for (int i = 0; i < c.values.length; i++) {
        if (c.rows == null && !get(c.present, i)) {
          continue;
        }
        double v = c.values[i];
        if (!Double.isNaN(v)) {
          min = Double.isNaN(min) || v < min ? v : min;
          max = Double.isNaN(max) || v > max ? v : max;
        }
      }
      out.put(key, new Manifest.KeyStats(Double.isNaN(min) ? null : min, Double.isNaN(max) ? null : max, c.entries()));
    });
    return Map.copyOf(out);
  }

  /** A builder of the columns of {@code experimentId}'s runs; add runs in increasing run id order. */
  public static Builder builder(String experimentId) {
    return new Builder(experimentId, null);
  }

  /**
   * A segment's columns from its search file, as a reader loads them (benchmarks, tools); a reader
   * goes through {@link Snapshot#columns}, which also falls back to the runs and latest files.
   *
   * @throws io.tracklog.error.CorruptFileException if the segment has no search file or it fails its checks
   */
  public static RunColumns fromSearchFile(Path root, Manifest.Segment segment) {
    if (segment.searchFile() == null) {
      throw new io.tracklog.error.CorruptFileException(root.resolve(segment.runsFile().path()), "segment has no search file");
    }
    return SearchFileReader.read(root, segment);
  }

  static Builder builder(String experimentId, Path source) {
    return new Builder(experimentId, source);
  }

  static int words(int bits) {
    return (bits + 63) >>> 6;
  }

  static boolean get(long[] bits, int i) {
    return (bits[i >>> 6] & (1L << i)) != 0;
  }

  private static long[] set(long[] bits, int i) {
    long[] b = bits;
    if ((i >>> 6) >= b.length) {
      b = Arrays.copyOf(b, Math.max(words(i + 1), b.length * 2));
    }
    b[i >>> 6] |= 1L << i;
    return b;
  }

  // ---- accessors -------------------------------------------------------------------------------

  public String experimentId() {
    return experimentId;
  }

  public int rows() {
    return rows;
  }

  /** The file these columns came from (the segment's search file, or its runs file), or null. */
  Path source() {
    return source;
  }

  /** A cost for cache weighing: about one unit per cell. */
  public long weight() {
    return weight;
  }

  public String runId(int row) {
    return runIds.get(row);
  }

  /** The row of a run, or -1. */
  public int rowOf(String runId) {
    int lo = 0;
    int hi = rows - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = runIds.get(mid).compareTo(runId);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /** The string attribute {@code run_id}, {@code run_name}, {@code user_id}, {@code status} or {@code artifact_uri}. */
  public StringColumn attribute(String name) {
    return switch (name) {
      case "run_id" -> runIdColumn.get();
      case "run_name" -> runName.get();
      case "user_id" -> userId.get();
      case "status" -> status.get();
      case "artifact_uri" -> artifactUri.get();
      default -> throw new IllegalArgumentException("Invalid string attribute: " + name);
    };
  }

  public boolean isDeleted(int row) {
    return get(deleted, row);
  }

  public long startTime(int row) {
    return startTime[row];
  }

  public boolean hasEndTime(int row) {
    return get(endPresent, row);
  }

  public long endTime(int row) {
    return endTime[row];
  }

  /** The param column of {@code key}, or null if no run of the segment has it. */
  public StringColumn param(String key) {
    Lazy<StringColumn, String> c = params.get(key);
    return c == null ? null : c.get();
  }

  /** The tag column of {@code key}, or null. */
  public StringColumn tag(String key) {
    Lazy<StringColumn, String> c = tags.get(key);
    return c == null ? null : c.get();
  }

  /** The latest-value column of metric {@code key}, or null. */
  public MetricColumn metric(String key) {
    Lazy<MetricColumn, Metric> c = metrics.get(key);
    return c == null ? null : c.get();
  }

  /** Range of each metric's latest values (NaN ignored): the manifest's {@code metric_stats}. */
  public Map<String, Manifest.KeyStats> metricStats() {
    return metricStats;
  }

  /** The run's dataset inputs (decoded on each call; most runs have none). */
  public List<DatasetInput> inputs(int row) {
    String json = inputsJson == null ? null : value(inputsJson, row);
    return json == null ? List.of() : SegmentReader.inputs(source, json);
  }

  /** The whole run, as {@link Snapshot#getRun} returns it for a compacted run. */
  public Run run(int row) {
    RunInfo info =
        new RunInfo(
            runIds.get(row),
            value(runName, row),
            experimentId,
            value(userId, row),
            RunStatus.valueOf(value(status, row)),
            startTime[row],
            get(endPresent, row) ? endTime[row] : null,
            value(artifactUri, row),
            get(deleted, row) ? LifecycleStage.DELETED : LifecycleStage.ACTIVE);
    Map<String, Metric> latest = new TreeMap<>();
    metrics.forEach((key, lazy) -> {
      MetricColumn c = lazy.peek();
      if (c == null || c.timestamps == null) { // not loaded, or loaded for search only: the row in place
        Metric m = lazy.row(row);
        if (m != null) {
          latest.put(key, m);
        }
        return;
      }
      int i = c.index(row);
      if (i >= 0) {
        latest.put(key, new Metric(key, c.values[i], c.timestamps[i], c.steps[i]));
      }
    });
    return new Run(info, latest, values(params, row), values(tags, row), inputs(row));
  }

  /** A row's value: from the loaded column, or read alone from the file while it is not loaded. */
  private static String value(Lazy<StringColumn, String> column, int row) {
    StringColumn c = column.peek();
    return c != null ? c.value(row) : column.row(row);
  }

  /** The param keys, tag keys and metric keys present in some row. */
  public java.util.Set<String> paramKeys() {
    return params.keySet();
  }

  public java.util.Set<String> tagKeys() {
    return tags.keySet();
  }

  public java.util.Set<String> metricKeys() {
    return metrics.keySet();
  }

  private static Map<String, String> values(Map<String, Lazy<StringColumn, String>> columns, int row) {
    Map<String, String> out = new TreeMap<>();
    columns.forEach((key, c) -> {
      String v = value(c, row);
      if (v != null) {
        out.put(key, v);
      }
    });
    return out;
  }

  // ---- columns ---------------------------------------------------------------------------------

  /**
   * A column loaded on its first bulk use (a filter or an order_by on it: {@link #get}); until
   * then a page's runs read single rows ({@link #row}) from the search file, so a search copies only
   * the columns it evaluates (issue #10). Columns built in memory start loaded. Thread-safe.
   *
   * @param <C> the loaded column
   * @param <V> a row's value read alone (null: the row has none)
   */
  static final class Lazy<C, V> {
    private final java.util.function.Supplier<C> loader;
    private final java.util.function.IntFunction<V> row;
    private final long entries;
    private volatile C loaded;

    /**
     * @param entries the loaded column's entries (rows, or rows having the key), for the cache weight
     */
    Lazy(java.util.function.Supplier<C> loader, java.util.function.IntFunction<V> row, long entries) {
      this.loader = loader;
      this.row = row;
      this.entries = entries;
    }

    static <C, V> Lazy<C, V> of(C column) {
      Lazy<C, V> l = new Lazy<>(null, null, column instanceof StringColumn s ? s.entries()
          : column instanceof MetricColumn m ? m.entries() : 0);
      l.loaded = column;
      return l;
    }

    C get() {
      C c = loaded;
      if (c == null) {
        synchronized (this) {
          c = loaded;
          if (c == null) {
            c = loader.get();
            loaded = c;
          }
        }
      }
      return c;
    }

    /** The column if loaded, else null. */
    C peek() {
      return loaded;
    }

    V row(int i) {
      return row.apply(i);
    }

    long entries() {
      return entries;
    }
  }

  /**
   * Strings by index: either given as {@code String}s, or UTF-8 in a search file's buffers (Arrow
   * utf8 layout: int32 offsets, data), decoded on first use and then kept; most of a segment's run
   * ids, names and values are never looked at. Thread-safe: the buffers are read with absolute gets,
   * and two threads may decode the same string, either copy serving.
   */
  static final class Strings {
    private final ByteBuffer data;
    private final ByteBuffer offsets;
    private final Path file;
    private final int size;
    private String[] decoded; // allocated on first use; a racing thread's copy may be dropped
    private volatile boolean complete;

    Strings(String[] values) {
      this.data = null;
      this.offsets = null;
      this.file = null;
      this.size = values.length;
      this.decoded = values;
      this.complete = true;
    }

    /** {@code size} strings: string {@code i} is bytes {@code [offsets[i], offsets[i + 1])} of {@code data}. */
    Strings(ByteBuffer data, ByteBuffer offsets, int size, Path file) {
      this.data = data;
      this.offsets = offsets;
      this.file = file;
      this.size = size;
    }

    int size() {
      return size;
    }

    String get(int i) {
      String[] decoded = this.decoded;
      if (decoded == null) {
        decoded = new String[size];
        this.decoded = decoded;
      }
      String s = decoded[i];
      if (s == null && data != null) {
        int start = offsets.getInt(i << 2);
        int end = offsets.getInt((i + 1) << 2);
        if (start < 0 || end < start || end > data.limit()) {
          throw new io.tracklog.error.CorruptFileException(file, "bad utf8 offsets at " + i);
        }
        byte[] utf8 = new byte[end - start];
        data.get(start, utf8);
        s = new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
        decoded[i] = s;
      }
      return s;
    }

    /** Every string, decoded. */
    String[] all() {
      if (!complete) {
        String[] all = new String[size];
        for (int i = 0; i < size; i++) {
          all[i] = get(i);
        }
        decoded = all;
        complete = true;
        return all;
      }
      return decoded;
    }
  }

  /**
   * A dictionary-encoded string column. Dense: {@code ids[row]}, -1 where absent. Sparse: entry
   * {@code i} is row {@code rows[i]} (increasing) with id {@code ids[i]}.
   */
  public static final class StringColumn {
    private final Strings dictionary;
    private final int[] ids;
    private final int[] rows;

    StringColumn(String[] dictionary, int[] ids, int[] rows) {
      this(new Strings(dictionary), ids, rows);
    }

    StringColumn(Strings dictionary, int[] ids, int[] rows) {
      this.dictionary = dictionary;
      this.ids = ids;
      this.rows = rows;
    }

    /** Every distinct value (decoded on the first call if the column came from a search file). */
    public String[] dictionary() {
      return dictionary.all();
    }

    /** The value of dictionary id {@code id}. */
    public String dictionaryValue(int id) {
      return dictionary.get(id);
    }

    /** True if entry {@code i} is row {@code i}. */
    public boolean isDense() {
      return rows == null;
    }

    /** Entries: rows for a dense column, rows having the key for a sparse one. */
    public int entries() {
      return ids.length;
    }

    public int entryRow(int i) {
      return rows == null ? i : rows[i];
    }

    /** The dictionary id of entry {@code i}, -1 if absent. */
    public int entryId(int i) {
      return ids[i];
    }

    /** The dictionary id of a row's value, -1 if absent. */
    public int id(int row) {
      if (rows == null) {
        return ids[row];
      }
      int i = Arrays.binarySearch(rows, row);
      return i >= 0 ? ids[i] : -1;
    }

    /** A row's value, or null. */
    public String value(int row) {
      int id = id(row);
      return id < 0 ? null : dictionary.get(id);
    }
  }

  /** A metric key's latest values; dense (with a presence bit per row) or sparse as {@link StringColumn}. */
  public static final class MetricColumn {
    private final double[] values;
    private final long[] timestamps;
    private final long[] steps;
    private final long[] present;
    private final int[] rows;

    MetricColumn(double[] values, long[] timestamps, long[] steps, long[] present, int[] rows) {
      this.values = values;
      this.timestamps = timestamps;
      this.steps = steps;
      this.present = present;
      this.rows = rows;
    }

    public boolean isDense() {
      return rows == null;
    }

    public int entries() {
      return values.length;
    }

    public int entryRow(int i) {
      return rows == null ? i : rows[i];
    }

    /** True if entry {@code i} holds a value (always, for a sparse column). */
    public boolean entryPresent(int i) {
      return rows != null || get(present, i);
    }

    public double entryValue(int i) {
      return values[i];
    }

    /** Presence bits of entries {@code 64 * word} to {@code 64 * word + 63} of a dense column. */
    public long presentWord(int word) {
      return word < present.length ? present[word] : 0L;
    }

    /** The entry of a row, or -1 if the row has no value. */
    public int index(int row) {
      if (rows == null) {
        return get(present, row) ? row : -1;
      }
      int i = Arrays.binarySearch(rows, row);
      return i >= 0 ? i : -1;
    }

    public double value(int entry) {
      return values[entry];
    }
  }

  // ---- building --------------------------------------------------------------------------------

  /** Adds rows in increasing run id order; each setter applies to the row just added. */
  public static final class Builder {
    private final String experimentId;
    private final Path source;
    private int rows;
    private String[] runIds = new String[64];
    private final StringColumnBuilder runName = new StringColumnBuilder();
    private final StringColumnBuilder userId = new StringColumnBuilder();
    private final StringColumnBuilder status = new StringColumnBuilder();
    private final StringColumnBuilder artifactUri = new StringColumnBuilder();
    private long[] deleted = new long[1];
    private long[] startTime = new long[64];
    private long[] endTime = new long[64];
    private long[] endPresent = new long[1];
    private final Map<String, StringColumnBuilder> params = new HashMap<>();
    private final Map<String, StringColumnBuilder> tags = new HashMap<>();
    private final Map<String, MetricColumnBuilder> metrics = new HashMap<>();
    private String[] inputsJson = new String[64];
    private boolean anyInputs;

    private Builder(String experimentId, Path source) {
      this.experimentId = Objects.requireNonNull(experimentId, "experimentId");
      this.source = source;
    }

    /**
     * Adds a run; params, tags, metrics and inputs set next belong to it.
     *
     * @param end null while the run has not ended
     * @throws IllegalArgumentException if {@code runId} does not sort after the previous run's
     */
    public Builder addRun(
        String runId, String runName, String userId, RunStatus status, long start, Long end,
        String artifactUri, LifecycleStage lifecycle) {
      if (rows > 0 && runIds[rows - 1].compareTo(runId) >= 0) {
        throw new IllegalArgumentException("Runs must be added in increasing run id order: " + runId);
      }
      if (rows == runIds.length) {
        int cap = rows * 2;
        runIds = Arrays.copyOf(runIds, cap);
        startTime = Arrays.copyOf(startTime, cap);
        endTime = Arrays.copyOf(endTime, cap);
        inputsJson = Arrays.copyOf(inputsJson, cap);
      }
      int row = rows++;
      runIds[row] = runId;
      this.runName.add(row, runName);
      this.userId.add(row, userId);
      this.status.add(row, status.name());
      this.artifactUri.add(row, artifactUri);
      startTime[row] = start;
      if (end != null) {
        endTime[row] = end;
        endPresent = set(endPresent, row);
      }
      if (lifecycle == LifecycleStage.DELETED) {
        deleted = set(deleted, row);
      }
      return this;
    }

    private int row() {
      if (rows == 0) {
        throw new IllegalStateException("No run added yet");
      }
      return rows - 1;
    }

    public Builder param(String key, String value) {
      params.computeIfAbsent(key, k -> new StringColumnBuilder()).add(row(), value);
      return this;
    }

    public Builder tag(String key, String value) {
      tags.computeIfAbsent(key, k -> new StringColumnBuilder()).add(row(), value);
      return this;
    }

    public Builder metric(String key, double value, long timestamp, long step) {
      metrics.computeIfAbsent(key, k -> new MetricColumnBuilder()).add(row(), value, timestamp, step);
      return this;
    }

    /** The run's inputs as the runs file's {@code inputs} JSON; null for none. */
    public Builder inputsJson(String json) {
      if (json != null) {
        inputsJson[row()] = json;
        anyInputs = true;
      }
      return this;
    }

    /** The columns, with metric ranges computed from the rows. */
    public RunColumns build() {
      return new RunColumns(this, null);
    }

    RunColumns build(Map<String, Manifest.KeyStats> stats) {
      return new RunColumns(this, stats);
    }
  }

  /** A column is kept sparse when fewer than one row in this many has the key. */
  private static final int SPARSE_RATIO = io.tracklog.compact.SegmentSchemas.SEARCH_SPARSE_RATIO;

  /** One key's (row, value) pairs in increasing row order; dense or sparse by {@link #SPARSE_RATIO}. */
  static final class StringColumnBuilder {
    private final Map<String, Integer> ids = new HashMap<>();
    private String[] dictionary = new String[8];
    private int[] rows = new int[16];
    private int[] values = new int[16];
    private int n;

    void add(int row, String value) {
      if (value == null) {
        return;
      }
      Integer id = ids.get(value);
      if (id == null) {
        id = ids.size();
        ids.put(value, id);
        if (id == dictionary.length) {
          dictionary = Arrays.copyOf(dictionary, id * 2);
        }
        dictionary[id] = value;
      }
      if (n > 0 && rows[n - 1] == row) {
        values[n - 1] = id; // the same key twice in one row: the last one stands, as in a map
        return;
      }
      if (n == rows.length) {
        rows = Arrays.copyOf(rows, n * 2);
        values = Arrays.copyOf(values, n * 2);
      }
      rows[n] = row;
      values[n++] = id;
    }

    StringColumn build(int total) {
      String[] dict = Arrays.copyOf(dictionary, ids.size());
      if ((long) n * SPARSE_RATIO < total) {
        return new StringColumn(dict, Arrays.copyOf(values, n), Arrays.copyOf(rows, n));
      }
      int[] dense = new int[total];
      Arrays.fill(dense, -1);
      for (int i = 0; i < n; i++) {
        dense[rows[i]] = values[i];
      }
      return new StringColumn(dict, dense, null);
    }
  }

  /** One metric key's (row, latest point) in increasing row order. */
  static final class MetricColumnBuilder {
    private int[] rows = new int[16];
    private double[] values = new double[16];
    private long[] timestamps = new long[16];
    private long[] steps = new long[16];
    private int n;

    void add(int row, double value, long timestamp, long step) {
      if (n > 0 && rows[n - 1] == row) {
        n--; // the same key twice in one row: the last one stands
      }
      if (n == rows.length) {
        rows = Arrays.copyOf(rows, n * 2);
        values = Arrays.copyOf(values, n * 2);
        timestamps = Arrays.copyOf(timestamps, n * 2);
        steps = Arrays.copyOf(steps, n * 2);
      }
      rows[n] = row;
      values[n] = value;
      timestamps[n] = timestamp;
      steps[n++] = step;
    }

    MetricColumn build(int total) {
      if ((long) n * SPARSE_RATIO < total) {
        return new MetricColumn(
            Arrays.copyOf(values, n), Arrays.copyOf(timestamps, n), Arrays.copyOf(steps, n), null, Arrays.copyOf(rows, n));
      }
      double[] v = new double[total];
      long[] t = new long[total];
      long[] s = new long[total];
      long[] present = new long[words(total)];
      for (int i = 0; i < n; i++) {
        int r = rows[i];
        v[r] = values[i];
        t[r] = timestamps[i];
        s[r] = steps[i];
        present[r >>> 6] |= 1L << r;
      }
      return new MetricColumn(v, t, s, present, null);
    }
  }
}
