package io.tracklog;

/**
 * A run's status, with MLflow's numbers ({@code service.proto}). Search and display use the names;
 * MLflow's file store writes the numbers.
 */
public enum RunStatus {
  RUNNING(1),
  SCHEDULED(2),
  FINISHED(3),
  FAILED(4),
  KILLED(5);

  private final int number;

  RunStatus(int number) {
    this.number = number;
  }

  /** MLflow's protobuf number for this status. */
  public int number() {
    return number;
  }

  /** FINISHED, FAILED and KILLED end a run. */
  public boolean isTerminal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }

  /** The status with MLflow's number {@code n}. */
  public static RunStatus ofNumber(int n) {
    for (RunStatus s : values()) {
      if (s.number == n) {
        return s;
      }
    }
    throw new IllegalArgumentException("Invalid run status number: " + n);
  }
}
