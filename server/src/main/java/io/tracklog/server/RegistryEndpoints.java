package io.tracklog.server;

import io.tracklog.Store;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.search.ModelVersionPage;
import io.tracklog.reader.search.RegistrySearch;
import io.tracklog.registry.LoggedModels;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MLflow's model registry endpoints ({@code /mlflow/registered-models/...},
 * {@code /mlflow/model-versions/...}; mlflow/protos/model_registry.proto, handlers in
 * mlflow/server/handlers.py) over the store's {@link ModelRegistry}; searches go to the
 * {@link StoreReader}. Every answer is built by {@link MlflowJson}'s registry responses, the ones
 * {@code tracklog models ... --format json} prints.
 *
 * <p>As MLflow's handlers read proto2 messages, an absent string is {@code ""}: a model or version
 * created without a description (or a version without run_id or run_link) has them empty, and
 * registered-models/update without a description empties it; model-versions/update without one
 * clears it ({@code HasField}). A version of a logged model ({@code model_id}, MLflow 3) takes the
 * model's files and source run when its source is {@code models:/<model_id>}. {@code
 * deployment_job_id} is accepted and ignored, as MLflow's stores do.
 */
record RegistryEndpoints(Store store, StoreReader reader) {
  private static final Schema MODEL_TAG = Schema.message("RegisteredModelTag").string("key", "value");
  private static final Schema VERSION_TAG = Schema.message("ModelVersionTag").string("key", "value");
  /** model_registry.proto: search_registered_models' default page. */
  private static final long DEFAULT_MAX_MODELS = RegistrySearch.DEFAULT_MAX_MODELS;
  /** model_registry.proto: search_model_versions' default page over REST (the Python client's is smaller). */
  private static final long DEFAULT_MAX_VERSIONS = RegistrySearch.MAX_VERSIONS;

  void register(Api api) {
    registerModels(api, "/mlflow/registered-models/");
    registerVersions(api, "/mlflow/model-versions/");
  }

  private void registerModels(Api api, String base) {
    api.add("POST", base + "create",
        Schema.message("CreateRegisteredModel").string("name", "description", "deployment_job_id").messages("tags", MODEL_TAG),
        r -> MlflowJson.registeredModelResponse(
            registry().createRegisteredModel(r.required("name"), tags(r), orEmpty(r.string("description")))));
    api.add("GET", base + "get", Schema.message("GetRegisteredModel").string("name"),
        r -> MlflowJson.registeredModelResponse(registry().getRegisteredModel(r.required("name"))));
    api.add("POST", base + "rename", Schema.message("RenameRegisteredModel").string("name", "new_name"), r -> {
      String name = r.required("name");
      return MlflowJson.registeredModelResponse(registry().renameRegisteredModel(name, r.required("new_name")));
    });
    api.add("PATCH", base + "update",
        Schema.message("UpdateRegisteredModel").string("name", "description", "deployment_job_id"), r -> {
          String name = r.required("name");
          return MlflowJson.registeredModelResponse(registry().updateRegisteredModel(name, orEmpty(r.string("description"))));
        });
    api.add("DELETE", base + "delete", Schema.message("DeleteRegisteredModel").string("name"), r -> {
      registry().deleteRegisteredModel(r.required("name"));
      return Map.of();
    });
    api.add("GET", base + "search",
        Schema.message("SearchRegisteredModels").string("filter", "page_token").int64("max_results").strings("order_by"),
        r -> MlflowJson.registeredModels(reader.searchRegisteredModels(
            r.string("filter"), maxResults(r, DEFAULT_MAX_MODELS), r.strings("order_by"), r.string("page_token"))));
    api.add("POST", base + "set-tag", Schema.message("SetRegisteredModelTag").string("name", "key", "value"), r -> {
      String name = r.required("name");
      registry().setRegisteredModelTag(name, r.required("key"), orEmpty(r.string("value")));
      return Map.of();
    });
    api.add("DELETE", base + "delete-tag", Schema.message("DeleteRegisteredModelTag").string("name", "key"), r -> {
      String name = r.required("name");
      registry().deleteRegisteredModelTag(name, r.required("key"));
      return Map.of();
    });
    api.add("POST", base + "alias", Schema.message("SetRegisteredModelAlias").string("name", "alias", "version"), r -> {
      String name = r.required("name");
      String alias = r.required("alias");
      registry().setRegisteredModelAlias(name, alias, version(r));
      return Map.of();
    });
    api.add("DELETE", base + "alias", Schema.message("DeleteRegisteredModelAlias").string("name", "alias"), r -> {
      String name = r.required("name");
      registry().deleteRegisteredModelAlias(name, r.required("alias"));
      return Map.of();
    });
    api.add("GET", base + "alias", Schema.message("GetModelVersionByAlias").string("name", "alias"), r -> {
      String name = r.required("name");
      return MlflowJson.modelVersionResponse(registry().getModelVersionByAlias(name, r.required("alias")));
    });
    Schema latest = Schema.message("GetLatestVersions").string("name").strings("stages");
    Endpoint.Handler getLatest = r -> {
      String name = r.required("name");
      return MlflowJson.modelVersions(new ModelVersionPage(registry().getLatestVersions(name, r.strings("stages")), null));
    };
    api.add("POST", base + "get-latest-versions", latest, getLatest);
    api.add("GET", base + "get-latest-versions", latest, getLatest);
  }

  private void registerVersions(Api api, String base) {
    api.add("POST", base + "create",
        Schema.message("CreateModelVersion").string("name", "source", "run_id", "run_link", "description", "model_id")
            .messages("tags", VERSION_TAG),
        this::createVersion);
    api.add("GET", base + "get", Schema.message("GetModelVersion").string("name", "version"), r -> {
      String name = r.required("name");
      return MlflowJson.modelVersionResponse(registry().getModelVersion(name, version(r)));
    });
    api.add("PATCH", base + "update", Schema.message("UpdateModelVersion").string("name", "version", "description"), r -> {
      String name = r.required("name");
      return MlflowJson.modelVersionResponse(registry().updateModelVersion(name, version(r), r.string("description")));
    });
    api.add("DELETE", base + "delete", Schema.message("DeleteModelVersion").string("name", "version"), r -> {
      String name = r.required("name");
      registry().deleteModelVersion(name, version(r));
      return Map.of();
    });
    api.add("GET", base + "search",
        Schema.message("SearchModelVersions").string("filter", "page_token").int64("max_results").strings("order_by"),
        r -> MlflowJson.modelVersions(reader.searchModelVersions(
            r.string("filter"), maxResults(r, DEFAULT_MAX_VERSIONS), r.strings("order_by"), r.string("page_token"))));
    api.add("POST", base + "transition-stage",
        Schema.message("TransitionModelVersionStage").string("name", "version", "stage").bool("archive_existing_versions"),
        r -> {
          String name = r.required("name");
          int version = version(r);
          String stage = r.required("stage");
          boolean archive = Boolean.TRUE.equals(r.bool("archive_existing_versions"));
          return MlflowJson.modelVersionResponse(registry().transitionModelVersionStage(
              name, version, stage, archive ? ModelRegistry.ExistingVersions.ARCHIVE : ModelRegistry.ExistingVersions.KEEP));
        });
    api.add("POST", base + "set-tag", Schema.message("SetModelVersionTag").string("name", "version", "key", "value"), r -> {
      String name = r.required("name");
      int version = version(r);
      registry().setModelVersionTag(name, version, r.required("key"), orEmpty(r.string("value")));
      return Map.of();
    });
    api.add("DELETE", base + "delete-tag", Schema.message("DeleteModelVersionTag").string("name", "version", "key"), r -> {
      String name = r.required("name");
      int version = version(r);
      registry().deleteModelVersionTag(name, version, r.required("key"));
      return Map.of();
    });
    api.add("GET", base + "get-download-uri", Schema.message("GetModelVersionDownloadUri").string("name", "version"), r -> {
      String name = r.required("name");
      return Map.of("artifact_uri", registry().getModelVersionDownloadUri(name, version(r)));
    });
  }

  /**
   * handlers.py {@code _create_model_version}: the source is checked unless the version is a prompt's;
   * a version of a logged model ({@code model_id}) is then listed in the model's
   * {@code mlflow.modelVersions} tag, as the tracking store's {@code set_model_versions_tags} does.
   */
  private Map<String, Object> createVersion(ApiRequest r) {
    String name = r.required("name");
    String source = r.required("source");
    Map<String, String> tags = tags(r);
    String modelId = orEmpty(r.string("model_id"));
    String runId = orEmpty(r.string("run_id"));
    boolean prompt = tags.containsKey(RegisteredModel.PROMPT_TAG);
    if (!prompt && !modelId.isEmpty()) {
      String location = registry().loggedModels().get(modelId).artifactLocation();
      ModelVersionSource.check(source, "model_id", modelId, id -> location);
    } else if (!prompt) {
      ModelVersionSource.check(source, "run_id", runId, id -> reader.snapshot().getRun(id).info().artifactUri());
    }
    ModelVersion v = registry().createModelVersion(
        name, source, runId, tags, orEmpty(r.string("run_link")), orEmpty(r.string("description")));
    if (!prompt && !modelId.isEmpty()) {
      LoggedModels models = registry().loggedModels();
      String listed = LoggedModelVersionsTag.append(models.get(modelId).tags().get(LoggedModelVersionsTag.KEY), name, v.version());
      models.setTags(modelId, Map.of(LoggedModelVersionsTag.KEY, listed));
    }
    return MlflowJson.modelVersionResponse(v);
  }

  private ModelRegistry registry() {
    return store.registry();
  }

  /** A request's tags, in order; a repeated key's last value wins (MLflow's stores). */
  private static Map<String, String> tags(ApiRequest r) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (ApiRequest t : r.messages("tags")) {
      tags.put(t.required("key"), orEmpty(t.string("value")));
    }
    return tags;
  }

  /** A required {@code version}, as Python's {@code int()} reads it. */
  private static int version(ApiRequest r) {
    return ModelRegistry.parseVersion(r.required("version"));
  }

  /** max_results, or the proto's default; int64 clamped into int for the search's own range check. */
  private static int maxResults(ApiRequest r, long byDefault) {
    Long max = r.int64("max_results");
    long v = max == null ? byDefault : max;
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }

  /** An absent proto2 string field reads as "" in MLflow's handlers. */
  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
