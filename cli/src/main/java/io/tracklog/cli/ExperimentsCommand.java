package io.tracklog.cli;

import io.tracklog.server.MlflowJson;
import io.tracklog.Experiment;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.search.Clause;
import io.tracklog.reader.search.ExperimentFilter;
import io.tracklog.reader.search.ExperimentPage;
import io.tracklog.reader.search.ExperimentSearch;
import io.tracklog.reader.search.ExperimentSearchRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog experiments}: MLflow's search_experiments ({@code /mlflow/experiments/search}).
 * {@code --format json} prints exactly the REST response.
 */
@Command(
    name = "experiments",
    mixinStandardHelpOptions = true,
    description = {
      "Search experiments with MLflow's filter and order_by (docs/SEARCH.md).",
      "--format json prints MLflow's experiments/search response; errors print MLflow's error JSON on stderr."
    })
final class ExperimentsCommand extends RestCommand {
  @Option(names = "--filter", paramLabel = "FILTER", description = "e.g. \"name LIKE 'mnist%' AND tags.team = 'core'\".")
  String filter;

  @Option(
      names = "--order-by",
      paramLabel = "KEY [ASC|DESC]",
      description = "name, experiment_id, creation_time or last_update_time; repeat for more keys.")
  List<String> orderBy = new ArrayList<>();

  @Option(names = "--max-results", paramLabel = "N", description = "Page size, 1 to 50000 (default 1000).")
  String maxResults;

  @Option(names = "--page-token", paramLabel = "TOKEN", description = "The next_page_token of the previous page.")
  String pageToken;

  @Option(names = "--view", paramLabel = "VIEW", description = "ACTIVE_ONLY (default), DELETED_ONLY or ALL.")
  String view;

  @Override
  int execute() {
    ExperimentSearchRequest.Builder builder =
        ExperimentSearchRequest.builder()
            .filter(filter)
            .orderBy(orderBy)
            .pageToken(pageToken)
            .viewType(viewType(view, "view_type"));
    Integer n = maxResults(maxResults);
    if (n != null) {
      builder.maxResults(n);
    }
    try (StoreReader reader = openReader()) {
      ExperimentPage page = ExperimentSearch.search(reader.snapshot(), builder.build());
      switch (format) {
        case json -> printJson(
            MlflowJson.page(
                "experiments",
                page.experiments().stream().map(MlflowJson::experiment).toList(),
                page.nextPageToken()));
        case csv -> printCsv(page);
        case table -> printTable(page);
      }
    }
    return 0;
  }

  private void printTable(ExperimentPage page) {
    if (page.experiments().isEmpty()) {
      out().println("No experiments.");
      out().flush();
      return;
    }
    Set<String> tags = new LinkedHashSet<>(); // the tags the filter names
    for (Clause c : ExperimentFilter.parse(filter).clauses()) {
      if (c.entity() == Clause.Entity.TAG) {
        tags.add(c.key());
      }
    }
    List<String> header = new ArrayList<>(List.of("ID", "NAME", "LIFECYCLE", "CREATED", "LAST UPDATE"));
    tags.forEach(k -> header.add("tags." + k));
    Table table = new Table(header.toArray(String[]::new));
    for (Experiment e : page.experiments()) {
      List<Object> row =
          new ArrayList<>(
              List.of(
                  e.experimentId(),
                  e.name(),
                  e.lifecycleStage().mlflowName(),
                  time(e.creationTime()),
                  time(e.lastUpdateTime())));
      tags.forEach(k -> row.add(e.tags().getOrDefault(k, "-")));
      table.row(row.toArray());
    }
    table.print(out());
    if (page.nextPageToken() != null) {
      out().println();
      out().println("More experiments: --page-token " + page.nextPageToken());
      out().flush();
    }
  }

  /**
   * experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time
   * (epoch milliseconds, as the Experiment entity holds them), then {@code tags.<k>} sorted.
   */
  private void printCsv(ExperimentPage page) {
    Set<String> tags = new TreeSet<>();
    page.experiments().forEach(e -> tags.addAll(e.tags().keySet()));
    List<String> header =
        new ArrayList<>(
            List.of("experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time", "last_update_time"));
    tags.forEach(k -> header.add("tags." + k));
    Csv csv = new Csv(out());
    csv.row(header);
    for (Experiment e : page.experiments()) {
      List<Object> row =
          new ArrayList<>(
              List.of(
                  e.experimentId(),
                  e.name(),
                  e.artifactLocation(),
                  e.lifecycleStage().mlflowName(),
                  e.creationTime(),
                  e.lastUpdateTime()));
      tags.forEach(k -> row.add(e.tags().get(k)));
      csv.row(row);
    }
    csv.flush();
    if (page.nextPageToken() != null) {
      err().println("next_page_token: " + page.nextPageToken());
      err().flush();
    }
  }

  private static String time(long ms) {
    return Instant.ofEpochMilli(ms).truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
