package io.tracklog.cli.ui;

/** What the UI test classes share to stop their fixtures. */
final class Fixtures {
  private Fixtures() {}

  /**
   * Closes each of {@code resources} in order, skipping nulls (a fixture that never started), even
   * when an earlier one throws; the first failure is rethrown with the others suppressed.
   */
  static void closeAll(AutoCloseable... resources) {
    RuntimeException failure = null;
    for (AutoCloseable r : resources) {
      if (r == null) {
        continue;
      }
      try {
        r.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("Closing " + r + " failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
