package io.tracklog.model;

import io.tracklog.error.ErrorCode;
import io.tracklog.error.InvalidParameterException;

/**
 * A model URI that is not one (MLflow's "Not a proper runs:/ URI" and "Not a proper models:/ URI",
 * mlflow/store/artifact/runs_artifact_repo.py and mlflow/store/artifact/utils/models.py). A caller's
 * mistake, but MLflow answers it with {@code INTERNAL_ERROR}, and so does this (kept for REST parity).
 */
public final class InvalidModelUriException extends InvalidParameterException {
  private static final long serialVersionUID = 1L;

  InvalidModelUriException(String message) {
    super(message);
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.INTERNAL_ERROR;
  }
}
