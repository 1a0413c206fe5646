package io.tracklog.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads of one JVM, through one store and through several, register versions of one model at
 * once: every version gets its own number, the numbers are dense, and every store folds the same
 * registry. Processes: RegistryMultiProcessIT.
 */
class RegistryConcurrencyTest {
  private static final int THREADS = 6;
  private static final int EACH = 40;

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void threadsOfOneStore_andOfSeveralStores_getDistinctDenseNumbers() throws Exception {
    try (Store a = Store.open(dir);
        Store b = Store.open(dir);
        Store c = Store.open(dir)) {
      Store[] stores = {a, a, b, b, c, c};
      ConcurrentLinkedQueue<Integer> numbers = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        ModelRegistry r = stores[t].registry();
        int id = t;
        Thread thread = new Thread(() -> {
          try {
            start.await();
            for (int i = 0; i < EACH; i++) {
              ModelVersion v = r.registerModel("s3://b/" + id + "/" + i, "shared");
              numbers.add(v.version());
              r.setRegisteredModelAlias("shared", "t" + id, v.version());
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        thread.start();
        threads.add(thread);
      }
      start.countDown();
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).isEmpty();
      int total = THREADS * EACH;
      assertThat(numbers).containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, total).boxed().toList());
      for (Store s : new Store[] {a, b, c}) {
        RegistrySnapshot snap = s.registry().snapshot();
        assertThat(snap.versions("shared")).extracting(ModelVersion::version)
            .containsExactlyElementsOf(IntStream.rangeClosed(1, total).boxed().toList());
        assertThat(snap.model("shared").orElseThrow().aliases()).hasSize(THREADS);
        assertThat(s.registry().history("shared")).hasSize(1 + 2 * total);
      }
    }
  }
}
