package io.tracklog.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model flavor (MLflow's {@code save_model} of a flavor module): writes its files into a new model
 * directory and returns the entries it adds to the MLmodel file's {@code flavors}, in the order
 * MLflow adds them ({@code python_function} first when the flavor is loadable from Python). Built in:
 * {@link OnnxFlavor}, {@link JvmFlavor}; the module {@code tracklog-models-xgboost} adds {@code xgboost}.
 *
 * <p>Implementations must write only inside {@code modelDir} and not write {@code MLmodel}. The
 * built-in ones are immutable records; {@code save} may be called any number of times, from any thread.
 */
public interface ModelFlavor {
  /**
   * Writes the flavor's files into {@code modelDir} (an empty directory).
   *
   * @return flavor name → its parameters, as they go into MLmodel
   * @throws IOException if a file cannot be written
   */
  Map<String, Map<String, Object>> save(Path modelDir) throws IOException;
}
