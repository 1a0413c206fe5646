package io.tracklog;

/** Whether an experiment or run is active or soft-deleted; MLflow's lower-case names. */
public enum LifecycleStage {
  ACTIVE("active"),
  DELETED("deleted");

  private final String mlflowName;

  LifecycleStage(String mlflowName) {
    this.mlflowName = mlflowName;
  }

  /** {@code "active"} or {@code "deleted"}, as MLflow writes it. */
  public String mlflowName() {
    return mlflowName;
  }

  public static LifecycleStage ofMlflowName(String name) {
    for (LifecycleStage s : values()) {
      if (s.mlflowName.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("Invalid lifecycle stage: " + name);
  }
}
