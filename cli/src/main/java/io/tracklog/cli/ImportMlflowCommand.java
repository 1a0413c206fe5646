package io.tracklog.cli;

import io.tracklog.Store;
import io.tracklog.mlflow.ImportReport;
import io.tracklog.mlflow.MlflowImport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

/**
 * {@code tracklog import-mlflow <mlruns-dir>}: imports an MLflow file store (creating the Tracklog
 * store if needed) and prints the report. Importing the same directory again changes nothing.
 */
@Command(
    name = "import-mlflow",
    mixinStandardHelpOptions = true,
    description = "Import an MLflow file store (mlruns/) into the store: ids, times, metrics, artifacts, the model registry.")
final class ImportMlflowCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "MLRUNS_DIR", description = "The MLflow mlruns/ directory.")
  Path mlruns;

  @Override
  int execute() {
    if (!Files.isDirectory(mlruns)) {
      throw new ParameterException(spec.commandLine(), "Not a directory: " + mlruns);
    }
    try (Store store = Store.open(root())) {
      MlflowImport.Progress progress =
          System.console() != null ? new ProgressBar(err()) : MlflowImport.Progress.NONE;
      ImportReport report = MlflowImport.importStore(mlruns, store, progress);
      out().print(report.format());
      out().flush();
    }
    return 0;
  }

  /** A one-line bar on the terminal, redrawn in place: {@code [#####.....] 12/56 runs}. */
  static final class ProgressBar implements MlflowImport.Progress {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private int lastShown = -1;

    ProgressBar(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void update(int runsDone, int runsTotal, String current) {
      if (runsTotal == 0) {
        return;
      }
      int filled = (int) ((long) runsDone * WIDTH / runsTotal);
      if (filled == lastShown && runsDone != runsTotal) {
        return;
      }
      lastShown = filled;
      err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + runsDone + "/" + runsTotal + " runs");
      if (runsDone == runsTotal) {
        err.println();
      }
      err.flush();
    }
  }
}
