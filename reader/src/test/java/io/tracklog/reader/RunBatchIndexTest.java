package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.compact.SegmentSchemas;
import io.tracklog.error.CorruptFileException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A segment of more runs than one record batch holds (1 024): its runs and latest files are split
 * at the same runs, and their batch index ({@code [run_id]} of each batch's first run) takes a
 * point read to the one batch that can hold a run (docs/FORMAT.md §Compacted files).
 */
class RunBatchIndexTest {
  private static final int RUNS = 2_600;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final Map<String, Run> fromLogs = new LinkedHashMap<>();
  private Manifest.Segment segment;

  @BeforeEach
  void storeOfOneSegment() {
    StoreOptions manual = StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    try (Store store = Store.open(dir, manual)) {
      String exp = store.createExperiment("sweep");
      for (int i = 0; i < RUNS; i++) {
        int n = i;
        store.run(RunSpec.of(exp, "r" + i), r -> {
          r.logParam("lr", Double.toString(n * 1e-4));
          r.setTag("fold", Integer.toString(n % 5));
          for (int k = 0; k < n % 4; k++) { // a quarter of the runs log no metric: latest batches differ in rows
            r.logMetric("m" + k, n + k, 1_000 + n, k);
          }
        });
      }
    }
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot logs = reader.snapshot();
      assertThat(logs.generation()).isZero();
      for (String id : logs.liveRunIds()) {
        fromLogs.put(id, logs.getRun(id));
      }
    }
    assertThat(fromLogs).hasSize(RUNS);
    try (Store store = Store.open(dir, manual)) {
      store.compact();
    }
    Manifest m = ManifestFiles.read(dir, ManifestFiles.latestGeneration(dir).getAsLong());
    assertThat(m.segments()).hasSize(1);
    segment = m.segments().get(0);
  }

  @Test
  void everyRun_isFoundByAPointRead_andTheWholeFileReadAgrees() throws IOException {
    List<String> ids = new ArrayList<>(fromLogs.keySet());
    ids.sort(null);
    for (Manifest.FileEntry file : List.of(segment.runsFile(), segment.latestFile())) {
      List<String> index = index(file);
      assertThat(index).as(file.path()).hasSize(3);
      assertThat(blocks(file)).as(file.path()).isEqualTo(3);
    }
    // the runs file's batches start at runs 0, 1 024, 2 048 of the sorted ids
    assertThat(index(segment.runsFile())).containsExactly(ids.get(0), ids.get(1_024), ids.get(2_048));
    assertThat(index(segment.latestFile())).as("the latest file's batches cover the same runs").isEqualTo(index(segment.runsFile()));
    try (BufferAllocator allocator = new RootAllocator()) {
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        SegmentReader.CompactedRun run = SegmentReader.readRun(dir, segment, id, allocator);
        assertThat(run).as(id).isNotNull();
        assertThat(run.run()).as(id).isEqualTo(fromLogs.get(id));
        assertThat(SegmentReader.readRun(dir, segment, id + "-", allocator)).as("after " + id).isNull();
      }
      assertThat(SegmentReader.readRun(dir, segment, "0", allocator)).isNull(); // before every batch
      assertThat(SegmentReader.readRun(dir, segment, "g", allocator)).isNull(); // after every run

      Map<String, SegmentReader.CompactedRun> all = SegmentReader.readRuns(dir, segment, allocator);
      assertThat(all.keySet()).containsExactlyElementsOf(ids);
      all.forEach((id, run) -> assertThat(run.run()).as(id).isEqualTo(fromLogs.get(id)));
    }
    try (StoreReader reader = StoreReader.open(dir)) { // the reader's own path, on a fresh reader
      assertThat(reader.snapshot().getRun(ids.get(2_047))).isEqualTo(fromLogs.get(ids.get(2_047)));
    }
  }

  /**
   * An archive of a subset of the segment's runs copies the segment (not its runs' logs), keeping
   * the selected rows of each batch and an index of the batches left; every selected run is found
   * in it by a point read, and no other.
   */
  @Test
  void archiveOfSomeRuns_keepsABatchIndexOfTheirBatches() throws IOException {
    List<String> ids = new ArrayList<>(fromLogs.keySet());
    ids.sort(null);
    List<String> chosen = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      if (i < 1_024 ? i % 50 == 3 : i >= 2_048) { // some of the first batch, none of the second, all of the third
        chosen.add(ids.get(i));
      }
    }
    Path archive = dir.resolve("some.tlar");
    try (Store store = Store.open(dir)) {
      Archive.create(store, Archive.Selection.ofRuns(chosen), archive);
    }
    Path root = dir.resolve("extracted");
    try (ArchiveFile file = ArchiveFile.open(archive)) {
      file.extractStore(root, name -> true);
    }
    try (StoreReader reader = StoreReader.open(archive); BufferAllocator allocator = new RootAllocator()) {
      List<Manifest.Segment> segments = reader.snapshot().segments(segment.experimentId());
      assertThat(segments).hasSize(1);
      Manifest.Segment copied = segments.get(0);
      assertThat(index(root, copied.runsFile())).containsExactly(chosen.get(0), ids.get(2_048));
      for (String id : ids) {
        SegmentReader.CompactedRun run = SegmentReader.readRun(root, copied, id, allocator);
        if (chosen.contains(id)) {
          assertThat(run).as(id).isNotNull();
          assertThat(run.run()).as(id).isEqualTo(fromLogs.get(id));
        } else {
          assertThat(run).as(id).isNull();
        }
      }
      assertThat(SegmentReader.readRuns(root, copied, allocator).keySet()).containsExactlyElementsOf(chosen);
    }
  }

  @Test
  void aBatchIndexThatDisagreesWithTheBatches_isACorruptFile() throws IOException {
    List<String> index = index(segment.runsFile());
    for (List<String> wrong : List.of(
        List.of(index.get(0), index.get(2), index.get(1)), // not ascending
        List.of(index.get(0), index.get(1)), // a batch left out
        List.of(index.get(0), index.get(1) + "-", index.get(2)))) { // not where the batch starts
      Manifest.Segment damaged = withRunsIndex(wrong);
      try (BufferAllocator allocator = new RootAllocator()) {
        assertThatThrownBy(() -> SegmentReader.readRuns(dir, damaged, allocator))
            .as(wrong.toString())
            .isInstanceOf(CorruptFileException.class)
            .hasMessageContaining("batch");
      }
    }
    String bad = "[[\"a\", \"b\"]]";
    Manifest.Segment damaged = withRunsIndexJson(bad);
    try (BufferAllocator allocator = new RootAllocator()) {
      assertThatThrownBy(() -> SegmentReader.readRun(dir, damaged, index.get(0), allocator))
          .isInstanceOf(CorruptFileException.class)
          .hasMessageContaining("bad batch index entry");
    }
  }

  @Test
  void aRunsFileWithoutABatchIndex_isReadBatchByBatch() throws IOException {
    Manifest.Segment old = withRunsIndexJson(null); // as a tool or an older writer leaves it
    List<String> ids = new ArrayList<>(fromLogs.keySet());
    ids.sort(null);
    try (BufferAllocator allocator = new RootAllocator()) {
      for (int i = 0; i < ids.size(); i += 97) {
        assertThat(SegmentReader.readRun(dir, old, ids.get(i), allocator).run()).isEqualTo(fromLogs.get(ids.get(i)));
      }
      assertThat(SegmentReader.readRuns(dir, old, allocator)).hasSize(RUNS);
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private List<String> index(Manifest.FileEntry file) throws IOException {
    return index(dir, file);
  }

  private static List<String> index(Path root, Manifest.FileEntry file) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel ch = FileChannel.open(root.resolve(file.path()));
        ArrowFileReader reader = new ArrowFileReader(ch, allocator, CommonsCompressionFactory.INSTANCE)) {
      JsonNode json = JSON.readTree(reader.getVectorSchemaRoot().getSchema().getCustomMetadata().get(SegmentSchemas.META_BATCH_INDEX));
      List<String> out = new ArrayList<>();
      for (JsonNode entry : json) {
        assertThat(entry.size()).isEqualTo(1);
        out.add(entry.get(0).asText());
      }
      return out;
    }
  }

  private int blocks(Manifest.FileEntry file) throws IOException {
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel ch = FileChannel.open(dir.resolve(file.path()));
        ArrowFileReader reader = new ArrowFileReader(ch, allocator, CommonsCompressionFactory.INSTANCE)) {
      return reader.getRecordBlocks().size();
    }
  }

  private Manifest.Segment withRunsIndex(List<String> index) {
    var array = JSON.createArrayNode();
    index.forEach(id -> array.addArray().add(id));
    return withRunsIndexJson(array.toString());
  }

  /**
   * The segment with a copy of its runs file whose batch index is {@code json} (none if null), its
   * manifest entry matching the copy, so the file passes its length and CRC32C checks.
   */
  private Manifest.Segment withRunsIndexJson(String json) {
    Manifest.FileEntry src = segment.runsFile();
    String path = src.path().replace("runs-", "runs-copy-" + Integer.toHexString(String.valueOf(json).hashCode()) + "-");
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel in = FileChannel.open(dir.resolve(src.path()));
        ArrowFileReader reader = new ArrowFileReader(in, allocator, CommonsCompressionFactory.INSTANCE)) {
      VectorSchemaRoot batch = reader.getVectorSchemaRoot();
      Map<String, String> meta = new LinkedHashMap<>(batch.getSchema().getCustomMetadata());
      if (json == null) {
        meta.remove(SegmentSchemas.META_BATCH_INDEX);
      } else {
        meta.put(SegmentSchemas.META_BATCH_INDEX, json);
      }
      try (VectorSchemaRoot copy = VectorSchemaRoot.create(new Schema(batch.getSchema().getFields(), meta), allocator);
          FileChannel out = FileChannel.open(dir.resolve(path), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          ArrowFileWriter writer = new ArrowFileWriter(copy, null, out, meta, IpcOption.DEFAULT,
              CommonsCompressionFactory.INSTANCE, CompressionUtil.CodecType.ZSTD)) {
        writer.start();
        for (ArrowBlock block : reader.getRecordBlocks()) {
          reader.loadRecordBatch(block);
          for (int i = 0; i < batch.getFieldVectors().size(); i++) {
            TransferPair pair = batch.getVector(i).makeTransferPair(copy.getVector(i));
            pair.transfer();
          }
          copy.setRowCount(batch.getRowCount());
          writer.writeBatch();
        }
        writer.end();
      }
      byte[] bytes = Files.readAllBytes(dir.resolve(path));
      CRC32C crc = new CRC32C();
      crc.update(bytes);
      Manifest.FileEntry entry = new Manifest.FileEntry(path, bytes.length, Manifest.FileEntry.crcHex(crc.getValue()), src.rows());
      return new Manifest.Segment(segment.experimentId(), segment.generation(), entry, segment.latestFile(),
          segment.metricsFile(), segment.runs(), segment.metricStats(), segment.searchFile(), segment.runIndexFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
