package io.tracklog.server;

import io.tracklog.error.ErrorCode;
import io.tracklog.error.HasErrorCode;

/**
 * A request the server refuses before it reaches the store: a malformed body, a wrong type, a
 * missing field, an unknown endpoint, failed authentication. Carries MLflow's error code, so the
 * client gets MLflow's body and HTTP status.
 */
final class ApiException extends RuntimeException implements HasErrorCode {
  private final ErrorCode code;

  ApiException(ErrorCode code, String message) {
    super(message);
    this.code = code;
  }

  static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_PARAMETER_VALUE, message);
  }

  /** MLflow's message for a required field that is absent or empty (mlflow/server/handlers.py). */
  static ApiException missing(String field) {
    return invalid("Missing value for required parameter '" + field + "'.");
  }

  @Override
  public ErrorCode errorCode() {
    return code;
  }
}
