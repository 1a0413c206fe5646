package io.tracklog.cli;

import io.tracklog.GcOptions;
import io.tracklog.GcReport;
import io.tracklog.Store;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog gc}: permanently deletes runs and experiments in the deleted lifecycle stage
 * ({@link Store#gc}), with the options and messages of MLflow's {@code mlflow gc} (mlflow/cli.py,
 * {@code gc}). Prints one line per run and experiment deleted, and what it left and why.
 */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = {
      "Permanently delete runs in the `deleted` lifecycle stage, and deleted experiments with all their"
          + " runs: their catalog entries, artifacts and compacted rows. Run ids and experiment names are"
          + " unknown afterwards; an experiment's name is free again.",
      "As `mlflow gc`: without --run-ids every deleted run goes (also when --experiment-ids is given),"
          + " without --experiment-ids every deleted experiment goes."
    })
final class GcCommand extends StoreCommand {
  @Option(
      names = "--older-than",
      paramLabel = "AGE",
      description = "Only what was deleted at least this long ago: #d#h#m#s, e.g. 30d, 1d2h3m4s, 1.5h.")
  String olderThan;

  @Option(
      names = "--run-ids",
      paramLabel = "IDS",
      description = "Comma-separated runs to delete permanently; each must be in the deleted stage.")
  String runIds;

  @Option(
      names = "--experiment-ids",
      paramLabel = "IDS",
      description = "Comma-separated experiments to delete permanently with their runs; each must be deleted.")
  String experimentIds;

  @Override
  int execute() {
    GcOptions options = GcOptions.all();
    if (olderThan != null) {
      options = options.olderThan(GcOptions.parseAge(olderThan));
    }
    if (runIds != null && !runIds.isEmpty()) {
      options = options.runIds(ids(runIds));
    }
    if (experimentIds != null && !experimentIds.isEmpty()) {
      options = options.experimentIds(ids(experimentIds));
    }
    GcReport report;
    try (Store store = openExisting()) {
      report = store.gc(options);
    }
    for (String id : report.purgedRunIds()) {
      out().println("Run with ID " + id + " has been permanently deleted.");
    }
    for (String id : report.purgedExperimentIds()) {
      out().println("Experiment with ID " + id + " has been permanently deleted.");
    }
    for (String why : report.skipped()) {
      err().println("skipped: " + why);
    }
    return 0;
  }

  private static List<String> ids(String csv) {
    return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
