package io.tracklog.cli;

import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.Run;
import io.tracklog.Store;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tracklog runs}: the active runs of one experiment, or of every active experiment. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List runs: id, name, status, start time.")
final class RunsCommand extends StoreCommand {
  @Option(names = "--experiment", paramLabel = "ID", description = "Only this experiment's runs.")
  String experimentId;

  @Override
  int execute() {
    try (Store store = openExisting()) {
      List<Experiment> experiments =
          experimentId != null
              ? List.of(store.getExperiment(experimentId))
              : store.experiments().stream().filter(Experiment::isActive).toList();
      Table table = new Table("RUN ID", "EXPERIMENT", "NAME", "STATUS", "START TIME");
      int count = 0;
      for (Experiment e : experiments) {
        for (Run run : store.runs(e.experimentId())) {
          if (run.info().lifecycleStage() == LifecycleStage.ACTIVE) {
            table.row(run.runId(), e.experimentId(), run.info().runName(), run.info().status(), startTime(run));
            count++;
          }
        }
      }
      if (count == 0) {
        out().println("No runs.");
      } else {
        table.print(out());
      }
    }
    return 0;
  }

  static String startTime(Run run) {
    return Instant.ofEpochMilli(run.info().startTime()).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
