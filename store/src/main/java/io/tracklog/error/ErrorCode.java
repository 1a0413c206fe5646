package io.tracklog.error;

/**
 * MLflow's error codes (mlflow/protos/databricks.proto), carried by every Tracklog exception so that a CLI or a REST
 * layer can answer exactly as MLflow would.
 */
public enum ErrorCode {
  INVALID_PARAMETER_VALUE(400),
  RESOURCE_ALREADY_EXISTS(400),
  RESOURCE_DOES_NOT_EXIST(404),
  INVALID_STATE(500),
  INTERNAL_ERROR(500),
  /** A path no endpoint serves (a tracking server's answer). */
  ENDPOINT_NOT_FOUND(404),
  /** No or wrong credentials (a tracking server with authentication). */
  UNAUTHENTICATED(401),
  /** Credentials that may not do this (a read-only user writing, say). */
  PERMISSION_DENIED(403),
  /** A request the server will not take in (too large, too many requests at once). */
  REQUEST_LIMIT_EXCEEDED(429);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status MLflow's server answers with for this code. */
  public int httpStatus() {
    return httpStatus;
  }
}
