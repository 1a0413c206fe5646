package io.tracklog.reader.search;

import io.tracklog.Metric;
import io.tracklog.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMilliTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * search_runs results as an Arrow table with the columns of {@code mlflow.search_runs()}'s
 * DataFrame (docs/SEARCH.md): {@code run_id}, {@code experiment_id}, {@code status}, {@code
 * artifact_uri} (utf8), {@code start_time}, {@code end_time} (timestamp[ms, UTC]; end_time null while
 * a run has not ended), then {@code metrics.<key>} (float64, the latest value), {@code
 * params.<key>} and {@code tags.<key>} (utf8), one column per key any run of the page has, keys in
 * code point order; a run without a key has null there. Rows are the page's runs, in order.
 *
 * <pre>{@code
 * try (BufferAllocator alloc = new RootAllocator();
 *     RunTable table = RunSearch.search(snapshot, req).toArrow(alloc)) {
 *   table.writeIpc(Path.of("runs.arrow"));   // pyarrow.ipc.open_file(...).read_pandas()
 * }
 * }</pre>
 *
 * <p>Owns its vectors: close it. Not thread-safe.
 */
public final class RunTable implements AutoCloseable {
  /** The attribute columns, in order, before the metrics, params and tags. */
  public static final List<String> ATTRIBUTE_COLUMNS =
      List.of("run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time");

  private final VectorSchemaRoot root;

  private RunTable(VectorSchemaRoot root) {
    this.root = root;
  }

  /** The table of {@code runs}, in their order, allocated from {@code allocator}. */
  public static RunTable of(List<Run> runs, BufferAllocator allocator) {
    Objects.requireNonNull(allocator, "allocator");
    TreeSet<String> metricKeys = new TreeSet<>(Compare::compareCodePoints);
    TreeSet<String> paramKeys = new TreeSet<>(Compare::compareCodePoints);
    TreeSet<String> tagKeys = new TreeSet<>(Compare::compareCodePoints);
    for (Run run : runs) {
      metricKeys.addAll(run.metrics().keySet());
      paramKeys.addAll(run.params().keySet());
      tagKeys.addAll(run.tags().keySet());
    }
    List<Field> fields = new ArrayList<>();
    for (String name : List.of("run_id", "experiment_id", "status", "artifact_uri")) {
      fields.add(new Field(name, FieldType.notNullable(ArrowType.Utf8.INSTANCE), null));
    }
    ArrowType ts = new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
    fields.add(new Field("start_time", FieldType.notNullable(ts), null));
    fields.add(new Field("end_time", FieldType.nullable(ts), null));
    ArrowType f64 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    for (String k : metricKeys) {
      fields.add(new Field("metrics." + k, FieldType.nullable(f64), null));
    }
    for (String k : paramKeys) {
      fields.add(new Field("params." + k, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
    }
    for (String k : tagKeys) {
      fields.add(new Field("tags." + k, FieldType.nullable(ArrowType.Utf8.INSTANCE), null));
    }
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
    boolean success = false;
    try {
      root.allocateNew();
      int n = runs.size();
      for (int row = 0; row < n; row++) {
        Run run = runs.get(row);
        utf8(root, "run_id", row, run.runId());
        utf8(root, "experiment_id", row, run.info().experimentId());
        utf8(root, "status", row, run.info().status().name());
        utf8(root, "artifact_uri", row, run.info().artifactUri());
        ((TimeStampMilliTZVector) root.getVector("start_time")).setSafe(row, run.info().startTime());
        TimeStampMilliTZVector end = (TimeStampMilliTZVector) root.getVector("end_time");
        if (run.info().endTime() != null) {
          end.setSafe(row, run.info().endTime());
        } else {
          end.setNull(row);
        }
        for (String k : metricKeys) {
          Float8Vector v = (Float8Vector) root.getVector("metrics." + k);
          Metric m = run.metrics().get(k);
          if (m != null) {
            v.setSafe(row, m.value());
          } else {
            v.setNull(row);
          }
        }
        strings(root, "params.", paramKeys, run.params(), row);
        strings(root, "tags.", tagKeys, run.tags(), row);
      }
      root.setRowCount(n);
      success = true;
      return new RunTable(root);
    } finally {
      if (!success) {
        root.close();
      }
    }
  }

  private static void strings(VectorSchemaRoot root, String prefix, TreeSet<String> keys, Map<String, String> values, int row) {
    for (String k : keys) {
      utf8(root, prefix + k, row, values.get(k));
    }
  }

  private static void utf8(VectorSchemaRoot root, String column, int row, String value) {
    VarCharVector v = (VarCharVector) root.getVector(column);
    if (value == null) {
      v.setNull(row);
    } else {
      v.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The table; valid until {@link #close}. */
  public VectorSchemaRoot root() {
    return root;
  }

  /** The column names, in order. */
  public List<String> columnNames() {
    List<String> names = new ArrayList<>();
    for (FieldVector v : root.getFieldVectors()) {
      names.add(v.getName());
    }
    return names;
  }

  /**
   * Writes the table as one record batch of an Arrow IPC file (the random-access format pyarrow's
   * {@code ipc.open_file} and polars' {@code read_ipc} read), through a temp file renamed into place.
   *
   * @throws UncheckedIOException naming the file if it cannot be written
   */
  public void writeIpc(Path file) {
    Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    try {
      try (FileChannel ch =
              FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
          ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    root.close();
  }
}
