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
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

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
      for (ArrowBlock block : f.reader().getRecordBlocks()) {
        f.reader().loadRecordBatch(block);
        RunsBatch batch = new RunsBatch(f.reader().getVectorSchemaRoot());
        for (int row = 0; row < batch.rows; row++) {
          String id = str(batch.runId, row);
          runs.put(id, batch.decode(file, row, latest.getOrDefault(id, Map.of())));
        }
      }
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new CorruptFileException(file, "cannot decode runs table: " + e.getMessage(), e);
    }
    return runs;
  }

  /**
   * One run of a segment, decoding only its row of the runs file and its rows of the latest file:
   * both are sorted by run id, so each is found by binary search. The caller verifies the files.
   *
   * @return null if the runs file has no row for the run
   */
  static CompactedRun readRun(Path root, Manifest.Segment segment, String runId, BufferAllocator allocator) {
    byte[] want = runId.getBytes(StandardCharsets.UTF_8);
    Path file = root.resolve(segment.runsFile().path());
    try (SegmentFiles.Opened f = SegmentFiles.open(root, segment.runsFile(), "runs", allocator)) {
      for (ArrowBlock block : f.reader().getRecordBlocks()) {
        f.reader().loadRecordBatch(block);
        RunsBatch batch = new RunsBatch(f.reader().getVectorSchemaRoot());
        int row = lowerBound(batch.runId, batch.rows, want);
        if (row < batch.rows && compare(batch.runId, row, want) == 0) {
          return batch.decode(file, row, readLatestOf(root, segment.latestFile(), want, allocator));
        }
      }
      return null;
    } catch (IOException | IllegalArgumentException | ClassCastException e) {
      throw new CorruptFileException(file, "cannot decode runs table: " + e.getMessage(), e);
    }
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

  /** The latest metrics of one run: its rows of the latest file (sorted by run id), by binary search. */
  private static Map<String, Metric> readLatestOf(
      Path root, Manifest.FileEntry entry, byte[] runId, BufferAllocator allocator) {
    Map<String, Metric> latest = new HashMap<>();
    try (SegmentFiles.Opened f = SegmentFiles.open(root, entry, "latest", allocator)) {
      for (ArrowBlock block : f.reader().getRecordBlocks()) {
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
      throw new CorruptFileException(root.resolve(entry.path()), "cannot decode latest table: " + e.getMessage(), e);
    }
    return latest;
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
   * Every compacted point of one series, in append order (by ordinal).
   * Returns an empty history if the run or key is not in the segment.
   */
  static History history(Path root, Manifest.Segment segment, String runId, String key, BufferAllocator allocator) {
    SegmentFiles.verify(root, segment.metricsFile());
    Path file = root.resolve(segment.metricsFile().path());
    History out = new History();
    try (SegmentFiles.Opened f = SegmentFiles.open(root, segment.metricsFile(), "metrics", allocator)) {
      List<ArrowBlock> blocks = f.reader().getRecordBlocks();
      int runIdx = -1;
      int keyIdx = -1;
      for (ArrowBlock block : blocks) {
        f.reader().loadRecordBatch(block);
        if (runIdx < 0) {
          Map<Long, Dictionary> dicts = f.reader().getDictionaryVectors();
          VectorSchemaRoot t = f.reader().getVectorSchemaRoot();
          runIdx = indexOf(dicts, t, "run_id", runId);
          keyIdx = indexOf(dicts, t, "key", key);
          if (runIdx < 0 || keyIdx < 0) {
            return out;
          }
        }
        VectorSchemaRoot t = f.reader().getVectorSchemaRoot();
        IntVector runs = (IntVector) t.getVector("run_id");
        IntVector keys = (IntVector) t.getVector("key");
        int n = t.getRowCount();
        if (n == 0) {
          continue;
        }
        long first = pack(runs.get(0), keys.get(0));
        long last = pack(runs.get(n - 1), keys.get(n - 1));
        long want = pack(runIdx, keyIdx);
        if (want < first || want > last) {
          continue;
        }
        int lo = lowerBound(runs, keys, n, want);
        BigIntVector step = (BigIntVector) t.getVector("step");
        BigIntVector ts = (BigIntVector) t.getVector("timestamp");
        Float8Vector value = (Float8Vector) t.getVector("value");
        BigIntVector ordinal = (BigIntVector) t.getVector("ordinal");
        for (int row = lo; row < n && pack(runs.get(row), keys.get(row)) == want; row++) {
          out.add(step.get(row), ts.get(row), value.get(row), ordinal.get(row));
        }
      }
    } catch (IOException | ClassCastException e) {
      throw new CorruptFileException(file, "cannot decode metrics table: " + e.getMessage(), e);
    }
    out.sortByOrdinal();
    return out;
  }

  private static long pack(int run, int key) {
    return ((long) run << 32) | (key & 0xFFFFFFFFL);
  }

  private static int lowerBound(IntVector runs, IntVector keys, int n, long want) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (pack(runs.get(mid), keys.get(mid)) < want) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Position of {@code value} in a column's sorted dictionary, or -1. */
  private static int indexOf(Map<Long, Dictionary> dicts, VectorSchemaRoot t, String column, String value) {
    long id = t.getVector(column).getField().getDictionary().getId();
    VarCharVector dict = (VarCharVector) dicts.get(id).getVector();
    int lo = 0;
    int hi = dict.getValueCount() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compareUtf16(new String(dict.get(mid), StandardCharsets.UTF_8), value);
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

  /** The order the writer sorted dictionaries in ({@link String#compareTo}). */
  private static int compareUtf16(String a, String b) {
    return a.compareTo(b);
  }

  /** Points of one series in primitive arrays. */
  static final class History {
    private long[] steps = new long[16];
    private long[] timestamps = new long[16];
    private double[] values = new double[16];
    private long[] seqs = new long[16];
    private int size;

    void add(long step, long ts, double value, long seq) {
      if (size == steps.length) {
        int n = size * 2;
        steps = java.util.Arrays.copyOf(steps, n);
        timestamps = java.util.Arrays.copyOf(timestamps, n);
        values = java.util.Arrays.copyOf(values, n);
        seqs = java.util.Arrays.copyOf(seqs, n);
      }
      steps[size] = step;
      timestamps[size] = ts;
      values[size] = value;
      seqs[size] = seq;
      size++;
    }

    int size() {
      return size;
    }

    void sortByOrdinal() {
      boolean sorted = true;
      for (int i = 1; i < size && sorted; i++) {
        sorted = seqs[i - 1] <= seqs[i];
      }
      if (sorted) {
        return;
      }
      Integer[] order = new Integer[size];
      for (int i = 0; i < size; i++) {
        order[i] = i;
      }
      java.util.Arrays.sort(order, (a, b) -> Long.compare(seqs[a], seqs[b]));
      long[] s2 = new long[size];
      long[] t2 = new long[size];
      double[] v2 = new double[size];
      long[] q2 = new long[size];
      for (int i = 0; i < size; i++) {
        s2[i] = steps[order[i]];
        t2[i] = timestamps[order[i]];
        v2[i] = values[order[i]];
        q2[i] = seqs[order[i]];
      }
      steps = s2;
      timestamps = t2;
      values = v2;
      seqs = q2;
    }

    List<Metric> toMetrics(String key) {
      List<Metric> list = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        list.add(new Metric(key, values[i], timestamps[i], steps[i]));
      }
      return list;
    }
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

  private static List<DatasetInput> inputs(Path file, String json) {
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
