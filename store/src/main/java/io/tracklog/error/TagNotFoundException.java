package io.tracklog.error;

/** delete_tag named a tag the run does not have (MLflow: RESOURCE_DOES_NOT_EXIST). */
public final class TagNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  public TagNotFoundException(String runId, String key) {
    super("No tag with name: " + key + " in run with id " + runId);
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.RESOURCE_DOES_NOT_EXIST;
  }
}
