package io.tracklog.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A fresh directory for one try of a {@link Property} that opens stores, deleted with everything in
 * it on {@link #close()}: a property runs hundreds of tries (and more while shrinking) inside one
 * test method, whose {@code @TempDir} would otherwise fill up until the test ends.
 *
 * <pre>{@code
 * try (TryDir t = TryDir.in(dir)) { Store.open(t.path()) ... }
 * }</pre>
 */
public final class TryDir implements AutoCloseable {
  private final Path path;

  private TryDir(Path path) {
    this.path = path;
  }

  /** Creates a new, empty directory inside {@code parent}. */
  public static TryDir in(Path parent) {
    try {
      return new TryDir(Files.createTempDirectory(parent, "try-"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a directory in " + parent, e);
    }
  }

  public Path path() {
    return path;
  }

  /** Deletes the directory and everything in it. */
  @Override
  public void close() {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> files = Files.walk(path)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + path, e);
    }
  }
}
