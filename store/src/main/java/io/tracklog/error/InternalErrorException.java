package io.tracklog.error;

/**
 * A request MLflow refuses with a plain {@code MlflowException}, that is INTERNAL_ERROR (HTTP 500),
 * kept for wire compatibility: a malformed {@code runs:/} URI, archiving existing versions into a
 * stage that is not Staging or Production.
 */
public final class InternalErrorException extends StoreException {
  private static final long serialVersionUID = 1L;

  public InternalErrorException(String message) {
    super(message);
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.INTERNAL_ERROR;
  }
}
