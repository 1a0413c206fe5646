package io.tracklog.compact;

import io.tracklog.format.FileNames;
import io.tracklog.internal.AsideWrite;
import io.tracklog.internal.FileOps;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracklog.DatasetInput;
import io.tracklog.InputTag;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.tracklog.SegmentCompression;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BufferLayout;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.impl.UnionMapWriter;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes one segment: the runs, latest-metrics, metric-points and search Arrow IPC files of a set of
 * runs of one experiment (docs/FORMAT.md §Compacted files), and its run index file (§Run index).
 * Each file is written to a temp name, fsynced and renamed; the caller publishes them by committing a
 * manifest. The only Arrow writer in Tracklog.
 */
final class SegmentWriter {
  /** Most points per record batch of the metrics file, unless one series alone is longer. */
  static final int POINTS_PER_BATCH = 1 << 16;
  /**
   * Most series (rows) per record batch of the metrics file: a reader of one series loads its whole
   * batch, so small batches keep a cold point read cheap (512 series of a few points: tens of KB).
   */
  static final int SERIES_PER_BATCH = 1 << 9;
  /**
   * Most runs per record batch of the runs and latest files: a fresh reader's {@code getRun}
   * decompresses only its run's batch (~200 KB of a 1 024-run batch), found through the file's
   * batch index, not the segment's whole runs file.
   */
  static final int RUNS_PER_BATCH = 1 << 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final FileOps ops;
  private final BufferAllocator allocator;
  private final String storeId;
  private final CompressionUtil.CodecType codec; // of the runs, latest and metrics files
  private final org.apache.arrow.vector.compression.CompressionCodec.Factory metricsCodecs;

  SegmentWriter(Path root, FileOps ops, BufferAllocator allocator, String storeId, SegmentCompression compression) {
    this.root = root;
    this.ops = ops;
    this.allocator = allocator;
    this.storeId = storeId;
    this.codec =
        compression == SegmentCompression.NONE ? CompressionUtil.CodecType.NO_COMPRESSION : CompressionUtil.CodecType.ZSTD;
    this.metricsCodecs = compression == SegmentCompression.AUTO ? LongSeriesRaw.FACTORY : CommonsCompressionFactory.INSTANCE;
  }

  /** Writes the segment of {@code runs} (sorted by run id here) at {@code generation}. */
  Manifest.Segment write(String experimentId, long generation, List<RunDigest> runs, Map<String, Boolean> sealed)
      throws IOException {
    List<RunDigest> sorted = new ArrayList<>(runs);
    sorted.sort((a, b) -> a.runId().compareTo(b.runId()));
    String dir = "compacted/experiment=" + experimentId;
    ops.createDirectories(root.resolve(dir));
    String suffix = "-" + FileNames.zeroPadded(generation, 8) + ".arrow";
    Map<String, String> meta = SegmentSchemas.metadata(storeId, experimentId, generation);

    List<List<RunDigest>> batches = runBatches(sorted);
    Manifest.FileEntry runsFile = writeRuns(dir + "/runs" + suffix, batches, sorted.size(), meta);
    Map<String, Manifest.KeyStats> stats = new HashMap<>();
    Manifest.FileEntry latestFile = writeLatest(dir + "/latest" + suffix, batches, meta, stats);
    Manifest.FileEntry metricsFile = writeMetrics(dir + "/metrics" + suffix, sorted, meta);
    Manifest.FileEntry searchFile = writeSearch(dir + "/search" + suffix, sorted, meta);

    RunCoverages.Builder coverage = new RunCoverages.Builder(sorted.size());
    for (RunDigest d : sorted) { // sorted by run id, as the runs file lists them
      coverage.add(d.runId(), d.seq(), sealed.getOrDefault(d.runId(), false));
    }
    RunCoverages covered = coverage.build();
    Manifest.FileEntry runIndexFile = writeRunIndex(dir + "/" + RunIndexFile.fileName(generation), covered);
    return new Manifest.Segment(
        experimentId, generation, runsFile, latestFile, metricsFile, covered, stats, searchFile, runIndexFile);
  }

  /**
   * {@code segment} with a run index file, written now if it has none (a segment kept from a
   * manifest of format 1 or 2). The file is named after the segment's generation, like its others,
   * and lies beside its runs file.
   */
  Manifest.Segment withRunIndex(Manifest.Segment segment) throws IOException {
    if (segment.runIndexFile() != null) {
      return segment;
    }
    String runsPath = segment.runsFile().path();
    String dir = runsPath.substring(0, runsPath.lastIndexOf('/') + 1);
    return segment.withRunIndexFile(writeRunIndex(dir + RunIndexFile.fileName(segment.generation()), segment.runs()));
  }

  // ---- run index -------------------------------------------------------------------------------

  private Manifest.FileEntry writeRunIndex(String path, RunCoverages runs) throws IOException {
    byte[] bytes = RunIndexFile.encode(runs);
    return writeFile(path, runs.size(), out -> AsideWrite.writeFully(out, java.nio.ByteBuffer.wrap(bytes)));
  }

  // ---- runs ------------------------------------------------------------------------------------

  /**
   * The runs, sorted by run id, in record batches of at most {@link #RUNS_PER_BATCH}: the runs file's
   * batches, and the latest file's (each holds the series of the same runs). Always at least one
   * (possibly empty) batch.
   */
  private static List<List<RunDigest>> runBatches(List<RunDigest> sorted) {
    List<List<RunDigest>> batches = new ArrayList<>();
    for (int from = 0; from < sorted.size(); from += RUNS_PER_BATCH) {
      batches.add(sorted.subList(from, Math.min(sorted.size(), from + RUNS_PER_BATCH)));
    }
    if (batches.isEmpty()) {
      batches.add(List.of());
    }
    return batches;
  }

  /** {@code meta} with the runs and latest files' batch index: {@code [run_id]} of each batch's first run. */
  private static Map<String, String> withRunBatchIndex(Map<String, String> meta, List<List<RunDigest>> batches) {
    ArrayNode index = JSON.createArrayNode();
    for (List<RunDigest> batch : batches) {
      if (!batch.isEmpty()) {
        index.addArray().add(batch.get(0).runId());
      }
    }
    Map<String, String> withIndex = new LinkedHashMap<>(meta);
    withIndex.put(SegmentSchemas.META_BATCH_INDEX, index.toString());
    return withIndex;
  }

  private Manifest.FileEntry writeRuns(String path, List<List<RunDigest>> batches, int runs, Map<String, String> meta)
      throws IOException {
    Schema schema = SegmentSchemas.runs(withRunBatchIndex(meta, batches));
    return writeBatches(path, schema, CommonsCompressionFactory.INSTANCE, runs, batches, SegmentWriter::fillRunsBatch);
  }

  private static void fillRunsBatch(VectorSchemaRoot table, List<RunDigest> runs) {
    table.clear();
    table.allocateNew();
    int row = 0;
    UnionMapWriter params = ((MapVector) table.getVector("params")).getWriter();
    UnionMapWriter tags = ((MapVector) table.getVector("tags")).getWriter();
    for (RunDigest d : runs) {
      Run run = d.run();
      RunInfo info = run.info();
      setString(table, "run_id", row, info.runId());
      setString(table, "experiment_id", row, info.experimentId());
      setString(table, "run_name", row, info.runName());
      setString(table, "user_id", row, info.userId());
      setString(table, "status", row, info.status().name());
      ((BigIntVector) table.getVector("start_time")).setSafe(row, info.startTime());
      if (info.endTime() != null) {
        ((BigIntVector) table.getVector("end_time")).setSafe(row, info.endTime());
      } else {
        ((BigIntVector) table.getVector("end_time")).setNull(row);
      }
      setString(table, "artifact_uri", row, info.artifactUri());
      setString(table, "lifecycle_stage", row, info.lifecycleStage().mlflowName());
      writeMap(params, row, run.params());
      writeMap(tags, row, run.tags());
      setString(table, "inputs", row, inputsJson(run.inputs()));
      ((BigIntVector) table.getVector("seq")).setSafe(row, d.seq());
      row++;
    }
    params.setValueCount(row);
    tags.setValueCount(row);
    table.setRowCount(row);
  }

  /**
   * Writes a file of {@code schema} to {@code path}, one record batch per element of {@code batches},
   * each filled by {@code fill} into the table the batches share.
   */
  private <B> Manifest.FileEntry writeBatches(
      String path, Schema schema, org.apache.arrow.vector.compression.CompressionCodec.Factory codecs, long rows,
      List<B> batches, java.util.function.BiConsumer<VectorSchemaRoot, B> fill) throws IOException {
    try (VectorSchemaRoot table = VectorSchemaRoot.create(schema, allocator)) {
      return writeFile(path, table, null, codecs, codec, rows, writer -> {
        for (B batch : batches) {
          fill.accept(table, batch);
          writer.writeBatch();
        }
      });
    }
  }

  private static void writeMap(UnionMapWriter w, int row, Map<String, String> map) {
    w.setPosition(row);
    w.startMap();
    for (Map.Entry<String, String> e : map.entrySet()) {
      w.startEntry();
      w.key().varChar().writeVarChar(e.getKey());
      w.value().varChar().writeVarChar(e.getValue());
      w.endEntry();
    }
    w.endMap();
  }

  /** MLflow's REST shape of {@code RunInputs.dataset_inputs}, or null when there are none. */
  static String inputsJson(List<DatasetInput> inputs) {
    if (inputs.isEmpty()) {
      return null;
    }
    ArrayNode array = JSON.createArrayNode();
    for (DatasetInput in : inputs) {
      ObjectNode node = array.addObject();
      ObjectNode ds = node.putObject("dataset");
      ds.put("name", in.dataset().name());
      ds.put("digest", in.dataset().digest());
      ds.put("source_type", in.dataset().sourceType());
      ds.put("source", in.dataset().source());
      if (in.dataset().schema() != null) {
        ds.put("schema", in.dataset().schema());
      }
      if (in.dataset().profile() != null) {
        ds.put("profile", in.dataset().profile());
      }
      ArrayNode tags = node.putArray("tags");
      for (InputTag t : in.tags()) {
        tags.addObject().put("key", t.key()).put("value", t.value());
      }
    }
    return array.toString();
  }

  // ---- latest metrics --------------------------------------------------------------------------

  private Manifest.FileEntry writeLatest(
      String path, List<List<RunDigest>> batches, Map<String, String> meta, Map<String, Manifest.KeyStats> stats)
      throws IOException {
    Schema schema = SegmentSchemas.latest(withRunBatchIndex(meta, batches));
    long rows = 0;
    for (List<RunDigest> batch : batches) {
      for (RunDigest d : batch) {
        rows += d.series().size();
      }
    }
    Map<String, double[]> ranges = new HashMap<>(); // key -> {min, max, runs}
    Manifest.FileEntry file =
        writeBatches(path, schema, CommonsCompressionFactory.INSTANCE, rows, batches, (table, batch) -> fillLatestBatch(table, batch, ranges));
    for (Map.Entry<String, double[]> e : ranges.entrySet()) {
      double[] r = e.getValue();
      stats.put(
          e.getKey(),
          new Manifest.KeyStats(Double.isNaN(r[0]) ? null : r[0], Double.isNaN(r[1]) ? null : r[1], (long) r[2]));
    }
    return file;
  }

  /**
   * The latest point and summary of every series of {@code runs}, in (run_id, key) order; adds each
   * latest value to its key's {min, max, runs} in {@code ranges} (NaN ignored).
   */
  private static void fillLatestBatch(VectorSchemaRoot table, List<RunDigest> runs, Map<String, double[]> ranges) {
    table.clear();
    table.allocateNew();
    int row = 0;
    for (RunDigest d : runs) {
      for (MetricSeries s : d.series()) {
        int latest = s.latest();
        double value = s.value(latest);
        setString(table, "run_id", row, d.runId());
        setString(table, "key", row, s.key);
        ((Float8Vector) table.getVector("value")).setSafe(row, value);
        ((BigIntVector) table.getVector("timestamp")).setSafe(row, s.timestamp(latest));
        ((BigIntVector) table.getVector("step")).setSafe(row, s.step(latest));
        setDouble(table, "min", row, s.min());
        setDouble(table, "max", row, s.max());
        ((BigIntVector) table.getVector("count")).setSafe(row, s.size());
        ((BigIntVector) table.getVector("last_step")).setSafe(row, s.step(s.size() - 1));
        row++;
        double[] r = ranges.computeIfAbsent(s.key, k -> new double[] {Double.NaN, Double.NaN, 0});
        if (!Double.isNaN(value)) {
          r[0] = Double.isNaN(r[0]) ? value : Math.min(r[0], value);
          r[1] = Double.isNaN(r[1]) ? value : Math.max(r[1], value);
        }
        r[2]++;
      }
    }
    table.setRowCount(row);
  }

  private static void setDouble(VectorSchemaRoot table, String column, int row, double v) {
    Float8Vector vec = (Float8Vector) table.getVector(column);
    if (Double.isNaN(v)) {
      vec.setNull(row);
    } else {
      vec.setSafe(row, v);
    }
  }

  // ---- search columns (issue #10) --------------------------------------------------------------

  /** The runs transposed into one column per key, for a reader's first search (SearchFileWriter). */
  private Manifest.FileEntry writeSearch(String path, List<RunDigest> runs, Map<String, String> meta)
      throws IOException {
    try (SearchFileWriter.Table table = SearchFileWriter.fill(runs, meta, allocator)) {
      // never compressed, whatever the option: readers map it and read columns in place
      return writeFile(
          path, table.root(), table.dictionaries(), CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.NO_COMPRESSION, runs.size(),
          ArrowFileWriter::writeBatch);
    }
  }

  // ---- metric points ---------------------------------------------------------------------------

  private Manifest.FileEntry writeMetrics(String path, List<RunDigest> runs, Map<String, String> meta)
      throws IOException {
    List<List<Series>> batches = planBatches(runs);
    Map<String, String> withIndex = new LinkedHashMap<>(meta);
    withIndex.put(SegmentSchemas.META_BATCH_INDEX, batchIndex(batches));
    long points = 0;
    for (List<Series> batch : batches) {
      for (Series s : batch) {
        points += s.points().size();
      }
    }
    return writeBatches(path, SegmentSchemas.metrics(withIndex), metricsCodecs, points, batches, SegmentWriter::fillMetricsBatch);
  }

  /** A series with the run it belongs to. */
  private record Series(String runId, MetricSeries points) {}

  /**
   * Groups the series, in (run_id, key) order, into record batches of at most
   * {@link #POINTS_PER_BATCH} points or {@link #SERIES_PER_BATCH} series; a longer series gets a
   * batch of its own. Always at least one (possibly empty) batch.
   */
  private static List<List<Series>> planBatches(List<RunDigest> runs) {
    List<List<Series>> batches = new ArrayList<>();
    List<Series> current = new ArrayList<>();
    long points = 0;
    for (RunDigest d : runs) {
      for (MetricSeries s : d.series()) {
        if (!current.isEmpty() && (points + s.size() > POINTS_PER_BATCH || current.size() == SERIES_PER_BATCH)) {
          batches.add(current);
          current = new ArrayList<>();
          points = 0;
        }
        current.add(new Series(d.runId(), s));
        points += s.size();
      }
    }
    batches.add(current);
    return batches;
  }

  private static String batchIndex(List<List<Series>> batches) {
    ArrayNode index = JSON.createArrayNode();
    for (List<Series> batch : batches) {
      if (!batch.isEmpty()) {
        index.addArray().add(batch.get(0).runId()).add(batch.get(0).points().key);
      }
    }
    return index.toString();
  }

  private static void fillMetricsBatch(VectorSchemaRoot table, List<Series> batch) {
    int points = 0;
    for (Series s : batch) {
      points += s.points().size();
    }
    VarCharVector runIds = (VarCharVector) table.getVector("run_id");
    VarCharVector keys = (VarCharVector) table.getVector("key");
    ListVector steps = (ListVector) table.getVector("step");
    ListVector timestamps = (ListVector) table.getVector("timestamp");
    ListVector values = (ListVector) table.getVector("value");
    ListVector appendOrder = (ListVector) table.getVector("append_order");
    int rows = batch.size();
    runIds.allocateNew(Math.max(rows, 1));
    keys.allocateNew(Math.max(rows, 1));
    BigIntVector stepItems = allocateList(steps, BigIntVector.class, rows, points);
    BigIntVector timestampItems = allocateList(timestamps, BigIntVector.class, rows, points);
    Float8Vector valueItems = allocateList(values, Float8Vector.class, rows, points);
    IntVector orderItems = allocateList(appendOrder, IntVector.class, rows, 0);
    int at = 0;
    int orderAt = 0;
    for (int row = 0; row < rows; row++) {
      MetricSeries s = batch.get(row).points();
      runIds.setSafe(row, batch.get(row).runId().getBytes(StandardCharsets.UTF_8));
      keys.setSafe(row, s.key.getBytes(StandardCharsets.UTF_8));
      int n = s.size();
      int[] order = s.sortedOrder();
      long[] st = s.steps();
      long[] ts = s.timestamps();
      double[] vs = s.values();
      if (order == null) {
        putLongs(stepItems, at, st, n);
        putLongs(timestampItems, at, ts, n);
        valueItems.getDataBuffer().nioBuffer((long) at * 8, n * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().put(vs, 0, n);
      } else {
        for (int i = 0; i < n; i++) {
          int p = order[i];
          stepItems.getDataBuffer().setLong((long) (at + i) * 8, st[p]);
          timestampItems.getDataBuffer().setLong((long) (at + i) * 8, ts[p]);
          valueItems.getDataBuffer().setDouble((long) (at + i) * 8, vs[p]);
        }
      }
      endList(steps, row, n);
      endList(timestamps, row, n);
      endList(values, row, n);
      if (order != null) {
        for (int i = 0; i < n; i++) {
          orderItems.setSafe(orderAt + order[i], i); // the point logged order[i]-th sits at position i
        }
        orderAt += n;
      }
      endList(appendOrder, row, order == null ? 0 : n);
      at += n;
    }
    for (FieldVector items : List.of(stepItems, timestampItems, valueItems)) {
      items.getValidityBuffer().setOne(0, (points + 7) / 8); // every item is set
    }
    runIds.setValueCount(rows);
    keys.setValueCount(rows);
    table.setRowCount(rows);
  }

  private static void putLongs(BigIntVector items, int at, long[] values, int n) {
    items.getDataBuffer().nioBuffer((long) at * 8, n * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(values, 0, n);
  }

  private static void endList(ListVector list, int row, int size) {
    list.startNewValue(row);
    list.endValue(row, size);
  }

  /** Allocates a list column for {@code rows} rows and its items vector for {@code items} values. */
  private static <V extends FieldVector> V allocateList(ListVector list, Class<V> type, int rows, int items) {
    list.setInitialCapacity(Math.max(rows, 1), Math.max(1.0, (double) items / Math.max(rows, 1)));
    list.allocateNew();
    V v = type.cast(list.getDataVector());
    v.setInitialCapacity(Math.max(items, 1));
    v.allocateNew();
    return v;
  }

  // ---- files -----------------------------------------------------------------------------------

  private static void setString(VectorSchemaRoot table, String column, int row, String value) {
    VarCharVector v = (VarCharVector) table.getVector(column);
    if (value == null) {
      v.setNull(row);
    } else {
      v.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** What goes between an Arrow file's header and footer. */
  @FunctionalInterface
  private interface Batches {
    void write(ArrowFileWriter writer) throws IOException;
  }

  /**
   * Writes an Arrow IPC file to {@code path}: temp file, fsync, rename; checksummed on the way.
   *
   * @param dictionaries of the table's dictionary-encoded columns, or null if it has none
   * @param codecs makes the {@code codec} (the metrics file's leaves long series raw)
   */
  private Manifest.FileEntry writeFile(
      String path, VectorSchemaRoot table, DictionaryProvider dictionaries,
      org.apache.arrow.vector.compression.CompressionCodec.Factory codecs, CompressionUtil.CodecType codec,
      long rows, Batches batches) throws IOException {
    return writeFile(path, rows, out -> {
      try (ArrowFileWriter writer =
          codec == CompressionUtil.CodecType.NO_COMPRESSION
              ? new LeanFileWriter(table, dictionaries, out, allocator)
              : new ArrowFileWriter(
                  table,
                  dictionaries,
                  out,
                  table.getSchema().getCustomMetadata(),
                  IpcOption.DEFAULT,
                  codecs,
                  codec)) {
        writer.start();
        batches.write(writer);
        writer.end();
      }
    });
  }

  /** Writes {@code path} ({@link AsideWrite}: temp file, content, fsync, rename); checksummed on the way. */
  private Manifest.FileEntry writeFile(String path, long rows, AsideWrite.Content content) throws IOException {
    Path file = root.resolve(path);
    ChecksummedFile[] out = new ChecksummedFile[1];
    AsideWrite.write(ops, file, AsideWrite.tempBeside(file), AsideWrite.Publish.REPLACE, ch -> {
      out[0] = new ChecksummedFile(ch);
      content.writeTo(out[0]);
    });
    return new Manifest.FileEntry(path, out[0].length(), out[0].crc32c(), rows);
  }

  /**
   * An Arrow IPC file writer that leaves out the validity bitmap of every column without nulls. The
   * format allows it (a zero-length bitmap with a null count of 0 means "all valid"; Arrow C++,
   * pyarrow, polars and Arrow Java read it so), and it saves a bit per value per column: 3/8 of a
   * byte per metric point.
   */
  private static final class LeanFileWriter extends ArrowFileWriter {
    private final VectorSchemaRoot table;
    private final DictionaryProvider dictionaries;
    private final BufferAllocator allocator;

    LeanFileWriter(
        VectorSchemaRoot table, DictionaryProvider dictionaries, java.nio.channels.WritableByteChannel out,
        BufferAllocator allocator) {
      super(table, dictionaries, out, table.getSchema().getCustomMetadata());
      this.table = table;
      this.dictionaries = dictionaries;
      this.allocator = allocator;
    }

    @Override
    public void writeBatch() throws IOException {
      if (dictionaries != null) {
        ensureDictionariesWritten(dictionaries, dictionaries.getDictionaryIds()); // once, before the batch
      }
      try (ArrowRecordBatch full = new VectorUnloader(table).getRecordBatch()) {
        List<ArrowBuf> buffers = new ArrayList<>(full.getBuffers());
        int[] at = {0, 0}; // next node, next buffer
        for (Field f : table.getSchema().getFields()) {
          dropUnneededValidity(f, full.getNodes(), buffers, at);
        }
        try (ArrowRecordBatch lean = new ArrowRecordBatch(full.getLength(), full.getNodes(), buffers)) {
          writeRecordBatch(lean);
        }
      }
    }

    /** Walks fields depth-first in the IPC order of nodes and buffers. */
    private void dropUnneededValidity(Field f, List<ArrowFieldNode> nodes, List<ArrowBuf> buffers, int[] at) {
      ArrowFieldNode node = nodes.get(at[0]++);
      TypeLayout layout = TypeLayout.getTypeLayout(f.getType());
      if (node.getNullCount() == 0 && layout.getBufferTypes().get(0) == BufferLayout.BufferType.VALIDITY) {
        buffers.set(at[1], allocator.getEmpty());
      }
      at[1] += layout.getBufferLayouts().size();
      for (Field child : f.getChildren()) {
        dropUnneededValidity(child, nodes, buffers, at);
      }
    }
  }
}
