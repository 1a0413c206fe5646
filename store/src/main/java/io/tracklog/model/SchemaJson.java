package io.tracklog.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.internal.PythonJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Schemas to and from MLflow's JSON (mlflow/types/schema.py: the {@code to_dict} and {@code
 * from_json_dict} of ColSpec, TensorSpec, Array, Map, Object, Property, AnyType, ParamSpec), key order
 * as MLflow's dicts, text as {@code json.dumps}.
 */
final class SchemaJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SchemaJson() {}

  static String dumps(Schema schema) {
    List<Object> out = new ArrayList<>();
    for (SchemaElement e : schema.elements()) {
      out.add(e instanceof TensorSpec t ? tensor(t) : column((ColSpec) e));
    }
    return PythonJson.dumps(out);
  }

  static String dumps(ParamSchema params) {
    List<Object> out = new ArrayList<>();
    for (ParamSpec p : params.params()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("default", p.defaultValue());
      m.put("shape", p.shape());
      m.put("type", p.type().mlflowName());
      out.add(m);
    }
    return PythonJson.dumps(out);
  }

  private static Map<String, Object> column(ColSpec c) {
    Map<String, Object> m = type(c.type());
    if (c.name() != null) {
      m.put("name", c.name());
    }
    m.put("required", c.required());
    return m;
  }

  private static Map<String, Object> tensor(TensorSpec t) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (t.name() != null) {
      m.put("name", t.name());
    }
    m.put("type", "tensor");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("dtype", t.dtype());
    spec.put("shape", t.shape());
    m.put("tensor-spec", spec);
    return m;
  }

  static Map<String, Object> type(ColType type) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (type instanceof DataType d) {
      m.put("type", d.mlflowName());
    } else if (type instanceof ColType.ArrayOf a) {
      m.put("type", "array");
      m.put("items", type(a.items()));
    } else if (type instanceof ColType.MapOf mp) {
      m.put("type", "map");
      m.put("values", type(mp.values()));
    } else if (type instanceof ColType.ObjectOf o) {
      m.put("type", "object");
      Map<String, Object> props = new LinkedHashMap<>();
      for (ColType.Property p : o.properties()) {
        Map<String, Object> pm = type(p.type());
        pm.put("required", p.required());
        props.put(p.name(), pm);
      }
      m.put("properties", props);
    } else if (type instanceof ColType.SparkMlVector) {
      m.put("type", "sparkml_vector");
    } else {
      m.put("type", "any");
    }
    return m;
  }

  // ---- reading ---------------------------------------------------------------------------------

  static Schema parseSchema(String json) {
    List<SchemaElement> elements = new ArrayList<>();
    for (Object o : list(json)) {
      Map<String, Object> m = map(o, "schema entry");
      if ("tensor".equals(m.get("type"))) {
        Map<String, Object> spec = map(m.get("tensor-spec"), "tensor-spec");
        List<Long> shape = new ArrayList<>();
        for (Object d : (List<?>) require(spec, "shape", List.class)) {
          shape.add(((Number) d).longValue());
        }
        elements.add(new TensorSpec(require(spec, "dtype", String.class), shape, optional(m, "name", String.class)));
      } else {
        ColType type = readType(m);
        Boolean required = optional(m, "required", Boolean.class);
        // A missing required reads as true for scalar types, as optional for composite ones (schema.py).
        boolean req = required != null ? required : type instanceof DataType;
        elements.add(new ColSpec(type, optional(m, "name", String.class), req));
      }
    }
    return new Schema(elements);
  }

  static ParamSchema parseParams(String json) {
    List<ParamSpec> params = new ArrayList<>();
    for (Object o : list(json)) {
      Map<String, Object> m = map(o, "param");
      Object t = m.containsKey("type") ? m.get("type") : m.get("dtype");
      DataType type = t instanceof String s ? DataType.ofName(s) : null;
      if (type == null) {
        throw new IllegalArgumentException("Invalid param type: " + t);
      }
      List<Long> shape = null;
      if (m.get("shape") instanceof List<?> l) {
        shape = new ArrayList<>();
        for (Object d : l) {
          shape.add(((Number) d).longValue());
        }
      }
      params.add(new ParamSpec(require(m, "name", String.class), type, m.get("default"), shape));
    }
    return new ParamSchema(params);
  }

  private static ColType readType(Map<String, Object> m) {
    String t = require(m, "type", String.class);
    DataType d = DataType.ofName(t);
    if (d != null) {
      return d;
    }
    return switch (t) {
      case "array" -> new ColType.ArrayOf(readType(map(m.get("items"), "items")));
      case "map" -> new ColType.MapOf(readType(map(m.get("values"), "values")));
      case "any" -> new ColType.Any();
      case "sparkml_vector" -> new ColType.SparkMlVector();
      case "object" -> {
        List<ColType.Property> props = new ArrayList<>();
        for (Map.Entry<String, Object> e : map(m.get("properties"), "properties").entrySet()) {
          Map<String, Object> pm = map(e.getValue(), "property");
          Boolean required = optional(pm, "required", Boolean.class);
          props.add(new ColType.Property(e.getKey(), readType(pm), required == null || required));
        }
        yield new ColType.ObjectOf(props);
      }
      default -> throw new IllegalArgumentException("Invalid column type: " + t);
    };
  }

  private static List<Object> list(String json) {
    try {
      return JSON.readValue(json, new TypeReference<List<Object>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Invalid schema JSON: " + e.getOriginalMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o, String what) {
    if (!(o instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("Invalid " + what + ": " + o);
    }
    return (Map<String, Object>) o;
  }

  private static <T> T require(Map<String, Object> m, String key, Class<T> type) {
    T v = optional(m, key, type);
    if (v == null) {
      throw new IllegalArgumentException("Invalid schema entry " + m + ": no '" + key + "'");
    }
    return v;
  }

  private static <T> T optional(Map<String, Object> m, String key, Class<T> type) {
    Object v = m.get(key);
    if (v != null && !type.isInstance(v)) {
      throw new IllegalArgumentException("Invalid schema entry " + m + ": '" + key + "' is not a " + type.getSimpleName());
    }
    return type.cast(v);
  }
}
