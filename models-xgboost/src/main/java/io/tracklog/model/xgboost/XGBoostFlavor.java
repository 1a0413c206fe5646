package io.tracklog.model.xgboost;

import io.tracklog.Store;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.model.LoadedModel;
import io.tracklog.model.ModelFlavor;
import io.tracklog.model.Models;
import io.tracklog.model.PythonEnv;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The {@code xgboost} flavor (mlflow/xgboost/__init__.py): an XGBoost4J {@link Booster} saved as
 * {@code model.ubj} (the default) or {@code model.json}, XGBoost's own formats, which Python's
 * xgboost reads too. The MLmodel gets the entry MLflow's xgboost flavor writes ({@code xgb_version},
 * {@code data}, {@code model_class: xgboost.core.Booster}, {@code model_format}, {@code code: null})
 * and {@code python_function} with loader module {@code mlflow.xgboost}, next to {@code conda.yaml},
 * {@code python_env.yaml} and {@code requirements.txt} requiring {@code xgboost==}{@link #XGB_VERSION},
 * so {@code mlflow.xgboost.load_model} and {@code mlflow.pyfunc.load_model} load it.
 *
 * <pre>{@code
 * ModelInfo info = run.logModel("model", XGBoostFlavor.of(booster), ModelOptions.DEFAULT);
 * Booster loaded = XGBoostFlavor.loadBooster(store, info.modelUri());
 * }</pre>
 *
 * <p>Saving uses the booster, which XGBoost4J does not make thread-safe: do not train it meanwhile.
 *
 * @param booster the trained booster
 * @param format the file format
 * @param env the Python environment written next to it
 */
public record XGBoostFlavor(Booster booster, Format format, PythonEnv env) implements ModelFlavor {
  /** The flavor's name in MLmodel. */
  public static final String NAME = "xgboost";

  /** The XGBoost4J version on the classpath, recorded as {@code xgb_version}. */
  public static final String XGB_VERSION = xgboostVersion();

  /** XGBoost's model file formats (MLflow's {@code model_format}, also the file's extension). */
  public enum Format {
    /** Universal Binary JSON, MLflow's default. */
    UBJ,
    /** JSON text. */
    JSON;

    String extension() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public XGBoostFlavor {
    Objects.requireNonNull(booster, "booster");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(env, "env");
  }

  /** A booster saved as {@code model.ubj}, requiring {@code xgboost==}{@link #XGB_VERSION}. */
  public static XGBoostFlavor of(Booster booster) {
    return of(booster, Format.UBJ);
  }

  /** A booster saved in {@code format}. */
  public static XGBoostFlavor of(Booster booster, Format format) {
    return new XGBoostFlavor(booster, format, PythonEnv.of("xgboost==" + XGB_VERSION));
  }

  /**
   * @throws InvalidParameterException if XGBoost cannot serialise the booster
   */
  @Override
  public Map<String, Map<String, Object>> save(Path modelDir) throws IOException {
    String data = "model." + format.extension();
    try (OutputStream out = Files.newOutputStream(modelDir.resolve(data))) {
      booster.saveModel(out, format.extension());
    } catch (XGBoostError e) {
      throw new InvalidParameterException("Cannot save XGBoost booster as " + data + ": " + e.getMessage());
    }
    env.write(modelDir);
    Map<String, Map<String, Object>> flavors = new LinkedHashMap<>();
    flavors.put("python_function", env.pythonFunction("mlflow.xgboost", data));
    Map<String, Object> xgb = new LinkedHashMap<>();
    xgb.put("xgb_version", XGB_VERSION);
    xgb.put("data", data);
    xgb.put("model_class", "xgboost.core.Booster");
    xgb.put("model_format", format.extension());
    xgb.put("code", null);
    flavors.put(NAME, xgb);
    return flavors;
  }

  /**
   * The booster of a model with the xgboost flavor (written by Tracklog or by Python's MLflow).
   *
   * @throws IllegalArgumentException if the model has no xgboost flavor
   * @throws CorruptFileException naming the model file if XGBoost cannot read it
   */
  public static Booster load(LoadedModel model) {
    Path file = model.dataPath(NAME);
    try (InputStream in = Files.newInputStream(file)) {
      return XGBoost.loadModel(in);
    } catch (XGBoostError e) {
      throw new CorruptFileException(file, "XGBoost cannot load it: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** {@link Models#load} then {@link #load(LoadedModel)}. */
  public static Booster loadBooster(Store store, String uri) {
    return load(Models.load(store, uri));
  }

  private static String xgboostVersion() {
    try (InputStream in = Booster.class.getResourceAsStream("/xgboost4j-version.properties")) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        String v = p.getProperty("version");
        if (v != null && !v.isBlank()) {
          return v.trim();
        }
      }
    } catch (IOException e) {
      // fall through to the jar manifest
    }
    String v = Booster.class.getPackage().getImplementationVersion();
    return v != null ? v : "unknown";
  }
}
