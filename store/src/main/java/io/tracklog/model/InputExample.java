package io.tracklog.model;

import io.tracklog.internal.PythonJson;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves an input example as MLflow does (mlflow/models/utils.py, {@code _Example}): {@code
 * input_example.json} in the form of its kind, {@code serving_input_example.json} (indent 2) in the
 * scoring server's request form, and the {@code saved_input_example_info} of MLmodel. NaN is written
 * as null.
 */
final class InputExample {
  static final String EXAMPLE_FILE = "input_example.json";
  static final String SERVING_FILE = "serving_input_example.json";

  private InputExample() {}

  /** Writes both files into {@code dir}; returns the MLmodel's saved_input_example_info. */
  static Map<String, Object> save(Object example, Path dir) throws IOException {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("artifact_path", EXAMPLE_FILE);
    Object data;
    Object serving;
    switch (TypeInference.kind(example)) {
      case ROWS -> {
        List<?> rows = (List<?>) example;
        List<String> columns = TypeInference.columns(rows);
        List<Object> values = new ArrayList<>();
        for (Object r : rows) {
          List<Object> row = new ArrayList<>();
          for (String c : columns) {
            row.add(jsonable(((Map<?, ?>) r).get(c)));
          }
          values.add(row);
        }
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("columns", columns);
        split.put("data", values);
        data = split;
        serving = Map.of("dataframe_split", split);
        info.put("type", "dataframe");
        info.put("pandas_orient", "split");
      }
      case TENSORS -> {
        data = jsonable(example);
        serving = Map.of("inputs", data);
        info.put("type", "ndarray");
      }
      default -> {
        data = jsonable(example);
        serving = Map.of("inputs", data);
        info.put("type", "json_object");
      }
    }
    info.put("serving_input_path", SERVING_FILE);
    Files.writeString(dir.resolve(EXAMPLE_FILE), PythonJson.dumps(data), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(SERVING_FILE), PythonJson.dumps(serving, 2), StandardCharsets.UTF_8);
    return info;
  }

  /** A value as JSON data: arrays as lists, NaN as null, bytes as base64, times as ISO text. */
  static Object jsonable(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Integer
        || v instanceof Short || v instanceof Byte || v instanceof java.math.BigInteger) {
      return v;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      return Double.isNaN(d) ? null : (Object) d;
    }
    if (v instanceof byte[] b) {
      return Base64.getEncoder().encodeToString(b);
    }
    if (v instanceof TemporalAccessor) {
      return v.toString();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        out.put(String.valueOf(e.getKey()), jsonable(e.getValue()));
      }
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        out.add(jsonable(o));
      }
      return out;
    }
    if (v.getClass().isArray()) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < Array.getLength(v); i++) {
        out.add(jsonable(Array.get(v, i)));
      }
      return out;
    }
    throw new io.tracklog.error.InvalidParameterException(
        "Cannot save an input example holding a " + v.getClass().getName());
  }
}
