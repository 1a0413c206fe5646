package io.tracklog.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.InputTag;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.SystemTags;
import io.tracklog.compact.Manifest;
import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.model.Models;
import io.tracklog.reader.PageToken;
import io.tracklog.reader.RunColumns;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import io.tracklog.reader.search.ExperimentSearch;
import io.tracklog.reader.search.ExperimentSearchRequest;
import io.tracklog.reader.search.RunPage;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import io.tracklog.registry.ModelVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The web UI's own read endpoints, under {@code /api/2.0/tracklog/ui/}: what MLflow's REST API
 * does not answer in one request (run counts, a page at any offset with the total, chosen columns
 * only, a run with its children and per-metric min/max, charts downsampled per pixel). Each request
 * reads one fresh snapshot. docs/UI.md lists the shapes.
 */
final class UiEndpoints {
  static final String BASE = "/tracklog/ui/";
  /** The most rows one runs request returns. */
  static final int MAX_ROWS = 1000;
  /** The most runs one chart request draws (as MLflow's get-history-bulk-interval). */
  static final int MAX_CHART_RUNS = 100;
  /** The widest chart asked for, in buckets. */
  static final int MAX_WIDTH = 10_000;
  /** Points in a run page's sparklines: 16 buckets of at most 4. */
  static final int SPARK_BUCKETS = 16;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final StoreReader reader;
  private final Path storeRoot;
  private final boolean editable;

  UiEndpoints(StoreReader reader, Path storeRoot, boolean editable) {
    this.reader = reader;
    this.storeRoot = storeRoot;
    this.editable = editable;
  }

  void register(Api api) {
    api.addUi(BASE + "config", Schema.message("UiConfig"), r -> config());
    api.addUi(BASE + "experiments",
        Schema.message("UiExperiments").string("filter").strings("order_by")
            .enumeration("view_type", ExperimentEndpoints.VIEW_TYPES),
        this::experiments);
    api.addUi(BASE + "keys", Schema.message("UiKeys").strings("experiment_ids"), this::keys);
    api.addUi(BASE + "runs",
        Schema.message("UiRuns").strings("experiment_ids", "order_by", "columns").string("filter")
            .enumeration("view_type", ExperimentEndpoints.VIEW_TYPES).int64("offset").int32("max_results"),
        this::runs);
    api.addUi(BASE + "run", Schema.message("UiRun").string("run_id").bool("summaries"), this::run);
    api.addUi(BASE + "series",
        Schema.message("UiSeries").strings("run_ids").string("key", "x").int32("width").int64("x_min", "x_max"),
        this::series);
  }

  private Map<String, Object> config() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("editable", editable);
    out.put("store", storeRoot.toAbsolutePath().normalize().toString());
    String version = UiEndpoints.class.getPackage().getImplementationVersion();
    out.put("version", version == null ? "dev" : version);
    return out;
  }

  // ---- experiments -------------------------------------------------------------------------------

  private Map<String, Object> experiments(ApiRequest r) {
    Snapshot snapshot = reader.snapshot();
    ExperimentSearchRequest req =
        ExperimentSearchRequest.builder()
            .filter(r.string("filter"))
            .orderBy(r.strings("order_by"))
            .viewType(ExperimentEndpoints.view(r.string("view_type")))
            .maxResults(SearchRequest.MAX_RESULTS_LIMIT)
            .build();
    List<Object> out = new ArrayList<>();
    for (Experiment e : ExperimentSearch.search(snapshot, req).experiments()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("experiment_id", e.experimentId());
      json.put("name", e.name());
      json.put("lifecycle_stage", e.lifecycleStage().mlflowName());
      json.put("artifact_location", e.artifactLocation());
      json.put("creation_time", e.creationTime());
      json.put("last_update_time", e.lastUpdateTime());
      json.put("tags", new LinkedHashMap<>(e.tags()));
      // How many active runs there are and the latest start, then the latest end: two columnar searches.
      RunPage newest = RunSearch.search(snapshot, SearchRequest.builder(e.experimentId()).maxResults(1).build());
      RunPage lastEnded = RunSearch.search(snapshot,
          SearchRequest.builder(e.experimentId()).orderBy("attributes.end_time DESC").maxResults(1).build());
      long last = e.lastUpdateTime();
      for (Run run : newest.runs()) {
        last = Math.max(last, run.info().startTime());
      }
      for (Run run : lastEnded.runs()) {
        last = Math.max(last, run.info().endTime() == null ? 0 : run.info().endTime());
      }
      json.put("run_count", newest.totalMatched());
      json.put("last_activity", last);
      out.add(json);
    }
    return Map.of("experiments", out);
  }

  // ---- keys ---------------------------------------------------------------------------------------

  private Map<String, Object> keys(ApiRequest r) {
    Snapshot snapshot = reader.snapshot();
    Set<String> metrics = new TreeSet<>();
    Set<String> params = new TreeSet<>();
    Set<String> tags = new TreeSet<>();
    for (String experimentId : new LinkedHashSet<>(r.strings("experiment_ids"))) {
      requireExperiment(snapshot, experimentId);
      for (Manifest.Segment segment : snapshot.segments(experimentId)) {
        RunColumns columns = snapshot.columns(segment);
        metrics.addAll(columns.metricKeys());
        params.addAll(columns.paramKeys());
        tags.addAll(columns.tagKeys());
      }
      for (String runId : snapshot.runIdsOutsideSegments(experimentId)) {
        Run run = snapshot.getRun(runId);
        metrics.addAll(run.metrics().keySet());
        params.addAll(run.params().keySet());
        tags.addAll(run.tags().keySet());
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("metrics", new ArrayList<>(metrics));
    out.put("params", new ArrayList<>(params));
    out.put("tags", new ArrayList<>(tags));
    return out;
  }

  private static void requireExperiment(Snapshot snapshot, String experimentId) {
    snapshot.getExperiment(experimentId); // ExperimentNotFoundException: 404 naming it
  }

  // ---- runs ---------------------------------------------------------------------------------------

  private Map<String, Object> runs(ApiRequest r) {
    List<String> experimentIds = r.strings("experiment_ids");
    if (experimentIds.isEmpty()) {
      throw ApiException.invalid("At least one experiment_ids is required.");
    }
    int max = r.int32("max_results") == null ? 100 : r.int32("max_results");
    if (max < 1 || max > MAX_ROWS) {
      throw ApiException.invalid("max_results must be between 1 and " + MAX_ROWS + ", not " + max + ".");
    }
    long offset = r.int64("offset") == null ? 0 : r.int64("offset");
    if (offset < 0) {
      throw ApiException.invalid("offset must not be negative, not " + offset + ".");
    }
    Snapshot snapshot = reader.snapshot();
    for (String id : experimentIds) {
      requireExperiment(snapshot, id);
    }
    SearchRequest req =
        SearchRequest.builder(experimentIds)
            .filter(r.string("filter"))
            .orderBy(r.strings("order_by"))
            .viewType(ExperimentEndpoints.view(r.string("view_type")))
            .maxResults(max)
            .pageToken(offset == 0 ? null : PageToken.encode(offset))
            .build();
    RunPage page = RunSearch.search(snapshot, req);
    List<String> columns = r.strings("columns");
    List<Object> rows = new ArrayList<>(page.runs().size());
    for (Run run : page.runs()) {
      Map<String, Object> row = runRow(run);
      row.put("values", values(run, columns));
      rows.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("total", page.totalMatched());
    out.put("offset", offset);
    out.put("runs", rows);
    return out;
  }

  private static Map<String, Object> runRow(Run run) {
    RunInfo info = run.info();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("run_id", info.runId());
    row.put("run_name", info.runName());
    row.put("experiment_id", info.experimentId());
    row.put("status", info.status().name());
    row.put("lifecycle_stage", info.lifecycleStage().mlflowName());
    row.put("start_time", info.startTime());
    row.put("end_time", info.endTime());
    row.put("user_id", info.userId());
    row.put("source", run.tags().get(SystemTags.SOURCE_NAME));
    row.put("parent_run_id", run.tags().get(SystemTags.PARENT_RUN_ID));
    return row;
  }

  /** The asked columns' values: {@code metrics.k}, {@code params.k}, {@code tags.k}, or all of a kind with {@code .*}. */
  static Map<String, Object> values(Run run, List<String> columns) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String column : columns) {
      int dot = column.indexOf('.');
      String kind = dot < 0 ? column : column.substring(0, dot);
      String key = dot < 0 ? "" : column.substring(dot + 1);
      Map<String, ?> source = switch (kind) {
        case "metrics" -> run.metrics();
        case "params" -> run.params();
        case "tags" -> run.tags();
        default -> throw ApiException.invalid(
            "Invalid column '" + column + "': expected metrics.<key>, params.<key> or tags.<key> (or <kind>.*).");
      };
      if (key.equals("*")) {
        source.forEach((k, v) -> out.put(kind + "." + k, cell(v)));
      } else if (source.containsKey(key)) {
        out.put(column, cell(source.get(key)));
      }
    }
    return out;
  }

  private static Object cell(Object value) {
    return value instanceof Metric m ? (Object) m.value() : value;
  }

  // ---- one run ------------------------------------------------------------------------------------

  private Map<String, Object> run(ApiRequest r) {
    String runId = r.required("run_id");
    Snapshot snapshot = reader.snapshot();
    Run run = snapshot.getRun(runId);
    RunInfo info = run.info();
    Map<String, String> tags = run.tags();
    Map<String, Object> json = runRow(run);
    json.remove("source");
    json.remove("parent_run_id");
    json.put("experiment_name", experimentName(snapshot, info.experimentId()));
    json.put("artifact_uri", info.artifactUri());
    json.put("source_name", tags.get(SystemTags.SOURCE_NAME));
    json.put("source_type", tags.get(SystemTags.SOURCE_TYPE));
    json.put("git_commit", tags.get("mlflow.source.git.commit"));
    json.put("note", tags.get(SystemTags.NOTE));
    json.put("parent", parent(snapshot, tags.get(SystemTags.PARENT_RUN_ID)));
    json.put("children", children(snapshot, run));
    json.put("params", MlflowJson.keyValues(run.params()));
    json.put("tags", MlflowJson.keyValues(tags));
    json.put("inputs", run.inputs().stream().map(UiEndpoints::input).toList());
    // summaries=false (a chart's legend, compare): the latest points only, no history read
    boolean summaries = r.bool("summaries") == null || r.bool("summaries");
    List<Object> metrics = new ArrayList<>();
    for (Metric latest : run.metrics().values()) {
      metrics.add(summaries ? metricSummary(latest, snapshot.metricHistory(runId, latest.key())) : latestPoint(latest));
    }
    json.put("metrics", metrics);
    json.put("models", models(runId));
    json.put("logged_models", loggedModels(tags.get(Models.LOG_MODEL_HISTORY_TAG)));
    return Map.of("run", json);
  }

  private static String experimentName(Snapshot snapshot, String experimentId) {
    try {
      return snapshot.getExperiment(experimentId).name();
    } catch (ExperimentNotFoundException e) {
      return null;
    }
  }

  private static Map<String, Object> parent(Snapshot snapshot, String parentId) {
    if (parentId == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run_id", parentId);
    String name = null;
    try {
      name = snapshot.getRun(parentId).info().runName();
    } catch (RuntimeException e) { // a parent id that names no run (MLflow does not check it)
      name = null;
    }
    out.put("run_name", name);
    return out;
  }

  private static List<Object> children(Snapshot snapshot, Run run) {
    String filter = "tags." + SystemTags.PARENT_RUN_ID + " = '" + run.runId() + "'";
    RunPage page = RunSearch.search(snapshot,
        SearchRequest.builder(run.info().experimentId()).filter(filter).maxResults(MAX_ROWS).build());
    List<Object> out = new ArrayList<>();
    for (Run child : page.runs()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("run_id", child.runId());
      c.put("run_name", child.info().runName());
      c.put("status", child.info().status().name());
      out.add(c);
    }
    return out;
  }

  private static Map<String, Object> input(DatasetInput input) {
    Map<String, Object> dataset = new LinkedHashMap<>();
    dataset.put("name", input.dataset().name());
    dataset.put("digest", input.dataset().digest());
    dataset.put("source_type", input.dataset().sourceType());
    dataset.put("source", input.dataset().source());
    dataset.put("schema", input.dataset().schema());
    dataset.put("profile", input.dataset().profile());
    Map<String, String> tags = new LinkedHashMap<>();
    for (InputTag t : input.tags()) {
      tags.put(t.key(), t.value());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("dataset", dataset);
    out.put("tags", MlflowJson.keyValues(tags));
    return out;
  }

  private static Map<String, Object> latestPoint(Metric latest) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", latest.key());
    out.put("value", latest.value());
    out.put("step", latest.step());
    out.put("timestamp", latest.timestampMs());
    return out;
  }

  /** The latest point, min, max and count of a metric, and a sparkline of at most 64 values. */
  static Map<String, Object> metricSummary(Metric latest, List<Metric> history) {
    double min = Double.NaN;
    double max = Double.NaN;
    for (int i = 0, n = history.size(); i < n; i++) {
      double v = history.get(i).value();
      if (!Double.isNaN(v)) {
        min = Double.isNaN(min) || v < min ? v : min;
        max = Double.isNaN(max) || v > max ? v : max;
      }
    }
    Downsampler.Series spark = Downsampler.downsample(history, Downsampler.Axis.STEP, 0, null, null, SPARK_BUCKETS);
    List<Object> values = new ArrayList<>(spark.size());
    for (int i = 0; i < spark.size(); i++) {
      values.add(spark.y()[i]);
    }
    Map<String, Object> out = latestPoint(latest);
    out.put("min", Double.isNaN(min) ? null : min);
    out.put("max", Double.isNaN(max) ? null : max);
    out.put("count", (long) history.size());
    out.put("spark", values);
    return out;
  }

  private List<Object> models(String runId) {
    List<Object> out = new ArrayList<>();
    String filter = "run_id = '" + runId + "'";
    for (ModelVersion v : reader.searchModelVersions(filter, 200, List.of("name ASC", "version_number ASC"), null).versions()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", v.name());
      m.put("version", Integer.toString(v.version()));
      m.put("current_stage", v.currentStage().displayName());
      m.put("aliases", new ArrayList<>(v.aliases()));
      m.put("source", v.source());
      out.add(m);
    }
    return out;
  }

  /** The models of a run's {@code mlflow.log-model.history} tag (a JSON list MLflow 2.x writes). */
  static List<Object> loggedModels(String historyTag) {
    List<Object> out = new ArrayList<>();
    if (historyTag == null) {
      return out;
    }
    JsonNode list;
    try {
      list = JSON.readTree(historyTag);
    } catch (java.io.IOException e) {
      return out; // a tag a client wrote by hand: nothing to show, not an error of the page
    }
    if (list == null || !list.isArray()) {
      return out;
    }
    for (JsonNode m : list) {
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("artifact_path", text(m, "artifact_path"));
      List<Object> flavors = new ArrayList<>();
      m.path("flavors").fieldNames().forEachRemaining(flavors::add);
      model.put("flavors", flavors);
      model.put("utc_time_created", text(m, "utc_time_created"));
      model.put("model_uuid", text(m, "model_uuid"));
      out.add(model);
    }
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  // ---- charts -------------------------------------------------------------------------------------

  private static Map<String, Object> series(Snapshot snapshot, String runId, String key, Downsampler.Axis axis,
      Long from, Long to, int width) {
    Run run = snapshot.getRun(runId);
    List<Metric> history = snapshot.metricHistory(runId, key);
    Downsampler.Series s = Downsampler.downsample(history, axis, run.info().startTime(), from, to, width);
    List<Object> xs = new ArrayList<>(s.size());
    List<Object> ys = new ArrayList<>(s.size());
    for (int i = 0; i < s.size(); i++) {
      xs.add(s.x()[i]);
      ys.add(s.y()[i]);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("run_id", runId);
    json.put("run_name", run.info().runName());
    json.put("points", (long) history.size());
    json.put("downsampled", s.downsampled());
    json.put("x", xs);
    json.put("y", ys);
    return json;
  }

  private Map<String, Object> series(ApiRequest r) {
    List<String> runIds = r.strings("run_ids");
    if (runIds.isEmpty() || runIds.size() > MAX_CHART_RUNS) {
      throw ApiException.invalid("run_ids must name 1 to " + MAX_CHART_RUNS + " runs, not " + runIds.size() + ".");
    }
    String key = r.required("key");
    String x = r.string("x") == null ? "step" : r.string("x");
    Downsampler.Axis axis = switch (x) {
      case "step" -> Downsampler.Axis.STEP;
      case "time" -> Downsampler.Axis.TIME;
      case "relative" -> Downsampler.Axis.RELATIVE;
      default -> throw ApiException.invalid("x must be step, time or relative, not '" + x + "'.");
    };
    int width = r.int32("width") == null ? 1000 : r.int32("width");
    if (width < 1 || width > MAX_WIDTH) {
      throw ApiException.invalid("width must be between 1 and " + MAX_WIDTH + ", not " + width + ".");
    }
    Long from = r.int64("x_min");
    Long to = r.int64("x_max");
    if (from != null && to != null && from > to) {
      throw ApiException.invalid("x_min " + from + " is past x_max " + to + ".");
    }
    Snapshot snapshot = reader.snapshot();
    // Runs in parallel: a history not read before is decoded from its Arrow file, the chart's first cost.
    List<Object> out = runIds.stream().distinct().toList().parallelStream()
        .<Object>map(runId -> series(snapshot, runId, key, axis, from, to, width))
        .toList();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("key", key);
    json.put("x", x);
    json.put("series", out);
    return json;
  }
}
