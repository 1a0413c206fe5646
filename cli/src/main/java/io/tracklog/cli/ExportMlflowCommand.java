package io.tracklog.cli;

import io.tracklog.Store;
import io.tracklog.mlflow.MlflowExport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tracklog export-mlflow <out-dir> [--experiment-ids 1,2]}: writes the store (or some
 * experiments) in MLflow's file-store layout, for MLflow's UI and tools.
 */
@Command(
    name = "export-mlflow",
    mixinStandardHelpOptions = true,
    description = "Write experiments, runs and the model registry in MLflow's file-store layout (mlruns/).")
final class ExportMlflowCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "OUT_DIR", description = "An empty or new directory.")
  Path out;

  @Option(
      names = "--experiment-ids",
      split = ",",
      paramLabel = "ID",
      description = "Experiments to export, comma-separated (default: all).")
  List<String> experimentIds = new ArrayList<>();

  @Option(
      names = "--keep-artifact-locations",
      description = "Keep the stored artifact locations and URIs instead of pointing them at the export.")
  boolean keepLocations;

  @Override
  int execute() {
    try (Store store = openExisting()) {
      MlflowExport.Summary s =
          MlflowExport.exportStore(
              store,
              out,
              experimentIds,
              keepLocations ? MlflowExport.ArtifactLocations.KEEP : MlflowExport.ArtifactLocations.POINT_TO_EXPORT);
      out().printf(
          "Exported %d experiment(s), %d run(s), %d metric point(s), %d artifact file(s), %d registered model(s)"
              + " with %d version(s) to %s%n",
          s.experiments(), s.runs(), s.metricPoints(), s.artifactFiles(), s.registeredModels(), s.modelVersions(),
          out.toAbsolutePath().normalize());
    }
    return 0;
  }
}
