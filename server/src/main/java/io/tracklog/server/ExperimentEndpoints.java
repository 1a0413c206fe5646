package io.tracklog.server;

import io.tracklog.Store;
import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.ViewType;
import io.tracklog.reader.search.ExperimentPage;
import io.tracklog.reader.search.ExperimentSearch;
import io.tracklog.reader.search.ExperimentSearchRequest;
import io.tracklog.reader.search.SearchRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MLflow's experiment endpoints ({@code /mlflow/experiments/...}, mlflow/protos/service.proto):
 * create, get, get-by-name, search, update, delete, restore, set and delete a tag. Writes go to the
 * store; reads to a fresh snapshot, so a client reads what it wrote.
 */
final class ExperimentEndpoints {
  static final Schema TAG = Schema.message("ExperimentTag").string("key", "value");
  static final String[] VIEW_TYPES = {"ACTIVE_ONLY", "DELETED_ONLY", "ALL"};

  private final Store store;
  private final StoreReader reader;

  ExperimentEndpoints(Store store, StoreReader reader) {
    this.store = store;
    this.reader = reader;
  }

  void register(Api api) {
    String base = "/mlflow/experiments/";
    api.add("POST", base + "create",
        Schema.message("CreateExperiment").string("name", "artifact_location").messages("tags", TAG), this::create);
    api.add("GET", base + "get", Schema.message("GetExperiment").string("experiment_id"), this::get);
    api.add("GET", base + "get-by-name", Schema.message("GetExperimentByName").string("experiment_name"), this::getByName);
    Schema search =
        Schema.message("SearchExperiments")
            .int64("max_results")
            .string("page_token", "filter")
            .strings("order_by")
            .enumeration("view_type", VIEW_TYPES);
    api.add("POST", base + "search", search, this::search);
    api.add("GET", base + "search", search, this::search);
    Schema byId = Schema.message("DeleteExperiment").string("experiment_id");
    api.add("POST", base + "delete", byId, r -> {
      store.deleteExperiment(r.required("experiment_id"));
      return Map.of();
    });
    api.add("POST", base + "restore", byId, r -> {
      store.restoreExperiment(r.required("experiment_id"));
      return Map.of();
    });
    api.add("POST", base + "update", Schema.message("UpdateExperiment").string("experiment_id", "new_name"), r -> {
      String id = r.required("experiment_id");
      String newName = r.string("new_name");
      if (newName != null) { // "If provided, the experiment's name is changed"
        store.renameExperiment(id, newName);
      } else {
        reader.snapshot().getExperiment(id);
      }
      return Map.of();
    });
    api.add("POST", base + "set-experiment-tag",
        Schema.message("SetExperimentTag").string("experiment_id", "key", "value"), r -> {
          store.setExperimentTag(r.required("experiment_id"), r.required("key"), tagValue(r));
          return Map.of();
        });
    api.add("POST", base + "delete-experiment-tag",
        Schema.message("DeleteExperimentTag").string("experiment_id", "key"), r -> {
          store.deleteExperimentTag(r.required("experiment_id"), r.required("key"));
          return Map.of();
        });
  }

  /** A tag value: required to be present, but MLflow lets it be empty. */
  static String tagValue(ApiRequest r) {
    String v = r.string("value");
    if (v == null) {
      throw ApiException.missing("value");
    }
    return v;
  }

  private Map<String, Object> create(ApiRequest r) {
    String name = r.required("name");
    Map<String, String> tags = new LinkedHashMap<>();
    for (ApiRequest t : r.messages("tags")) {
      tags.put(t.required("key"), tagValue(t));
    }
    String location = r.string("artifact_location");
    String id = store.createExperiment(name, location == null || location.isEmpty() ? null : location, tags);
    return Map.of("experiment_id", id);
  }

  private Map<String, Object> get(ApiRequest r) {
    return MlflowJson.single("experiment", MlflowJson.experiment(reader.snapshot().getExperiment(r.required("experiment_id"))));
  }

  private Map<String, Object> getByName(ApiRequest r) {
    String name = r.required("experiment_name");
    return MlflowJson.single(
        "experiment",
        MlflowJson.experiment(
            reader.snapshot().getExperimentByName(name).orElseThrow(() -> ExperimentNotFoundException.withName(name))));
  }

  private Map<String, Object> search(ApiRequest r) {
    ExperimentSearchRequest.Builder b =
        ExperimentSearchRequest.builder()
            .filter(r.string("filter"))
            .orderBy(r.strings("order_by"))
            .pageToken(r.string("page_token"))
            .viewType(view(r.string("view_type")));
    Long max = r.int64("max_results");
    // MLflow's handler passes an absent int64 through as 0, which its stores reject; we use the default.
    b.maxResults(max == null ? SearchRequest.DEFAULT_MAX_RESULTS : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, max)));
    ExperimentPage page = ExperimentSearch.search(reader.snapshot(), b.build());
    return MlflowJson.page("experiments", page.experiments().stream().map(MlflowJson::experiment).toList(), page.nextPageToken());
  }

  static ViewType view(String name) {
    return name == null ? ViewType.ACTIVE_ONLY : ViewType.valueOf(name);
  }
}
