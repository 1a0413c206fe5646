package io.tracklog.cli;

import io.tracklog.server.MlflowJson;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.search.Clause;
import io.tracklog.reader.search.OrderBy;
import io.tracklog.reader.search.RunFilter;
import io.tracklog.reader.search.RunPage;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog search}: MLflow's search_runs ({@code POST /mlflow/runs/search}) over one
 * snapshot of a store. {@code --format json} prints exactly the REST response; {@code table} is for
 * people; {@code csv} has the columns of {@code mlflow.search_runs}' DataFrame.
 *
 * <p>Unlike the REST endpoint, which answers nothing for an experiment id it does not know, the
 * command reports such an id as RESOURCE_DOES_NOT_EXIST: on a command line it is a typo.
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Search runs with MLflow's filter and order_by (docs/SEARCH.md).",
      "--format json prints MLflow's runs/search response; errors print MLflow's error JSON on stderr."
    })
final class SearchCommand extends RestCommand {
  static final DateTimeFormatter CSV_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Option(
      names = "--experiment-ids",
      required = true,
      split = ",",
      paramLabel = "ID[,ID...]",
      description = "Experiments to search (repeat the option or separate ids with commas).")
  List<String> experimentIds;

  @Option(names = "--filter", paramLabel = "FILTER", description = "e.g. \"metrics.acc > 0.9 AND params.model = 'cnn'\".")
  String filter;

  @Option(
      names = "--order-by",
      paramLabel = "KEY [ASC|DESC]",
      description = "An order_by element, e.g. \"metrics.acc DESC\"; repeat for more keys.")
  List<String> orderBy = new ArrayList<>();

  @Option(names = "--max-results", paramLabel = "N", description = "Page size, 1 to 50000 (default 1000).")
  String maxResults;

  @Option(names = "--page-token", paramLabel = "TOKEN", description = "The next_page_token of the previous page.")
  String pageToken;

  @Option(
      names = "--view",
      paramLabel = "VIEW",
      description = "ACTIVE_ONLY (default), DELETED_ONLY or ALL.")
  String view;

  @Override
  int execute() {
    List<String> ids = experimentIds.stream().map(String::strip).toList();
    SearchRequest.Builder builder =
        SearchRequest.builder(ids)
            .filter(filter)
            .orderBy(orderBy)
            .pageToken(pageToken)
            .viewType(viewType(view, "run_view_type"));
    Integer n = maxResults(maxResults);
    if (n != null) {
      builder.maxResults(n);
    }
    try (StoreReader reader = openReader()) {
      Snapshot snapshot = reader.snapshot();
      RunPage page = RunSearch.search(snapshot, builder.build()); // checks the request first
      for (String id : new LinkedHashSet<>(ids)) {
        snapshot.getExperiment(id); // RESOURCE_DOES_NOT_EXIST for an unknown id
      }
      switch (format) {
        case json -> printJson(
            MlflowJson.page("runs", page.runs().stream().map(MlflowJson::run).toList(), page.nextPageToken()));
        case csv -> printCsv(page);
        case table -> printTable(page);
      }
    }
    return 0;
  }

  private void printTable(RunPage page) {
    if (page.runs().isEmpty()) {
      out().println("No runs.");
      out().flush();
      return;
    }
    List<String> columns = namedColumns();
    List<String> header = new ArrayList<>(List.of("RUN ID", "NAME", "STATUS", "START TIME"));
    header.addAll(columns);
    Table table = new Table(header.toArray(String[]::new));
    for (Run run : page.runs()) {
      List<Object> row = new ArrayList<>();
      row.add(run.runId());
      row.add(run.info().runName());
      row.add(run.info().status());
      row.add(RunsCommand.startTime(run));
      for (String column : columns) {
        String cell = cell(run, column);
        row.add(cell == null ? "-" : cell);
      }
      table.row(row.toArray());
    }
    table.print(out());
    if (page.nextPageToken() != null) {
      out().println();
      out().println("More runs: --page-token " + page.nextPageToken());
      out().flush();
    }
  }

  /** The metrics, params and tags the filter and order_by name, as {@code metrics.<key>} and so on, in order. */
  private List<String> namedColumns() {
    Set<String> columns = new LinkedHashSet<>();
    for (Clause c : RunFilter.parse(filter).clauses()) {
      addColumn(columns, c.entity(), c.key());
    }
    for (OrderBy o : OrderBy.parseForRuns(orderBy)) {
      addColumn(columns, o.entity(), o.key());
    }
    return new ArrayList<>(columns);
  }

  private static void addColumn(Set<String> columns, Clause.Entity entity, String key) {
    switch (entity) {
      case METRIC -> columns.add("metrics." + key);
      case PARAM -> columns.add("params." + key);
      case TAG -> columns.add("tags." + key);
      case ATTRIBUTE, DATASET -> {}
    }
  }

  /** The value of a {@code metrics.}, {@code params.} or {@code tags.} column, or null. */
  private static String cell(Run run, String column) {
    int dot = column.indexOf('.');
    String key = column.substring(dot + 1);
    return switch (column.substring(0, dot)) {
      case "metrics" -> {
        Metric m = run.metrics().get(key);
        yield m == null ? null : number(m.value());
      }
      case "params" -> run.params().get(key);
      default -> run.tags().get(key);
    };
  }

  /**
   * mlflow.search_runs' columns: run_id, experiment_id, status, artifact_uri, start_time, end_time,
   * then {@code metrics.<k>}, {@code params.<k>}, {@code tags.<k>} over the page's runs, each
   * group sorted. Times are ISO-8601 UTC with milliseconds (the DataFrame holds datetimes); a
   * missing value is an empty cell. The next page token, if any, goes to stderr.
   */
  private void printCsv(RunPage page) {
    Set<String> metrics = new TreeSet<>();
    Set<String> params = new TreeSet<>();
    Set<String> tags = new TreeSet<>();
    for (Run run : page.runs()) {
      metrics.addAll(run.metrics().keySet());
      params.addAll(run.params().keySet());
      tags.addAll(run.tags().keySet());
    }
    List<String> header =
        new ArrayList<>(List.of("run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time"));
    metrics.forEach(k -> header.add("metrics." + k));
    params.forEach(k -> header.add("params." + k));
    tags.forEach(k -> header.add("tags." + k));
    Csv csv = new Csv(out());
    csv.row(header);
    for (Run run : page.runs()) {
      RunInfo info = run.info();
      List<Object> row = new ArrayList<>();
      row.add(info.runId());
      row.add(info.experimentId());
      row.add(info.status());
      row.add(info.artifactUri());
      row.add(CSV_TIME.format(Instant.ofEpochMilli(info.startTime())));
      row.add(info.endTime() == null ? null : CSV_TIME.format(Instant.ofEpochMilli(info.endTime())));
      for (String k : metrics) {
        Metric m = run.metrics().get(k);
        row.add(m == null ? null : number(m.value()));
      }
      addAll(row, params, run.params());
      addAll(row, tags, run.tags());
      csv.row(row);
    }
    csv.flush();
    if (page.nextPageToken() != null) {
      err().println("next_page_token: " + page.nextPageToken());
      err().flush();
    }
  }

  private static void addAll(List<Object> row, Set<String> keys, Map<String, String> values) {
    for (String k : keys) {
      row.add(values.get(k));
    }
  }
}
