package io.tracklog.format;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.InputTag;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunTag;
import io.tracklog.error.InvalidParameterException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * MLflow's validation rules and limits ({@code mlflow/utils/validation.py}).
 * Every violation throws {@link InvalidParameterException} naming the key or value. Lengths count
 * Unicode code points, as Python's {@code len()} does.
 *
 * <p>The checks allocate nothing on success, so the metric hot path can call them on every log.
 */
public final class Validation {
  /** Longest metric, param or run-tag key. */
  public static final int MAX_KEY_LENGTH = 250;
  /** Longest param value. */
  public static final int MAX_PARAM_VALUE_LENGTH = 6000;
  /** Longest run-tag value. */
  public static final int MAX_TAG_VALUE_LENGTH = 8000;
  /** Longest experiment name. */
  public static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
  /** Longest experiment-tag value. */
  public static final int MAX_EXPERIMENT_TAG_VALUE_LENGTH = 5000;
  /** Longest artifact location. */
  public static final int MAX_ARTIFACT_LOCATION_LENGTH = 2048;
  public static final int MAX_DATASET_NAME_LENGTH = 500;
  public static final int MAX_DATASET_DIGEST_LENGTH = 36;
  public static final int MAX_DATASET_SOURCE_LENGTH = 65535;
  public static final int MAX_DATASET_SCHEMA_LENGTH = 1048575;
  public static final int MAX_DATASET_PROFILE_LENGTH = 16777215;
  public static final int MAX_INPUT_TAG_KEY_LENGTH = 255;
  public static final int MAX_INPUT_TAG_VALUE_LENGTH = 500;
  /** log_batch limits. */
  public static final int MAX_METRICS_PER_BATCH = 1000;
  public static final int MAX_PARAMS_PER_BATCH = 100;
  public static final int MAX_TAGS_PER_BATCH = 100;
  public static final int MAX_ENTITIES_PER_BATCH = 1000;

  private static final int MAX_RUN_ID_TAIL = 255;
  private static final int MAX_EXPERIMENT_ID_TAIL = 63;

  private Validation() {}

  // ---- keys ------------------------------------------------------------------------------------

  /** A metric key: MLflow's characters, path form, at most 250 code points. */
  public static void metricKey(String key) {
    entityKey("metric", "Metric", key);
  }

  public static void paramKey(String key) {
    entityKey("param", "Param", key);
  }

  public static void tagKey(String key) {
    entityKey("tag", "Tag", key);
  }

  private static void entityKey(String kind, String title, String key) {
    if (key == null) {
      throw new InvalidParameterException("Invalid " + kind + " name: None");
    }
    int length = 0;
    for (int i = 0; i < key.length(); ) {
      int cp = key.codePointAt(i);
      if (!isKeyChar(cp)) {
        throw new InvalidParameterException(
            "Invalid "
                + kind
                + " name: '"
                + key
                + "'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.),"
                + " spaces ( ), colon(:) and slashes (/).");
      }
      i += Character.charCount(cp);
      length++;
    }
    if (!isNormalizedPath(key)) {
      throw new InvalidParameterException(
          "Invalid "
              + kind
              + " name: '"
              + key
              + "'. Names may be treated as files in certain cases, and must not resolve to other"
              + " names when treated as such. This name would resolve to '"
              + normalizePath(key)
              + "'");
    }
    if (length > MAX_KEY_LENGTH) {
      throw tooLong(title + " key", key, length, MAX_KEY_LENGTH);
    }
  }

  /** Python's {@code \w} (Unicode letters and numbers, underscore) plus {@code / . - space :}. */
  public static boolean isKeyChar(int cp) {
    if (cp < 128) {
      return (cp >= 'a' && cp <= 'z')
          || (cp >= 'A' && cp <= 'Z')
          || (cp >= '0' && cp <= '9')
          || cp == '_'
          || cp == '/'
          || cp == '.'
          || cp == '-'
          || cp == ' '
          || cp == ':';
    }
    return isWordChar(cp);
  }

  /** Python's {@code \w} for a non-underscore code point: {@code str.isalnum()}. */
  static boolean isWordChar(int cp) {
    if (cp == '_') {
      return true;
    }
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER:
      case Character.LOWERCASE_LETTER:
      case Character.TITLECASE_LETTER:
      case Character.MODIFIER_LETTER:
      case Character.OTHER_LETTER:
      case Character.DECIMAL_DIGIT_NUMBER:
      case Character.LETTER_NUMBER:
      case Character.OTHER_NUMBER:
        return true;
      default:
        return false;
    }
  }

  /**
   * MLflow's {@code path_not_unique} inverted: the key equals its POSIX-normalised form and does not
   * start with {@code /} or {@code ..}, and is not {@code .}. Checked without allocating.
   */
  public static boolean isNormalizedPath(String key) {
    int n = key.length();
    if (n == 0 || key.charAt(0) == '/' || key.charAt(n - 1) == '/') {
      return false;
    }
    if (key.startsWith("..")) {
      return false;
    }
    int segStart = 0;
    for (int i = 0; i <= n; i++) {
      if (i == n || key.charAt(i) == '/') {
        int len = i - segStart;
        if (len == 0) {
          return false; // "//"
        }
        if (len == 1 && key.charAt(segStart) == '.') {
          return false; // "." or "/./"
        }
        if (len == 2 && key.charAt(segStart) == '.' && key.charAt(segStart + 1) == '.') {
          return false; // "a/.." resolves elsewhere
        }
        segStart = i + 1;
      }
    }
    return true;
  }

  /** Python's {@code posixpath.normpath}, used only to word the error message. */
  public static String normalizePath(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    int initialSlashes = path.startsWith("//") && !path.startsWith("///") ? 2 : path.startsWith("/") ? 1 : 0;
    List<String> out = new ArrayList<>();
    for (String comp : path.split("/")) {
      if (comp.isEmpty() || comp.equals(".")) {
        continue;
      }
      if (!comp.equals("..")
          || (initialSlashes == 0 && out.isEmpty())
          || (!out.isEmpty() && out.get(out.size() - 1).equals(".."))) {
        out.add(comp);
      } else if (!out.isEmpty()) {
        out.remove(out.size() - 1);
      }
    }
    String joined = "/".repeat(initialSlashes) + String.join("/", out);
    return joined.isEmpty() ? "." : joined;
  }

  // ---- values ----------------------------------------------------------------------------------

  public static void paramValue(String key, String value) {
    if (value == null) {
      throw new InvalidParameterException("Invalid value None for param '" + key + "'");
    }
    int length = value.codePointCount(0, value.length());
    if (length > MAX_PARAM_VALUE_LENGTH) {
      throw tooLong("Param value", value, length, MAX_PARAM_VALUE_LENGTH);
    }
  }

  public static void tagValue(String key, String value) {
    if (value == null) {
      throw new InvalidParameterException("Invalid value None for tag '" + key + "'");
    }
    int length = value.codePointCount(0, value.length());
    if (length > MAX_TAG_VALUE_LENGTH) {
      throw tooLong("Tag value", value, length, MAX_TAG_VALUE_LENGTH);
    }
  }

  /** A metric's timestamp must be ≥ 0; any double value (NaN, ±Infinity) is accepted. */
  public static void metricTimestamp(String key, double value, long timestampMs) {
    if (timestampMs < 0) {
      throw new InvalidParameterException(
          "Got invalid timestamp "
              + timestampMs
              + " for metric '"
              + key
              + "' (value="
              + value
              + "). Timestamp must be a nonnegative long (64-bit integer) ");
    }
  }

  public static void metric(Metric m) {
    metricKey(m.key());
    metricTimestamp(m.key(), m.value(), m.timestampMs());
  }

  public static void param(Param p) {
    paramKey(p.key());
    paramValue(p.key(), p.value());
  }

  public static void tag(RunTag t) {
    tagKey(t.key());
    tagValue(t.key(), t.value());
  }

  // ---- ids and names ---------------------------------------------------------------------------

  /** {@code ^[a-zA-Z0-9][\w\-]{0,255}$}, Python's Unicode-aware {@code \w}. */
  public static void runId(String runId) {
    if (!isId(runId, MAX_RUN_ID_TAIL)) {
      throw new InvalidParameterException(
          "Invalid run ID: '" + runId + "'");
    }
  }

  /** {@code ^[a-zA-Z0-9][\w\-]{0,63}$}. */
  public static void experimentId(String experimentId) {
    if (!isId(experimentId, MAX_EXPERIMENT_ID_TAIL)) {
      throw new InvalidParameterException("Invalid experiment ID: '" + experimentId + "'");
    }
  }

  private static boolean isId(String id, int maxTail) {
    if (id == null || id.isEmpty()) {
      return false;
    }
    char first = id.charAt(0);
    boolean asciiAlnum =
        (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z') || (first >= '0' && first <= '9');
    if (!asciiAlnum) {
      return false;
    }
    int tail = 0;
    for (int i = 1; i < id.length(); ) {
      int cp = id.codePointAt(i);
      if (!(cp == '-' || isWordChar(cp))) {
        return false;
      }
      i += Character.charCount(cp);
      tail++;
    }
    return tail <= maxTail;
  }

  public static void experimentName(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidParameterException(
          "Invalid experiment name: '" + (name == null ? "None" : name) + "'");
    }
    int length = name.codePointCount(0, name.length());
    if (length > MAX_EXPERIMENT_NAME_LENGTH) {
      throw new InvalidParameterException(
          "Invalid experiment name: '"
              + abbreviate(name)
              + "'. Experiment name exceeds the maximum length of "
              + MAX_EXPERIMENT_NAME_LENGTH
              + " characters (got "
              + length
              + ")");
    }
  }

  public static void experimentTag(String key, String value) {
    tagKey(key);
    if (value == null) {
      throw new InvalidParameterException("Invalid value None for experiment tag '" + key + "'");
    }
    int length = value.codePointCount(0, value.length());
    if (length > MAX_EXPERIMENT_TAG_VALUE_LENGTH) {
      throw tooLong("Experiment tag value", value, length, MAX_EXPERIMENT_TAG_VALUE_LENGTH);
    }
  }

  public static void experimentTags(Map<String, String> tags) {
    for (Map.Entry<String, String> e : tags.entrySet()) {
      experimentTag(e.getKey(), e.getValue());
    }
  }

  public static void artifactLocation(String location) {
    if (location == null) {
      return;
    }
    int length = location.codePointCount(0, location.length());
    if (length > MAX_ARTIFACT_LOCATION_LENGTH) {
      throw tooLong("Artifact location", location, length, MAX_ARTIFACT_LOCATION_LENGTH);
    }
    if (location.startsWith("runs:")) {
      throw new InvalidParameterException(
          "Invalid artifact location: '"
              + location
              + "'. Artifact location cannot be a runs:/ URI.");
    }
  }

  /** A run name is stored as the {@code mlflow.runName} tag, so it obeys the tag-value limit. */
  public static void runName(String name) {
    if (name == null) {
      throw new InvalidParameterException("Invalid run name: None");
    }
    int length = name.codePointCount(0, name.length());
    if (length > MAX_TAG_VALUE_LENGTH) {
      throw tooLong("Run name", name, length, MAX_TAG_VALUE_LENGTH);
    }
  }

  // ---- datasets --------------------------------------------------------------------------------

  public static void datasetInput(DatasetInput input) {
    if (input == null) {
      throw new InvalidParameterException("Invalid dataset input: None");
    }
    Dataset d = input.dataset();
    limit("Dataset name", d.name(), MAX_DATASET_NAME_LENGTH);
    limit("Dataset digest", d.digest(), MAX_DATASET_DIGEST_LENGTH);
    limit("Dataset source", d.source(), MAX_DATASET_SOURCE_LENGTH);
    if (d.schema() != null) {
      limit("Dataset schema", d.schema(), MAX_DATASET_SCHEMA_LENGTH);
    }
    if (d.profile() != null) {
      limit("Dataset profile", d.profile(), MAX_DATASET_PROFILE_LENGTH);
    }
    if (d.name().isEmpty()) {
      throw new InvalidParameterException("Dataset name must not be empty");
    }
    if (d.digest().isEmpty()) {
      throw new InvalidParameterException("Dataset digest must not be empty for dataset '" + d.name() + "'");
    }
    if (d.sourceType().isEmpty()) {
      throw new InvalidParameterException("Dataset source_type must not be empty for dataset '" + d.name() + "'");
    }
    for (InputTag t : input.tags()) {
      if (t.key().isEmpty()) {
        throw new InvalidParameterException("Input tag key must not be empty for dataset '" + d.name() + "'");
      }
      limit("Input tag key", t.key(), MAX_INPUT_TAG_KEY_LENGTH);
      limit("Input tag value", t.value(), MAX_INPUT_TAG_VALUE_LENGTH);
    }
  }

  private static void limit(String what, String value, int max) {
    int length = value.codePointCount(0, value.length());
    if (length > max) {
      throw tooLong(what, value, length, max);
    }
  }

  // ---- batches ---------------------------------------------------------------------------------

  /**
   * log_batch's limits: counts per kind and in total, every entity valid, and no param key twice with
   * different values (MLflow rejects any duplicate key; Tracklog does too).
   */
  public static void batch(List<Metric> metrics, List<Param> params, List<RunTag> tags) {
    if (metrics.size() > MAX_METRICS_PER_BATCH) {
      throw batchLimit("metrics", MAX_METRICS_PER_BATCH, metrics.size());
    }
    if (params.size() > MAX_PARAMS_PER_BATCH) {
      throw batchLimit("params", MAX_PARAMS_PER_BATCH, params.size());
    }
    if (tags.size() > MAX_TAGS_PER_BATCH) {
      throw batchLimit("tags", MAX_TAGS_PER_BATCH, tags.size());
    }
    int total = metrics.size() + params.size() + tags.size();
    if (total > MAX_ENTITIES_PER_BATCH) {
      throw new InvalidParameterException(
          "A batch logging request can contain at most "
              + MAX_ENTITIES_PER_BATCH
              + " metrics, params, and tags in total. Received "
              + total
              + " entities in total. Please split up entities across multiple requests and try"
              + " again.");
    }
    for (Metric m : metrics) {
      metric(m);
    }
    Set<String> seen = new HashSet<>();
    Set<String> duplicates = new TreeSet<>();
    for (Param p : params) {
      param(p);
      if (!seen.add(p.key())) {
        duplicates.add(p.key());
      }
    }
    if (!duplicates.isEmpty()) {
      throw new InvalidParameterException(
          "Duplicate parameter keys have been submitted: "
              + duplicates
              + ". Please ensure the request contains only one param value per param key.");
    }
    for (RunTag t : tags) {
      tag(t);
    }
  }

  private static InvalidParameterException batchLimit(String kind, int max, int got) {
    return new InvalidParameterException(
        "A batch logging request can contain at most "
            + max
            + " "
            + kind
            + ". Got "
            + got
            + " "
            + kind
            + ". Please split up "
            + kind
            + " across multiple requests and try again.");
  }

  private static InvalidParameterException tooLong(String what, String value, int length, int max) {
    return new InvalidParameterException(
        what
            + " '"
            + abbreviate(value)
            + "' had length "
            + length
            + ", which exceeded length limit of "
            + max);
  }

  private static String abbreviate(String value) {
    if (value.length() <= 250) {
      return value;
    }
    int end = value.offsetByCodePoints(0, Math.min(250, value.codePointCount(0, value.length())));
    return value.substring(0, end) + "...";
  }
}
