package io.tracklog.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A route path with parameters, as MLflow's protos write them ({@code /mlflow/logged-models/{model_id}/tags},
 * service.proto): each {@code {name}} matches one non-empty path segment, which becomes the request field
 * {@code name} (mlflow/server/handlers.py passes it to the handler, Flask's {@code <model_id>}).
 */
record PathTemplate(String path) {
  static boolean isTemplate(String path) {
    return path.indexOf('{') >= 0;
  }

  /** The parameters if {@code requestPath} matches, else null. */
  Map<String, String> match(String requestPath) {
    String[] segments = path.split("/", -1);
    String[] parts = requestPath.split("/", -1);
    if (parts.length != segments.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < parts.length; i++) {
      String s = segments[i];
      if (s.startsWith("{") && s.endsWith("}")) {
        if (parts[i].isEmpty()) {
          return null;
        }
        params.put(s.substring(1, s.length() - 1), parts[i]);
      } else if (!s.equals(parts[i])) {
        return null;
      }
    }
    return params;
  }
}
