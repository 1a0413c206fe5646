package io.tracklog.model;

import io.tracklog.error.InvalidParameterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Tracklog's generic {@code jvm} flavor for models a JVM library loads (DJL, Tribuo, PMML, a plain
 * directory): the file or directory is copied into the model directory under its own name, and the
 * entry records {@code data} (that name), {@code loader_class} (a class the consumer uses to load it,
 * by convention) and any extra parameters. Python's MLflow reads the MLmodel file but has no loader
 * for this flavor (no {@code python_function}). docs/FORMAT.md §Models.
 *
 * <pre>{@code
 * run.logModel("model", JvmFlavor.of(Path.of("model.pmml"), "org.jpmml.evaluator.LoadingModelEvaluatorBuilder"),
 *     ModelOptions.DEFAULT);
 * }</pre>
 *
 * @param source the model's file or directory
 * @param loaderClass the fully qualified name of the class that loads it
 * @param params extra flavor parameters (e.g. {@code framework: djl}); not {@code data} or {@code loader_class}
 */
public record JvmFlavor(Path source, String loaderClass, Map<String, Object> params) implements ModelFlavor {
  /** The flavor's name in MLmodel. */
  public static final String NAME = "jvm";

  public JvmFlavor {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(loaderClass, "loaderClass");
    params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    if (params.containsKey("data") || params.containsKey("loader_class")) {
      throw new IllegalArgumentException("Invalid params: data and loader_class are set by the flavor");
    }
  }

  /** A file or directory with its loader class, no extra parameters. */
  public static JvmFlavor of(Path source, String loaderClass) {
    return new JvmFlavor(source, loaderClass, Map.of());
  }

  /**
   * @throws InvalidParameterException if {@link #source} is neither a file nor a directory with files, or
   *     is named {@code MLmodel}
   */
  @Override
  public Map<String, Map<String, Object>> save(Path modelDir) throws IOException {
    String name = source.getFileName() == null ? "" : source.getFileName().toString();
    if (name.isEmpty() || name.equals(MLmodel.FILE_NAME)) {
      throw new InvalidParameterException("Cannot save JVM model " + source + ": its name cannot be '" + name + "'");
    }
    Path target = modelDir.resolve(name);
    if (Files.isRegularFile(source)) {
      Files.copy(source, target);
    } else if (Files.isDirectory(source)) {
      List<Path> files;
      try (Stream<Path> walk = Files.walk(source)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      if (files.isEmpty()) {
        throw new InvalidParameterException("Cannot save JVM model " + source + ": the directory has no files");
      }
      for (Path f : files) {
        Path to = target.resolve(source.relativize(f).toString());
        Files.createDirectories(to.getParent());
        Files.copy(f, to);
      }
    } else {
      throw new InvalidParameterException("Cannot save JVM model " + source + ": not a file or directory");
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("data", name);
    entry.put("loader_class", loaderClass);
    entry.putAll(params);
    Map<String, Map<String, Object>> flavors = new LinkedHashMap<>();
    flavors.put(NAME, entry);
    return flavors;
  }
}
