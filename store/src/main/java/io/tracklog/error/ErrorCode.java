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
  INTERNAL_ERROR(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  /** The HTTP status MLflow's server answers with for this code. */
  public int httpStatus() {
    return httpStatus;
  }
}
