package io.tracklog.server;

import io.tracklog.ArtifactInfo;
import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.Run;
import io.tracklog.reader.StoreReader;
import io.tracklog.registry.LoggedModel;
import io.tracklog.registry.LoggedModels;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLflow 3's logged-model endpoints ({@code /mlflow/logged-models...}, service.proto; handlers
 * {@code _create_logged_model}, {@code _get_logged_model}, {@code _finalize_logged_model},
 * {@code _delete_logged_model}, {@code _search_logged_models}, {@code _set_logged_model_tags},
 * {@code _delete_logged_model_tag}, {@code _log_logged_model_params},
 * {@code _list_logged_model_artifacts}, and {@code _log_outputs} for {@code runs/outputs} in
 * mlflow/server/handlers.py), what a 3.x client's
 * {@code mlflow.<flavor>.log_model} calls: create, upload the files through the artifact proxy
 * to the model's {@code mlflow-artifacts:/<experiment>/models/<model_id>/artifacts}, finalize.
 * The {@code {model_id}} of the URL names the model. As in MLflow's handlers an absent model_type or
 * source_run_id reads as {@code ""} (proto2).
 */
record LoggedModelEndpoints(StoreReader reader, LoggedModels models) {
  private static final Schema KEY_VALUE = Schema.message("LoggedModelTag").string("key", "value");
  private static final String[] STATUSES = {"LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"};

  void register(Api api) {
    String base = "/mlflow/logged-models";
    String one = base + "/{model_id}";
    api.add("POST", base,
        Schema.message("CreateLoggedModel").string("experiment_id", "name", "model_type", "source_run_id")
            .messages("params", KEY_VALUE).messages("tags", KEY_VALUE),
        this::create);
    api.add("GET", one, Schema.message("GetLoggedModel").string("model_id"),
        r -> model(models.get(r.required("model_id"))));
    api.add("PATCH", one, Schema.message("FinalizeLoggedModel").string("model_id").enumeration("status", STATUSES), r -> {
      String id = r.required("model_id");
      String status = r.string("status");
      if (status == null) {
        throw ApiException.missing("status");
      }
      return model(models.finalizeModel(id, LoggedModel.Status.values()[List.of(STATUSES).indexOf(status)]));
    });
    api.add("DELETE", one, Schema.message("DeleteLoggedModel").string("model_id"), r -> {
      models.delete(r.required("model_id"));
      return Map.of();
    });
    api.add("POST", base + "/search",
        Schema.message("SearchLoggedModels").strings("experiment_ids").string("filter", "page_token").int32("max_results")
            .messages("datasets", Schema.message("Dataset").string("dataset_name", "dataset_digest"))
            .messages("order_by", Schema.message("OrderBy").string("field_name", "dataset_name", "dataset_digest").bool("ascending")),
        this::search);
    api.add("PATCH", one + "/tags", Schema.message("SetLoggedModelTags").string("model_id").messages("tags", KEY_VALUE), r -> {
      String id = r.required("model_id");
      models.setTags(id, keyValues(r.messages("tags")));
      return Map.of();
    });
    api.add("DELETE", one + "/tags/{tag_key}", Schema.message("DeleteLoggedModelTag").string("model_id", "tag_key"), r -> {
      String id = r.required("model_id");
      models.deleteTag(id, r.required("tag_key"));
      return Map.of();
    });
    api.add("POST", one + "/params",
        Schema.message("LogLoggedModelParamsRequest").string("model_id").messages("params", KEY_VALUE), r -> {
          String id = r.required("model_id");
          models.logParams(id, keyValues(r.messages("params")));
          return Map.of();
        });
    api.add("POST", "/mlflow/runs/outputs",
        Schema.message("LogOutputs").string("run_id").messages("models", Schema.message("ModelOutput").string("model_id").int64("step")),
        this::logOutputs);
    api.add("GET", one + "/artifacts/directories",
        Schema.message("ListLoggedModelArtifacts").string("model_id", "artifact_directory_path", "page_token"),
        this::listArtifacts);
  }

  /**
   * {@code runs/outputs} (handlers.py {@code _log_outputs}): what {@code log_model} calls inside a run.
   * The run must exist and be active, every model exist; then all are recorded, or none.
   */
  private Map<String, Object> logOutputs(ApiRequest r) {
    String runId = r.required("run_id");
    Run run = reader.snapshot().getRun(runId);
    if (run.info().lifecycleStage() != LifecycleStage.ACTIVE) {
      throw ApiException.invalid("The run " + runId + " must be in the 'active' state. Current state: deleted.");
    }
    Map<String, Long> steps = new LinkedHashMap<>();
    for (ApiRequest m : r.messages("models")) {
      steps.put(m.required("model_id"), m.requiredInt64("step"));
    }
    models.logOutputs(runId, steps);
    return Map.of();
  }

  private Map<String, Object> create(ApiRequest r) {
    String experimentId = r.required("experiment_id");
    Experiment e = reader.snapshot().getExperiment(experimentId); // RESOURCE_DOES_NOT_EXIST first
    if (e.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw ApiException.invalid("The experiment " + experimentId + " must be in the 'active' state. Current state: deleted.");
    }
    String sourceRunId = r.string("source_run_id");
    if (sourceRunId != null && !sourceRunId.isEmpty()) {
      reader.snapshot().getRun(sourceRunId);
    }
    return model(models.create(
        experimentId, r.string("name"), orEmpty(r.string("model_type")), orEmpty(sourceRunId),
        ArtifactProxy.SCHEME + experimentId, keyValues(r.messages("params")), keyValues(r.messages("tags"))));
  }

  private Map<String, Object> search(ApiRequest r) {
    if (!r.has("experiment_ids")) {
      throw ApiException.missing("experiment_ids");
    }
    if (!r.messages("datasets").isEmpty()) {
      throw ApiException.invalid("Searching logged models by dataset is not supported by this server: it links no metrics to logged models.");
    }
    List<LoggedModelSearch.Order> order = new ArrayList<>();
    for (ApiRequest o : r.messages("order_by")) {
      order.add(new LoggedModelSearch.Order(o.required("field_name"), !Boolean.FALSE.equals(o.bool("ascending"))));
    }
    Integer max = r.int32("max_results");
    LoggedModelSearch.Page page = LoggedModelSearch.search(
        models.list(r.strings("experiment_ids")), r.string("filter"), order,
        max == null ? LoggedModelSearch.DEFAULT_MAX_RESULTS : max, r.string("page_token"));
    return MlflowJson.page("models", page.models().stream().map(MlflowJson::loggedModel).toList(), page.nextPageToken());
  }

  private Map<String, Object> listArtifacts(ApiRequest r) {
    LoggedModel m = models.get(r.required("model_id"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("root_uri", m.artifactLocation());
    List<Object> files = new ArrayList<>();
    for (ArtifactInfo f : models.listArtifacts(m.modelId(), r.string("artifact_directory_path"))) {
      files.add(ArtifactProxy.fileInfo(f, f.path()));
    }
    if (!files.isEmpty()) {
      out.put("files", files);
    }
    return out;
  }

  private static Map<String, Object> model(LoggedModel m) {
    return MlflowJson.single("model", MlflowJson.loggedModel(m));
  }

  private static Map<String, String> keyValues(List<ApiRequest> list) {
    Map<String, String> out = new LinkedHashMap<>();
    for (ApiRequest kv : list) {
      out.put(kv.required("key"), orEmpty(kv.string("value")));
    }
    return out;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
