package io.tracklog.model;

import io.tracklog.error.InvalidParameterException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MLflow's schema inference (mlflow/types/utils.py, {@code _infer_schema}, {@code _infer_colspec_type},
 * {@code _infer_numpy_array}, {@code _infer_param_schema}) for Java values read as their Python
 * counterparts; {@link Signature#infer(Object, Object)} lists them.
 */
final class TypeInference {
  private TypeInference() {}

  /** What an example is, which decides both its schema and how MLflow saves it (input_example.json). */
  enum Kind { ROWS, TENSORS, OBJECT }

  static Kind kind(Object example) {
    if (isRows(example)) {
      return Kind.ROWS;
    }
    if (isArray(example) || example instanceof Map<?, ?> m && !m.isEmpty() && m.values().stream().allMatch(TypeInference::isArray)) {
      return Kind.TENSORS;
    }
    return Kind.OBJECT;
  }

  static Schema schema(Object example) {
    if (example == null) {
      throw new InvalidParameterException("Cannot infer a schema from null");
    }
    return switch (kind(example)) {
      case ROWS -> rows((List<?>) example);
      case TENSORS -> tensors(example);
      case OBJECT -> object(example);
    };
  }

  /** A list of maps: a pandas DataFrame's records. */
  static boolean isRows(Object example) {
    return example instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(r -> r instanceof Map<?, ?>);
  }

  /** A Java array (primitive or String), the counterpart of a numpy array. */
  static boolean isArray(Object o) {
    return o instanceof double[] || o instanceof float[] || o instanceof long[] || o instanceof int[]
        || o instanceof short[] || o instanceof boolean[] || o instanceof String[] || o instanceof double[][]
        || o instanceof float[][] || o instanceof long[][] || o instanceof int[][] || o instanceof boolean[][]
        || o instanceof String[][];
  }

  /** The columns of rows, as pandas builds a DataFrame from records and MLflow types its columns. */
  static List<String> columns(List<?> rows) {
    Set<String> names = new LinkedHashSet<>();
    for (Object r : rows) {
      for (Object k : ((Map<?, ?>) r).keySet()) {
        if (!(k instanceof String s)) {
          throw new InvalidParameterException("Cannot infer a schema: row keys must be strings, got " + k);
        }
        names.add(s);
      }
    }
    return List.copyOf(names);
  }

  private static Schema rows(List<?> rows) {
    List<SchemaElement> cols = new ArrayList<>();
    for (String name : columns(rows)) {
      List<Object> values = new ArrayList<>();
      boolean missing = false;
      for (Object r : rows) {
        Object v = ((Map<?, ?>) r).get(name);
        if (v == null || v instanceof Double d && d.isNaN() || v instanceof Float f && f.isNaN()) {
          missing = true;
        } else {
          values.add(v);
        }
      }
      if (values.isEmpty()) {
        cols.add(new ColSpec(new ColType.Any(), name, false));
        continue;
      }
      ColType type = pandasColumn(name, values);
      if (missing && type == DataType.LONG) {
        type = DataType.DOUBLE; // pandas holds a missing int as NaN in a float64 column
      }
      cols.add(new ColSpec(type, name, !missing));
    }
    return new Schema(cols);
  }

  /** A DataFrame column's type: numbers coerce to double as pandas does, anything else must agree. */
  private static ColType pandasColumn(String name, List<Object> values) {
    boolean numeric = values.stream().allMatch(v -> scalar(v) == DataType.LONG || scalar(v) == DataType.DOUBLE
        || scalar(v) == DataType.FLOAT);
    if (numeric && values.stream().anyMatch(v -> scalar(v) != DataType.LONG)) {
      return values.stream().allMatch(v -> scalar(v) == DataType.FLOAT) ? DataType.FLOAT : DataType.DOUBLE;
    }
    return common(values, "column '" + name + "'");
  }

  private static Schema tensors(Object example) {
    if (example instanceof Map<?, ?> m) {
      List<SchemaElement> out = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        TensorSpec t = tensor(e.getValue());
        out.add(new TensorSpec(t.dtype(), t.shape(), String.valueOf(e.getKey())));
      }
      return new Schema(out);
    }
    return Schema.of(tensor(example));
  }

  /** A numpy array's spec: dtype by element type, shape with the first dimension variable. */
  static TensorSpec tensor(Object array) {
    if (array instanceof double[]) {
      return TensorSpec.of("float64", -1);
    } else if (array instanceof float[]) {
      return TensorSpec.of("float32", -1);
    } else if (array instanceof long[]) {
      return TensorSpec.of("int64", -1);
    } else if (array instanceof int[]) {
      return TensorSpec.of("int32", -1);
    } else if (array instanceof short[]) {
      return TensorSpec.of("int16", -1);
    } else if (array instanceof boolean[]) {
      return TensorSpec.of("bool", -1);
    } else if (array instanceof String[]) {
      return TensorSpec.of("str", -1);
    }
    Object[] rows = (Object[]) array;
    if (rows.length == 0) {
      throw new InvalidParameterException("Cannot infer a tensor spec from an empty 2-D array");
    }
    int width = java.lang.reflect.Array.getLength(rows[0]);
    for (Object row : rows) {
      if (java.lang.reflect.Array.getLength(row) != width) {
        throw new InvalidParameterException("Cannot infer a tensor spec: the rows of a 2-D array differ in length");
      }
    }
    return TensorSpec.of(tensor(rows[0]).dtype(), -1, width);
  }

  /** A dict, a list or a scalar: columns as MLflow infers them for a json_object example. */
  private static Schema object(Object example) {
    if (example instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        throw new InvalidParameterException("Cannot infer a schema from an empty map");
      }
      List<SchemaElement> cols = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String name = String.valueOf(e.getKey());
        cols.add(e.getValue() == null
            ? new ColSpec(new ColType.Any(), name, false)
            : new ColSpec(valueType(e.getValue(), name), name, true));
      }
      return new Schema(cols);
    }
    if (example instanceof List<?> l) {
      if (l.isEmpty()) {
        return Schema.of(new ColSpec(DataType.STRING, null, true)); // MLflow: [] is a string column
      }
      return Schema.of(new ColSpec(common(nonNull(l), "list"), null, true));
    }
    return Schema.of(new ColSpec(valueType(example, "example"), null, true));
  }

  private static List<Object> nonNull(List<?> l) {
    List<Object> out = new ArrayList<>();
    for (Object o : l) {
      if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  /** The one type of {@code values}; a mix is INVALID_PARAMETER_VALUE. */
  private static ColType common(List<Object> values, String where) {
    ColType type = null;
    for (Object v : values) {
      ColType t = valueType(v, where);
      if (type != null && !type.equals(t)) {
        throw new InvalidParameterException(
            "Cannot infer a schema: the " + where + " mixes types " + SchemaJson.type(type).get("type") + " and "
                + SchemaJson.type(t).get("type"));
      }
      type = t;
    }
    return type == null ? DataType.STRING : type;
  }

  /** A value's column type: a scalar type, array of a list, object of a map. */
  static ColType valueType(Object v, String where) {
    DataType d = scalar(v);
    if (d != null) {
      return d;
    }
    if (v instanceof List<?> l) {
      List<Object> items = nonNull(l);
      if (items.isEmpty()) {
        throw new InvalidParameterException("Cannot infer a schema: an empty list in the " + where);
      }
      return new ColType.ArrayOf(common(items, where));
    }
    if (v instanceof Map<?, ?> m && !m.isEmpty()) {
      List<ColType.Property> props = new ArrayList<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object pv = e.getValue();
        props.add(new ColType.Property(
            String.valueOf(e.getKey()), pv == null ? new ColType.Any() : valueType(pv, where), pv != null));
      }
      return new ColType.ObjectOf(props);
    }
    throw new InvalidParameterException(
        "Cannot infer a schema from a " + (v == null ? "null" : v.getClass().getName()) + " in the " + where);
  }

  /** Python's scalar types as MLflow maps them (mlflow/types/utils.py): int → long, float → double... */
  static DataType scalar(Object v) {
    if (v instanceof String) {
      return DataType.STRING;
    } else if (v instanceof Boolean) {
      return DataType.BOOLEAN;
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) {
      return DataType.LONG;
    } else if (v instanceof Double) {
      return DataType.DOUBLE;
    } else if (v instanceof Float) {
      return DataType.FLOAT;
    } else if (v instanceof byte[]) {
      return DataType.BINARY;
    } else if (v instanceof Instant || v instanceof LocalDateTime || v instanceof LocalDate) {
      return DataType.DATETIME;
    }
    return null;
  }

  /** MLflow's {@code _infer_param_schema}: a scalar's type, or a list's with shape [-1]. */
  static ParamSchema params(Map<String, ?> params) {
    if (params == null || params.isEmpty()) {
      return null;
    }
    List<ParamSpec> out = new ArrayList<>();
    for (Map.Entry<String, ?> e : params.entrySet()) {
      Object v = e.getValue();
      if (v instanceof List<?> l) {
        ColType t = common(nonNull(l), "param '" + e.getKey() + "'");
        if (!(t instanceof DataType d)) {
          throw new InvalidParameterException("Invalid param '" + e.getKey() + "': a list of scalars is needed");
        }
        List<Object> defaults = new ArrayList<>();
        for (Object o : l) {
          defaults.add(paramDefault(o));
        }
        out.add(new ParamSpec(e.getKey(), d, defaults, List.of(-1L)));
      } else {
        DataType d = scalar(v);
        if (d == null || d == DataType.BINARY) {
          throw new InvalidParameterException("Invalid param '" + e.getKey() + "': unsupported value " + v);
        }
        out.add(new ParamSpec(e.getKey(), d, paramDefault(v), null));
      }
    }
    return new ParamSchema(out);
  }

  private static Object paramDefault(Object v) {
    return DataType.DATETIME == scalar(v) ? v.toString() : v;
  }
}
