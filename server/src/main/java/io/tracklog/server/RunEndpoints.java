package io.tracklog.server;

import io.tracklog.ArtifactInfo;
import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.InputTag;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.SystemTags;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.search.RunPage;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.model.MLmodel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * MLflow's run endpoints ({@code /mlflow/runs/...} and {@code /mlflow/artifacts/list};
 * mlflow/protos/service.proto). Writes go through the run's writer
 * in the {@link RunWriterCache}; reads to a fresh snapshot.
 *
 * <p>Where MLflow's server differs from the CLI, the server answers as MLflow does: a search over
 * an experiment id that does not exist, or over no ids, finds no runs (HTTP 200).
 */
final class RunEndpoints {
  static final Schema KEY_VALUE = Schema.message("RunTag").string("key", "value");
  static final String[] RUN_STATUSES = {"RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"};
  static final Schema METRIC =
      Schema.message("Metric").string("key").dbl("value").int64("timestamp", "step")
          .string("dataset_name", "dataset_digest", "model_id", "run_id");
  static final Schema DATASET_INPUT =
      Schema.message("DatasetInput")
          .messages("tags", Schema.message("InputTag").string("key", "value"))
          .message("dataset", Schema.message("Dataset").string("name", "digest", "source_type", "source", "schema", "profile"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Store store;
  private final StoreReader reader;
  private final RunWriterCache writers;

  RunEndpoints(Store store, StoreReader reader, RunWriterCache writers) {
    this.store = store;
    this.reader = reader;
    this.writers = writers;
  }

  void register(Api api) {
    String runs = "/mlflow/runs/";
    api.add("POST", runs + "create",
        Schema.message("CreateRun").string("experiment_id", "user_id", "run_name").int64("start_time")
            .messages("tags", KEY_VALUE), this::create);
    api.add("POST", runs + "update",
        Schema.message("UpdateRun").string("run_id", "run_uuid", "run_name").enumeration("status", RUN_STATUSES)
            .int64("end_time"), this::update);
    api.add("POST", runs + "delete", Schema.message("DeleteRun").string("run_id"), r -> {
      store.deleteRun(r.required("run_id"));
      return Map.of();
    });
    api.add("POST", runs + "restore", Schema.message("RestoreRun").string("run_id"), r -> {
      store.restoreRun(r.required("run_id"));
      return Map.of();
    });
    api.add("GET", runs + "get", Schema.message("GetRun").string("run_id", "run_uuid"), r -> {
      Run run = reader.snapshot().getRun(r.runId());
      return MlflowJson.single("run", runJson(run, store.registry().loggedModels().outputsOf(run.runId())));
    });
    api.add("POST", runs + "search",
        Schema.message("SearchRuns").strings("experiment_ids").string("filter", "page_token")
            .enumeration("run_view_type", ExperimentEndpoints.VIEW_TYPES).int32("max_results").strings("order_by"),
        this::search);
    api.add("POST", runs + "log-metric",
        Schema.message("LogMetric").string("run_id", "run_uuid", "key").dbl("value").int64("timestamp", "step")
            .string("model_id", "dataset_name", "dataset_digest"), r -> {
          String key = r.required("key");
          double value = r.requiredDouble("value");
          long timestamp = r.requiredInt64("timestamp");
          long step = r.int64("step") == null ? 0 : r.int64("step");
          writers.write(r.runId(), w -> w.logMetric(key, value, timestamp, step));
          return Map.of();
        });
    api.add("POST", runs + "log-parameter",
        Schema.message("LogParam").string("run_id", "run_uuid", "key", "value"), r -> {
          String key = r.required("key");
          String value = ExperimentEndpoints.tagValue(r);
          writers.write(r.runId(), w -> w.logParam(key, value));
          return Map.of();
        });
    api.add("POST", runs + "set-tag", Schema.message("SetTag").string("run_id", "run_uuid", "key", "value"), r -> {
      String key = r.required("key");
      String value = ExperimentEndpoints.tagValue(r);
      writers.write(r.runId(), w -> w.setTag(key, value));
      return Map.of();
    });
    api.add("POST", runs + "delete-tag", Schema.message("DeleteTag").string("run_id", "key"), r -> {
      String key = r.required("key");
      writers.write(r.required("run_id"), w -> w.deleteTag(key));
      return Map.of();
    });
    api.add("POST", runs + "log-batch",
        Schema.message("LogBatch").string("run_id").messages("metrics", METRIC)
            .messages("params", Schema.message("Param").string("key", "value")).messages("tags", KEY_VALUE),
        this::logBatch);
    api.add("POST", runs + "log-inputs",
        Schema.message("LogInputs").string("run_id").messages("datasets", DATASET_INPUT)
            .messages("models", Schema.message("ModelInput").string("model_id")),
        this::logInputs);
    api.add("POST", runs + "log-model", Schema.message("LogModel").string("run_id", "model_json"), this::logModel);
    api.add("GET", "/mlflow/artifacts/list",
        Schema.message("ListArtifacts").string("run_id", "run_uuid", "path", "page_token"), this::listArtifacts);
  }

  private Map<String, Object> create(ApiRequest r) {
    String experimentId = r.string("experiment_id");
    if (experimentId == null || experimentId.isEmpty()) {
      experimentId = Experiment.DEFAULT_ID; // MLflow's clients send it; the Default experiment otherwise
    }
    String runId = UUID.randomUUID().toString().replace("-", "");
    RunSpec.Builder spec =
        RunSpec.builder(experimentId).runId(runId).artifactLocation(ArtifactProxy.SCHEME + experimentId);
    String name = r.string("run_name");
    if (name != null && !name.isEmpty()) {
      spec.runName(name);
    }
    Long start = r.int64("start_time");
    if (start != null) {
      spec.startTime(start);
    }
    String tagUser = null;
    for (ApiRequest t : r.messages("tags")) {
      String key = t.required("key");
      String value = ExperimentEndpoints.tagValue(t);
      spec.tag(key, value);
      tagUser = key.equals(SystemTags.USER) ? value : tagUser;
    }
    // The client's user, never the server's: user_id, else the client's mlflow.user tag, else ""
    // (MLflow's handler passes user_id through as sent; its Python client fills it from that tag).
    String user = r.string("user_id");
    spec.userId(user != null && !user.isEmpty() ? user : tagUser != null ? tagUser : "");
    RunWriter writer = store.startRun(spec.build());
    try {
      Run run = writer.state();
      writers.started(writer);
      return MlflowJson.single("run", MlflowJson.run(run));
    } catch (RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  private Map<String, Object> update(ApiRequest r) {
    String runId = r.runId();
    String name = r.string("run_name");
    Long endTime = r.int64("end_time");
    RunStatus status = r.string("status") == null ? null : RunStatus.valueOf(r.string("status"));
    // RESOURCE_DOES_NOT_EXIST before anything is written; its status stands if none is given
    RunStatus current = reader.snapshot().getRun(runId).info().status();
    if (name != null && !name.isEmpty()) {
      writers.write(runId, w -> w.setName(name));
    }
    if (status != null && status.isTerminal()) {
      writers.end(runId, status, endTime); // a terminal status ends the run and its writer here
    } else if (status != null || endTime != null) {
      RunStatus s = status != null ? status : current;
      writers.write(runId, w -> w.updateStatus(s, endTime));
    }
    return MlflowJson.single("run_info", MlflowJson.runInfo(reader.snapshot().getRun(runId).info()));
  }

  private Map<String, Object> search(ApiRequest r) {
    List<String> ids = r.strings("experiment_ids");
    SearchRequest.Builder b =
        SearchRequest.builder(ids)
            .filter(r.string("filter"))
            .orderBy(r.strings("order_by"))
            .pageToken(r.string("page_token"))
            .viewType(ExperimentEndpoints.view(r.string("run_view_type")));
    if (r.int32("max_results") != null) {
      b.maxResults(r.int32("max_results"));
    }
    RunPage page = RunSearch.search(reader.snapshot(), b.build());
    Map<String, List<Map.Entry<String, Long>>> outputs = store.registry().loggedModels().outputs();
    return MlflowJson.page(
        "runs", page.runs().stream().map(run -> runJson(run, outputs.getOrDefault(run.runId(), List.of()))).toList(),
        page.nextPageToken());
  }

  /**
   * A run as MLflow's {@code Run.to_proto}: info, data, inputs, and {@code outputs} only when the
   * run output logged models (MLflow 3's {@code runs/outputs}), as {@code {"model_outputs": [{model_id,
   * step}]}}.
   */
  static Map<String, Object> runJson(Run run, List<Map.Entry<String, Long>> outputs) {
    Map<String, Object> json = MlflowJson.run(run);
    if (!outputs.isEmpty()) {
      List<Object> models = new ArrayList<>();
      for (Map.Entry<String, Long> o : outputs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model_id", o.getKey());
        m.put("step", o.getValue());
        models.add(m);
      }
      json.put("outputs", Map.of("model_outputs", models));
    }
    return json;
  }

  private Map<String, Object> logBatch(ApiRequest r) {
    String runId = r.required("run_id");
    List<Metric> metrics = new ArrayList<>();
    for (ApiRequest m : r.messages("metrics")) {
      metrics.add(
          new Metric(m.required("key"), m.requiredDouble("value"), m.requiredInt64("timestamp"),
              m.int64("step") == null ? 0 : m.int64("step")));
    }
    List<Param> params = new ArrayList<>();
    for (ApiRequest p : r.messages("params")) {
      params.add(new Param(p.required("key"), ExperimentEndpoints.tagValue(p)));
    }
    List<RunTag> tags = new ArrayList<>();
    for (ApiRequest t : r.messages("tags")) {
      tags.add(new RunTag(t.required("key"), ExperimentEndpoints.tagValue(t)));
    }
    writers.write(runId, w -> w.logBatch(metrics, params, tags));
    return Map.of();
  }

  private Map<String, Object> logInputs(ApiRequest r) {
    String runId = r.required("run_id");
    List<DatasetInput> inputs = new ArrayList<>();
    for (ApiRequest d : r.messages("datasets")) {
      ApiRequest ds = d.message("dataset");
      if (ds == null) {
        throw ApiException.missing("dataset");
      }
      List<InputTag> tags = new ArrayList<>();
      for (ApiRequest t : d.messages("tags")) {
        tags.add(new InputTag(t.required("key"), t.required("value")));
      }
      inputs.add(
          new DatasetInput(
              new Dataset(ds.required("name"), ds.required("digest"), ds.required("source_type"), ds.required("source"),
                  ds.string("schema"), ds.string("profile")),
              tags));
    }
    if (!r.messages("models").isEmpty()) {
      throw ApiException.invalid("Model inputs (LoggedModels) are not supported by this server yet.");
    }
    if (!inputs.isEmpty()) {
      writers.write(runId, w -> w.logInputs(inputs));
    } else {
      reader.snapshot().getRun(runId);
    }
    return Map.of();
  }

  /**
   * A 2.x client's {@code log_model} after uploading the model's files: the MLmodel as JSON, added to
   * the run's {@code mlflow.log-model.history} (mlflow/server/handlers.py, {@code _log_model}).
   */
  private Map<String, Object> logModel(ApiRequest r) {
    String runId = r.required("run_id");
    String json = r.required("model_json");
    Map<String, Object> model;
    try {
      model = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      model = null;
    }
    if (model == null) {
      throw ApiException.invalid("Malformed model info. \n " + json + " \n is not a valid JSON.");
    }
    List<String> missing = new ArrayList<>();
    for (String field : List.of("artifact_path", "flavors", "run_id", "utc_time_created")) {
      if (!model.containsKey(field)) {
        missing.add("'" + field + "'");
      }
    }
    if (!missing.isEmpty()) {
      throw ApiException.invalid("Model json is missing mandatory fields: {" + String.join(", ", missing) + "}");
    }
    MLmodel mlmodel = MLmodel.parse(json);
    writers.write(runId, w -> w.recordLoggedModel(mlmodel));
    return Map.of();
  }

  private Map<String, Object> listArtifacts(ApiRequest r) {
    String runId = r.runId();
    String path = r.string("path");
    Run run = reader.snapshot().getRun(runId);
    List<ArtifactInfo> files = store.listArtifacts(runId, path == null || path.isEmpty() ? null : path);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("root_uri", run.info().artifactUri());
    List<Object> list = new ArrayList<>();
    for (ArtifactInfo f : files) {
      Map<String, Object> file = new LinkedHashMap<>();
      file.put("path", f.path());
      file.put("is_dir", f.isDir());
      if (f.fileSize() != null) {
        file.put("file_size", f.fileSize());
      }
      list.add(file);
    }
    if (!list.isEmpty()) {
      out.put("files", list);
    }
    return out;
  }
}
