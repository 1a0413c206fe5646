package io.tracklog.server;

import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.InputTag;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.error.ErrorCode;
import io.tracklog.reader.search.ModelVersionPage;
import io.tracklog.reader.search.RegisteredModelPage;
import io.tracklog.registry.LoggedModel;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import io.tracklog.internal.PythonJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLflow's REST JSON, byte for byte as its server writes it. The server renders a response proto
 * with {@code message_to_json} (mlflow/utils/proto_json_utils.py): protobuf's {@code MessageToJson}
 * with proto field names, int64 fields turned back into JSON numbers, then Python's
 * {@code json.dumps(d, indent=2)}. That fixes every detail reproduced here:
 *
 * <ul>
 *   <li>keys in proto field-number order ({@code MessageToJson} walks {@code ListFields()}), so a
 *       RunInfo starts with {@code run_uuid} (field 1) and ends with {@code run_id} (field 15);
 *   <li>fields left unset by the entity's {@code to_proto()} are absent, and so are empty repeated
 *       fields; a run's {@code data} and {@code inputs} are always present, possibly {@code {}};
 *   <li>int64 as JSON numbers; doubles as Python's {@code repr} ({@code 0.1}, {@code 1.0},
 *       {@code 1e-05}, {@code 1e+16}); NaN and ±Infinity as the strings {@code "NaN"},
 *       {@code "Infinity"}, {@code "-Infinity"};
 *   <li>two-space indent, {@code ": "} between key and value, {@code []} and {@code {}} for empty
 *       containers, and {@code ensure_ascii}: everything outside printable ASCII escaped as
 *       {@code \}{@code uxxxx} (lower-case hex, surrogate pairs beyond the BMP).
 * </ul>
 *
 * <p>Errors are {@code MlflowException.serialize_as_json()}: {@code json.dumps} on one line, with
 * {@code ", "} between items. Which fields each entity sets is read from mlflow/entities
 * ({@code RunInfo}, {@code Experiment}, {@code Metric}, {@code Dataset}, {@code DatasetInput}
 * {@code .to_proto()}). Map and list values are {@link String}, {@link Long}, {@link Double},
 * {@code Map<String, ?>} and {@code List<?>}.
 */
public final class MlflowJson {
  public static final String NAN = "NaN";
  public static final String INFINITY = "Infinity";
  public static final String NEGATIVE_INFINITY = "-Infinity";

  private MlflowJson() {}

  // ---- entities, as their to_proto() fills them ------------------------------------------------

  /** A {@code Run}: info, data, inputs. FileStore runs carry no outputs, so there is no "outputs". */
  public static Map<String, Object> run(Run run) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("info", runInfo(run.info()));
    Map<String, Object> data = new LinkedHashMap<>();
    putList(data, "metrics", run.metrics().values().stream().map(MlflowJson::metric).toList());
    putList(data, "params", keyValues(run.params()));
    putList(data, "tags", keyValues(run.tags()));
    out.put("data", data);
    Map<String, Object> inputs = new LinkedHashMap<>();
    putList(inputs, "dataset_inputs", run.inputs().stream().map(MlflowJson::datasetInput).toList());
    out.put("inputs", inputs);
    return out;
  }

  /** RunInfo in field-number order: run_uuid 1, experiment_id 2, run_name 3, ..., run_id 15. */
  public static Map<String, Object> runInfo(RunInfo info) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("run_uuid", info.runId());
    out.put("experiment_id", info.experimentId());
    out.put("run_name", info.runName());
    out.put("user_id", info.userId() == null ? "" : info.userId()); // MLflow always sets it, "" at worst
    out.put("status", info.status().name());
    out.put("start_time", info.startTime());
    if (info.endTime() != null && info.endTime() != 0) { // "if self.end_time:"
      out.put("end_time", info.endTime());
    }
    if (!info.artifactUri().isEmpty()) {
      out.put("artifact_uri", info.artifactUri());
    }
    out.put("lifecycle_stage", info.lifecycleStage().mlflowName());
    out.put("run_id", info.runId());
    return out;
  }

  /** Metric: key 1, value 2, timestamp 3, step 4 (always set). */
  public static Map<String, Object> metric(Metric m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", m.key());
    out.put("value", m.value());
    out.put("timestamp", m.timestampMs());
    out.put("step", m.step());
    return out;
  }

  /** Experiment: id 1, name 2, artifact_location 3, lifecycle_stage 4, last_update_time 5, creation_time 6, tags 7. */
  public static Map<String, Object> experiment(Experiment e) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("experiment_id", e.experimentId());
    out.put("name", e.name());
    out.put("artifact_location", e.artifactLocation());
    out.put("lifecycle_stage", e.lifecycleStage().mlflowName());
    if (e.lastUpdateTime() != 0) {
      out.put("last_update_time", e.lastUpdateTime());
    }
    if (e.creationTime() != 0) {
      out.put("creation_time", e.creationTime());
    }
    putList(out, "tags", keyValues(e.tags()));
    return out;
  }

  /** DatasetInput: tags 1, dataset 2 (name, digest, source_type, source, schema?, profile?). */
  public static Map<String, Object> datasetInput(DatasetInput input) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> tags = new ArrayList<>();
    for (InputTag t : input.tags()) {
      tags.add(keyValue(t.key(), t.value()));
    }
    putList(out, "tags", tags);
    Map<String, Object> dataset = new LinkedHashMap<>();
    dataset.put("name", input.dataset().name());
    dataset.put("digest", input.dataset().digest());
    dataset.put("source_type", input.dataset().sourceType());
    dataset.put("source", input.dataset().source());
    if (input.dataset().schema() != null && !input.dataset().schema().isEmpty()) {
      dataset.put("schema", input.dataset().schema());
    }
    if (input.dataset().profile() != null && !input.dataset().profile().isEmpty()) {
      dataset.put("profile", input.dataset().profile());
    }
    out.put("dataset", dataset);
    return out;
  }

  /**
   * RegisteredModel (model_registry.proto): name 1, creation_timestamp 2, last_updated_timestamp 3,
   * description 5, latest_versions 6, tags 7, aliases 8 ({@code {alias, version}}, the version a
   * string); user_id and deployment_job_id are never set by MLflow's stores, and the prompt tag is
   * hidden (registered_model.py {@code to_proto}).
   */
  public static Map<String, Object> registeredModel(RegisteredModel m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", m.name());
    out.put("creation_timestamp", m.creationTimestamp());
    out.put("last_updated_timestamp", m.lastUpdatedTimestamp());
    if (m.description() != null) {
      out.put("description", m.description());
    }
    putList(out, "latest_versions", m.latestVersions().stream().map(MlflowJson::modelVersion).toList());
    putList(out, "tags", keyValues(m.visibleTags()));
    List<Object> aliases = new ArrayList<>();
    m.aliases().forEach((alias, version) -> {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("alias", alias);
      a.put("version", String.valueOf(version));
      aliases.add(a);
    });
    putList(out, "aliases", aliases);
    return out;
  }

  /**
   * ModelVersion (model_registry.proto): name 1, version 2 (a string), creation_timestamp 3,
   * last_updated_timestamp 4, user_id 5, current_stage 6, description 7, source 8, run_id 9, status
   * 10, status_message 11, tags 12, run_link 13, aliases 14; null fields unset (model_version.py
   * {@code to_proto}, which never writes model_id).
   */
  public static Map<String, Object> modelVersion(ModelVersion v) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", v.name());
    out.put("version", String.valueOf(v.version()));
    out.put("creation_timestamp", v.creationTimestamp());
    out.put("last_updated_timestamp", v.lastUpdatedTimestamp());
    putIfSet(out, "user_id", v.userId());
    out.put("current_stage", v.currentStage().displayName());
    putIfSet(out, "description", v.description());
    putIfSet(out, "source", v.source());
    putIfSet(out, "run_id", v.runId());
    out.put("status", v.status());
    putIfSet(out, "status_message", v.statusMessage());
    putList(out, "tags", keyValues(v.tags()));
    putIfSet(out, "run_link", v.runLink());
    putList(out, "aliases", List.copyOf(v.aliases()));
    return out;
  }

  /**
   * LoggedModel (service.proto): info {model_id 1, experiment_id 2, name 3, creation_timestamp_ms 4,
   * last_updated_timestamp_ms 5, artifact_uri 6, status 7, model_type 9, source_run_id 10, tags 12},
   * then data {params 1} (always present, as logged_model.py {@code to_proto} sets it); null fields
   * unset. No metrics: Tracklog links no run metrics to logged models.
   */
  public static Map<String, Object> loggedModel(LoggedModel m) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("model_id", m.modelId());
    info.put("experiment_id", m.experimentId());
    info.put("name", m.name());
    info.put("creation_timestamp_ms", m.creationTimestamp());
    info.put("last_updated_timestamp_ms", m.lastUpdatedTimestamp());
    info.put("artifact_uri", m.artifactLocation());
    info.put("status", m.status().protoName());
    putIfSet(info, "model_type", m.modelType());
    putIfSet(info, "source_run_id", m.sourceRunId());
    putList(info, "tags", keyValues(m.tags()));
    Map<String, Object> data = new LinkedHashMap<>();
    putList(data, "params", keyValues(m.params()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("info", info);
    out.put("data", data);
    return out;
  }

  /** The registry responses that carry one model: {@code {"registered_model": {...}}} (create, get, rename, update). */
  public static Map<String, Object> registeredModelResponse(RegisteredModel m) {
    return single("registered_model", registeredModel(m));
  }

  /** The registry responses that carry one version: {@code {"model_version": {...}}} (create, get, alias, stage). */
  public static Map<String, Object> modelVersionResponse(ModelVersion v) {
    return single("model_version", modelVersion(v));
  }

  /** registered-models/search's response for one page. */
  public static Map<String, Object> registeredModels(RegisteredModelPage page) {
    return page("registered_models", page.models().stream().map(MlflowJson::registeredModel).toList(), page.nextPageToken());
  }

  /** model-versions/search's response for one page (get-latest-versions': no token). */
  public static Map<String, Object> modelVersions(ModelVersionPage page) {
    return page("model_versions", page.versions().stream().map(MlflowJson::modelVersion).toList(), page.nextPageToken());
  }

  private static void putIfSet(Map<String, Object> map, String field, String value) {
    if (value != null) {
      map.put(field, value);
    }
  }

  /** A response holding one message under {@code field}: {@code {"registered_model": {...}}}. */
  public static Map<String, Object> single(String field, Map<String, Object> message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(field, message);
    return out;
  }

  /** A response: {@code list} under {@code field} unless empty, then next_page_token if any. */
  public static Map<String, Object> page(String field, List<?> list, String nextPageToken) {
    Map<String, Object> out = new LinkedHashMap<>();
    putList(out, field, list);
    if (nextPageToken != null && !nextPageToken.isEmpty()) {
      out.put("next_page_token", nextPageToken);
    }
    return out;
  }

  /** MLflow's error body: {@code {"error_code": "...", "message": "..."}} on one line. */
  public static String error(ErrorCode code, String message) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("error_code", code.name());
    out.put("message", message);
    return PythonJson.dumps(out, -1, PythonJson.NonFinite.STRING);
  }

  /** A map as MLflow's repeated key-value messages: {@code [{"key": k, "value": v}, ...]}, in the map's order. */
  static List<Object> keyValues(Map<String, String> map) {
    List<Object> out = new ArrayList<>();
    map.forEach((k, v) -> out.add(keyValue(k, v)));
    return out;
  }

  private static Map<String, Object> keyValue(String key, String value) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("key", key);
    out.put("value", value);
    return out;
  }

  private static void putList(Map<String, Object> map, String field, List<?> list) {
    if (!list.isEmpty()) { // MessageToJson leaves out empty repeated fields
      map.put(field, list);
    }
  }

  // ---- json.dumps ------------------------------------------------------------------------------

  /** {@code json.dumps(value, indent=2)}, non-finite floats as protobuf JSON's strings. */
  public static String dumps(Object value) {
    return PythonJson.dumps(value, 2, PythonJson.NonFinite.STRING);
  }

  /** A JSON string as Python's json module writes it with ensure_ascii. */
  public static void writeString(StringBuilder sb, String s) {
    PythonJson.writeString(sb, s);
  }

  /** "NaN", "Infinity" or "-Infinity": protobuf JSON's names for what JSON numbers cannot hold. */
  public static String nonFinite(double v) {
    if (Double.isNaN(v)) {
      return NAN;
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? INFINITY : NEGATIVE_INFINITY;
    }
    throw new IllegalArgumentException("Invalid non-finite value: " + v);
  }

  /** Python's {@code repr(float)} for a finite double. */
  public static String pythonRepr(double v) {
    return PythonJson.repr(v);
  }
}
