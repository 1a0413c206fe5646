package io.tracklog.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A parsed model URI, with MLflow's grammar and errors (mlflow/store/artifact/runs_artifact_repo.py,
 * {@code parse_runs_uri}; mlflow/store/artifact/utils/models.py, {@code _parse_model_uri}):
 *
 * <ul>
 *   <li>{@code runs:/<run_id>/<path>} → {@link Runs}; the authority is ignored, so {@code
 *       runs://abc/model} names run {@code model};
 *   <li>{@code models:/<name>/<version>} (digits), {@code models:/<name>/latest} (any case), {@code
 *       models:/<name>/<stage>}, {@code models:/<name>@<alias>} (split at the last {@code @}) → {@link
 *       Registered}; {@code models:/<one part>} → {@link LoggedModelId} (MLflow 3's model id);
 *   <li>{@code file:} URIs and plain paths → {@link Local}.
 * </ul>
 *
 * <p>Immutable values.
 */
public sealed interface ModelUri permits ModelUri.Runs, ModelUri.Registered, ModelUri.LoggedModelId, ModelUri.Local {

  /** {@code runs:/<runId>/<artifactPath>}; {@code artifactPath} null for the run's artifact root. */
  record Runs(String runId, String artifactPath) implements ModelUri {
    public Runs {
      Objects.requireNonNull(runId, "runId");
    }
  }

  /** How a {@link Registered} URI picks a version. */
  enum Selector { VERSION, STAGE, ALIAS, LATEST }

  /**
   * {@code models:/<name>/<version|stage|latest>} or {@code models:/<name>@<alias>}.
   *
   * @param name the registered model's name
   * @param selector how the version is picked
   * @param value the version, stage or alias as written; null for {@link Selector#LATEST}
   */
  record Registered(String name, Selector selector, String value) implements ModelUri {
    public Registered {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(selector, "selector");
    }
  }

  /** {@code models:/<model_id>}: an MLflow 3 LoggedModel, which Tracklog does not have. */
  record LoggedModelId(String modelId) implements ModelUri {}

  /** A local directory: a {@code file:} URI or a plain path. */
  record Local(Path path) implements ModelUri {}

  /**
   * Parses a model URI.
   *
   * @throws InvalidModelUriException with MLflow's message if it is not a proper {@code runs:/} or
   *     {@code models:/} URI, or has another scheme than those and {@code file}
   */
  static ModelUri parse(String uri) {
    return ModelUris.parse(uri);
  }

}
