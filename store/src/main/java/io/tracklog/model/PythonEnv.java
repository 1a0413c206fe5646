package io.tracklog.model;

import io.tracklog.internal.PyYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Python environment files MLflow writes next to a model that Python can load
 * (mlflow/utils/environment.py): {@code conda.yaml}, {@code python_env.yaml} and {@code
 * requirements.txt} (first line {@code mlflow==}{@link Models#MLFLOW_VERSION}), and the {@code
 * python_function} flavor entry that points at them (mlflow/pyfunc/__init__.py, {@code add_to_model}).
 * For flavors: {@link OnnxFlavor} and the xgboost module use it. An immutable value.
 *
 * @param pythonVersion the Python version the model is meant for ({@link #DEFAULT_PYTHON_VERSION})
 * @param requirements pip requirements after mlflow's, e.g. {@code onnx}, {@code xgboost==3.0.2}
 */
public record PythonEnv(String pythonVersion, List<String> requirements) {
  /** The Python version written when none is given. */
  public static final String DEFAULT_PYTHON_VERSION = "3.11.7";

  public PythonEnv {
    Objects.requireNonNull(pythonVersion, "pythonVersion");
    requirements = List.copyOf(requirements);
  }

  /** These requirements with the default Python version. */
  public static PythonEnv of(String... requirements) {
    return new PythonEnv(DEFAULT_PYTHON_VERSION, List.of(requirements));
  }

  /** Writes conda.yaml, python_env.yaml and requirements.txt into {@code dir}. */
  public void write(Path dir) throws IOException {
    List<String> reqs = new ArrayList<>();
    reqs.add("mlflow==" + Models.MLFLOW_VERSION);
    reqs.addAll(requirements);
    Map<String, Object> conda = new LinkedHashMap<>();
    conda.put("channels", List.of("conda-forge"));
    conda.put("dependencies", List.of("python=" + pythonVersion, "pip", Map.of("pip", reqs)));
    conda.put("name", "mlflow-env");
    Files.writeString(dir.resolve("conda.yaml"), PyYaml.dump(conda, true), StandardCharsets.UTF_8);
    Map<String, Object> env = new LinkedHashMap<>(); // python_env.yaml is written unsorted
    env.put("python", pythonVersion);
    env.put("build_dependencies", List.of("pip", "setuptools", "wheel"));
    env.put("dependencies", List.of("-r requirements.txt"));
    Files.writeString(dir.resolve("python_env.yaml"), PyYaml.dump(env, false), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("requirements.txt"), String.join("\n", reqs), StandardCharsets.UTF_8);
  }

  /**
   * The {@code python_function} entry: {@code loader_module}, {@code python_version}, {@code data}
   * (if not null), {@code env} ({@code conda: conda.yaml}, {@code virtualenv: python_env.yaml}).
   */
  public Map<String, Object> pythonFunction(String loaderModule, String data) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("loader_module", Objects.requireNonNull(loaderModule, "loaderModule"));
    p.put("python_version", pythonVersion);
    if (data != null) {
      p.put("data", data);
    }
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("conda", "conda.yaml");
    env.put("virtualenv", "python_env.yaml");
    p.put("env", env);
    return p;
  }

  /** The files {@link #write} writes, which MLflow writes after MLmodel (not counted in model_size_bytes). */
  static final List<String> FILES = List.of("conda.yaml", "python_env.yaml", "requirements.txt");
}
