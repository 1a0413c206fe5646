package io.tracklog.model;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.internal.PyYaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * MLflow's {@code MLmodel} file (mlflow/models/model.py, {@code Model}): the YAML document at the root
 * of a model directory that names its flavors and says where, when and by which run it was made.
 * {@link #toYaml()} writes it as MLflow does ({@code yaml.safe_dump(default_flow_style=False)}: keys
 * sorted, block style, long lines folded, the signature's schemas as JSON strings); {@link #read} and
 * {@link #parse} read any MLflow version's file and keep keys this record has no component for in
 * {@link #otherKeys}, so that writing back what was read gives the same document.
 *
 * <pre>{@code
 * MLmodel m = MLmodel.read(modelDir.resolve("MLmodel"));
 * String loader = (String) m.flavors().get("python_function").get("loader_module");
 * }</pre>
 *
 * <p>An immutable value; maps are unmodifiable copies that keep their order.
 *
 * @param artifactPath {@code artifact_path}: the model's path among its run's artifacts (MLflow 3 writes
 *     an absolute URI), or null
 * @param flavors {@code flavors}: flavor name → its parameters (never null, may be empty)
 * @param runId {@code run_id}, or null
 * @param modelUuid {@code model_uuid} (32 hex digits), or null
 * @param utcTimeCreated {@code utc_time_created} as MLflow writes it ({@code 2026-01-01 03:32:32.855694},
 *     Python's {@code str} of a naive UTC datetime), or null
 * @param mlflowVersion {@code mlflow_version}, or null
 * @param signature {@code signature}, or null
 * @param savedInputExampleInfo {@code saved_input_example_info}, or null
 * @param modelSizeBytes {@code model_size_bytes}, or null
 * @param metadata {@code metadata}: the user's, or null
 * @param otherKeys every other top-level key, as read (e.g. MLflow 3's {@code model_id}, {@code prompts})
 */
public record MLmodel(
    String artifactPath,
    Map<String, Map<String, Object>> flavors,
    String runId,
    String modelUuid,
    String utcTimeCreated,
    String mlflowVersion,
    Signature signature,
    Map<String, Object> savedInputExampleInfo,
    Long modelSizeBytes,
    Map<String, Object> metadata,
    Map<String, Object> otherKeys) {

  /** The file's name in a model directory. */
  public static final String FILE_NAME = "MLmodel";

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final DateTimeFormatter PY_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");
  private static final DateTimeFormatter PY_MICROS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

  public MLmodel {
    Map<String, Map<String, Object>> f = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Object>> e : Objects.requireNonNull(flavors, "flavors").entrySet()) {
      f.put(Objects.requireNonNull(e.getKey(), "flavor name"), copy(e.getValue()));
    }
    flavors = Collections.unmodifiableMap(f);
    savedInputExampleInfo = savedInputExampleInfo == null ? null : copy(savedInputExampleInfo);
    metadata = metadata == null ? null : copy(metadata);
    otherKeys = otherKeys == null ? Map.of() : copy(otherKeys);
    for (String k : otherKeys.keySet()) {
      if (KNOWN.containsKey(k)) {
        throw new IllegalArgumentException("Invalid other key '" + k + "': it has its own component");
      }
    }
  }

  private static final Map<String, Boolean> KNOWN = Map.of(
      "artifact_path", true, "flavors", true, "run_id", true, "model_uuid", true, "utc_time_created", true,
      "mlflow_version", true, "signature", true, "saved_input_example_info", true, "model_size_bytes", true,
      "metadata", true);

  private static Map<String, Object> copy(Map<String, Object> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m == null ? Map.of() : m));
  }

  /** MLflow's {@code utc_time_created} text of an instant: Python's {@code str(datetime)}, microseconds. */
  public static String formatUtcTime(Instant time) {
    LocalDateTime t = LocalDateTime.ofInstant(time.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
    return (t.getNano() == 0 ? PY_SECONDS : PY_MICROS).format(t);
  }

  /**
   * {@link #utcTimeCreated} as an instant, or null if absent.
   *
   * @throws IllegalArgumentException if it is not Python's {@code str} of a datetime
   */
  public Instant createdAt() {
    if (utcTimeCreated == null) {
      return null;
    }
    try {
      String t = utcTimeCreated;
      return LocalDateTime.parse(t, t.length() > 19 ? PY_MICROS : PY_SECONDS).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("Invalid utc_time_created: " + utcTimeCreated, e);
    }
  }

  /** The document as MLflow's {@code Model.to_dict()}: only keys with a value, the signature as JSON. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>(otherKeys);
    m.put("flavors", flavors);
    putIfNotNull(m, "artifact_path", artifactPath);
    putIfNotNull(m, "run_id", runId);
    putIfNotNull(m, "model_uuid", modelUuid);
    putIfNotNull(m, "utc_time_created", utcTimeCreated);
    putIfNotNull(m, "mlflow_version", mlflowVersion);
    putIfNotNull(m, "signature", signature == null ? null : signature.toYamlMap());
    putIfNotNull(m, "saved_input_example_info", savedInputExampleInfo);
    putIfNotNull(m, "model_size_bytes", modelSizeBytes);
    putIfNotNull(m, "metadata", metadata);
    return m;
  }

  private static void putIfNotNull(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  /** The file's text, exactly as MLflow writes it ({@code Model.save}). */
  public String toYaml() {
    return PyYaml.dump(toMap(), true);
  }

  /**
   * Reads an MLmodel file.
   *
   * @throws CorruptFileException naming the file if it is not an MLmodel document
   * @throws UncheckedIOException if it cannot be read
   */
  public static MLmodel read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  /** Reads the MLmodel document in {@code in}; {@code file} names it in errors. */
  static MLmodel read(InputStream in, Path file) throws IOException {
    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    try {
      return fromText(text);
    } catch (IllegalArgumentException e) {
      throw new CorruptFileException(file, "not an MLmodel document: " + e.getMessage(), e);
    }
  }

  /**
   * Parses an MLmodel document.
   *
   * @throws InvalidParameterException if {@code yaml} is not one
   */
  public static MLmodel parse(String yaml) {
    try {
      return fromText(yaml);
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException("Invalid MLmodel document: " + e.getMessage());
    }
  }

  /** MLflow's {@code Model.from_dict}: no key is required, unknown keys are kept. */
  private static MLmodel fromText(String text) {
    Map<String, Object> m;
    try {
      m = YAML.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException("not YAML: " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (m == null) {
      throw new IllegalArgumentException("an empty document");
    }
    Map<String, Object> other = new LinkedHashMap<>(m);
    KNOWN.keySet().forEach(other::remove);
    Map<String, Map<String, Object>> flavors = new LinkedHashMap<>();
    Object f = m.get("flavors");
    if (f != null) {
      for (Map.Entry<String, Object> e : mapOf(f, "flavors").entrySet()) {
        flavors.put(e.getKey(), e.getValue() == null ? Map.of() : mapOf(e.getValue(), "flavor " + e.getKey()));
      }
    }
    Object size = m.get("model_size_bytes");
    if (size != null && !(size instanceof Number)) {
      throw new IllegalArgumentException("model_size_bytes is not a number: " + size);
    }
    Object info = m.get("saved_input_example_info");
    Object meta = m.get("metadata");
    return new MLmodel(
        text(m, "artifact_path"),
        flavors,
        text(m, "run_id"),
        text(m, "model_uuid"),
        text(m, "utc_time_created"),
        text(m, "mlflow_version"),
        signature(m.get("signature")),
        info == null ? null : mapOf(info, "saved_input_example_info"),
        size == null ? null : ((Number) size).longValue(),
        meta == null ? null : mapOf(meta, "metadata"),
        other);
  }

  private static Signature signature(Object o) {
    if (o == null) {
      return null;
    }
    Map<String, Object> s = mapOf(o, "signature");
    String inputs = text(s, "inputs");
    String outputs = text(s, "outputs");
    String params = text(s, "params");
    if (inputs == null && outputs == null && params == null) {
      return null;
    }
    try {
      return new Signature(
          inputs == null ? null : SchemaJson.parseSchema(inputs),
          outputs == null ? null : SchemaJson.parseSchema(outputs),
          params == null ? null : SchemaJson.parseParams(params));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid signature: " + e.getMessage(), e);
    }
  }

  private static String text(Map<String, Object> m, String key) {
    Object v = m.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString(); // a YAML scalar read as another type (an old version written as 1.0)
    }
    throw new IllegalArgumentException(key + " is not a string: " + v);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapOf(Object o, String what) {
    if (!(o instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(what + " is not a mapping: " + o);
    }
    return (Map<String, Object>) o;
  }
}
