package io.tracklog.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.InputTag;
import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.RunStatus;
import io.tracklog.compact.Manifest;
import io.tracklog.error.CorruptFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.complex.ListVector;
import io.tracklog.compact.SegmentSchemas;
import java.nio.ByteOrder;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** Decodes a segment's Arrow files back into {@link Run}s and metric histories. */
final class SegmentReader {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SegmentReader() {}

  /** A compacted run: its state as of {@code seq} events of its log. */
  record CompactedRun(Run run, long seq) {}

  /** Every run of a segment, with latest metrics, by run id. */
  static Map<String, CompactedRun> readRuns(Path root, Manifest.Segment segment, BufferAllocator allocator) {
    SegmentFiles.verify(root, segment.runsFile());
    SegmentFiles.verify(root, segment.latestFile());
    Map<String, Map<String, Metric>> latest = readLatest(root, segment.latestFile(), allocator);
    Map<String, CompactedRun> runs = new LinkedHashMap<>();
    Path file = root.resolve(segment.runsFile().path());
    try (SegmentFiles.Opened f = SegmentFiles.open(root, segment.runsFile(), "runs", allocator)) {
      List<String[]> index = runBatchIndex(file, f.reader());
      int nonEmpty = 0;
      for (ArrowBlock block : f.reader().getRecordBlocks()) {
        f.reader().loadRecordBatch(block);
        RunsBatch batch = new RunsBatch(f.reader().getVectorSchemaRoot());
        if (index != null && batch.rows > 0) {
          checkIndexed(file, index, nonEmpty++, str(batch.runId, 0));
        }
        for (int row = 0; row < batch.rows; row++) {
          String id = str(batch.runId, row);
          runs.put(id, batch.decode(file, row, latest.getOrDefault(id, Map.of())));
        }
      }
      if (index != null && nonEmpty != index.size()) {
        throw new CorruptFileException(file, "batch index names " + index.size() + " batches, file has " + nonEmpty + " with rows");
      }
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new CorruptFileException(file, "cannot decode runs table: " + e.getMessage(), e);
    }
    return runs;
  }

  /**
   * One run of a segment, decoding only its row of the runs file and its rows of the latest file:
   * both are sorted by run id, so each is found by binary search, in the one record batch that can
   * hold it (through the file's batch index; every batch in turn in a file without one). The
   * caller verifies the files.
   *
   * @return null if the runs file has no row for the run
   */
  static CompactedRun readRun(Path root, Manifest.Segment segment, String runId, BufferAllocator allocator) {
    byte[] want = runId.getBytes(StandardCharsets.UTF_8);
    Path file = root.resolve(segment.runsFile().path());
    try (SegmentFiles.Opened f = SegmentFiles.open(root, segment.runsFile(), "runs", allocator)) {
      for (ArrowBlock block : blocksOf(file, f.reader(), runId)) {
        f.reader().loadRecordBatch(block);
        RunsBatch batch = new RunsBatch(f.reader().getVectorSchemaRoot());
        int row = lowerBound(batch.runId, batch.rows, want);
        if (row < batch.rows && compare(batch.runId, row, want) == 0) {
          return batch.decode(file, row, readLatestOf(root, segment.latestFile(), runId, want, allocator));
        }
      }
      return null;
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new CorruptFileException(file, "cannot decode runs table: " + e.getMessage(), e);
    }
  }

  /**
   * A segment's runs as search columns ({@link RunColumns}): one pass over the runs file and one
   * over the latest file, both sorted by run id. The caller verifies the files.
   */
  static RunColumns readColumns(Path root, Manifest.Segment segment, BufferAllocator allocator) {
    // the latest file first: sorted by (run id, key) as the runs file is by run id, so both are walked together
    Path latestFile = root.resolve(segment.latestFile().path());
    List<String> lRun = new ArrayList<>();
    List<String> lKey = new ArrayList<>();
    double[] lValue;
    long[] lTs;
    long[] lStep;
    try (SegmentFiles.Opened f = SegmentFiles.open(root, segment.latestFile(), "latest", allocator)) {
      int total = 0;
      for (ArrowBlock block : f.reader().getRecordBlocks()) {
        f.reader().loadRecordBatch(block);
        total += f.reader().getVectorSchemaRoot().getRowCount();
      }
      lValue = new double[total];
      lTs = new long[total];
      lStep = new long[total];
      Map<String, String> keys = new HashMap<>();
      String lastRun = null;
      int i = 0;
      for (ArrowBlock block : f.reader().getRecordBlocks()) {
        f.reader().loadRecordBatch(block);
        VectorSchemaRoot t = f.reader().getVectorSchemaRoot();
        VarCharVector runs = (VarCharVector) t.getVector("run_id");
        VarCharVector key = (VarCharVector) t.getVector("key");
        Float8Vector value = (Float8Vector) t.getVector("value");
        BigIntVector ts = (BigIntVector) t.getVector("timestamp");
        BigIntVector step = (BigIntVector) t.getVector("step");
        for (int row = 0; row < t.getRowCount(); row++, i++) {
          String run = str(runs, row);
          lastRun = run.equals(lastRun) ? lastRun : run;
          lRun.add(lastRun);
          lKey.add(interned(key, row, keys));
          lValue[i] = value.get(row);
          lTs[i] = ts.get(row);
          lStep[i] = step.get(row);
        }
      }
    } catch (IOException | ClassCastException | NullPointerException e) {
      throw new CorruptFileException(latestFile, "cannot decode latest table: " + e.getMessage(), e);
    }
    Path file = root.resolve(segment.runsFile().path());
    RunColumns.Builder b = RunColumns.builder(segment.experimentId(), file);
    int next = 0;
    try (SegmentFiles.Opened f = SegmentFiles.open(root, segment.runsFile(), "runs", allocator)) {
      Map<String, String> keys = new HashMap<>();
      for (ArrowBlock block : f.reader().getRecordBlocks()) {
        f.reader().loadRecordBatch(block);
        VectorSchemaRoot t = f.reader().getVectorSchemaRoot();
        RunsBatch batch = new RunsBatch(t);
        VarCharVector runName = (VarCharVector) t.getVector("run_name");
        VarCharVector userId = (VarCharVector) t.getVector("user_id");
        VarCharVector status = (VarCharVector) t.getVector("status");
        VarCharVector artifactUri = (VarCharVector) t.getVector("artifact_uri");
        VarCharVector lifecycle = (VarCharVector) t.getVector("lifecycle_stage");
        VarCharVector inputs = (VarCharVector) t.getVector("inputs");
        for (int row = 0; row < batch.rows; row++) {
          String id = str(batch.runId, row);
          b.addRun(
              id,
              str(runName, row),
              str(userId, row),
              RunStatus.valueOf(str(status, row)),
              batch.start.get(row),
              batch.end.isNull(row) ? null : batch.end.get(row),
              str(artifactUri, row),
              LifecycleStage.ofMlflowName(str(lifecycle, row)));
          mapInto(batch.params, row, keys, b::param);
          mapInto(batch.tags, row, keys, b::tag);
          b.inputsJson(str(inputs, row));
          if (next < lRun.size() && lRun.get(next).compareTo(id) < 0) {
            throw new CorruptFileException(latestFile, "has rows for run " + lRun.get(next) + ", which the runs file lacks");
          }
          for (; next < lRun.size() && lRun.get(next).equals(id); next++) {
            b.metric(lKey.get(next), lValue[next], lTs[next], lStep[next]);
          }
        }
      }
    } catch (IOException | IllegalArgumentException | ClassCastException | NullPointerException e) {
      throw new CorruptFileException(file, "cannot decode runs table: " + e.getMessage(), e);
    }
    if (next < lRun.size()) {
      throw new CorruptFileException(latestFile, "has rows for run " + lRun.get(next) + ", which the runs file lacks");
    }
    return b.build(segment.metricStats());
  }

  /** A map cell's entries, keys decoded once per distinct key. */
  private static void mapInto(
      MapVector vector, int row, Map<String, String> keys, java.util.function.BiConsumer<String, String> sink) {
    StructVector entries = (StructVector) vector.getDataVector();
    VarCharVector k = (VarCharVector) entries.getChild("key");
    VarCharVector v = (VarCharVector) entries.getChild("value");
    int start = vector.getElementStartIndex(row);
    int end = vector.getElementEndIndex(row);
    for (int i = start; i < end; i++) {
      sink.accept(interned(k, i, keys), str(v, i));
    }
  }

  private static String interned(VarCharVector v, int row, Map<String, String> seen) {
    String s = str(v, row);
    String prev = seen.putIfAbsent(s, s);
    return prev != null ? prev : s;
  }

  /** The columns of one loaded batch of a runs file. */
  private static final class RunsBatch {
    final VectorSchemaRoot t;
    final int rows;
    final VarCharVector runId;
    final BigIntVector start;
    final BigIntVector end;
    final BigIntVector seq;
    final MapVector params;
    final MapVector tags;

    RunsBatch(VectorSchemaRoot t) {
      this.t = t;
      this.rows = t.getRowCount();
      this.runId = (VarCharVector) t.getVector("run_id");
      this.start = (BigIntVector) t.getVector("start_time");
      this.end = (BigIntVector) t.getVector("end_time");
      this.seq = (BigIntVector) t.getVector("seq");
      this.params = (MapVector) t.getVector("params");
      this.tags = (MapVector) t.getVector("tags");
    }

    CompactedRun decode(Path file, int row, Map<String, Metric> latest) {
      RunInfo info =
          new RunInfo(
              str(runId, row),
              str(t, "run_name", row),
              str(t, "experiment_id", row),
              str(t, "user_id", row),
              RunStatus.valueOf(str(t, "status", row)),
              start.get(row),
              end.isNull(row) ? null : end.get(row),
              str(t, "artifact_uri", row),
              LifecycleStage.ofMlflowName(str(t, "lifecycle_stage", row)));
      Run run = new Run(info, latest, map(params, row), map(tags, row), inputs(file, str(t, "inputs", row)));
      return new CompactedRun(run, seq.get(row));
    }
  }

  private static Map<String, Map<String, Metric>> readLatest(
      Path root, Manifest.FileEntry entry, BufferAllocator allocator) {
    Map<String, Map<String, Metric>> latest = new HashMap<>();
    try (SegmentFiles.Opened f = SegmentFiles.open(root, entry, "latest", allocator)) {
      for (ArrowBlock block : f.reader().getRecordBlocks()) {
        f.reader().loadRecordBatch(block);
        VectorSchemaRoot t = f.reader().getVectorSchemaRoot();
        Float8Vector value = (Float8Vector) t.getVector("value");
        BigIntVector ts = (BigIntVector) t.getVector("timestamp");
        BigIntVector step = (BigIntVector) t.getVector("step");
        for (int row = 0; row < t.getRowCount(); row++) {
          String key = str(t, "key", row);
          latest
              .computeIfAbsent(str(t, "run_id", row), k -> new HashMap<>())
              .put(key, new Metric(key, value.get(row), ts.get(row), step.get(row)));
        }
      }
    } catch (IOException | ClassCastException e) {
      throw new CorruptFileException(root.resolve(entry.path()), "cannot decode latest table: " + e.getMessage(), e);
    }
    return latest;
  }

  /**
   * The latest metrics of run {@code id} ({@code runId}, its UTF-8 bytes): its rows of the latest
   * file (sorted by run id), by binary search in the batch that can hold them.
   */
  private static Map<String, Metric> readLatestOf(
      Path root, Manifest.FileEntry entry, String id, byte[] runId, BufferAllocator allocator) {
    Map<String, Metric> latest = new HashMap<>();
    Path file = root.resolve(entry.path());
    try (SegmentFiles.Opened f = SegmentFiles.open(root, entry, "latest", allocator)) {
      for (ArrowBlock block : blocksOf(file, f.reader(), id)) {
        f.reader().loadRecordBatch(block);
        VectorSchemaRoot t = f.reader().getVectorSchemaRoot();
        VarCharVector runs = (VarCharVector) t.getVector("run_id");
        VarCharVector keys = (VarCharVector) t.getVector("key");
        Float8Vector value = (Float8Vector) t.getVector("value");
        BigIntVector ts = (BigIntVector) t.getVector("timestamp");
        BigIntVector step = (BigIntVector) t.getVector("step");
        int n = t.getRowCount();
        if (n == 0 || compare(runs, n - 1, runId) < 0) {
          continue;
        }
        int row = lowerBound(runs, n, runId);
        for (; row < n && compare(runs, row, runId) == 0; row++) {
          String key = str(keys, row);
          latest.put(key, new Metric(key, value.get(row), ts.get(row), step.get(row)));
        }
        if (row < n) {
          break; // past the run: later batches hold larger ids
        }
      }
    } catch (IOException | ClassCastException e) {
      throw new CorruptFileException(file, "cannot decode latest table: " + e.getMessage(), e);
    }
    return latest;
  }

  /**
   * The record batches of a runs or latest file that can hold {@code runId}: through the file's
   * batch index, the one whose first run is the last at or before it (none if the run sorts before
   * every batch); every batch, in order, in a file written without an index.
   */
  private static List<ArrowBlock> blocksOf(Path file, ArrowFileReader reader, String runId) throws IOException {
    List<ArrowBlock> blocks = reader.getRecordBlocks();
    List<String[]> index = runBatchIndex(file, reader);
    if (index == null) {
      return blocks;
    }
    if (index.size() > blocks.size()) {
      throw new CorruptFileException(file, "batch index names " + index.size() + " batches, file has " + blocks.size());
    }
    int batch = floor(index, runId, "");
    return batch < 0 ? List.of() : List.of(blocks.get(batch));
  }

  /** The {@code [run_id]} batch index of a runs or latest file, or null if it has none (one batch). */
  private static List<String[]> runBatchIndex(Path file, ArrowFileReader reader) throws IOException {
    Map<String, String> meta = reader.getVectorSchemaRoot().getSchema().getCustomMetadata();
    String json = meta == null ? null : meta.get(SegmentSchemas.META_BATCH_INDEX);
    return json == null ? null : batchIndex(file, json, 1);
  }

  /** Checks that the {@code n}-th batch with rows starts where the batch index says. */
  private static void checkIndexed(Path file, List<String[]> index, int n, String firstRunId) {
    if (n >= index.size() || !index.get(n)[0].equals(firstRunId)) {
      throw new CorruptFileException(file, "batch " + n + " starts at run " + firstRunId + ", the batch index says "
          + (n < index.size() ? index.get(n)[0] : "there is no such batch"));
    }
  }

  /** First row whose value is not below {@code want} (unsigned byte order, = String order for run ids). */
  private static int lowerBound(VarCharVector v, int n, byte[] want) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compare(v, mid, want) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Compares a cell's UTF-8 bytes with {@code want}, unsigned, without decoding it. Run ids are ASCII
   * ({@code [a-zA-Z0-9][\w\-]*}), so this is the writer's {@link String#compareTo} order; a null
   * cell sorts first.
   */
  private static int compare(VarCharVector v, int row, byte[] want) {
    if (v.isNull(row)) {
      return -1;
    }
    long start = v.getStartOffset(row);
    int len = (int) (v.getEndOffset(row) - start);
    ArrowBuf data = v.getDataBuffer();
    int n = Math.min(len, want.length);
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(data.getByte(start + i) & 0xFF, want[i] & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(len, want.length);
  }

  /**
   * Every compacted point of one series, in append order; empty if the file has no such series.
   * Loads only the record batch that holds it, found through the file's batch index.
   */
  static MetricPoints history(
      Path root, Manifest.FileEntry metricsFile, String runId, String key, BufferAllocator allocator) {
    Path file = root.resolve(metricsFile.path());
    try (SegmentFiles.Opened f = SegmentFiles.open(root, metricsFile, "metrics", allocator)) {
      String indexJson =
          f.reader().getVectorSchemaRoot().getSchema().getCustomMetadata().get(SegmentSchemas.META_BATCH_INDEX);
      List<String[]> index = batchIndex(file, indexJson, 2);
      int batch = floor(index, runId, key);
      if (batch < 0) {
        return MetricPoints.empty(key);
      }
      List<ArrowBlock> blocks = f.reader().getRecordBlocks();
      if (index.size() > blocks.size()) {
        throw new CorruptFileException(file, "batch index names " + index.size() + " batches, file has " + blocks.size());
      }
      f.reader().loadRecordBatch(blocks.get(batch));
      VectorSchemaRoot t = f.reader().getVectorSchemaRoot();
      int row = findSeries(t, runId, key);
      if (row < 0) {
        return MetricPoints.empty(key);
      }
      ListVector steps = (ListVector) t.getVector("step");
      int start = steps.getElementStartIndex(row);
      int n = steps.getElementEndIndex(row) - start;
      long[] st = longs(steps, start, n);
      long[] ts = longs(sameShape(file, (ListVector) t.getVector("timestamp"), row, start, n), start, n);
      double[] vs = doubles(sameShape(file, (ListVector) t.getVector("value"), row, start, n), start, n);
      ListVector order = (ListVector) t.getVector("append_order");
      int orderStart = order.getElementStartIndex(row);
      int orderSize = order.getElementEndIndex(row) - orderStart;
      if (orderSize == 0) {
        return new MetricPoints(key, st, ts, vs, n);
      }
      if (orderSize != n) {
        throw new CorruptFileException(file, "append_order of " + runId + "/" + key + " has " + orderSize + " entries for " + n + " points");
      }
      IntVector positions = (IntVector) order.getDataVector();
      return inAppendOrder(file, runId, key, st, ts, vs, i -> positions.get(orderStart + i));
    } catch (IOException | ClassCastException | IndexOutOfBoundsException e) {
      throw new CorruptFileException(file, "cannot decode metrics table: " + e.getMessage(), e);
    }
  }

  /**
   * A metrics file's footer and batch index, parsed once from its mapping (checked by the caller),
   * for {@link #historyInPlace}; immutable.
   */
  record MetricsFile(Path file, ArrowFileView.Batches batches, List<String[]> index) {
    static MetricsFile parse(Path file, java.nio.ByteBuffer bytes) {
      ArrowFileView.Batches batches = ArrowFileView.Batches.parse(file, bytes);
      Map<String, String> meta = batches.schema().getCustomMetadata();
      List<String[]> index = batchIndex(file, meta == null ? null : meta.get(SegmentSchemas.META_BATCH_INDEX), 2);
      if (index.size() > batches.count()) {
        throw new CorruptFileException(file, "batch index names " + index.size() + " batches, file has " + batches.count());
      }
      return new MetricsFile(file, batches, index);
    }
  }

  /**
   * As {@link #history}, read in place: only the series' batch's metadata is parsed, and only the
   * series' points are copied (of a ZSTD batch, its compressed buffers are decompressed: those of
   * short series; a long series' points are stored raw). Returns null if that batch's buffers are
   * compressed with another codec (LZ4, from another tool); {@link #history} reads those.
   */
  static MetricPoints historyInPlace(MetricsFile metrics, String runId, String key) {
    Path file = metrics.file();
    int batch = floor(metrics.index(), runId, key);
    if (batch < 0) {
      return MetricPoints.empty(key);
    }
    ArrowFileView.Batches batches = metrics.batches();
    if (batches.foreignCodec(batch)) {
      return null;
    }
    ArrowFileView t = batches.batch(batch);
    ArrowFileView.Column runs = typed(t, "run_id", ArrowType.ArrowTypeID.Utf8, null);
    ArrowFileView.Column keys = typed(t, "key", ArrowType.ArrowTypeID.Utf8, null);
    int row = findSeries(t.rows, i -> utf8(file, runs, i), i -> utf8(file, keys, i), runId, key);
    if (row < 0) {
      return MetricPoints.empty(key);
    }
    ArrowFileView.Column steps = typed(t, "step", ArrowType.ArrowTypeID.List, ArrowType.ArrowTypeID.Int);
    int[] span = span(file, steps, row);
    int start = span[0];
    int n = span[1] - start;
    for (String other : new String[] {"timestamp", "value"}) {
      ArrowFileView.Column c =
          typed(t, other, ArrowType.ArrowTypeID.List, other.equals("value") ? ArrowType.ArrowTypeID.FloatingPoint : ArrowType.ArrowTypeID.Int);
      int[] s = span(file, c, row);
      if (s[0] != start || s[1] != span[1]) {
        throw new CorruptFileException(file, "list column " + other + " disagrees with step at row " + row);
      }
    }
    long[] st = new long[n];
    long[] ts = new long[n];
    double[] vs = new double[n];
    values(steps).slice(start * Long.BYTES, n * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(st);
    values(t.column("timestamp")).slice(start * Long.BYTES, n * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(ts);
    values(t.column("value")).slice(start * Double.BYTES, n * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(vs);
    ArrowFileView.Column order = typed(t, "append_order", ArrowType.ArrowTypeID.List, ArrowType.ArrowTypeID.Int);
    int[] o = span(file, order, row);
    int orderSize = o[1] - o[0];
    if (orderSize == 0) {
      return new MetricPoints(key, st, ts, vs, n);
    }
    if (orderSize != n) {
      throw new CorruptFileException(file, "append_order of " + runId + "/" + key + " has " + orderSize + " entries for " + n + " points");
    }
    java.nio.ByteBuffer positions = values(order);
    return inAppendOrder(file, runId, key, st, ts, vs, i -> positions.getInt((o[0] + i) * Integer.BYTES));
  }

  /** The points (sorted by step in the file) in the order they were logged: point i is {@code position(i)}. */
  private static MetricPoints inAppendOrder(
      Path file, String runId, String key, long[] st, long[] ts, double[] vs, java.util.function.IntUnaryOperator position) {
    int n = st.length;
    long[] st2 = new long[n];
    long[] ts2 = new long[n];
    double[] vs2 = new double[n];
    for (int i = 0; i < n; i++) {
      int p = position.applyAsInt(i);
      if (p < 0 || p >= n) {
        throw new CorruptFileException(file, "append_order of " + runId + "/" + key + " points outside its series: " + p);
      }
      st2[i] = st[p];
      ts2[i] = ts[p];
      vs2[i] = vs[p];
    }
    return new MetricPoints(key, st2, ts2, vs2, n);
  }

  /** Column {@code name}, checked to be of {@code type} (and a list of {@code item}), without nulls. */
  private static ArrowFileView.Column typed(ArrowFileView t, String name, ArrowType.ArrowTypeID type, ArrowType.ArrowTypeID item) {
    ArrowFileView.Column c = t.column(name);
    boolean ok = c.field().getType().getTypeID() == type && c.field().getDictionary() == null && c.nullCount() == 0;
    if (ok && item != null) {
      ArrowFileView.Column child = c.children().get(0);
      ok = child.field().getType().getTypeID() == item && child.nullCount() == 0;
      if (ok && item == ArrowType.ArrowTypeID.Int) {
        int bits = ((ArrowType.Int) child.field().getType()).getBitWidth();
        ok = bits == (name.equals("append_order") ? 32 : 64);
      }
    }
    if (!ok) {
      throw new CorruptFileException(t.file, "column " + name + " is not what the metrics table holds: " + c.field());
    }
    return c;
  }

  /** [start, end) of a list column's row in its items; checked against the items' length. */
  private static int[] span(Path file, ArrowFileView.Column list, int row) {
    java.nio.ByteBuffer offsets = list.buffer(1);
    int start = offsets.getInt(row * Integer.BYTES);
    int end = offsets.getInt((row + 1) * Integer.BYTES);
    if (start < 0 || end < start || end > list.children().get(0).length()) {
      throw new CorruptFileException(file, "bad offsets of " + list.field().getName() + " at row " + row);
    }
    return new int[] {start, end};
  }

  /** The data buffer of a list column's items. */
  private static java.nio.ByteBuffer values(ArrowFileView.Column list) {
    return list.children().get(0).buffer(1);
  }

  /** Row {@code row} of a UTF-8 column, decoded. */
  private static String utf8(Path file, ArrowFileView.Column c, int row) {
    java.nio.ByteBuffer offsets = c.buffer(1);
    int start = offsets.getInt(row * Integer.BYTES);
    int end = offsets.getInt((row + 1) * Integer.BYTES);
    java.nio.ByteBuffer data = c.buffer(2);
    if (start < 0 || end < start || end > data.limit()) {
      throw new CorruptFileException(file, "bad offsets of " + c.field().getName() + " at row " + row);
    }
    byte[] bytes = new byte[end - start];
    data.get(start, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * The batch index from the schema metadata: where each record batch starts, as {@code arity}
   * strings ({@code [run_id, key]} in a metrics file, {@code [run_id]} in a runs or latest file),
   * checked to be strictly ascending.
   */
  private static List<String[]> batchIndex(Path file, String json, int arity) {
    if (json == null) {
      throw new CorruptFileException(file, "schema metadata has no " + SegmentSchemas.META_BATCH_INDEX);
    }
    try {
      List<String[]> index = new ArrayList<>();
      JsonNode entries = JSON.readTree(json);
      if (entries == null || !entries.isArray()) {
        throw new CorruptFileException(file, "batch index is not a JSON array");
      }
      for (JsonNode entry : entries) {
        String[] first = new String[arity];
        for (int i = 0; i < arity; i++) {
          if (entry.size() != arity || !entry.get(i).isTextual()) {
            throw new CorruptFileException(file, "bad batch index entry " + entry);
          }
          first[i] = entry.get(i).asText();
        }
        String[] previous = index.isEmpty() ? null : index.get(index.size() - 1);
        if (previous != null && compare(previous[0], arity > 1 ? previous[1] : "", first[0], arity > 1 ? first[1] : "") >= 0) {
          throw new CorruptFileException(file, "batch index is not ascending at entry " + entry);
        }
        index.add(first);
      }
      return index;
    } catch (IOException e) {
      throw new CorruptFileException(file, "bad batch index: " + e.getMessage(), e);
    }
  }

  /** The last batch whose first series is at or before (runId, key), or -1. */
  private static int floor(List<String[]> index, String runId, String key) {
    int lo = 0;
    int hi = index.size() - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      String[] first = index.get(mid);
      if (compare(first[0], first.length > 1 ? first[1] : "", runId, key) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The row of (runId, key) in a loaded batch, or -1. */
  private static int findSeries(VectorSchemaRoot t, String runId, String key) {
    VarCharVector runs = (VarCharVector) t.getVector("run_id");
    VarCharVector keys = (VarCharVector) t.getVector("key");
    return findSeries(t.getRowCount(), i -> str(runs, i), i -> str(keys, i), runId, key);
  }

  /** Binary search of rows sorted by (run id, key) as the writer sorts them; -1 if absent. */
  private static int findSeries(
      int rows, java.util.function.IntFunction<String> runAt, java.util.function.IntFunction<String> keyAt, String runId, String key) {
    int lo = 0;
    int hi = rows - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compare(runAt.apply(mid), keyAt.apply(mid), runId, key);
      if (c == 0) {
        return mid;
      } else if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return -1;
  }

  /** The writer's order: run id, then key, by {@link String#compareTo}. */
  private static int compare(String runA, String keyA, String runB, String keyB) {
    int c = runA.compareTo(runB);
    return c != 0 ? c : keyA.compareTo(keyB);
  }

  private static ListVector sameShape(Path file, ListVector list, int row, int start, int n) {
    if (list.getElementStartIndex(row) != start || list.getElementEndIndex(row) - start != n) {
      throw new CorruptFileException(file, "list column " + list.getName() + " disagrees with step at row " + row);
    }
    return list;
  }

  private static long[] longs(ListVector list, int start, int n) {
    long[] out = new long[n];
    if (n > Integer.MAX_VALUE / Long.BYTES) { // beyond one NIO buffer
      BigIntVector items = (BigIntVector) list.getDataVector();
      for (int i = 0; i < n; i++) {
        out[i] = items.get(start + i);
      }
      return out;
    }
    ((BigIntVector) list.getDataVector())
        .getDataBuffer()
        .nioBuffer((long) start * Long.BYTES, n * Long.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asLongBuffer()
        .get(out);
    return out;
  }

  private static double[] doubles(ListVector list, int start, int n) {
    double[] out = new double[n];
    if (n > Integer.MAX_VALUE / Double.BYTES) { // beyond one NIO buffer
      Float8Vector items = (Float8Vector) list.getDataVector();
      for (int i = 0; i < n; i++) {
        out[i] = items.get(start + i);
      }
      return out;
    }
    ((Float8Vector) list.getDataVector())
        .getDataBuffer()
        .nioBuffer((long) start * Double.BYTES, n * Double.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asDoubleBuffer()
        .get(out);
    return out;
  }

  // ---- cells -----------------------------------------------------------------------------------

  private static String str(VarCharVector v, int row) {
    return v.isNull(row) ? null : new String(v.get(row), StandardCharsets.UTF_8);
  }

  private static String str(VectorSchemaRoot t, String column, int row) {
    return str((VarCharVector) t.getVector(column), row);
  }

  private static Map<String, String> map(MapVector vector, int row) {
    Map<String, String> map = new HashMap<>();
    StructVector entries = (StructVector) vector.getDataVector();
    VarCharVector keys = (VarCharVector) entries.getChild("key");
    VarCharVector values = (VarCharVector) entries.getChild("value");
    int start = vector.getElementStartIndex(row);
    int end = vector.getElementEndIndex(row);
    for (int i = start; i < end; i++) {
      map.put(str(keys, i), str(values, i));
    }
    return map;
  }

  static List<DatasetInput> inputs(Path file, String json) {
    if (json == null) {
      return List.of();
    }
    try {
      List<DatasetInput> list = new ArrayList<>();
      for (JsonNode node : JSON.readTree(json)) {
        JsonNode ds = node.get("dataset");
        Dataset d =
            new Dataset(
                ds.get("name").asText(),
                ds.get("digest").asText(),
                ds.get("source_type").asText(),
                ds.get("source").asText(),
                ds.hasNonNull("schema") ? ds.get("schema").asText() : null,
                ds.hasNonNull("profile") ? ds.get("profile").asText() : null);
        List<InputTag> tags = new ArrayList<>();
        for (JsonNode t : node.path("tags")) {
          tags.add(new InputTag(t.get("key").asText(), t.get("value").asText()));
        }
        list.add(new DatasetInput(d, tags));
      }
      return list;
    } catch (IOException | RuntimeException e) {
      throw new CorruptFileException(file, "bad inputs JSON: " + e.getMessage(), e);
    }
  }
}
