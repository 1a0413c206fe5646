package io.tracklog.error;

/** An experiment name or an imported id is already taken (MLflow: RESOURCE_ALREADY_EXISTS). */
public final class ResourceAlreadyExistsException extends StoreException {
  private static final long serialVersionUID = 1L;

  public ResourceAlreadyExistsException(String message) {
    super(message);
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.RESOURCE_ALREADY_EXISTS;
  }
}
