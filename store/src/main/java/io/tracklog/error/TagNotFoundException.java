package io.tracklog.error;

/** delete_tag named a tag the run or experiment does not have (MLflow: RESOURCE_DOES_NOT_EXIST). */
public final class TagNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  private TagNotFoundException(String message) {
    super(message);
  }

  public TagNotFoundException(String runId, String key) {
    this("No tag with name: " + key + " in run with id " + runId);
  }

  public static TagNotFoundException ofExperiment(String experimentId, String key) {
    return new TagNotFoundException("No tag with name: " + key + " in experiment with id " + experimentId);
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.RESOURCE_DOES_NOT_EXIST;
  }
}
