package io.tracklog.mlflow;

import static io.tracklog.mlflow.MlflowFiles.string;

import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.error.ResourceNotFoundException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelRegistry.ImportedVersionState;
import io.tracklog.registry.ModelStage;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Imports MLflow's FileStore registry ({@code <mlruns>/models/}, mlflow/store/model_registry/file_store.py; docs/MLFLOW-BRIDGE.md) into
 * the store's registry, after the runs (a version's {@code file://} source that pointed into the
 * imported tree, or into its run's original artifact URI, is rewritten to the store's copy of the
 * run's artifacts). Every version keeps its number, soft-deleted ({@code Deleted_Internal}) ones
 * included; aliases come from {@code aliases/}, not from meta.yaml. Idempotent: a model already in
 * the store with the same creation_timestamp gets only the versions and aliases it lacks; one with
 * another creation_timestamp is reported and left alone. Part of one {@link MlflowImport}.
 */
final class RegistryImport {
  static final String VERSION_PREFIX = "version-";
  static final String ALIASES = "aliases";
  static final String DELETED_INTERNAL = "Deleted_Internal";

  private final MlflowImport im;
  private final Path mlruns;
  private final Store store;
  private final ModelRegistry registry;
  private final ImportReport report;

  RegistryImport(MlflowImport im, Path mlruns, Store store, ImportReport report) {
    this.im = im;
    this.mlruns = mlruns;
    this.store = store;
    this.registry = store.registry();
    this.report = report;
  }

  void importModels(Path modelsDir) {
    for (Path dir : im.children(modelsDir)) {
      if (!Files.isDirectory(dir)) {
        im.skip(dir, "not a registered model folder (a plain file)");
        continue;
      }
      try {
        importModel(dir);
      } catch (IOException | RuntimeException e) {
        im.skip(dir, "registered model skipped: " + MlflowImport.message(e));
      }
    }
  }

  private void importModel(Path dir) throws IOException {
    Path metaFile = dir.resolve(MlflowFiles.META);
    Map<String, Object> meta = MlflowFiles.readYaml(metaFile);
    String name = string(meta.get("name"));
    if (name == null) {
      throw new IOException("meta.yaml has no name");
    }
    if (!name.equals(dir.getFileName().toString())) {
      im.skip(metaFile, "name '" + name + "' differs from its folder name; imported as '" + name + "'");
    }
    long created = time(meta.get("creation_timestamp"), "creation_timestamp");
    long updated = meta.get("last_updated_timestamp") == null ? created : time(meta.get("last_updated_timestamp"), "last_updated_timestamp");
    RegisteredModel model =
        new RegisteredModel(name, created, updated, string(meta.get("description")), keyed(dir.resolve(MlflowFiles.TAGS)), Map.of(), List.of());
    int have;
    try {
      RegisteredModel existing = registry.getRegisteredModel(name);
      if (existing.creationTimestamp() != created) {
        im.skip(dir, "registered model '" + name + "' is in the store with another creation_timestamp; kept as it is");
        return;
      }
      have = registry.allVersions(name).keySet().stream().mapToInt(ModelVersion::version).max().orElse(0);
      report.registeredModelAlreadyImported();
    } catch (ResourceNotFoundException e) {
      registry.importRegisteredModel(model);
      report.add(ImportReport.Kind.REGISTERED_MODELS, 1);
      have = 0;
    }
    TreeMap<Integer, Path> versions = new TreeMap<>();
    for (Path child : im.children(dir)) {
      String f = child.getFileName().toString();
      if (f.startsWith(VERSION_PREFIX) && Files.isDirectory(child)) {
        try {
          versions.put(Integer.parseInt(f.substring(VERSION_PREFIX.length())), child);
        } catch (NumberFormatException e) {
          im.skip(child, "not a version folder");
        }
      } else if (!f.equals(MlflowFiles.META) && !f.equals(MlflowFiles.TAGS) && !f.equals(ALIASES)) {
        im.skip(child, "unknown entry in a registered model folder, ignored");
      }
    }
    for (Map.Entry<Integer, Path> v : versions.entrySet()) {
      if (v.getKey() > have) {
        try {
          importVersion(name, v.getKey(), v.getValue());
        } catch (IOException | RuntimeException e) {
          im.skip(v.getValue(), "model version skipped: " + MlflowImport.message(e));
        }
      }
    }
    Map<String, Integer> aliases = registry.getRegisteredModel(name).aliases();
    for (Map.Entry<String, String> a : keyed(dir.resolve(ALIASES)).entrySet()) {
      try {
        int version = ModelRegistry.parseVersion(a.getValue().strip());
        if (!Integer.valueOf(version).equals(aliases.get(a.getKey()))) {
          registry.setRegisteredModelAlias(name, a.getKey(), version);
          report.add(ImportReport.Kind.MODEL_ALIASES, 1);
        }
      } catch (RuntimeException e) {
        im.skip(dir.resolve(ALIASES).resolve(a.getKey()), "alias dropped: " + MlflowImport.message(e));
      }
    }
  }

  private void importVersion(String name, int number, Path dir) throws IOException {
    Path metaFile = dir.resolve(MlflowFiles.META);
    Map<String, Object> meta = MlflowFiles.readYaml(metaFile);
    Object inMeta = meta.get("version");
    if (inMeta != null && MlflowFiles.longValue(inMeta, "version") != number) {
      throw new IOException("version " + inMeta + " in meta.yaml differs from its folder name");
    }
    String stageText = string(meta.get("current_stage"));
    boolean deleted = DELETED_INTERNAL.equals(stageText);
    ModelStage stage = deleted || stageText == null ? ModelStage.NONE : ModelStage.parse(stageText);
    long created = time(meta.get("creation_timestamp"), "creation_timestamp");
    long updated = meta.get("last_updated_timestamp") == null ? created : time(meta.get("last_updated_timestamp"), "last_updated_timestamp");
    String runId = string(meta.get("run_id"));
    String source = string(meta.get("source"));
    if (source == null) {
      throw new IOException("meta.yaml has no source");
    }
    ModelVersion version =
        new ModelVersion(
            name, number, created, updated, string(meta.get("user_id")), stage, string(meta.get("description")),
            rewrite(source, runId), runId, string(meta.get("run_link")), ModelVersion.STATUS_READY, null,
            keyed(dir.resolve(MlflowFiles.TAGS)), List.of(), rewrite(string(meta.get("storage_location")), runId));
    registry.importModelVersion(version, deleted ? ImportedVersionState.DELETED_INTERNAL : ImportedVersionState.LIVE);
    report.add(ImportReport.Kind.MODEL_VERSIONS, 1);
  }

  /**
   * A {@code file:} URI into the imported tree's run artifacts ({@code [.trash/]<exp>/<run>/artifacts/...}),
   * or under the original artifact URI of the version's run, as the same path under the store's copy
   * of the run's artifacts; any other URI as it is.
   */
  private String rewrite(String uri, String runId) {
    if (uri == null || !uri.startsWith("file:")) {
      return uri;
    }
    if (runId != null && hasRun(runId)) {
      Run run = store.getRun(runId);
      String original = run.info().artifactUri().replaceAll("/+$", "");
      if (!original.isEmpty() && (uri.equals(original) || uri.startsWith(original + "/"))) {
        return MlflowExport.uri(store.artifacts(runId).root()) + uri.substring(original.length());
      }
    }
    Path path;
    try {
      path = Path.of(URI.create(uri)).normalize();
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      return uri;
    }
    if (!path.startsWith(mlruns)) {
      return uri;
    }
    Path rel = mlruns.relativize(path);
    int first = rel.getNameCount() > 0 && rel.getName(0).toString().equals(MlflowFiles.TRASH) ? 1 : 0;
    if (rel.getNameCount() < first + 3 || !rel.getName(first + 2).toString().equals(MlflowFiles.ARTIFACTS)) {
      return uri;
    }
    String run = rel.getName(first + 1).toString();
    if (!hasRun(run)) {
      return uri;
    }
    StringBuilder out = new StringBuilder(MlflowExport.uri(store.artifacts(run).root()));
    for (int i = first + 3; i < rel.getNameCount(); i++) {
      out.append('/').append(rel.getName(i));
    }
    return out.toString();
  }

  private boolean hasRun(String runId) {
    try {
      return store.catalogSnapshot().experimentOfRun(runId) != null;
    } catch (RunNotFoundException | IllegalArgumentException e) {
      return false;
    }
  }

  private Map<String, String> keyed(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, Path> e : MlflowFiles.keyedFiles(dir).entrySet()) {
      out.put(e.getKey(), MlflowFiles.readUtf8(e.getValue()));
    }
    return out;
  }

  private static long time(Object value, String field) throws IOException {
    Long t = MlflowFiles.longValue(value, field);
    if (t == null) {
      throw new IOException("meta.yaml has no " + field);
    }
    return t;
  }
}
