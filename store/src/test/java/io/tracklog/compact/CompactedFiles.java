package io.tracklog.compact;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.log.EventReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;

/**
 * Checks of what compaction left on disk, from the store module (which cannot use the reader): the
 * newest manifest's files exist with the length and CRC32C it names, each runs file holds exactly
 * the manifest's runs, no run is in two segments, and what a manifest calls covered is a prefix of
 * the run's log (all of it when sealed and not reopened since).
 */
public final class CompactedFiles {
  private CompactedFiles() {}

  /** Verifies the newest manifest; returns it (the empty one if none). */
  public static Manifest verifyNewest(Store store, String why) {
    Path root = store.root();
    Manifest m = ManifestFiles.latest(root, store.storeId());
    CatalogSnapshot catalog = store.catalogSnapshot();
    Set<String> seen = new HashSet<>();
    for (Manifest.Segment s : m.segments()) {
      for (Manifest.FileEntry f : s.files()) {
        verifyFile(root, f, why + ", generation " + m.generation());
      }
      assertThat(runIdsOf(root.resolve(s.runsFile().path())))
          .as("%s: run_id column of %s", why, s.runsFile().path())
          .containsExactlyInAnyOrderElementsOf(s.runs().keySet());
      for (Map.Entry<String, Manifest.RunCoverage> e : s.runs().entrySet()) {
        String runId = e.getKey();
        assertThat(seen.add(runId)).as("%s: run %s in two segments of generation %d", why, runId, m.generation()).isTrue();
        assertThat(catalog.experimentByRun().get(runId)).as("%s: experiment of %s", why, runId).isEqualTo(s.experimentId());
        long events = eventCount(store, runId);
        Manifest.RunCoverage cov = e.getValue();
        assertThat(cov.seq()).as("%s: coverage of %s", why, runId).isBetween(1L, events);
        if (cov.sealed() && catalog.lastReopened(runId) < m.catalogPosition()) {
          assertThat(cov.seq()).as("%s: sealed run %s covers its whole log", why, runId).isEqualTo(events);
        }
      }
    }
    return m;
  }

  /** Checks one file against its manifest entry. */
  public static void verifyFile(Path root, Manifest.FileEntry f, String why) {
    Path file = root.resolve(f.path());
    assertThat(file).as("%s: %s exists", why, f.path()).isRegularFile();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      assertThat(ch.size()).as("%s: length of %s", why, f.path()).isEqualTo(f.length());
      CRC32C crc = new CRC32C();
      crc.update(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
      assertThat(String.format("%08x", crc.getValue())).as("%s: CRC32C of %s", why, f.path()).isEqualTo(f.crc32c());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The run_id column of a runs file. */
  public static List<String> runIdsOf(Path runsFile) {
    List<String> ids = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator();
        FileChannel ch = FileChannel.open(runsFile, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
      for (ArrowBlock block : reader.getRecordBlocks()) {
        reader.loadRecordBatch(block);
        VarCharVector v = (VarCharVector) reader.getVectorSchemaRoot().getVector("run_id");
        for (int i = 0; i < reader.getVectorSchemaRoot().getRowCount(); i++) {
          ids.add(new String(v.get(i), StandardCharsets.UTF_8));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  public static long eventCount(Store store, String runId) {
    long n = 0;
    try (EventReader r = store.openRunLog(runId)) {
      while (r.next() != null) {
        n++;
      }
    }
    return n;
  }

  /** Temp files under the root and compacted/, relative paths. */
  public static List<String> tempFiles(Path root) {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      files
          .filter(p -> p.getFileName().toString().endsWith(".tmp"))
          .filter(p -> root.relativize(p).getNameCount() == 1 || root.relativize(p).startsWith("compacted"))
          .forEach(p -> out.add(root.relativize(p).toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Files in compacted/ that no manifest on disk names. */
  public static List<String> unreferencedFiles(Path root) {
    Map<String, Boolean> named = new HashMap<>();
    for (long gen : ManifestFiles.generations(root)) {
      for (Manifest.Segment s : ManifestFiles.read(root, gen).segments()) {
        for (Manifest.FileEntry f : s.files()) {
          named.put(f.path(), true);
        }
      }
    }
    List<String> out = new ArrayList<>();
    Path compacted = root.resolve("compacted");
    if (!Files.isDirectory(compacted)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(compacted)) {
      files.filter(Files::isRegularFile).forEach(p -> {
        String rel = root.relativize(p).toString().replace('\\', '/');
        if (!named.containsKey(rel)) {
          out.add(rel);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
