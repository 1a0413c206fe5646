package io.tracklog.compact;

import io.tracklog.error.CorruptFileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.util.ByteArrayReadableSeekableByteChannel;

/**
 * The runs of a segment of a format-3 manifest. Its size and unsealed runs are in the manifest, so
 * opening one loads nothing; anything else loads the segment's run index file once (read, checked,
 * then searched in place). Thread-safe.
 *
 * <p>The index holds nothing that the runs file's {@code run_id} and {@code seq} columns and the
 * manifest's {@code unsealed} list do not: if it fails its checks, they serve instead, so one
 * damaged file costs speed, not answers. If both fail, the index's {@link CorruptFileException}.
 */
final class LazyRunCoverages extends RunCoverages {
  private final Path root;
  private final Manifest.FileEntry index;
  private final Manifest.FileEntry runsFile;
  private final int size;
  private final List<String> unsealed;
  private volatile RunCoverages loaded;
  private CorruptFileException failed; // guarded by this

  /**
   * @param index the run index file; its {@code rows} is the number of runs
   * @param unsealed the manifest's list of the segment's runs that were not sealed
   * @throws IllegalArgumentException if the counts cannot be right
   */
  LazyRunCoverages(Path root, Manifest.FileEntry index, Manifest.FileEntry runsFile, List<String> unsealed) {
    this.root = root;
    this.index = index;
    this.runsFile = runsFile;
    this.unsealed = List.copyOf(unsealed);
    if (index.rows() < 0 || index.rows() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("run index of " + index.rows() + " runs");
    }
    this.size = (int) index.rows();
    if (new HashSet<>(this.unsealed).size() != this.unsealed.size() || this.unsealed.size() > size) {
      throw new IllegalArgumentException("unsealed runs repeat or outnumber the segment's runs");
    }
  }

  @Override
  public boolean loaded() {
    return loaded != null;
  }

  @Override
  public void load() {
    runs();
  }

  private RunCoverages runs() {
    RunCoverages r = loaded;
    if (r == null) {
      synchronized (this) {
        r = loaded;
        if (r == null) {
          if (failed != null) {
            throw failed; // the files never change: they fail again
          }
          try {
            r = read();
          } catch (CorruptFileException e) {
            failed = e;
            throw e;
          }
          loaded = r;
        }
      }
    }
    return r;
  }

  private RunCoverages read() {
    try {
      RunIndexFile file = RunIndexFile.load(root, index);
      if (!new HashSet<>(file.unsealed()).equals(new HashSet<>(unsealed))) {
        throw new CorruptFileException(root.resolve(index.path()), "unsealed runs differ from the manifest's");
      }
      return file;
    } catch (CorruptFileException e) {
      try {
        return fromRunsFile();
      } catch (CorruptFileException | IllegalArgumentException also) {
        e.addSuppressed(also);
        throw e;
      }
    }
  }

  /** The runs file's run ids and seq column, with the manifest's unsealed runs. */
  private RunCoverages fromRunsFile() {
    Path file = root.resolve(runsFile.path());
    byte[] bytes = RunIndexFile.readVerified(root, runsFile);
    RunCoverages.Builder b = new RunCoverages.Builder(size);
    try (BufferAllocator allocator = new RootAllocator();
        ArrowFileReader reader =
            new ArrowFileReader(new ByteArrayReadableSeekableByteChannel(bytes), allocator, CommonsCompressionFactory.INSTANCE)) {
      for (ArrowBlock block : reader.getRecordBlocks()) {
        reader.loadRecordBatch(block);
        VectorSchemaRoot t = reader.getVectorSchemaRoot();
        VarCharVector ids = (VarCharVector) t.getVector("run_id");
        BigIntVector seqs = (BigIntVector) t.getVector("seq");
        for (int row = 0; row < t.getRowCount(); row++) {
          b.add(new String(ids.get(row), StandardCharsets.UTF_8), seqs.get(row), true);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new CorruptFileException(file, "cannot read its run ids: " + e.getMessage(), e);
    }
    if (b.size() != size) {
      throw new CorruptFileException(file, "holds " + b.size() + " runs, the run index entry says " + size);
    }
    return b.unseal(unsealed).build();
  }

  @Override
  int indexOf(String runId) {
    return runs().indexOf(runId);
  }

  @Override
  public List<String> unsealed() {
    return unsealed;
  }

  @Override
  public String runId(int i) {
    return runs().runId(i);
  }

  @Override
  public long seq(int i) {
    return runs().seq(i);
  }

  @Override
  public boolean sealed(int i) {
    return runs().sealed(i);
  }

  @Override
  public int size() {
    return size;
  }
}
