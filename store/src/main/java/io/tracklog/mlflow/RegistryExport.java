package io.tracklog.mlflow;

import io.tracklog.Store;
import io.tracklog.internal.PyYaml;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelRegistry.ImportedVersionState;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the store's registry in MLflow's FileStore layout ({@code <out>/models/},
 * mlflow/store/model_registry/file_store.py; docs/MLFLOW-BRIDGE.md): each model's meta.yaml, {@code tags/}, {@code aliases/}, and every
 * version ever created, soft-deleted ones as {@code Deleted_Internal} (they carry the numbering).
 * YAML is PyYAML's {@code safe_dump} ({@link PyYaml}); key and alias files hold the raw value with no
 * newline. A version's source (and storage location) under the store's copy of an exported run's
 * artifacts is pointed at the exported run's artifacts, unless the export keeps locations. Part of
 * one {@link MlflowExport}.
 */
final class RegistryExport {
  /** What a registry export wrote. */
  record Counts(int models, int versions) {}

  private RegistryExport() {}

  /**
   * @param runArtifactUris run id to the artifact URI the export wrote for it (empty to keep every source)
   */
  static Counts export(Store store, Path out, Map<String, String> runArtifactUris) throws IOException {
    ModelRegistry registry = store.registry();
    int models = 0;
    int versions = 0;
    for (RegisteredModel m : registry.snapshot().models()) {
      Path dir = Files.createDirectories(out.resolve(MlflowFiles.MODELS).resolve(m.name()));
      Map<String, Object> meta = new LinkedHashMap<>();
      Map<String, String> aliases = new TreeMap<>();
      m.aliases().forEach((alias, v) -> aliases.put(alias, String.valueOf(v)));
      meta.put("aliases", aliases);
      meta.put("creation_timestamp", m.creationTimestamp());
      meta.put("deployment_job_id", null);
      meta.put("deployment_job_state", null);
      meta.put("description", m.description());
      meta.put("last_updated_timestamp", m.lastUpdatedTimestamp());
      meta.put("name", m.name());
      writeYaml(dir.resolve(MlflowFiles.META), meta);
      writeKeyed(dir.resolve(MlflowFiles.TAGS), m.tags());
      writeKeyed(dir.resolve(RegistryImport.ALIASES), aliases);
      for (Map.Entry<ModelVersion, ImportedVersionState> e : registry.allVersions(m.name()).entrySet()) {
        writeVersion(dir, e.getKey(), e.getValue(), store, runArtifactUris);
        versions++;
      }
      models++;
    }
    return new Counts(models, versions);
  }

  private static void writeVersion(
      Path modelDir, ModelVersion v, ImportedVersionState state, Store store, Map<String, String> runArtifactUris)
      throws IOException {
    Path dir = Files.createDirectories(modelDir.resolve(RegistryImport.VERSION_PREFIX + v.version()));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("creation_timestamp", v.creationTimestamp());
    meta.put(
        "current_stage",
        state == ImportedVersionState.DELETED_INTERNAL ? RegistryImport.DELETED_INTERNAL : v.currentStage().displayName());
    meta.put("deployment_job_state", null);
    meta.put("description", v.description());
    meta.put("last_updated_timestamp", v.lastUpdatedTimestamp());
    meta.put("model_id", null);
    meta.put("name", v.name());
    meta.put("run_id", v.runId());
    meta.put("run_link", v.runLink());
    meta.put("source", pointAtExport(v.source(), v.runId(), store, runArtifactUris));
    meta.put("status", v.status());
    meta.put("status_message", v.statusMessage());
    meta.put("storage_location", pointAtExport(v.storageLocation(), v.runId(), store, runArtifactUris));
    meta.put("user_id", v.userId());
    meta.put("version", v.version());
    writeYaml(dir.resolve(MlflowFiles.META), meta);
    writeKeyed(dir.resolve(MlflowFiles.TAGS), v.tags());
  }

  /** A URI under the store's copy of an exported run's artifacts, as the same path under the export's. */
  private static String pointAtExport(String uri, String runId, Store store, Map<String, String> runArtifactUris) {
    String exported = runId == null ? null : runArtifactUris.get(runId);
    if (uri == null || exported == null) {
      return uri;
    }
    String root = MlflowExport.uri(store.artifacts(runId).root());
    return uri.equals(root) || uri.startsWith(root + "/") ? exported + uri.substring(root.length()) : uri;
  }

  private static void writeYaml(Path file, Map<String, Object> map) throws IOException {
    Files.writeString(file, PyYaml.dump(map, true), StandardCharsets.UTF_8);
  }

  /** MLflow creates {@code tags/} and {@code aliases/} with their first file: none for none. */
  private static void writeKeyed(Path dir, Map<String, String> values) throws IOException {
    for (Map.Entry<String, String> e : values.entrySet()) {
      MlflowExport.writeKeyed(dir, e.getKey(), e.getValue());
    }
  }
}
