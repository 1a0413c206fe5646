package io.tracklog.benchmarks.layouts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Disk helpers of the layout benchmarks. */
public final class DiskUsage {
  private DiskUsage() {}

  /** Bytes allocated under {@code dir} ({@code du -s -B1}); -1 if du fails. */
  public static long allocatedBytes(Path dir) {
    try {
      Process p = new ProcessBuilder("du", "-s", "-B1", dir.toString()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0) {
        return -1;
      }
      return Long.parseLong(out.split("\\s+")[0]);
    } catch (IOException | NumberFormatException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Sum of the apparent sizes of the regular files under {@code dir}. */
  public static long apparentBytes(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      long sum = 0;
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        sum += Files.size(p);
      }
      return sum;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot size " + dir, e);
    }
  }

  /** Deletes a directory tree; nothing if absent. */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }

  /** A fresh directory under java.io.tmpdir. */
  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temp directory", e);
    }
  }
}
