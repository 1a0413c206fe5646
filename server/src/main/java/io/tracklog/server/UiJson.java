package io.tracklog.server;

import io.tracklog.internal.PythonJson;
import io.tracklog.reader.search.InvalidFilterException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web UI's JSON: compact (one line, no indent: a chart's tens of thousands of numbers are half
 * the bytes), non-finite doubles as the strings {@code "NaN"}, {@code "Infinity"}, {@code
 * "-Infinity"} so that the browser's {@code JSON.parse} takes it. A filter error also says where in
 * the filter it is, for the UI to point at it.
 */
final class UiJson {
  private UiJson() {}

  static String dumps(Object value) {
    return PythonJson.dumps(value, -1, PythonJson.NonFinite.STRING);
  }

  /** {@code reply} (MLflow's error) with the filter error's position and clause added. */
  static Api.Reply error(Api.Reply reply, RuntimeException e) {
    if (!(e instanceof InvalidFilterException f)) {
      return reply;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error_code", f.errorCode().name());
    body.put("message", f.getMessage());
    body.put("position", (long) f.position());
    body.put("clause", f.clause());
    return new Api.Reply(reply.status(), dumps(body));
  }
}
