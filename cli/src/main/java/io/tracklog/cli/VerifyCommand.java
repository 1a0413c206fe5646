package io.tracklog.cli;

import io.tracklog.Store;
import io.tracklog.VerifyReport;
import io.tracklog.reader.StoreReader;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog verify}: checks a store end to end ({@link Store#verify()}; with {@code --deep},
 * {@link StoreReader#deepVerify()}) and prints each problem on one line, {@code KIND file[ at
 * position]: message} with the file relative to the store, then a summary. Exits 1 if anything is
 * wrong, 0 if nothing is. Changes nothing; writers may keep going.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check a store end to end: every log decodes, every file a manifest lists has its length and"
          + " CRC32C, every artifact its size and SHA-256, the catalog checkpoint matches the catalog log.",
      "Prints each problem on one line, then a summary; exits 1 if anything is wrong."
    })
final class VerifyCommand extends StoreCommand {
  @Option(
      names = "--deep",
      description = "Also check that every Arrow file says what the logs say (reads every compacted run's log).")
  boolean deep;

  @Override
  int execute() {
    VerifyReport report;
    if (deep) {
      try (StoreReader reader = openReader()) {
        report = reader.deepVerify();
      }
    } else {
      try (Store store = openExisting()) {
        report = store.verify();
      }
    }
    Path store = root().toAbsolutePath().normalize();
    for (VerifyReport.Problem p : report.problems()) {
      Path file = p.file().startsWith(store) ? store.relativize(p.file()) : p.file();
      out().println(p.kind() + " " + file + (p.position() >= 0 ? " at " + p.position() : "") + ": " + p.message());
    }
    String checked = "logs, manifests' files, artifacts, catalog checkpoint" + (deep ? ", Arrow files against the logs" : "");
    if (report.ok()) {
      out().println("OK: " + store + " (" + checked + ")");
      return 0;
    }
    out().println(report.problems().size() + " problem(s) in " + store + " (" + checked + ")");
    return EXIT_FAILURE;
  }
}
