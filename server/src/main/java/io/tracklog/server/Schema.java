package io.tracklog.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fields of one request message of MLflow's protos (mlflow/protos/service.proto,
 * model_registry.proto), and how to read a request into it the way protobuf's JSON parser does:
 * int64 and int32 as JSON numbers or strings, doubles also as {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}, enums by name, {@code null} as absent. A field the message does not have, or
 * a value of the wrong type, is INVALID_PARAMETER_VALUE naming the field; nothing of such a request
 * reaches the store.
 *
 * <p>GET requests carry their fields as query parameters; a repeated field is a repeated key
 * ({@code ?experiment_ids=1&experiment_ids=2}), booleans are {@code true}/{@code false}.
 */
final class Schema {
  enum Type {
    STRING,
    INT64,
    INT32,
    DOUBLE,
    BOOL,
    ENUM,
    STRINGS,
    MESSAGE,
    MESSAGES
  }

  private record Field(Type type, Schema message, List<String> enumNames) {}

  private final String name;
  private final Map<String, Field> fields = new LinkedHashMap<>();

  private Schema(String name) {
    this.name = name;
  }

  /** A message schema named as MLflow's proto names it, for error messages. */
  static Schema message(String name) {
    return new Schema(name);
  }

  Schema string(String... names) {
    return add(Type.STRING, null, names);
  }

  Schema int64(String... names) {
    return add(Type.INT64, null, names);
  }

  Schema int32(String... names) {
    return add(Type.INT32, null, names);
  }

  Schema dbl(String... names) {
    return add(Type.DOUBLE, null, names);
  }

  Schema bool(String... names) {
    return add(Type.BOOL, null, names);
  }

  /** An enum field: its names in proto-number order from 1 ({@code ACTIVE_ONLY} = 1, ...). */
  Schema enumeration(String field, String... namesFromOne) {
    fields.put(field, new Field(Type.ENUM, null, List.of(namesFromOne)));
    return this;
  }

  Schema strings(String... names) {
    return add(Type.STRINGS, null, names);
  }

  Schema message(String field, Schema message) {
    return add(Type.MESSAGE, message, field);
  }

  Schema messages(String field, Schema message) {
    return add(Type.MESSAGES, message, field);
  }

  private Schema add(Type type, Schema message, String... names) {
    for (String n : names) {
      fields.put(n, new Field(type, message, List.of()));
    }
    return this;
  }

  String name() {
    return name;
  }

  /**
   * Reads a JSON object straight from a parser positioned before it (a POST, PATCH or DELETE body),
   * without building a tree first: a log-batch of 1000 metrics is read into its maps in one pass.
   * A field the message does not have, or a value of the wrong type, is refused naming the field.
   *
   * @throws IOException if the parser fails (malformed JSON)
   */
  ApiRequest parse(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null || t == JsonToken.VALUE_NULL) {
      return new ApiRequest(Map.of());
    }
    if (t != JsonToken.START_OBJECT) {
      throw ApiException.invalid("Invalid request body for " + name + ": expected a JSON object");
    }
    return readObject(p);
  }

  /** Reads the fields of an object whose START_OBJECT was just read, up to its END_OBJECT. */
  private ApiRequest readObject(JsonParser p) throws IOException {
    Map<String, Object> values = new LinkedHashMap<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String key = p.currentName();
      Field field = fields.get(key);
      if (field == null) {
        throw ApiException.invalid("Message type \"mlflow." + name + "\" has no field named \"" + key + "\".");
      }
      JsonToken v = p.nextToken();
      if (v != JsonToken.VALUE_NULL) {
        values.put(key, readValue(p, key, field, v));
      }
    }
    return new ApiRequest(values);
  }

  private Object readValue(JsonParser p, String key, Field field, JsonToken t) throws IOException {
    switch (field.type()) {
      case STRINGS -> {
        requireToken(p, key, t, JsonToken.START_ARRAY, "a list");
        List<String> out = new ArrayList<>();
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
          out.add((String) readScalar(p, key, Type.STRING, item));
        }
        return out;
      }
      case MESSAGE -> {
        requireToken(p, key, t, JsonToken.START_OBJECT, "an object");
        return field.message().readObject(p);
      }
      case MESSAGES -> {
        requireToken(p, key, t, JsonToken.START_ARRAY, "a list");
        List<ApiRequest> out = new ArrayList<>();
        for (JsonToken item = p.nextToken(); item != JsonToken.END_ARRAY; item = p.nextToken()) {
          requireToken(p, key, item, JsonToken.START_OBJECT, "an object");
          out.add(field.message().readObject(p));
        }
        return out;
      }
      case ENUM -> {
        return enumValue(key, field, t == JsonToken.VALUE_NUMBER_INT ? p.readValueAsTree() : null,
            t == JsonToken.VALUE_STRING ? p.getText() : null);
      }
      default -> {
        return readScalar(p, key, field.type(), t);
      }
    }
  }

  private void requireToken(JsonParser p, String key, JsonToken t, JsonToken expected, String what) throws IOException {
    if (t != expected) {
      throw wrongType(key, null, what, shown(p, t));
    }
  }

  /** A scalar at the parser's current token, as {@link #scalar} reads it from a node. */
  private Object readScalar(JsonParser p, String key, Type type, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_STRING -> {
        return scalar(key, type, p.getText(), false);
      }
      case VALUE_NUMBER_INT -> {
        if (type == Type.INT64 || type == Type.INT32) {
          if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw wrongType(key, null, "an integer", p.getText());
          }
          return scalar(key, type, com.fasterxml.jackson.databind.node.LongNode.valueOf(p.getLongValue()), false);
        }
        if (type == Type.DOUBLE) {
          return p.getDoubleValue();
        }
        throw wrongType(key, null, expected(type), p.getText());
      }
      case VALUE_NUMBER_FLOAT -> {
        if (type == Type.DOUBLE) {
          return p.getDoubleValue();
        }
        return scalar(key, type, com.fasterxml.jackson.databind.node.DoubleNode.valueOf(p.getDoubleValue()), false);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        if (type == Type.BOOL) {
          return t == JsonToken.VALUE_TRUE;
        }
        throw wrongType(key, null, expected(type), p.getText());
      }
      default -> throw wrongType(key, null, expected(type), shown(p, t));
    }
  }

  private static String expected(Type type) {
    return switch (type) {
      case STRING -> "a string";
      case INT64, INT32 -> "an integer";
      case DOUBLE -> "a number";
      case BOOL -> "true or false";
      default -> "a " + type.name().toLowerCase(Locale.ROOT);
    };
  }

  /** How a value of the wrong type is named in the error: its text, or a list or an object skipped. */
  private static String shown(JsonParser p, JsonToken t) throws IOException {
    if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
      return p.readValueAsTree().toString();
    }
    return p.getText();
  }

  /** Reads query parameters (a GET). Only flat fields and repeated strings can be sent this way. */
  ApiRequest parseQuery(Map<String, List<String>> query) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (var e : query.entrySet()) {
      Field field = fields.get(e.getKey());
      if (field == null) {
        throw ApiException.invalid("Message type \"mlflow." + name + "\" has no field named \"" + e.getKey() + "\".");
      }
      List<String> texts = e.getValue();
      switch (field.type()) {
        case STRINGS -> values.put(e.getKey(), List.copyOf(texts));
        case MESSAGE, MESSAGES ->
            throw ApiException.invalid("Field '" + e.getKey() + "' of " + name + " cannot be sent as a query parameter");
        case ENUM -> values.put(e.getKey(), enumValue(e.getKey(), field, null, texts.get(0)));
        default -> values.put(e.getKey(), scalar(e.getKey(), field.type(), texts.get(0), true));
      }
    }
    return new ApiRequest(values);
  }

  /** An enum by name, or by proto number in a JSON body; the name either way. */
  private String enumValue(String key, Field field, JsonNode node, String text) {
    List<String> names = field.enumNames();
    if (text != null && names.contains(text)) {
      return text;
    }
    if (node != null && node.isIntegralNumber() && node.asLong() >= 1 && node.asLong() <= names.size()) {
      return names.get((int) node.asLong() - 1);
    }
    throw ApiException.invalid(
        "Invalid value " + (text != null ? text : String.valueOf(node)) + " for parameter '" + key
            + "' supplied: it must be one of " + String.join(", ", names));
  }

  /** A scalar from a JSON node, or from query text ({@code fromQuery}: every value is text). */
  private Object scalar(String key, Type type, Object raw, boolean fromQuery) {
    JsonNode node = raw instanceof JsonNode n ? n : null;
    String text = node == null ? (String) raw : node.isTextual() ? node.textValue() : null;
    switch (type) {
      case STRING -> {
        if (text == null) {
          throw wrongType(key, node, "a string");
        }
        return text;
      }
      case INT64, INT32 -> {
        long v;
        if (node != null && node.isIntegralNumber() && node.canConvertToLong()) {
          v = node.longValue();
        } else if (node != null && node.isFloatingPointNumber() && node.doubleValue() == Math.rint(node.doubleValue())
            && Math.abs(node.doubleValue()) < 0x1p63) {
          v = (long) node.doubleValue();
        } else if (text != null) {
          try {
            v = Long.parseLong(text.strip());
          } catch (NumberFormatException e) {
            throw wrongType(key, node, "an integer", text);
          }
        } else {
          throw wrongType(key, node, "an integer");
        }
        if (type == Type.INT32 && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
          throw ApiException.invalid(
              "Invalid value " + v + " for parameter '" + key + "' supplied: it must be a 32-bit integer");
        }
        if (type == Type.INT32) { // not a ?: expression: that would box both arms as Long
          return Integer.valueOf((int) v);
        }
        return Long.valueOf(v);
      }
      case DOUBLE -> {
        if (node != null && node.isNumber()) {
          return node.doubleValue();
        }
        if (text != null) {
          switch (text) {
            case "NaN" -> {
              return Double.NaN;
            }
            case "Infinity" -> {
              return Double.POSITIVE_INFINITY;
            }
            case "-Infinity" -> {
              return Double.NEGATIVE_INFINITY;
            }
            default -> {
              try {
                return Double.parseDouble(text.strip());
              } catch (NumberFormatException e) {
                throw wrongType(key, node, "a number", text);
              }
            }
          }
        }
        throw wrongType(key, node, "a number");
      }
      case BOOL -> {
        if (node != null && node.isBoolean()) {
          return node.booleanValue();
        }
        if (fromQuery && text != null) {
          String t = text.strip().toLowerCase(Locale.ROOT);
          if (t.equals("true") || t.equals("false")) {
            return t.equals("true");
          }
        }
        throw wrongType(key, node, "true or false", text);
      }
      default -> throw new IllegalStateException(type.name());
    }
  }

  private ApiException wrongType(String key, JsonNode node, String expected) {
    return wrongType(key, node, expected, node == null ? null : node.toString());
  }

  private ApiException wrongType(String key, JsonNode node, String expected, String shown) {
    return ApiException.invalid(
        "Invalid value " + (shown == null ? String.valueOf(node) : shown) + " for parameter '" + key
            + "' supplied: it must be " + expected);
  }
}
