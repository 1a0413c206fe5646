package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM creating an archive over and over, killed with SIGKILL while it writes: the file at
 * the target is absent (before the first rename) or a whole archive that verifies and opens, never
 * a partial one; what the kill leaves is only {@code <FILE>.tmp-*} beside it, which the next
 * creation of the file deletes.
 */
class ArchiveCrashIT {
  @TempDir Path dir;

  @Test
  void killedWhileCreating_leavesNoPartialArchive() throws Exception {
    Path root = dir.resolve("store");
    Path file = dir.resolve("out.tlar");
    String exp;
    try (Store store = Store.open(root, StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      exp = store.createExperiment("e");
      for (int r = 0; r < 40; r++) {
        store.run(RunSpec.of(exp, "r" + r), w -> {
          for (int i = 0; i < 2_000; i++) {
            w.logMetric("loss", 1.0 / (i + 1), i);
          }
          w.logText("x".repeat(100_000), "big.txt");
        });
      }
    }
    long leftBehind = 0;
    for (int k = 1; k <= 3; k++) {
      try (ChildJvm child = ChildJvm.start(ArchiveChild.class, root.toString(), file.toString(), exp)) {
        child.awaitLine("STAGED " + k); // mid-write of the k-th archive of this child
        assertThat(child.kill()).as(child.describeExit()).isEqualTo(137);
      }
      try (Stream<Path> files = Files.list(dir)) {
        leftBehind += files.filter(p -> p.getFileName().toString().startsWith("out.tlar.tmp-")).count();
      }
      if (Files.exists(file)) {
        assertThat(Archive.verify(file).runs()).hasSize(40);
        try (StoreReader reader = StoreReader.open(file)) {
          assertThat(reader.snapshot().runIds(exp)).hasSize(40);
        }
      }
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .allMatch(n -> n.equals("store") || n.equals("out.tlar") || n.startsWith("out.tlar.tmp-"));
      }
    }
    assertThat(leftBehind).as("staging the kills left").isPositive();
    // The next creation of the file deletes it (no process holds it any more).
    try (Store store = Store.open(root)) {
      Archive.create(store, Archive.Selection.ofExperiments(List.of(exp)), file);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("store", "out.tlar");
    }
  }
}
