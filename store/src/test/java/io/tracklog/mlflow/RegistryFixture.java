package io.tracklog.mlflow;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The hand-written MLflow FileStore tree with a model registry (src/test/resources/mlflow-registry:
 * experiment 1 with one run, models {@code mnist} with versions 1–4, 3 Deleted_Internal, aliases
 * champion → 2 and challenger → 4, and {@code fraud} with version 1), where {@code @MLRUNS_URI@}
 * stands for the tree's own {@code file://} URI. Shared with the cli module's tests (test-jar).
 */
public final class RegistryFixture {
  /** The id of the fixture's one run. */
  public static final String RUN = "0123456789abcdef0123456789abcdef";

  private static final String PLACEHOLDER = "@MLRUNS_URI@";

  private RegistryFixture() {}

  /** The fixture's files by relative path ({@code /}), as they read once written at {@code mlruns}. */
  public static Map<String, String> files(Path mlruns) throws Exception {
    java.net.URI uri = RegistryFixture.class.getResource("/mlflow-registry/mlruns").toURI();
    Map<String, String> out = new TreeMap<>();
    if (uri.getScheme().equals("jar")) { // the store's test-jar, as the cli module's tests see it in a full build
      try (java.nio.file.FileSystem jar = java.nio.file.FileSystems.newFileSystem(uri, Map.of())) {
        put(read(jar.provider().getPath(uri)), mlruns, out);
      }
    } else {
      put(read(Path.of(uri)), mlruns, out);
    }
    return out;
  }

  private static void put(Map<String, String> files, Path mlruns, Map<String, String> out) {
    files.forEach((rel, text) -> out.put(rel, text.replace(PLACEHOLDER, MlflowExport.uri(mlruns.toAbsolutePath()))));
  }

  /** The fixture's registry files ({@code models/}), by path relative to {@code models/}, as written at {@code mlruns}. */
  public static Map<String, String> registryFiles(Path mlruns) throws Exception {
    Map<String, String> out = new TreeMap<>();
    files(mlruns).forEach((k, v) -> {
      if (k.startsWith(MlflowFiles.MODELS + "/")) {
        out.put(k.substring(MlflowFiles.MODELS.length() + 1), v);
      }
    });
    return out;
  }

  /** Writes the fixture at {@code mlruns} and returns its absolute path. */
  public static Path write(Path mlruns) throws Exception {
    Path abs = mlruns.toAbsolutePath();
    for (Map.Entry<String, String> f : files(abs).entrySet()) {
      Path p = abs.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
    }
    return abs;
  }

  /** Every regular file below {@code root} by relative path ({@code /}), as UTF-8 text. */
  public static Map<String, String> read(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString().replace('\\', '/'), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
