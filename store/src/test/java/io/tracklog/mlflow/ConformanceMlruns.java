package io.tracklog.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the dataset of {@code conformance/search-sample.json} (in
 * store/src/test/resources) as an MLflow file store, the way MLflow's FileStore lays
 * it out: meta.yaml per experiment and run, one file per tag, param and metric, datasets and inputs
 * by MLflow's md5 ids, deleted experiments in {@code .trash/}.
 */
final class ConformanceMlruns {
  private ConformanceMlruns() {}

  static JsonNode dataset() throws IOException {
    try (InputStream in = ConformanceMlruns.class.getResourceAsStream("/conformance/search-sample.json")) {
      return new ObjectMapper().readTree(in).get("dataset");
    }
  }

  static Path write(JsonNode dataset, Path out) throws IOException {
    Map<String, Path> expDirs = new LinkedHashMap<>();
    for (JsonNode e : dataset.get("experiments")) {
      String id = e.get("experiment_id").asText();
      boolean deleted = e.get("lifecycle_stage").asText().equals("deleted");
      Path dir = Files.createDirectories((deleted ? out.resolve(".trash") : out).resolve(id));
      expDirs.put(id, dir);
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("artifact_location", "file:///tmp/mlruns/" + id);
      meta.put("creation_time", e.get("creation_time").asLong());
      meta.put("experiment_id", id);
      meta.put("last_update_time", e.get("last_update_time").asLong());
      meta.put("lifecycle_stage", e.get("lifecycle_stage").asText());
      meta.put("name", e.get("name").asText());
      MlflowFiles.writeYaml(dir.resolve("meta.yaml"), meta);
      Files.createDirectories(dir.resolve("tags"));
      for (var t : (Iterable<Map.Entry<String, JsonNode>>) e.get("tags")::fields) {
        write(dir.resolve("tags").resolve(t.getKey()), t.getValue().asText());
      }
    }
    for (JsonNode r : dataset.get("runs")) {
      String runId = r.get("run_id").asText();
      Path expDir = expDirs.get(r.get("experiment").asText());
      Path dir = Files.createDirectories(expDir.resolve(runId));
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("artifact_uri", r.get("artifact_uri").asText());
      meta.put("end_time", r.get("end_time").isNull() ? null : r.get("end_time").asLong());
      meta.put("entry_point_name", "");
      meta.put("experiment_id", r.get("experiment").asText());
      meta.put("lifecycle_stage", r.get("lifecycle_stage").asText());
      meta.put("run_id", runId);
      meta.put("run_name", r.get("name").asText());
      meta.put("run_uuid", runId);
      meta.put("source_name", "");
      meta.put("source_type", 4);
      meta.put("source_version", "");
      meta.put("start_time", r.get("start_time").asLong());
      meta.put("status", status(r.get("status").asText()));
      meta.put("tags", java.util.List.of());
      meta.put("user_id", r.get("user_id").asText());
      if (r.get("lifecycle_stage").asText().equals("deleted")) {
        meta.put("deleted_time", r.get("end_time").asLong() + 1);
      }
      MlflowFiles.writeYaml(dir.resolve("meta.yaml"), meta);
      for (String sub : new String[] {"params", "tags", "metrics", "artifacts"}) {
        Files.createDirectories(dir.resolve(sub));
      }
      for (var p : (Iterable<Map.Entry<String, JsonNode>>) r.get("params")::fields) {
        write(dir.resolve("params").resolve(p.getKey()), p.getValue().asText());
      }
      for (var t : (Iterable<Map.Entry<String, JsonNode>>) r.get("tags")::fields) {
        write(dir.resolve("tags").resolve(t.getKey()), t.getValue().asText());
      }
      for (var m : (Iterable<Map.Entry<String, JsonNode>>) r.get("metrics")::fields) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode point : m.getValue()) {
          sb.append(point.get(1).asLong()).append(' ').append(MlflowFiles.formatValue(value(point.get(0))))
              .append(' ').append(point.get(2).asLong()).append('\n');
        }
        write(dir.resolve("metrics").resolve(m.getKey()), sb.toString());
      }
      for (JsonNode d : r.get("datasets")) {
        String datasetId = MlflowFiles.datasetId(d.get("name").asText(), d.get("digest").asText());
        Path ddir = Files.createDirectories(expDir.resolve("datasets").resolve(datasetId));
        Map<String, Object> dm = new LinkedHashMap<>();
        dm.put("digest", d.get("digest").asText());
        dm.put("name", d.get("name").asText());
        dm.put("source", d.get("source").asText());
        dm.put("source_type", d.get("source_type").asText());
        MlflowFiles.writeYaml(ddir.resolve("meta.yaml"), dm);
        Path idir = Files.createDirectories(dir.resolve("inputs").resolve(MlflowFiles.inputId(datasetId, runId)));
        Map<String, Object> im = new LinkedHashMap<>();
        im.put("destination_id", datasetId); // MLflow's own FileStore writes the dataset id here
        im.put("destination_type", "RUN");
        im.put("source_id", datasetId);
        im.put("source_type", "DATASET");
        im.put("tags", d.has("context") ? Map.of("mlflow.data.context", d.get("context").asText()) : Map.of());
        MlflowFiles.writeYaml(idir.resolve("meta.yaml"), im);
      }
    }
    return out;
  }

  static double value(JsonNode v) {
    if (v.isTextual()) {
      return switch (v.asText()) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> throw new IllegalArgumentException(v.asText());
      };
    }
    return v.asDouble();
  }

  static int status(String name) {
    return switch (name) {
      case "RUNNING" -> 1;
      case "SCHEDULED" -> 2;
      case "FINISHED" -> 3;
      case "FAILED" -> 4;
      case "KILLED" -> 5;
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static void write(Path file, String value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, value.getBytes(StandardCharsets.UTF_8));
  }
}
