package io.tracklog.model;

import io.tracklog.error.InvalidParameterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code onnx} flavor (mlflow/onnx/__init__.py): the ONNX file as {@code model.onnx}, the flavor
 * entry MLflow writes ({@code onnx_version}, {@code data}, {@code providers}, {@code
 * onnx_session_options: null}, {@code code: null}) and {@code python_function} with loader module
 * {@code mlflow.onnx}, so that {@code mlflow.pyfunc.load_model} runs it with onnxruntime.
 *
 * <pre>{@code
 * run.logModel("model", OnnxFlavor.of(Path.of("model.onnx")), ModelOptions.DEFAULT);
 * }</pre>
 *
 * @param file the ONNX model file
 * @param onnxVersion the onnx package version recorded as {@code onnx_version} (Java cannot ask Python)
 * @param env the Python environment written next to it
 */
public record OnnxFlavor(Path file, String onnxVersion, PythonEnv env) implements ModelFlavor {
  /** The onnx version recorded when none is given. */
  public static final String DEFAULT_ONNX_VERSION = "1.17.0";

  static final String DATA = "model.onnx";

  public OnnxFlavor {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(onnxVersion, "onnxVersion");
    Objects.requireNonNull(env, "env");
  }

  /** The ONNX file with the default onnx version and requirements {@code onnx}, {@code onnxruntime}. */
  public static OnnxFlavor of(Path file) {
    return new OnnxFlavor(file, DEFAULT_ONNX_VERSION, PythonEnv.of("onnx==" + DEFAULT_ONNX_VERSION, "onnxruntime"));
  }

  /**
   * @throws InvalidParameterException if {@link #file} is not a regular file
   */
  @Override
  public Map<String, Map<String, Object>> save(Path modelDir) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidParameterException("Cannot save ONNX model " + file + ": not a regular file");
    }
    Files.copy(file, modelDir.resolve(DATA));
    env.write(modelDir);
    Map<String, Map<String, Object>> flavors = new LinkedHashMap<>();
    flavors.put("python_function", env.pythonFunction("mlflow.onnx", DATA));
    Map<String, Object> onnx = new LinkedHashMap<>();
    onnx.put("onnx_version", onnxVersion);
    onnx.put("data", DATA);
    onnx.put("providers", List.of("CUDAExecutionProvider", "CPUExecutionProvider"));
    onnx.put("onnx_session_options", null);
    onnx.put("code", null);
    flavors.put("onnx", onnx);
    return flavors;
  }
}
