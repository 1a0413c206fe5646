package io.tracklog.cli;

import io.tracklog.Store;
import io.tracklog.compact.Compactor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog compact}: compacts every run whose log moved past the newest manifest into Arrow
 * files; with {@code --rebuild}, regenerates every Arrow file from the logs.
 */
@Command(
    name = "compact",
    mixinStandardHelpOptions = true,
    description = "Compact run logs into Arrow files and commit the next manifest generation.")
final class CompactCommand extends StoreCommand {
  @Option(names = "--rebuild", description = "Re-read every log and rewrite every Arrow file.")
  boolean rebuild;

  @Override
  int execute() {
    try (Store store = openExisting()) {
      long start = System.nanoTime();
      Compactor.Result r = rebuild ? store.rebuild() : store.compact();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (r.runsWritten() == 0) {
        out().printf("Nothing to compact; generation %d is current.%n", r.generation());
      } else {
        out().printf(
            "Generation %d: %d run(s), %d metric point(s) in %d new segment(s), %d segment(s) replaced, %.2f s.%n",
            r.generation(), r.runsWritten(), r.pointsWritten(), r.segmentsWritten(), r.segmentsDropped(), seconds);
      }
    }
    return 0;
  }
}
