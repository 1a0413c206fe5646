package io.tracklog.registry;

import io.tracklog.error.InvalidParameterException;
import java.util.Locale;

/**
 * A model version's stage, as MLflow's {@code ModelVersionStages}
 * (mlflow/entities/model_registry/model_version_stages.py): input is case-insensitive, the stored
 * and printed name is canonical. Deprecated by MLflow since 2.9.0 in favour of aliases, still fully
 * supported.
 */
public enum ModelStage {
  NONE("None"),
  STAGING("Staging"),
  PRODUCTION("Production"),
  ARCHIVED("Archived");

  private final String displayName;

  ModelStage(String displayName) {
    this.displayName = displayName;
  }

  /** MLflow's canonical spelling: {@code None}, {@code Staging}, {@code Production}, {@code Archived}. */
  public String displayName() {
    return displayName;
  }

  /**
   * The stage named {@code text} in any case.
   *
   * @throws InvalidParameterException (INVALID_PARAMETER_VALUE) if it names no stage
   */
  public static ModelStage parse(String text) {
    if (text != null) {
      for (ModelStage s : values()) {
        if (s.displayName.toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
          return s;
        }
      }
    }
    throw new InvalidParameterException(
        "Invalid Model Version stage: " + text + ". Value must be one of None, Staging, Production, Archived.");
  }

  @Override
  public String toString() {
    return displayName;
  }
}
