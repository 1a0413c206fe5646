package io.tracklog.model;

import io.tracklog.error.CorruptFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A model found by {@link Models#load}: its local directory and its parsed MLmodel. For a {@code runs:/}
 * URI the directory is inside the store's artifact folder: read it, never change it. An immutable value.
 *
 * @param directory the model directory (the folder holding MLmodel)
 * @param mlmodel its MLmodel file
 */
public record LoadedModel(Path directory, MLmodel mlmodel) {
  public LoadedModel {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(mlmodel, "mlmodel");
  }

  /**
   * The parameters of {@code flavor}.
   *
   * @throws IllegalArgumentException if the model has no such flavor
   */
  public Map<String, Object> flavor(String flavor) {
    Map<String, Object> f = mlmodel.flavors().get(flavor);
    if (f == null) {
      throw new IllegalArgumentException(
          "Model at " + directory + " does not have the \"" + flavor + "\" flavor (it has " + mlmodel.flavors().keySet() + ")");
    }
    return f;
  }

  /**
   * The file or directory a flavor's {@code data} names, inside {@link #directory}.
   *
   * @throws IllegalArgumentException if the model has no such flavor
   * @throws CorruptFileException naming MLmodel if {@code data} is missing or leaves the directory
   */
  public Path dataPath(String flavor) {
    Object data = flavor(flavor).get("data");
    Path mlmodelFile = directory.resolve(MLmodel.FILE_NAME);
    if (!(data instanceof String s) || s.isEmpty()) {
      throw new CorruptFileException(mlmodelFile, "flavor " + flavor + " has no data path");
    }
    Path p = directory.resolve(s).normalize();
    if (!p.startsWith(directory.normalize()) || Path.of(s).isAbsolute()) {
      throw new CorruptFileException(mlmodelFile, "flavor " + flavor + "'s data path leaves the model directory: " + s);
    }
    return p;
  }
}
