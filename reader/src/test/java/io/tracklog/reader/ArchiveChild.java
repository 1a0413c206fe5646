package io.tracklog.reader;

import io.tracklog.Store;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A child JVM for {@link ArchiveCrashIT}: creates the archive of experiment {@code args[2]} of the
 * store {@code args[0]} at {@code args[1]} over and over, printing {@code WRITING n} before, {@code
 * STAGED n} when its staging folder appears (a file-system event), and {@code CREATED n} after
 * each, until it is killed.
 */
public final class ArchiveChild {
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[1]).toAbsolutePath();
    AtomicInteger n = new AtomicInteger();
    WatchService watch = FileSystems.getDefault().newWatchService();
    out.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
    Thread watcher = new Thread(() -> {
      try {
        while (true) {
          WatchKey key = watch.take();
          for (WatchEvent<?> e : key.pollEvents()) {
            String name = String.valueOf(e.context());
            if (name.startsWith(out.getFileName() + ".tmp-") && name.endsWith(".d")) {
              System.out.println("STAGED " + n.get());
            }
          }
          key.reset();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    watcher.setDaemon(true);
    watcher.start();
    try (Store store = Store.open(Path.of(args[0]))) {
      while (true) {
        System.out.println("WRITING " + n.incrementAndGet());
        Archive.create(store, Archive.Selection.ofExperiments(List.of(args[2])), out);
        System.out.println("CREATED " + n.get());
      }
    }
  }
}
