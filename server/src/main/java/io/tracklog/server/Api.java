package io.tracklog.server;

import io.tracklog.error.ErrorCode;
import io.tracklog.error.HasErrorCode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The REST API's routes and how a request becomes a response: find the endpoint, read the request
 * into its schema, run the handler, render the answer as MLflow's JSON; a failure becomes MLflow's
 * error body and HTTP status. Knows nothing of HTTP libraries, so the transport can be swapped.
 */
final class Api {
  /** The prefixes MLflow mounts its API under (mlflow/server/handlers.py, {@code _get_paths}). */
  static final String[] PREFIXES = {"/api/2.0", "/ajax-api/2.0"};

  /** A response: an HTTP status and a JSON body. */
  record Reply(int status, String body) {}

  private final Map<String, Map<String, Endpoint>> routes = new HashMap<>();
  private final Map<PathTemplate, Map<String, Endpoint>> templates = new LinkedHashMap<>();
  private final System.Logger log = System.getLogger(Api.class.getName());
  private final boolean readOnly;

  /** @param readOnly whether endpoints that change the store are refused (PERMISSION_DENIED) */
  Api(boolean readOnly) {
    this.readOnly = readOnly;
  }

  Api() {
    this(false);
  }

  boolean readOnly() {
    return readOnly;
  }

  /** A route; {@code {name}} segments of the path are parameters that become request fields ({@link PathTemplate}). */
  void add(String method, String path, Schema schema, Endpoint.Handler handler) {
    add(new Endpoint(method, path, schema, handler, false));
  }

  /** A route of the web UI's own API: compact JSON, filter errors with their position. */
  void addUi(String path, Schema schema, Endpoint.Handler handler) {
    add(new Endpoint("GET", path, schema, handler, true));
  }

  private void add(Endpoint e) {
    String path = e.path();
    String method = e.method();
    if (PathTemplate.isTemplate(path)) {
      templates.computeIfAbsent(new PathTemplate(path), p -> new LinkedHashMap<>()).put(method, e);
    } else {
      routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, e);
    }
  }

  /** The path below an API prefix ({@code /mlflow/runs/get}), or null if it is under none. */
  static String apiPath(String requestPath) {
    for (String prefix : PREFIXES) {
      if (requestPath.startsWith(prefix + "/")) {
        return requestPath.substring(prefix.length());
      }
    }
    return null;
  }

  /**
   * The endpoint for a method and API path.
   *
   * @throws ApiException ENDPOINT_NOT_FOUND if no endpoint has the path, BAD_REQUEST-like
   *     INVALID_PARAMETER_VALUE naming the allowed methods if the method is wrong, PERMISSION_DENIED
   *     if the server is read-only and the endpoint writes
   */
  Endpoint find(String method, String path) {
    Endpoint e = route(method, path);
    if (readOnly && e.writes()) {
      throw readOnlyRefusal();
    }
    return e;
  }

  static ApiException readOnlyRefusal() {
    return new ApiException(ErrorCode.PERMISSION_DENIED,
        "This server is read-only: it takes no changes to the store (start it with --allow-edits to allow them).");
  }

  private Endpoint route(String method, String path) {
    Map<String, Endpoint> byMethod = path == null ? null : routes.get(path);
    if (path != null && (byMethod == null || !byMethod.containsKey(method))) {
      for (var t : templates.entrySet()) { // after the fixed paths: logged-models/search is no model id
        Map<String, String> params = t.getKey().match(path);
        Endpoint e = params == null ? null : t.getValue().get(method);
        if (e != null) {
          return e.bind(params);
        }
        byMethod = byMethod == null && params != null ? t.getValue() : byMethod;
      }
    }
    if (byMethod == null) {
      throw new ApiException(ErrorCode.ENDPOINT_NOT_FOUND, "No API endpoint at " + path + ".");
    }
    Endpoint e = byMethod.get(method);
    if (e == null) {
      throw new MethodNotAllowed(path, String.join(", ", new TreeSet<>(byMethod.keySet())));
    }
    return e;
  }

  /** Runs an endpoint on a parsed request; every failure becomes MLflow's error reply. */
  Reply call(Endpoint endpoint, java.util.function.Supplier<ApiRequest> request) {
    try {
      Map<String, Object> response = endpoint.handler().handle(request.get());
      return new Reply(200, endpoint.ui() ? UiJson.dumps(response) : MlflowJson.dumps(response));
    } catch (RuntimeException e) {
      return endpoint.ui() ? UiJson.error(error(e), e) : error(e);
    }
  }

  /**
   * MLflow's error reply for a failure: the code and message of a Tracklog or request error; a
   * generic INTERNAL_ERROR (the detail logged here, never sent) for anything else.
   */
  Reply error(RuntimeException e) {
    if (e instanceof MethodNotAllowed m) {
      return new Reply(405, MlflowJson.error(ErrorCode.INVALID_PARAMETER_VALUE, m.getMessage()));
    }
    if (e instanceof HasErrorCode h) {
      ErrorCode code = h.errorCode();
      String message = e.getMessage() == null ? code.name() : e.getMessage();
      if (code == ErrorCode.INTERNAL_ERROR) {
        log.log(System.Logger.Level.ERROR, "Request failed", e);
      }
      return new Reply(code.httpStatus(), MlflowJson.error(code, message));
    }
    if (e instanceof IllegalArgumentException) { // a value a store-side check refused
      return new Reply(400, MlflowJson.error(ErrorCode.INVALID_PARAMETER_VALUE, String.valueOf(e.getMessage())));
    }
    log.log(System.Logger.Level.ERROR, "Request failed", e);
    return new Reply(500, MlflowJson.error(ErrorCode.INTERNAL_ERROR, "Internal error: " + e.getClass().getSimpleName()));
  }

  /** A known path asked with a method it does not take. */
  static final class MethodNotAllowed extends RuntimeException {
    final String allowed;

    MethodNotAllowed(String path, String allowed) {
      super("The endpoint " + path + " accepts " + allowed + ".");
      this.allowed = allowed;
    }
  }
}
