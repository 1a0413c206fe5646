package io.tracklog.cli;

import io.tracklog.Run;
import io.tracklog.Store;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog orphans}: runs left RUNNING by a writer that is gone (a crashed process, a writer
 * closed without ending its run); with {@code --end}, ends them as KILLED.
 */
@Command(
    name = "orphans",
    mixinStandardHelpOptions = true,
    description = "List runs whose writer is gone; with --end, end them as KILLED.")
final class OrphansCommand extends StoreCommand {
  @Option(names = "--end", description = "End the orphaned runs as KILLED.")
  boolean end;

  @Override
  int execute() {
    try (Store store = openExisting()) {
      List<String> runIds = end ? store.endOrphanedRuns() : store.orphanedRuns();
      if (runIds.isEmpty()) {
        out().println("No orphaned runs.");
        return 0;
      }
      out().println(
          end
              ? "Ended " + runIds.size() + " orphaned run(s) as KILLED:"
              : runIds.size() + " orphaned run(s); end them as KILLED with --end:");
      Table table = new Table("RUN ID", "EXPERIMENT", "NAME", "STATUS", "START TIME");
      for (String runId : runIds) {
        Run run = store.getRun(runId);
        table.row(
            runId, run.info().experimentId(), run.info().runName(), run.info().status(), RunsCommand.startTime(run));
      }
      table.print(out());
    }
    return 0;
  }
}
