package io.tracklog.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The archive's layout and its manifest, {@code tracklog-archive.json} (docs/FORMAT.md §Archives):
 * what the archive holds (experiments, runs, models) and each other entry's size and SHA-256.
 */
final class ArchiveFormat {
  static final String FORMAT = "tracklog-archive";
  static final int VERSION = 1;
  static final String MANIFEST = "tracklog-archive.json";
  static final String REGISTRY = "registry.bin";
  /** Prefix of the entries laid out as a store's files (manifest, compacted files, artifacts). */
  static final String STORE = "store/";
  static final long MAX_MANIFEST_BYTES = 256L << 20;
  static final long MAX_REGISTRY_BYTES = 256L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private ArchiveFormat() {}

  /** The archive's manifest. {@code entries}: every other entry, by name, in archive order. */
  record Manifest(
      String storeId,
      long createdAt,
      String selection,
      List<Experiment> experiments,
      List<ArchiveContents.RunEntry> runs,
      List<String> models,
      Map<String, EntrySum> entries) {}

  /** An entry's size and the lower-case hex SHA-256 of its bytes. */
  record EntrySum(long size, String sha256) {}

  /**
   * Refuses a name that could leave the folder it is extracted to: absolute, drive letters,
   * backslashes, NUL, empty, {@code .} or {@code ..} segments, directories.
   */
  static void checkEntryName(Path file, String name) {
    String why = null;
    if (name.isEmpty() || name.startsWith("/") || name.endsWith("/")) {
      why = "is absolute, empty or a directory";
    } else if (name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0 || name.indexOf(':') >= 0) {
      why = "holds a backslash, NUL or colon";
    } else {
      for (String seg : name.split("/", -1)) {
        if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
          why = "has an empty, . or .. segment";
        }
      }
    }
    if (why != null) {
      throw new CorruptFileException(file, "entry " + name + " " + why + ": it would escape the target");
    }
  }

  static byte[] write(Manifest m) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT).put("format_version", VERSION).put("store_id", m.storeId())
        .put("created_at", m.createdAt()).put("selection", m.selection());
    ArrayNode exps = root.putArray("experiments");
    for (Experiment e : m.experiments()) {
      ObjectNode o = exps.addObject();
      o.put("experiment_id", e.experimentId()).put("name", e.name()).put("artifact_location", e.artifactLocation())
          .put("lifecycle_stage", e.lifecycleStage().mlflowName()).put("creation_time", e.creationTime())
          .put("last_update_time", e.lastUpdateTime());
      ObjectNode tags = o.putObject("tags");
      e.tags().forEach(tags::put);
    }
    ArrayNode runs = root.putArray("runs");
    for (ArchiveContents.RunEntry r : m.runs()) {
      runs.addObject().put("run_id", r.runId()).put("experiment_id", r.experimentId()).put("status", r.status());
    }
    ArrayNode models = root.putArray("models");
    m.models().forEach(models::add);
    ArrayNode entries = root.putArray("entries");
    m.entries().forEach((name, sum) -> entries.addObject().put("path", name).put("size", sum.size()).put("sha256", sum.sha256()));
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * @throws CorruptFileException if the manifest is not one
   * @throws UnsupportedFormatException if its version is outside 1..{@value #VERSION}
   */
  static Manifest read(Path file, byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new CorruptFileException(file, "entry " + MANIFEST + " is not JSON: " + e.getMessage());
    }
    try {
      if (!FORMAT.equals(text(root, "format"))) {
        throw new CorruptFileException(file, "entry " + MANIFEST + " is not a Tracklog archive manifest");
      }
      long version = root.path("format_version").asLong(-1);
      if (version < 1 || version > VERSION) {
        throw new UnsupportedFormatException("Cannot read archive " + file + ": format version " + version + ", supported 1.." + VERSION);
      }
      List<Experiment> exps = new ArrayList<>();
      for (JsonNode o : array(root, "experiments")) {
        Map<String, String> tags = new TreeMap<>();
        o.path("tags").fields().forEachRemaining(t -> tags.put(t.getKey(), t.getValue().asText()));
        exps.add(new Experiment(text(o, "experiment_id"), text(o, "name"), text(o, "artifact_location"),
            LifecycleStage.ofMlflowName(text(o, "lifecycle_stage")), o.path("creation_time").asLong(),
            o.path("last_update_time").asLong(), tags));
      }
      List<ArchiveContents.RunEntry> runs = new ArrayList<>();
      for (JsonNode o : array(root, "runs")) {
        runs.add(new ArchiveContents.RunEntry(text(o, "run_id"), text(o, "experiment_id"), text(o, "status")));
      }
      List<String> models = new ArrayList<>();
      for (JsonNode o : array(root, "models")) {
        models.add(o.asText());
      }
      Map<String, EntrySum> entries = new LinkedHashMap<>();
      for (JsonNode o : array(root, "entries")) {
        String name = text(o, "path");
        checkEntryName(file, name);
        if (entries.put(name, new EntrySum(o.path("size").asLong(-1), text(o, "sha256"))) != null) {
          throw new CorruptFileException(file, "entry " + name + " is listed twice in " + MANIFEST);
        }
      }
      return new Manifest(text(root, "store_id"), root.path("created_at").asLong(), text(root, "selection"),
          List.copyOf(exps), List.copyOf(runs), List.copyOf(models), entries);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new CorruptFileException(file, "entry " + MANIFEST + " is invalid: " + e.getMessage());
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("field " + field + " is missing");
    }
    return n.asText();
  }

  private static Iterable<JsonNode> array(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || !n.isArray()) {
      throw new IllegalArgumentException("field " + field + " is missing");
    }
    return n;
  }
}
