package io.tracklog.error;

/** A write to a run whose lifecycle stage is {@code deleted} (MLflow: INVALID_PARAMETER_VALUE). */
public final class RunNotActiveException extends InvalidParameterException {
  private static final long serialVersionUID = 1L;
  private final String runId;

  public RunNotActiveException(String runId) {
    super("Cannot write to run '" + runId + "': the run must be in the 'active' state, it is 'deleted'");
    this.runId = runId;
  }

  public String runId() {
    return runId;
  }
}
