package io.tracklog.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegistrySnapshot;
import io.tracklog.testing.ChildJvm;
import io.tracklog.testing.RegistryChild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three child JVMs and this one register versions of one model at once, through the registry lock
 * and log: distinct, dense version numbers, each process's numbers increasing, and one registry as
 * every store folds it.
 */
class RegistryMultiProcessIT {
  private static final int CHILDREN = 3;
  private static final int EACH = 60;

  @TempDir Path dir;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void processesRegisteringOneModel_getDistinctDenseNumbers() {
    try (Store store = Store.open(dir)) {
      store.registry().createRegisteredModel("shared");
    }
    List<ChildJvm> children = new ArrayList<>();
    try {
      for (int i = 0; i < CHILDREN; i++) {
        children.add(ChildJvm.start(RegistryChild.class, dir.toString(), "shared", Integer.toString(EACH)));
      }
      for (ChildJvm child : children) {
        child.awaitLine("READY");
      }
      List<Integer> numbers = new ArrayList<>();
      try (Store store = Store.open(dir)) {
        children.forEach(child -> child.send("GO"));
        for (int i = 0; i < EACH; i++) {
          numbers.add(store.registry().registerModel("s3://parent/" + i, "shared").version());
        }
        for (ChildJvm child : children) {
          child.awaitLine("DONE");
          assertThat(child.waitForExit()).as(child.describeExit()).isZero();
          List<Integer> mine =
              child.allLines().stream().filter(l -> l.startsWith("V ")).map(l -> Integer.parseInt(l.substring(2))).toList();
          assertThat(mine).hasSize(EACH).isSorted();
          numbers.addAll(mine);
        }
        int total = (CHILDREN + 1) * EACH;
        assertThat(numbers).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, total).boxed().toList());
        RegistrySnapshot snap = store.registry().snapshot();
        assertThat(snap.versions("shared")).extracting(ModelVersion::version).containsExactlyElementsOf(
            IntStream.rangeClosed(1, total).boxed().toList());
        assertThat(snap.model("shared").orElseThrow().aliases()).hasSize(CHILDREN);
      }
      try (Store reopened = Store.open(dir)) {
        assertThat(reopened.registry().snapshot().allVersions()).hasSize((CHILDREN + 1) * EACH);
        assertThat(reopened.verify().ok()).isTrue();
      }
    } finally {
      children.forEach(ChildJvm::close);
    }
  }
}
