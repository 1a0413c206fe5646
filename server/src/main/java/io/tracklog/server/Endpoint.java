package io.tracklog.server;

import java.util.Map;

/**
 * One route of the REST API: a method and a path under {@code /api/2.0} (and {@code /ajax-api/2.0}),
 * the request message's schema, and what answers it.
 */
record Endpoint(String method, String path, Schema schema, Handler handler) {
  /** This endpoint with the parameters of its path template set as request fields, over any the body has. */
  Endpoint bind(Map<String, String> pathParams) {
    return new Endpoint(method, path, schema, r -> handler.handle(r.with(pathParams)));
  }

  /** Answers one request; the result is the response message, rendered as MLflow's JSON. */
  @FunctionalInterface
  interface Handler {
    Map<String, Object> handle(ApiRequest request);
  }
}
