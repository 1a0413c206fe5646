package io.tracklog.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import io.tracklog.registry.RegistrySnapshot;
import io.tracklog.testing.ChildJvm;
import io.tracklog.testing.RegistryChild;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM registering versions (and moving an alias) in a loop, killed with SIGKILL at random
 * points: the registry reopens, every acknowledged version is there, the versions are dense, each
 * alias points at a live version, the log verifies, and numbering goes on where it stopped. Set
 * {@code -Dtracklog.test.seed=N} to replay a seed.
 */
class RegistryCrashIT {
  private static final int KILLS = 6;

  @TempDir Path dir;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void killedRegistrations_leaveADenseConsistentRegistry() {
    long seed = Long.getLong("tracklog.test.seed", System.nanoTime());
    System.out.println("RegistryCrashIT seed=" + seed + " (rerun with -Dtracklog.test.seed=" + seed + ")");
    Random random = new Random(seed);
    int acked = 0;
    for (int k = 0; k < KILLS; k++) {
      int target = random.nextInt(3) == 0 ? random.nextInt(3) : random.nextInt(300);
      int mine = 0;
      try (ChildJvm child = ChildJvm.start(RegistryChild.class, dir.toString(), "crash", "0")) {
        child.awaitLine("READY");
        child.send("GO");
        while (mine < target) {
          if (child.nextLine().startsWith("V ")) {
            mine++;
          }
        }
        assertThat(child.kill()).as("killed by SIGKILL").isEqualTo(137);
      }
      acked += mine;
      try (Store store = Store.open(dir)) {
        RegistrySnapshot snap = store.registry().snapshot();
        List<ModelVersion> versions = snap.versions("crash");
        int n = versions.size();
        assertThat(n).as("seed %d kill %d", seed, k).isGreaterThanOrEqualTo(acked);
        assertThat(versions).extracting(ModelVersion::version)
            .containsExactlyElementsOf(IntStream.rangeClosed(1, n).boxed().toList());
        if (n > 0) {
          RegisteredModel model = snap.model("crash").orElseThrow();
          for (Map.Entry<String, Integer> alias : model.aliases().entrySet()) {
            assertThat(snap.version("crash", alias.getValue())).as(alias.getKey()).isPresent();
          }
          assertThat(store.registry().history("crash")).hasSizeGreaterThanOrEqualTo(1 + n);
        }
        assertThat(store.verify().ok()).as("%s", store.verify()).isTrue();
        if (n > 0) {
          assertThat(store.registry().createModelVersion("crash", "s", null).version()).isEqualTo(n + 1);
        }
        acked = store.registry().snapshot().versions("crash").size();
      }
    }
  }
}
