package io.tracklog.error;

/**
 * The operation is not allowed in the current state: a run in a deleted experiment, renaming a deleted
 * experiment, deleting the Default experiment (MLflow: INVALID_STATE).
 */
public final class InvalidStateException extends StoreException {
  private static final long serialVersionUID = 1L;

  public InvalidStateException(String message) {
    super(message);
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.INVALID_STATE;
  }
}
