package io.tracklog.mlflow;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The pieces of MLflow's FileStore format both directions share (mlflow/store/tracking/file_store.py). */
final class MlflowFiles {
  static final String META = "meta.yaml";
  static final String TRASH = ".trash";
  static final String MODELS = "models";
  static final String TAGS = "tags";
  static final String PARAMS = "params";
  static final String METRICS = "metrics";
  static final String ARTIFACTS = "artifacts";
  static final String DATASETS = "datasets";
  static final String INPUTS = "inputs";
  static final String OUTPUTS = "outputs";
  static final String TRACES = "traces";
  /** Folders inside an experiment that are not runs. */
  static final java.util.Set<String> RESERVED_IN_EXPERIMENT = java.util.Set.of(TAGS, DATASETS, TRACES, MODELS);

  /** MLflow's FileStore writes every run with source_type LOCAL (4). */
  static final int SOURCE_TYPE_LOCAL = 4;

  static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private MlflowFiles() {}

  /** A YAML mapping file as a map; an empty file is an error (MLflow reads it as None). */
  static Map<String, Object> readYaml(Path file) throws IOException {
    Map<String, Object> map = YAML.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
    if (map == null) {
      throw new IOException("the file is empty");
    }
    return map;
  }

  /** Writes a mapping with keys sorted, as PyYAML's safe_dump does. */
  static void writeYaml(Path file, Map<String, ?> map) throws IOException {
    Files.writeString(file, YAML.writeValueAsString(new TreeMap<>(map)));
  }

  /** A file's bytes as strict UTF-8, as MLflow reads param and tag files. */
  static String readUtf8(Path file) throws IOException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IOException("not valid UTF-8", e);
    }
  }

  /**
   * Every regular file below {@code dir} by key: its path relative to {@code dir} with {@code /}
   * (MLflow makes keys containing {@code /} nested folders), sorted by key.
   */
  static Map<String, Path> keyedFiles(Path dir) throws IOException {
    Map<String, Path> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        StringBuilder key = new StringBuilder();
        for (Path seg : dir.relativize(p)) {
          if (key.length() > 0) {
            key.append('/');
          }
          key.append(seg);
        }
        out.put(key.toString(), p);
      }
    }
    return out;
  }

  /** The file for a key whose {@code /} separate folders; null if a segment could leave {@code dir}. */
  static Path keyPath(Path dir, String key) {
    Path p = dir;
    for (String seg : key.split("/", -1)) {
      if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
        return null;
      }
      p = p.resolve(seg);
    }
    return p;
  }

  /** A metric value as Python's float() reads it: nan, inf, -inf, Infinity, 1e-05, ... */
  static double parseValue(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
    if (unsigned.equals("nan")) {
      return Double.NaN;
    }
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    char last = lower.isEmpty() ? ' ' : lower.charAt(lower.length() - 1);
    if (last == 'd' || last == 'f' || lower.contains("x") || lower.contains("p")) {
      throw new NumberFormatException("not a Python float: " + s);
    }
    return Double.parseDouble(s);
  }

  /** A metric value as MLflow writes it: Python's repr for the special values. */
  static String formatValue(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return Double.toString(v);
  }

  /** MLflow's dataset id: md5(name + digest), hex. */
  static String datasetId(String name, String digest) {
    return md5(name + digest);
  }

  /** MLflow's input id: md5(dataset id + run id), hex. */
  static String inputId(String datasetId, String runId) {
    return md5(datasetId + runId);
  }

  private static String md5(String s) {
    try {
      // An identifier MLflow chose, not a security use.
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has MD5", e);
    }
  }

  /** A YAML scalar as a string (ids may be ints in old files); null stays null. */
  static String string(Object o) {
    return o == null ? null : o.toString();
  }

  /** A YAML scalar as a long, or null; a non-number is an error. */
  static Long longValue(Object o, String field) throws IOException {
    if (o == null) {
      return null;
    }
    if (o instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(o.toString().trim());
    } catch (NumberFormatException e) {
      throw new IOException("field '" + field + "' is not an integer: " + o);
    }
  }
}
