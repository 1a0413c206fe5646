package io.tracklog.cli;

import io.tracklog.server.MlflowJson;
import io.tracklog.Metric;
import io.tracklog.reader.MetricHistoryPage;
import io.tracklog.reader.StoreReader;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog history}: MLflow's get_metric_history ({@code GET /mlflow/metrics/get-history}):
 * every point logged for one metric of one run, in append order. Without {@code --max-results}
 * every point is returned (the proto's documented contract; docs/SEARCH.md). An unknown run is
 * RESOURCE_DOES_NOT_EXIST; an unknown key is an empty history.
 */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = {
      "Print every point logged for one metric of a run (MLflow's get_metric_history).",
      "--format json prints MLflow's metrics/get-history response; errors print MLflow's error JSON on stderr."
    })
final class HistoryCommand extends RestCommand {
  @Option(names = "--run", required = true, paramLabel = "RUN_ID", description = "The run.")
  String runId;

  @Option(names = "--key", required = true, paramLabel = "KEY", description = "The metric key.")
  String key;

  @Option(names = "--max-results", paramLabel = "N", description = "Page size (default: every point).")
  String maxResults;

  @Option(names = "--page-token", paramLabel = "TOKEN", description = "The next_page_token of the previous page.")
  String pageToken;

  @Override
  int execute() {
    Integer n = maxResults(maxResults);
    try (StoreReader reader = openReader()) {
      MetricHistoryPage page = reader.snapshot().metricHistory(runId, key, n, pageToken);
      switch (format) {
        case json -> printJson(
            MlflowJson.page(
                "metrics", page.metrics().stream().map(MlflowJson::metric).toList(), page.nextPageToken()));
        case csv -> printCsv(page);
        case table -> printTable(page);
      }
    }
    return 0;
  }

  private void printTable(MetricHistoryPage page) {
    if (page.metrics().isEmpty()) {
      out().println("No points.");
      out().flush();
      return;
    }
    Table table = new Table("STEP", "TIMESTAMP", "VALUE");
    for (Metric m : page.metrics()) {
      table.row(m.step(), SearchCommand.CSV_TIME.format(java.time.Instant.ofEpochMilli(m.timestampMs())), number(m.value()));
    }
    table.print(out());
    if (page.nextPageToken() != null) {
      out().println();
      out().println("More points: --page-token " + page.nextPageToken());
      out().flush();
    }
  }

  /** key, value, timestamp (epoch ms), step: the Metric entity's fields. */
  private void printCsv(MetricHistoryPage page) {
    Csv csv = new Csv(out());
    csv.row(List.of("key", "value", "timestamp", "step"));
    for (Metric m : page.metrics()) {
      csv.row(List.of(m.key(), number(m.value()), m.timestampMs(), m.step()));
    }
    csv.flush();
    if (page.nextPageToken() != null) {
      err().println("next_page_token: " + page.nextPageToken());
      err().flush();
    }
  }
}
