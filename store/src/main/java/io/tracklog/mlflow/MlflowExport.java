package io.tracklog.mlflow;

import io.tracklog.ArtifactInfo;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.InputTag;
import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.RunArtifacts;
import io.tracklog.RunInfo;
import io.tracklog.RunRecord;
import io.tracklog.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes experiments and runs of a Tracklog store in MLflow's file-store layout ({@code mlruns/},
 * {@code mlflow/store/tracking/file_store.py}), so that MLflow's own tools ({@code mlflow ui --backend-store-uri
 * <dir>}, {@code MlflowClient}) can open it. Deleted experiments go to {@code .trash/}. The whole
 * model registry goes to {@code models/} whichever experiments are exported ({@code RegistryExport}).
 *
 * <pre>{@code
 * try (Store store = Store.open(Path.of("tracklog"))) {
 *   MlflowExport.exportStore(store, Path.of("mlruns"), List.of());   // every experiment
 * }
 * }</pre>
 *
 * <p>Exporting is a read of the store: it may run while other processes write (each run is read
 * from its log as it is at that moment). Thread-safe; the output directory must be empty or absent.
 */
public final class MlflowExport {
  /** What the exported experiments' artifact locations and runs' artifact URIs say. */
  public enum ArtifactLocations {
    /**
     * Point at the exported folders ({@code file://<out>/<experiment>} and {@code
     * .../<run>/artifacts}), so MLflow finds the copied artifacts. The default.
     */
    POINT_TO_EXPORT,
    /** Keep what the store holds (an import's original URIs): a lossless round trip. */
    KEEP
  }

  /** What an export wrote. */
  public record Summary(
      int experiments, int runs, long metricPoints, int artifactFiles, int registeredModels, int modelVersions) {}

  private MlflowExport() {}

  /** Exports with {@link ArtifactLocations#POINT_TO_EXPORT}; empty {@code experimentIds}: all. */
  public static Summary exportStore(Store store, Path outDir, Collection<String> experimentIds) {
    return exportStore(store, outDir, experimentIds, ArtifactLocations.POINT_TO_EXPORT);
  }

  /**
   * Writes the experiments {@code experimentIds} (every experiment when empty), with all their runs,
   * to {@code outDir}.
   *
   * @throws IllegalArgumentException if {@code outDir} exists and is not an empty directory
   * @throws io.tracklog.error.ExperimentNotFoundException if an id names no experiment
   */
  public static Summary exportStore(
      Store store, Path outDir, Collection<String> experimentIds, ArtifactLocations locations) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(outDir, "outDir");
    Objects.requireNonNull(experimentIds, "experimentIds");
    Objects.requireNonNull(locations, "locations");
    Path out = outDir.toAbsolutePath().normalize();
    requireEmpty(out);
    List<Experiment> experiments = new ArrayList<>();
    if (experimentIds.isEmpty()) {
      experiments.addAll(store.experiments());
    } else {
      for (String id : experimentIds) {
        experiments.add(store.getExperiment(id));
      }
    }
    int runs = 0;
    long points = 0;
    int artifacts = 0;
    Map<String, String> exportedRuns = new TreeMap<>(); // run id to its exported artifact URI
    RegistryExport.Counts registry;
    try {
      Files.createDirectories(out.resolve(MlflowFiles.TRASH));
      for (Experiment e : experiments) {
        Path expDir = (e.isActive() ? out : out.resolve(MlflowFiles.TRASH)).resolve(e.experimentId());
        String location =
            locations == ArtifactLocations.KEEP ? e.artifactLocation() : uri(out.resolve(e.experimentId()));
        writeExperiment(expDir, e, location);
        for (String runId : store.runIds(e.experimentId())) {
          RunRecord record = store.runRecord(runId);
          String artifactUri =
              locations == ArtifactLocations.KEEP
                  ? record.run().info().artifactUri()
                  : uri(out.resolve(e.experimentId()).resolve(runId).resolve(MlflowFiles.ARTIFACTS));
          writeRun(expDir, record, artifactUri, store.artifacts(runId));
          if (locations == ArtifactLocations.POINT_TO_EXPORT) {
            exportedRuns.put(runId, artifactUri);
          }
          runs++;
          points += record.metricHistory().values().stream().mapToLong(List::size).sum();
          artifacts += record.artifacts().size();
        }
      }
      registry = RegistryExport.export(store, out, exportedRuns);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot export to " + out, e);
    }
    return new Summary(experiments.size(), runs, points, artifacts, registry.models(), registry.versions());
  }

  private static void requireEmpty(Path out) {
    if (!Files.exists(out)) {
      return;
    }
    if (!Files.isDirectory(out)) {
      throw new IllegalArgumentException("Cannot export to " + out + ": not a directory");
    }
    try (Stream<Path> s = Files.list(out)) {
      if (s.findAny().isPresent()) {
        throw new IllegalArgumentException("Cannot export to " + out + ": the directory is not empty");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + out, e);
    }
  }

  /** MLflow's local URIs: file:///abs/path, without a trailing slash. */
  static String uri(Path p) {
    return p.toUri().toString().replaceAll("/$", "");
  }

  private static void writeExperiment(Path dir, Experiment e, String location) throws IOException {
    Files.createDirectories(dir);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("experiment_id", e.experimentId());
    meta.put("name", e.name());
    meta.put("artifact_location", location);
    meta.put("lifecycle_stage", e.lifecycleStage().mlflowName());
    // 0 is what an import of an MLflow 1.x experiment (which had no times) keeps: write none again.
    if (e.creationTime() != 0) {
      meta.put("creation_time", e.creationTime());
    }
    if (e.lastUpdateTime() != 0) {
      meta.put("last_update_time", e.lastUpdateTime());
    }
    MlflowFiles.writeYaml(dir.resolve(MlflowFiles.META), meta);
    Path tags = Files.createDirectories(dir.resolve(MlflowFiles.TAGS));
    for (Map.Entry<String, String> t : e.tags().entrySet()) {
      writeKeyed(tags, t.getKey(), t.getValue());
    }
  }

  static void writeKeyed(Path dir, String key, String value) throws IOException {
    Path file = MlflowFiles.keyPath(dir, key);
    if (file == null) {
      throw new IOException("key '" + key + "' cannot name a file under " + dir);
    }
    Files.createDirectories(file.getParent());
    Files.write(file, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeRun(Path expDir, RunRecord record, String artifactUri, RunArtifacts artifacts)
      throws IOException {
    Run run = record.run();
    RunInfo info = run.info();
    Path dir = Files.createDirectories(expDir.resolve(info.runId()));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("artifact_uri", artifactUri);
    meta.put("end_time", info.endTime());
    meta.put("entry_point_name", "");
    meta.put("experiment_id", info.experimentId());
    meta.put("lifecycle_stage", info.lifecycleStage().mlflowName());
    meta.put("run_id", info.runId());
    meta.put("run_name", info.runName());
    meta.put("run_uuid", info.runId());
    meta.put("source_name", "");
    meta.put("source_type", MlflowFiles.SOURCE_TYPE_LOCAL);
    meta.put("source_version", "");
    meta.put("start_time", info.startTime());
    meta.put("status", info.status().number());
    meta.put("tags", List.of());
    meta.put("user_id", info.userId());
    if (info.lifecycleStage() == LifecycleStage.DELETED && record.deletedTime() != null && record.deletedTime() != 0) {
      meta.put("deleted_time", record.deletedTime());
    }
    MlflowFiles.writeYaml(dir.resolve(MlflowFiles.META), meta);

    Path params = Files.createDirectories(dir.resolve(MlflowFiles.PARAMS));
    for (Map.Entry<String, String> p : new TreeMap<>(run.params()).entrySet()) {
      writeKeyed(params, p.getKey(), p.getValue());
    }
    Path tags = Files.createDirectories(dir.resolve(MlflowFiles.TAGS));
    for (Map.Entry<String, String> t : new TreeMap<>(run.tags()).entrySet()) {
      writeKeyed(tags, t.getKey(), t.getValue());
    }
    Path metrics = Files.createDirectories(dir.resolve(MlflowFiles.METRICS));
    for (Map.Entry<String, List<Metric>> m : record.metricHistory().entrySet()) {
      StringBuilder sb = new StringBuilder();
      for (Metric p : m.getValue()) {
        sb.append(p.timestampMs()).append(' ').append(MlflowFiles.formatValue(p.value())).append(' ').append(p.step()).append('\n');
      }
      writeKeyed(metrics, m.getKey(), sb.toString());
    }
    writeInputs(expDir, dir, info.runId(), run.inputs());
    Path artifactDir = Files.createDirectories(dir.resolve(MlflowFiles.ARTIFACTS));
    for (ArtifactInfo a : artifacts.listAll()) {
      Path target = MlflowFiles.keyPath(artifactDir, a.path());
      Files.createDirectories(target.getParent());
      try (InputStream in = artifacts.open(a.path())) {
        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void writeInputs(Path expDir, Path runDir, String runId, List<DatasetInput> inputs) throws IOException {
    for (DatasetInput input : inputs) {
      String datasetId = MlflowFiles.datasetId(input.dataset().name(), input.dataset().digest());
      Path datasetDir = expDir.resolve(MlflowFiles.DATASETS).resolve(datasetId);
      if (!Files.exists(datasetDir.resolve(MlflowFiles.META))) {
        Files.createDirectories(datasetDir);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", input.dataset().name());
        d.put("digest", input.dataset().digest());
        d.put("source_type", input.dataset().sourceType());
        d.put("source", input.dataset().source());
        if (input.dataset().schema() != null) {
          d.put("schema", input.dataset().schema());
        }
        if (input.dataset().profile() != null) {
          d.put("profile", input.dataset().profile());
        }
        MlflowFiles.writeYaml(datasetDir.resolve(MlflowFiles.META), d);
      }
      Path inputDir = Files.createDirectories(runDir.resolve(MlflowFiles.INPUTS).resolve(MlflowFiles.inputId(datasetId, runId)));
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("source_type", "DATASET");
      meta.put("source_id", datasetId);
      meta.put("destination_type", "RUN");
      meta.put("destination_id", runId);
      Map<String, String> tags = new LinkedHashMap<>();
      for (InputTag t : input.tags()) {
        tags.put(t.key(), t.value());
      }
      meta.put("tags", tags);
      MlflowFiles.writeYaml(inputDir.resolve(MlflowFiles.META), meta);
    }
  }
}
