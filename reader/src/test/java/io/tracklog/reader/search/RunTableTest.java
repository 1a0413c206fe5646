package io.tracklog.reader.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** search_runs as an Arrow table: the DataFrame's columns, written to an IPC file and read back. */
class RunTableTest {
  @TempDir Path dir;

  @Test
  void searchToArrow_writesTheDataFrameColumns_andReadsBackTheSameValues() throws Exception {
    Path root = dir.resolve("store");
    try (Store store = Store.open(root, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      String exp = store.createExperiment("arrow");
      try (RunWriter w = store.startRun(RunSpec.builder(exp).runName("a").startTime(1_000).build())) {
        w.logMetric("loss", 0.5, 1);
        w.logMetric("acc", Double.NaN, 1);
        w.logParam("model", "cnn");
        w.setTag("note", "Ünï");
        w.end(RunStatus.FINISHED, 5_000);
      }
      store.compact();
      try (RunWriter w = store.startRun(RunSpec.builder(exp).runName("b").startTime(2_000).build())) {
        w.logMetric("loss", Double.NEGATIVE_INFINITY, 0);
        w.logParam("lr", "0.1");
      } // still RUNNING, never compacted: no end time
      try (StoreReader reader = StoreReader.open(root);
          BufferAllocator alloc = new RootAllocator()) {
        Snapshot snap = reader.snapshot();
        SearchRequest req = SearchRequest.builder(exp).orderBy("metrics.loss DESC").build();
        List<Run> runs = RunSearch.search(snap, req).runs();
        assertThat(runs).hasSize(2);
        Path file = dir.resolve("runs.arrow");
        try (RunTable table = RunSearch.searchToArrow(snap, req, alloc)) {
          assertThat(table.columnNames())
              .startsWith("run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time")
              .contains("metrics.acc", "metrics.loss", "params.lr", "params.model", "tags.note", "tags.mlflow.runName");
          table.writeIpc(file);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
            ArrowFileReader in = new ArrowFileReader(ch, alloc)) {
          assertThat(in.loadNextBatch()).isTrue();
          VectorSchemaRoot t = in.getVectorSchemaRoot();
          assertThat(t.getRowCount()).isEqualTo(2);
          assertThat(t.getSchema().findField("start_time").getType())
              .isEqualTo(new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MILLISECOND, "UTC"));
          for (int row = 0; row < 2; row++) {
            Run run = runs.get(row);
            assertThat(str(t, "run_id", row)).isEqualTo(run.runId());
            assertThat(str(t, "experiment_id", row)).isEqualTo(exp);
            assertThat(str(t, "status", row)).isEqualTo(run.info().status().name());
            assertThat(str(t, "artifact_uri", row)).isEqualTo(run.info().artifactUri());
            assertThat(((TimeStampMilliTZVector) t.getVector("start_time")).get(row)).isEqualTo(run.info().startTime());
            TimeStampMilliTZVector end = (TimeStampMilliTZVector) t.getVector("end_time");
            assertThat(end.isNull(row) ? null : end.get(row)).isEqualTo(run.info().endTime());
            for (String key : List.of("loss", "acc")) {
              Float8Vector v = (Float8Vector) t.getVector("metrics." + key);
              Metric m = run.metrics().get(key);
              assertThat(v.isNull(row) ? null : v.get(row)).isEqualTo(m == null ? null : m.value());
            }
            for (Map.Entry<String, Map<String, String>> e : Map.of("params.", run.params(), "tags.", run.tags()).entrySet()) {
              for (String key : List.of("lr", "model", "note", "mlflow.runName")) {
                if (t.getSchema().getFields().stream().anyMatch(f -> f.getName().equals(e.getKey() + key))) {
                  assertThat(str(t, e.getKey() + key, row)).isEqualTo(e.getValue().get(key));
                }
              }
            }
          }
          assertThat(str(t, "tags.note", 0)).isEqualTo("Ünï"); // run a (loss 0.5) before b (-Infinity)
          assertThat(((Float8Vector) t.getVector("metrics.acc")).get(0)).isNaN();
          assertThat(t.getVector("end_time").isNull(1)).isTrue();
        }
      }
    }
  }

  private static String str(VectorSchemaRoot t, String column, int row) {
    VarCharVector v = (VarCharVector) t.getVector(column);
    return v.isNull(row) ? null : new String(v.get(row), StandardCharsets.UTF_8);
  }
}
