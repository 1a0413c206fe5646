package io.tracklog.reader;

import io.tracklog.Store;
import java.nio.file.Path;
import java.util.List;

/**
 * A child JVM for {@link ArchiveCrashIT}: creates the archive of experiment {@code args[2]} of the
 * store {@code args[0]} at {@code args[1]} over and over, printing {@code WRITING n} before and
 * {@code CREATED n} after each, until it is killed.
 */
public final class ArchiveChild {
  public static void main(String[] args) {
    try (Store store = Store.open(Path.of(args[0]))) {
      for (int n = 1; ; n++) {
        System.out.println("WRITING " + n);
        Archive.create(store, Archive.Selection.ofExperiments(List.of(args[2])), Path.of(args[1]));
        System.out.println("CREATED " + n);
      }
    }
  }
}
