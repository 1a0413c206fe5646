package io.tracklog.server;

import java.util.List;
import java.util.Map;

/**
 * One request's fields, read and type-checked by its {@link Schema}: strings, {@code Long}s,
 * {@code Integer}s, {@code Double}s, {@code Boolean}s, lists of strings and nested requests. An
 * absent field (or a JSON {@code null}) reads as null, as an unset proto field.
 */
final class ApiRequest {
  private final Map<String, Object> values;

  ApiRequest(Map<String, Object> values) {
    this.values = values;
  }

  /** This request with {@code fields} set (a path template's parameters). */
  ApiRequest with(Map<String, String> fields) {
    Map<String, Object> all = new java.util.LinkedHashMap<>(values);
    all.putAll(fields);
    return new ApiRequest(all);
  }

  boolean has(String field) {
    return values.containsKey(field);
  }

  String string(String field) {
    return (String) values.get(field);
  }

  /**
   * A field MLflow marks {@code validate_required}: absent or empty is INVALID_PARAMETER_VALUE.
   */
  String required(String field) {
    String v = string(field);
    if (v == null || v.isEmpty()) {
      throw ApiException.missing(field);
    }
    return v;
  }

  Long int64(String field) {
    return (Long) values.get(field);
  }

  long requiredInt64(String field) {
    Long v = int64(field);
    if (v == null) {
      throw ApiException.missing(field);
    }
    return v;
  }

  Integer int32(String field) {
    return (Integer) values.get(field);
  }

  Double dbl(String field) {
    return (Double) values.get(field);
  }

  double requiredDouble(String field) {
    Double v = dbl(field);
    if (v == null) {
      throw ApiException.missing(field);
    }
    return v;
  }

  Boolean bool(String field) {
    return (Boolean) values.get(field);
  }

  @SuppressWarnings("unchecked")
  List<String> strings(String field) {
    Object v = values.get(field);
    return v == null ? List.of() : (List<String>) v;
  }

  ApiRequest message(String field) {
    return (ApiRequest) values.get(field);
  }

  @SuppressWarnings("unchecked")
  List<ApiRequest> messages(String field) {
    Object v = values.get(field);
    return v == null ? List.of() : (List<ApiRequest>) v;
  }

  /** The run a request names: {@code run_id}, or the deprecated {@code run_uuid} (mlflow/server/handlers.py). */
  String runId() {
    String id = string("run_id");
    if (id == null || id.isEmpty()) {
      id = string("run_uuid");
    }
    if (id == null || id.isEmpty()) {
      throw ApiException.missing("run_id");
    }
    return id;
  }
}
