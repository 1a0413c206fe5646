package io.tracklog;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One JVM shutdown hook for all open stores: runs whose writers are still open end as KILLED (as
 * MLflow's atexit hook ends the active run), then the stores close so logs are released cleanly.
 */
final class ShutdownHook {
  private static final Set<Store> OPEN = ConcurrentHashMap.newKeySet();
  private static volatile boolean installed;

  private ShutdownHook() {}

  static void register(Store store) {
    install();
    OPEN.add(store);
  }

  static void unregister(Store store) {
    OPEN.remove(store);
  }

  private static synchronized void install() {
    if (!installed) {
      Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHook::runAll, "tracklog-shutdown"));
      installed = true;
    }
  }

  private static void runAll() {
    for (Store store : Set.copyOf(OPEN)) {
      try {
        store.shutdown();
      } catch (RuntimeException ignored) {
        // Shutting down: nothing useful to do with it, and other stores still need closing.
      }
    }
  }
}
