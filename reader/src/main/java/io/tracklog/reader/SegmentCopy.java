package io.tracklog.reader;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tracklog.SegmentCompression;
import io.tracklog.compact.FileChecks;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.RunCoverages;
import io.tracklog.compact.RunIndexFile;
import io.tracklog.compact.SegmentSchemas;
import io.tracklog.error.CorruptFileException;
import io.tracklog.format.FileNames;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * Builds an archive's segment from one of the source store's compacted segments instead of from
 * its runs' logs (issue #12: compacting 10 M points again from their logs was most of a 3.8 s
 * {@code Archive.create}). The selected runs must be sealed in that segment and not reopened since,
 * so its rows are what a compaction of their logs writes (docs/FORMAT.md §Appending to a run).
 *
 * <p>A file whose rows are all selected and whose record batches already have the archive's
 * compression (always so for the search file, which is never compressed) is copied whole; any
 * other is re-written batch by batch with the selected runs' rows, in the archive's compression,
 * its schema metadata naming the archive's generation (and its new batch index, where it has one).
 * Every store file is checked against its manifest entry (length, CRC32C) before it is used, a
 * whole copy after: a damaged file is a {@link CorruptFileException}, and the caller then compacts
 * the runs from their logs instead. Not thread-safe.
 */
final class SegmentCopy {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path store;
  private final Path staging;
  private final BufferAllocator allocator;
  private final CompressionUtil.CodecType codec;

  SegmentCopy(Path store, Path staging, BufferAllocator allocator, SegmentCompression compression) {
    this.store = store;
    this.staging = staging;
    this.allocator = allocator;
    this.codec =
        compression == SegmentCompression.NONE ? CompressionUtil.CodecType.NO_COMPRESSION : CompressionUtil.CodecType.ZSTD;
  }

  /** Writes the segment of {@code generation} holding the runs {@code runIds} of {@code from}. */
  Manifest.Segment copy(Manifest.Segment from, Set<String> runIds, long generation) throws IOException {
    Set<String> keep = runIds.size() == from.runs().size() ? null : runIds; // null: every row
    String dir = "compacted/experiment=" + from.experimentId() + "/";
    Files.createDirectories(staging.resolve(dir));
    String suffix = "-" + FileNames.zeroPadded(generation, 8) + ".arrow";
    KeyStats stats = new KeyStats();
    Manifest.FileEntry runs = file(from.runsFile(), dir + "runs" + suffix, "runs", codec, generation, keep, Counter.ROWS);
    Manifest.FileEntry latest = file(from.latestFile(), dir + "latest" + suffix, "latest", codec, generation, keep, stats);
    Manifest.FileEntry metrics = file(from.metricsFile(), dir + "metrics" + suffix, "metrics", codec, generation, keep, Counter.POINTS);
    Manifest.FileEntry search = from.searchFile() == null ? null
        : file(from.searchFile(), dir + "search" + suffix, "search", CompressionUtil.CodecType.NO_COMPRESSION, generation, keep, Counter.ROWS);
    RunCoverages covered = coverages(from.runs(), runIds);
    byte[] index = RunIndexFile.encode(covered);
    String indexPath = dir + RunIndexFile.fileName(generation);
    Files.write(staging.resolve(indexPath), index, StandardOpenOption.CREATE_NEW);
    CRC32C crc = new CRC32C();
    crc.update(index);
    Manifest.FileEntry indexFile = new Manifest.FileEntry(indexPath, index.length, Manifest.FileEntry.crcHex(crc.getValue()), covered.size());
    return new Manifest.Segment(from.experimentId(), generation, runs, latest, metrics, covered,
        keep == null ? from.metricStats() : stats.result(), search, indexFile);
  }

  /** The coverage of {@code runIds} in {@code all}, sorted by run id as the runs file lists them. */
  private static RunCoverages coverages(RunCoverages all, Set<String> runIds) {
    List<String> ids = new ArrayList<>(runIds);
    ids.sort(null);
    RunCoverages.Builder b = new RunCoverages.Builder(ids.size());
    for (String id : ids) {
      Manifest.RunCoverage c = all.get(id);
      b.add(id, c.seq(), c.sealed());
    }
    return b.build();
  }

  /**
   * Writes the archive's copy of the store file {@code src} at {@code path}: whole if every row is
   * kept and its batches are in {@code want}'s compression, else re-written.
   *
   * @param keep the runs whose rows are kept, or null for all
   * @param counter what the manifest's {@code rows} counts of each kept row
   */
  private Manifest.FileEntry file(Manifest.FileEntry src, String path, String table, CompressionUtil.CodecType want,
      long generation, Set<String> keep, Counter counter) throws IOException {
    FileChecks.verify(store, src);
    Path out = staging.resolve(path);
    try (SegmentFiles.Opened in = SegmentFiles.open(store, src, table, allocator)) {
      List<ArrowBlock> blocks = in.reader().getRecordBlocks();
      if (keep != null || blocks.isEmpty() || codecOf(in.channel(), blocks.get(0)) != want) {
        long rows = rewrite(in.reader(), blocks, out, table, want, generation, keep, counter);
        return new Manifest.FileEntry(path, Files.size(out), crc32c(out), keep == null ? src.rows() : rows);
      }
    }
    try {
      Files.copy(store.resolve(src.path()), out);
    } catch (NoSuchFileException e) { // collected since it was checked (two compactions later)
      throw new CorruptFileException(store.resolve(src.path()), "missing", e);
    }
    Manifest.FileEntry copied = new Manifest.FileEntry(path, src.length(), src.crc32c(), src.rows());
    FileChecks.verify(staging, copied);
    return copied;
  }

  /** The compression of the record batch at {@code block}. */
  private CompressionUtil.CodecType codecOf(FileChannel ch, ArrowBlock block) throws IOException {
    ch.position(block.getOffset());
    try (ArrowRecordBatch batch = MessageSerializer.deserializeRecordBatch(new ReadChannel(ch), block, allocator)) {
      return CompressionUtil.CodecType.fromCompressionType(batch.getBodyCompression().getCodec());
    }
  }

  /**
   * Re-writes every batch of {@code reader} (the kept rows; batches left empty are dropped, but a
   * file keeps at least one) to {@code out}. Returns what {@code counter} counted of the kept rows.
   */
  private long rewrite(ArrowFileReader reader, List<ArrowBlock> blocks, Path out, String table,
      CompressionUtil.CodecType want, long generation, Set<String> keep, Counter counter) throws IOException {
    VectorSchemaRoot batch = reader.getVectorSchemaRoot();
    Map<String, String> meta = new LinkedHashMap<>(batch.getSchema().getCustomMetadata());
    meta.put(SegmentSchemas.META_GENERATION, Long.toString(generation));
    if (keep != null && meta.containsKey(SegmentSchemas.META_BATCH_INDEX)) {
      meta.put(SegmentSchemas.META_BATCH_INDEX, batchIndex(reader, blocks, table, keep));
    }
    long rows = 0;
    try (VectorSchemaRoot copy = VectorSchemaRoot.create(new Schema(batch.getSchema().getFields(), meta), allocator);
        FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ArrowFileWriter writer = null;
      try {
        int written = 0;
        for (ArrowBlock block : blocks) {
          reader.loadRecordBatch(block);
          if (writer == null) { // after the first load: the search file's dictionaries are read with it
            writer = writer(copy, reader, ch, meta, want);
            writer.start();
          }
          if (keep == null) {
            for (int i = 0; i < copy.getFieldVectors().size(); i++) {
              batch.getVector(i).makeTransferPair(copy.getVector(i)).transfer();
            }
            copy.setRowCount(batch.getRowCount());
          } else {
            rows += select(batch, copy, keep, counter);
          }
          if (copy.getRowCount() > 0) {
            writer.writeBatch();
            written++;
          }
        }
        if (writer == null) {
          writer = writer(copy, reader, ch, meta, want);
          writer.start();
        }
        if (written == 0) {
          copy.allocateNew();
          copy.setRowCount(0);
          writer.writeBatch();
        }
        writer.end();
      } finally {
        if (writer != null) {
          writer.close();
        }
      }
    }
    return rows;
  }

  private static ArrowFileWriter writer(VectorSchemaRoot root, ArrowFileReader dictionaries, FileChannel ch,
      Map<String, String> meta, CompressionUtil.CodecType want) {
    return want == CompressionUtil.CodecType.NO_COMPRESSION
        ? new ArrowFileWriter(root, dictionaries, ch, meta)
        : new ArrowFileWriter(root, dictionaries, ch, meta, IpcOption.DEFAULT, CommonsCompressionFactory.INSTANCE, want);
  }

  /** Copies the rows of {@code batch} whose run is in {@code keep} into {@code copy}. */
  private static long select(VectorSchemaRoot batch, VectorSchemaRoot copy, Set<String> keep, Counter counter) {
    copy.clear();
    copy.allocateNew();
    TransferPair[] pairs = new TransferPair[batch.getFieldVectors().size()];
    for (int i = 0; i < pairs.length; i++) {
      pairs[i] = batch.getVector(i).makeTransferPair(copy.getVector(i));
    }
    long counted = 0;
    int n = 0;
    for (int row = 0; row < batch.getRowCount(); row++) {
      if (keep.contains(runId(batch, row))) {
        for (TransferPair p : pairs) {
          p.copyValueSafe(row, n);
        }
        counted += counter.count(batch, row);
        n++;
      }
    }
    copy.setRowCount(n);
    return counted;
  }

  private static String runId(VectorSchemaRoot batch, int row) {
    return batch.getVector("run_id").getObject(row).toString();
  }

  /**
   * A file's batch index once filtered: the first kept row of each batch, as {@code [run_id, key]}
   * in a metrics file and {@code [run_id]} in a runs or latest file (docs/FORMAT.md §Compacted files).
   */
  private static String batchIndex(ArrowFileReader reader, List<ArrowBlock> blocks, String table, Set<String> keep)
      throws IOException {
    ArrayNode index = JSON.createArrayNode();
    VectorSchemaRoot batch = reader.getVectorSchemaRoot();
    for (ArrowBlock block : blocks) {
      reader.loadRecordBatch(block);
      for (int row = 0; row < batch.getRowCount(); row++) {
        String runId = runId(batch, row);
        if (keep.contains(runId)) {
          ArrayNode first = index.addArray().add(runId);
          if (table.equals("metrics")) {
            first.add(batch.getVector("key").getObject(row).toString());
          }
          break;
        }
      }
    }
    return index.toString();
  }

  private static String crc32c(Path file) throws IOException {
    CRC32C crc = new CRC32C();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      crc.update(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
    }
    return Manifest.FileEntry.crcHex(crc.getValue());
  }

  /** What a kept row adds to its file's {@code rows} in the manifest. */
  private interface Counter {
    Counter ROWS = (batch, row) -> 1;
    /** A metrics file counts points: the length of the row's lists. */
    Counter POINTS = (batch, row) -> {
      ListVector steps = (ListVector) batch.getVector("step");
      return steps.getElementEndIndex(row) - steps.getElementStartIndex(row);
    };

    long count(VectorSchemaRoot batch, int row);
  }

  /**
   * A latest file's rows, counted, and the range of their values per key: the segment's {@code
   * metric_stats} (NaN ignored; null when every value is NaN), as the compactor computes them.
   */
  private static final class KeyStats implements Counter {
    private final Map<String, double[]> ranges = new HashMap<>(); // key -> {min, max, runs}

    @Override
    public long count(VectorSchemaRoot batch, int row) {
      double value = ((Float8Vector) batch.getVector("value")).get(row);
      double[] r = ranges.computeIfAbsent(batch.getVector("key").getObject(row).toString(), k -> new double[] {Double.NaN, Double.NaN, 0});
      if (!Double.isNaN(value)) {
        r[0] = Double.isNaN(r[0]) ? value : Math.min(r[0], value);
        r[1] = Double.isNaN(r[1]) ? value : Math.max(r[1], value);
      }
      r[2]++;
      return 1;
    }

    Map<String, Manifest.KeyStats> result() {
      Map<String, Manifest.KeyStats> out = new HashMap<>();
      ranges.forEach((k, r) -> out.put(k, new Manifest.KeyStats(Double.isNaN(r[0]) ? null : r[0], Double.isNaN(r[1]) ? null : r[1], (long) r[2])));
      return out;
    }
  }
}
