package io.tracklog.error;

/** No experiment with this id or name exists (MLflow: RESOURCE_DOES_NOT_EXIST). */
public final class ExperimentNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;

  public ExperimentNotFoundException(String message) {
    super(message);
  }

  public static ExperimentNotFoundException withId(String experimentId) {
    return new ExperimentNotFoundException("No Experiment with id=" + experimentId + " exists");
  }

  public static ExperimentNotFoundException withName(String name) {
    return new ExperimentNotFoundException("Could not find experiment with name '" + name + "'");
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.RESOURCE_DOES_NOT_EXIST;
  }
}
