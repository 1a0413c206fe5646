package io.tracklog.error;

/**
 * A registered model, model version or alias target does not exist (MLflow: RESOURCE_DOES_NOT_EXIST),
 * with MLflow's message ({@code Registered Model with name=x not found}).
 */
public final class ResourceNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  public ResourceNotFoundException(String message) {
    super(message);
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.RESOURCE_DOES_NOT_EXIST;
  }
}
