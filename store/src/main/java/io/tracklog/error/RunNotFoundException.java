package io.tracklog.error;

/** No run with this id exists in the store (MLflow: RESOURCE_DOES_NOT_EXIST). */
public final class RunNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final String runId;

  public RunNotFoundException(String runId) {
    super("Run '" + runId + "' not found");
    this.runId = runId;
  }

  public String runId() {
    return runId;
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.RESOURCE_DOES_NOT_EXIST;
  }
}
