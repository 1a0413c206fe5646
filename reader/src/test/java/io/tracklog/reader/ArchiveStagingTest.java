package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A creation deletes the staging a killed creation of the same file left (container and folder,
 * or a folder alone), and nothing else: not the staging of a creation still writing (its container
 * locked), not other files' staging, not names that only look alike.
 */
class ArchiveStagingTest {
  @TempDir Path dir;

  @Test
  void create_removesStaleStagingOfItsFile_only() throws IOException {
    Path out = dir.resolve("a.tlar");
    ArchiveStaging underWay;
    try (Store store = Store.open(dir.resolve("store"));
        ArchiveStaging writing = ArchiveStaging.create(out)) { // a creation under way, its container locked
      Path staleFile = Files.writeString(dir.resolve("a.tlar.tmp-" + UUID.randomUUID()), "partial zip");
      Files.createDirectories(dir.resolve(staleFile.getFileName() + ".d/compacted/experiment=1"));
      Files.writeString(dir.resolve(staleFile.getFileName() + ".d/compacted/experiment=1/runs-00000001.arrow"), "x");
      Path orphanDir = Files.createDirectories(dir.resolve("a.tlar.tmp-" + UUID.randomUUID() + ".d/x"));
      List<Path> kept = List.of(
          Files.writeString(dir.resolve("b.tlar.tmp-" + UUID.randomUUID()), "another file's"),
          Files.writeString(dir.resolve("a.tlar.tmp-not-a-uuid"), "not ours"),
          Files.writeString(dir.resolve("a.tlar.tmp-" + UUID.randomUUID() + ".bak"), "not ours"));
      String exp = store.createExperiment("e");
      store.run(RunSpec.of(exp, "r"), r -> r.logMetric("m", 1, 0));
      Archive.create(store, Archive.Selection.ofExperiments(List.of(exp)), out);

      assertThat(staleFile).doesNotExist();
      assertThat(dir.resolve(staleFile.getFileName() + ".d")).doesNotExist();
      assertThat(orphanDir.getParent()).doesNotExist();
      assertThat(writing.file()).exists();
      assertThat(writing.dir()).isDirectory();
      kept.forEach(p -> assertThat(p).exists());
      underWay = writing;
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files).hasSize(2 + 2 + kept.size()); // store, a.tlar, the one under way and its folder
      }
    }
    assertThat(underWay.file()).as("closed: its staging is deleted").doesNotExist();
    assertThat(underWay.dir()).doesNotExist();
  }
}
