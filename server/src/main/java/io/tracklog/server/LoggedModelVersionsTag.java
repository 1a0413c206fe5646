package io.tracklog.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.internal.PythonJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code mlflow.modelVersions} tag of a logged model (mlflow/utils/mlflow_tags.py): the registered
 * versions made of it, a JSON list of {@code {"name", "version"}} as {@code json.dumps} writes it,
 * appended to by the tracking store's {@code set_model_versions_tags} when a version is created.
 */
final class LoggedModelVersionsTag {
  static final String KEY = "mlflow.modelVersions";
  private static final ObjectMapper JSON = new ObjectMapper();

  private LoggedModelVersionsTag() {}

  /** {@code existing} (null or unreadable: none) with {@code {"name": name, "version": version}} appended. */
  static String append(String existing, String name, int version) {
    List<Object> list = new ArrayList<>();
    try {
      JsonNode old = existing == null ? null : JSON.readTree(existing);
      if (old != null && old.isArray()) {
        for (JsonNode entry : old) {
          list.add(entry(entry.path("name").asText(), entry.path("version").asLong()));
        }
      }
    } catch (JsonProcessingException e) {
      // not a list: start one
    }
    list.add(entry(name, version));
    return PythonJson.dumps(list, -1, PythonJson.NonFinite.STRING);
  }

  private static Map<String, Object> entry(String name, long version) {
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("name", name);
    e.put("version", version);
    return e;
  }
}
