package io.tracklog.samples;

import io.tracklog.Store;
import java.nio.file.Path;

/** What the samples' {@code main} methods share. */
final class Samples {
  private Samples() {}

  /** The store path given as the first argument, else {@link Store#defaultRoot()}. */
  static Path root(String[] args) {
    return args.length > 0 ? Path.of(args[0]) : Store.defaultRoot();
  }

  /** Keeps a synthetic score inside [0, 1]. */
  static double clamp(double score) {
    return Math.max(0.0, Math.min(1.0, score));
  }
}
