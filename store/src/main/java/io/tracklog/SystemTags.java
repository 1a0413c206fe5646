package io.tracklog;

/** MLflow's reserved tag keys that Tracklog writes or interprets ({@code mlflow_tags.py}). */
public final class SystemTags {
  /** Kept equal to the run's name; setting it renames the run. */
  public static final String RUN_NAME = "mlflow.runName";
  /** The user that started the run. */
  public static final String USER = "mlflow.user";
  /** Marks a nested run: the id of its parent. */
  public static final String PARENT_RUN_ID = "mlflow.parentRunId";
  public static final String SOURCE_NAME = "mlflow.source.name";
  public static final String SOURCE_TYPE = "mlflow.source.type";
  public static final String NOTE = "mlflow.note.content";

  private SystemTags() {}
}
