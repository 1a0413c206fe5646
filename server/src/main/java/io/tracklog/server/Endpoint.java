package io.tracklog.server;

import java.util.Map;

/**
 * One route of the REST API: a method and a path under {@code /api/2.0} (and {@code /ajax-api/2.0}),
 * the request message's schema, and what answers it. A {@code ui} endpoint is one of the web UI's
 * own ({@link UiEndpoints}): answered in compact JSON, its filter errors with their position.
 */
record Endpoint(String method, String path, Schema schema, Handler handler, boolean ui) {
  /** This endpoint with the parameters of its path template set as request fields, over any the body has. */
  Endpoint bind(Map<String, String> pathParams) {
    return new Endpoint(method, path, schema, r -> handler.handle(r.with(pathParams)), ui);
  }

  /** Whether answering this endpoint may change the store. */
  boolean writes() {
    return !method.equals("GET") && !READS.contains(path);
  }

  /** The endpoints that are POSTs (MLflow's protos say so) but only read. */
  private static final java.util.Set<String> READS =
      java.util.Set.of(
          "/mlflow/runs/search",
          "/mlflow/experiments/search",
          "/mlflow/logged-models/search",
          "/mlflow/registered-models/get-latest-versions");

  /** Answers one request; the result is the response message, rendered as MLflow's JSON. */
  @FunctionalInterface
  interface Handler {
    Map<String, Object> handle(ApiRequest request);
  }
}
