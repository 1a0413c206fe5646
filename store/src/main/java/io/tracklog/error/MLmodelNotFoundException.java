package io.tracklog.error;

import java.nio.file.Path;

/**
 * A model URI resolved to a location with no {@code MLmodel} file (MLflow: RESOURCE_DOES_NOT_EXIST,
 * {@code Could not find an "MLmodel" configuration file at "<path>"}, mlflow/models/model.py).
 */
public final class MLmodelNotFoundException extends StoreException {
  private static final long serialVersionUID = 1L;
  private final transient Path path;

  public MLmodelNotFoundException(Path path) {
    super("Could not find an \"MLmodel\" configuration file at \"" + path + "\"");
    this.path = path;
  }

  /** Where the MLmodel file was looked for. */
  public Path path() {
    return path;
  }

  @Override
  public ErrorCode errorCode() {
    return ErrorCode.RESOURCE_DOES_NOT_EXIST;
  }
}
