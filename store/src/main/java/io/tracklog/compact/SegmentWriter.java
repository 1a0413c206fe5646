package io.tracklog.compact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracklog.DatasetInput;
import io.tracklog.InputTag;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.impl.UnionMapWriter;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes one segment: the runs, latest-metrics and metric-points Arrow IPC files of a set of runs of
 * one experiment (docs/FORMAT.md §Compacted files). Each file is written to a temp name, fsynced and
 * renamed; the caller publishes them by committing a manifest. The only Arrow writer in Tracklog.
 */
final class SegmentWriter {
  /** Rows per record batch of the metric-points file. */
  static final int POINTS_PER_BATCH = 1 << 17;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final FileOps ops;
  private final BufferAllocator allocator;
  private final String storeId;

  SegmentWriter(Path root, FileOps ops, BufferAllocator allocator, String storeId) {
    this.root = root;
    this.ops = ops;
    this.allocator = allocator;
    this.storeId = storeId;
  }

  /** Writes the segment of {@code runs} (sorted by run id here) at {@code generation}. */
  Manifest.Segment write(String experimentId, long generation, List<RunDigest> runs, Map<String, Boolean> sealed)
      throws IOException {
    List<RunDigest> sorted = new ArrayList<>(runs);
    sorted.sort((a, b) -> a.runId().compareTo(b.runId()));
    String dir = "compacted/experiment=" + experimentId;
    ops.createDirectories(root.resolve(dir));
    String suffix = String.format("-%08d.arrow", generation);
    Map<String, String> meta = SegmentSchemas.metadata(storeId, experimentId, generation);

    Manifest.FileEntry runsFile = writeRuns(dir + "/runs" + suffix, sorted, meta);
    Map<String, Manifest.KeyStats> stats = new HashMap<>();
    Manifest.FileEntry latestFile = writeLatest(dir + "/latest" + suffix, sorted, meta, stats);
    Manifest.FileEntry metricsFile = writeMetrics(dir + "/metrics" + suffix, sorted, meta);

    Map<String, Manifest.RunCoverage> coverage = new HashMap<>();
    for (RunDigest d : sorted) {
      coverage.put(d.runId(), new Manifest.RunCoverage(d.seq(), sealed.getOrDefault(d.runId(), false)));
    }
    return new Manifest.Segment(experimentId, generation, runsFile, latestFile, metricsFile, coverage, stats);
  }

  // ---- runs ------------------------------------------------------------------------------------

  private Manifest.FileEntry writeRuns(String path, List<RunDigest> runs, Map<String, String> meta)
      throws IOException {
    Schema schema = SegmentSchemas.runs(meta);
    try (VectorSchemaRoot table = VectorSchemaRoot.create(schema, allocator)) {
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
      return writeFile(path, table, null, List.of(row));
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
  private static String inputsJson(List<DatasetInput> inputs) {
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
      String path, List<RunDigest> runs, Map<String, String> meta, Map<String, Manifest.KeyStats> stats)
      throws IOException {
    Schema schema = SegmentSchemas.latest(meta);
    Map<String, double[]> ranges = new HashMap<>(); // key -> {min, max, runs}
    try (VectorSchemaRoot table = VectorSchemaRoot.create(schema, allocator)) {
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
      for (Map.Entry<String, double[]> e : ranges.entrySet()) {
        double[] r = e.getValue();
        stats.put(
            e.getKey(),
            new Manifest.KeyStats(Double.isNaN(r[0]) ? null : r[0], Double.isNaN(r[1]) ? null : r[1], (long) r[2]));
      }
      return writeFile(path, table, null, List.of(row));
    }
  }

  private static void setDouble(VectorSchemaRoot table, String column, int row, double v) {
    Float8Vector vec = (Float8Vector) table.getVector(column);
    if (Double.isNaN(v)) {
      vec.setNull(row);
    } else {
      vec.setSafe(row, v);
    }
  }

  // ---- metric points ---------------------------------------------------------------------------

  private Manifest.FileEntry writeMetrics(String path, List<RunDigest> runs, Map<String, String> meta)
      throws IOException {
    // Sorted dictionaries: index order is string order, so the file's (run_id, key) order can be
    // searched on the indices alone.
    List<String> runIds = new ArrayList<>();
    java.util.TreeSet<String> keySet = new java.util.TreeSet<>();
    long total = 0;
    for (RunDigest d : runs) {
      runIds.add(d.runId());
      for (MetricSeries s : d.series()) {
        keySet.add(s.key);
        total += s.size();
      }
    }
    List<String> keys = new ArrayList<>(keySet);
    Map<String, Integer> keyIndex = new HashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      keyIndex.put(keys.get(i), i);
    }
    Schema schema = SegmentSchemas.metrics(meta);
    try (VarCharVector runDict = dictionaryVector("run_id_dictionary", runIds);
        VarCharVector keyDict = dictionaryVector("key_dictionary", keys);
        VectorSchemaRoot table = VectorSchemaRoot.create(schema, allocator)) {
      DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider();
      provider.put(new Dictionary(runDict, SegmentSchemas.RUN_ID_DICTIONARY));
      provider.put(new Dictionary(keyDict, SegmentSchemas.KEY_DICTIONARY));
      IntVector runCol = (IntVector) table.getVector("run_id");
      IntVector keyCol = (IntVector) table.getVector("key");
      BigIntVector stepCol = (BigIntVector) table.getVector("step");
      BigIntVector tsCol = (BigIntVector) table.getVector("timestamp");
      Float8Vector valueCol = (Float8Vector) table.getVector("value");
      BigIntVector ordinalCol = (BigIntVector) table.getVector("ordinal");
      List<Integer> batchSizes = new ArrayList<>();

      Path file = root.resolve(path);
      Path tmp = tempFor(file);
      ops.delete(tmp); // left by an earlier attempt of this process whose cleanup failed
      ChecksummedFile out = new ChecksummedFile(ops.create(tmp), ops);
      boolean success = false;
      try {
        try (ArrowFileWriter writer = new ArrowFileWriter(table, provider, out, meta)) {
          writer.start();
          int row = 0;
          allocate(table, (int) Math.min(POINTS_PER_BATCH, Math.max(total, 1)));
          for (int r = 0; r < runs.size(); r++) {
            for (MetricSeries s : runs.get(r).series()) {
              int k = keyIndex.get(s.key);
              for (int i : s.sortedOrder()) {
                runCol.set(row, r);
                keyCol.set(row, k);
                stepCol.set(row, s.step(i));
                tsCol.set(row, s.timestamp(i));
                valueCol.set(row, s.value(i));
                ordinalCol.set(row, s.ordinal(i));
                if (++row == POINTS_PER_BATCH) {
                  table.setRowCount(row);
                  writer.writeBatch();
                  batchSizes.add(row);
                  row = 0;
                  allocate(table, POINTS_PER_BATCH);
                }
              }
            }
          }
          if (row > 0 || batchSizes.isEmpty()) {
            table.setRowCount(row);
            writer.writeBatch();
            batchSizes.add(row);
          }
          writer.end();
          out.force(); // before the writer closes the channel
        }
        ops.move(tmp, file);
        success = true;
      } finally {
        if (!success) {
          out.close();
          ManifestFiles.deleteQuietly(ops, tmp);
        }
      }
      return new Manifest.FileEntry(path, out.length(), out.crc32c(), total);
    }
  }

  private static void allocate(VectorSchemaRoot table, int rows) {
    for (FieldVector v : table.getFieldVectors()) {
      v.setInitialCapacity(rows);
      v.allocateNew();
    }
  }

  private VarCharVector dictionaryVector(String name, List<String> values) {
    VarCharVector v = new VarCharVector(name, allocator);
    v.allocateNew(values.size());
    for (int i = 0; i < values.size(); i++) {
      v.setSafe(i, values.get(i).getBytes(StandardCharsets.UTF_8));
    }
    v.setValueCount(values.size());
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

  private static Path tempFor(Path file) {
    return file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
  }

  /** Writes a one-batch table to {@code path}: temp file, fsync, rename. */
  private Manifest.FileEntry writeFile(
      String path, VectorSchemaRoot table, DictionaryProvider provider, List<Integer> rows) throws IOException {
    Path file = root.resolve(path);
    Path tmp = tempFor(file);
    ops.delete(tmp); // left by an earlier attempt of this process whose cleanup failed
    ChecksummedFile out = new ChecksummedFile(ops.create(tmp), ops);
    boolean success = false;
    try {
      try (ArrowFileWriter writer =
          new ArrowFileWriter(table, provider, out, table.getSchema().getCustomMetadata())) {
        writer.start();
        writer.writeBatch();
        writer.end();
        out.force(); // before the writer closes the channel
      }
      ops.move(tmp, file);
      success = true;
    } finally {
      if (!success) {
        out.close();
        ManifestFiles.deleteQuietly(ops, tmp);
      }
    }
    long total = rows.stream().mapToLong(Integer::longValue).sum();
    return new Manifest.FileEntry(path, out.length(), out.crc32c(), total);
  }
}
