package io.tracklog.mlflow;

import static io.tracklog.mlflow.MlflowFiles.string;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.InputTag;
import io.tracklog.LifecycleStage;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunArtifacts;
import io.tracklog.RunImport;
import io.tracklog.RunRecord;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.Store;
import io.tracklog.SystemTags;
import io.tracklog.error.HasErrorCode;
import io.tracklog.format.RunEvent;
import io.tracklog.format.Validation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Imports an MLflow file store ({@code mlruns/}) into a Tracklog store, keeping experiment and run
 * ids, names, times, lifecycle stages, tags, params, every metric point, dataset inputs and artifact
 * files (copied, SHA-256 recorded). docs/MLFLOW-BRIDGE.md lists what maps to what.
 *
 * <pre>{@code
 * try (Store store = Store.open(Path.of("tracklog"))) {
 *   ImportReport report = MlflowImport.importStore(Path.of("mlruns"), store);
 *   System.out.print(report.format());
 * }
 * }</pre>
 *
 * <p><b>Malformed input</b> (a missing or broken meta.yaml, a bad metric line, an unknown field, a
 * key MLflow would refuse) is reported per file in the {@link ImportReport} and never stops the
 * rest. A run whose meta.yaml cannot be used is skipped whole; a bad line, param, tag or input
 * inside a usable run is dropped and reported, and the rest of the run imported.
 *
 * <p><b>All or nothing per run.</b> Each run is first read and checked entirely in memory (artifact
 * files are only listed), then written by {@link Store#importRun}, which registers the run in the
 * catalog only after its whole log and every artifact file are written, and deletes the run's folder
 * if anything fails before. A crash or error never leaves half a run visible.
 *
 * <p><b>Idempotent.</b> An experiment whose id is in the store with the same name is not created
 * again; a run whose id is in the store is verified (same experiment, params, tags, metric point
 * count and artifact digests) and left alone, or reported as a conflict. Importing the same tree
 * twice changes nothing.
 *
 * <p>Thread-safe as far as the store is; one call imports one tree on the calling thread.
 */
public final class MlflowImport {
  /** Receives progress: runs done out of runs found. Called on the importing thread. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (done, total, current) -> {};

    void update(int runsDone, int runsTotal, String current);
  }

  private static final Set<String> EXPERIMENT_FIELDS =
      Set.of("experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time", "last_update_time", "tags");
  private static final Set<String> RUN_FIELDS =
      Set.of(
          "run_id", "run_uuid", "run_name", "experiment_id", "user_id", "status", "start_time", "end_time",
          "artifact_uri", "lifecycle_stage", "deleted_time",
          // legacy fields MLflow still writes, with fixed values
          "tags", "name", "source_type", "source_name", "entry_point_name", "source_version");
  private static final Set<String> INPUT_FIELDS = Set.of("source_type", "source_id", "destination_type", "destination_id", "tags");
  private static final Set<String> DATASET_FIELDS = Set.of("name", "digest", "source_type", "source", "schema", "profile");

  private final Path mlruns;
  private final Store store;
  private final Progress progress;
  private final ImportReport report = new ImportReport();

  private MlflowImport(Path mlruns, Store store, Progress progress) {
    this.mlruns = mlruns;
    this.store = store;
    this.progress = progress;
  }

  /** Imports every experiment and run of {@code mlruns} (active and in {@code .trash}) into {@code store}. */
  public static ImportReport importStore(Path mlruns, Store store) {
    return importStore(mlruns, store, Progress.NONE);
  }

  /**
   * As {@link #importStore(Path, Store)}, reporting progress run by run.
   *
   * @throws IllegalArgumentException if {@code mlruns} is not a directory
   */
  public static ImportReport importStore(Path mlruns, Store store, Progress progress) {
    Objects.requireNonNull(mlruns, "mlruns");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(progress, "progress");
    if (!Files.isDirectory(mlruns)) {
      throw new IllegalArgumentException("Cannot import " + mlruns + ": not a directory");
    }
    MlflowImport im = new MlflowImport(mlruns.toAbsolutePath().normalize(), store, progress);
    im.run();
    return im.report;
  }

  // ---- walking the tree ------------------------------------------------------------------------

  private record ExperimentDir(Path dir, List<Path> runDirs) {}

  private void run() {
    Path registry = null;
    List<ExperimentDir> experiments = new ArrayList<>();
    for (Path child : children(mlruns)) {
      String name = child.getFileName().toString();
      if (name.equals(MlflowFiles.TRASH)) {
        if (Files.isDirectory(child)) {
          for (Path trashed : children(child)) {
            addExperimentDir(trashed, experiments);
          }
        }
      } else if (name.equals(MlflowFiles.MODELS) && Files.isDirectory(child)) {
        registry = child; // imported after the runs its versions' sources point into
      } else {
        addExperimentDir(child, experiments);
      }
    }
    int total = experiments.stream().mapToInt(e -> e.runDirs().size()).sum();
    int done = 0;
    progress.update(0, total, "");
    for (ExperimentDir e : experiments) {
      String experimentId = importExperiment(e.dir());
      for (Path runDir : e.runDirs()) {
        if (experimentId == null) {
          skip(runDir, "its experiment was not imported");
        } else {
          importRunGuarded(runDir, experimentId);
        }
        progress.update(++done, total, rel(runDir));
      }
    }
    if (registry != null) {
      new RegistryImport(this, mlruns, store, report).importModels(registry);
    }
  }

  private void addExperimentDir(Path dir, List<ExperimentDir> out) {
    if (!Files.isDirectory(dir)) {
      skip(dir, "not an experiment folder (a plain file)");
      return;
    }
    List<Path> runs = new ArrayList<>();
    for (Path child : children(dir)) {
      String name = child.getFileName().toString();
      if (!Files.isDirectory(child)) {
        if (!name.equals(MlflowFiles.META)) {
          skip(child, "unknown file in an experiment folder");
        }
      } else if (name.equals(MlflowFiles.MODELS)) {
        skip(child, "logged models (MLflow 3) are not imported");
      } else if (name.equals(MlflowFiles.TRACES)) {
        skip(child, "traces are not imported");
      } else if (!MlflowFiles.RESERVED_IN_EXPERIMENT.contains(name)) {
        runs.add(child);
      }
    }
    out.add(new ExperimentDir(dir, runs));
  }

  // ---- experiments -----------------------------------------------------------------------------

  /** Imports (or finds) the experiment; returns its id, or null if its runs must be skipped. */
  private String importExperiment(Path dir) {
    Path metaFile = dir.resolve(MlflowFiles.META);
    Experiment parsed;
    try {
      Map<String, Object> meta = MlflowFiles.readYaml(metaFile);
      unknownFields(metaFile, meta, EXPERIMENT_FIELDS);
      String id = string(meta.get("experiment_id"));
      String name = string(meta.get("name"));
      if (id == null || name == null) {
        skip(metaFile, "meta.yaml has no " + (id == null ? "experiment_id" : "name") + "; experiment and its runs skipped");
        return null;
      }
      if (!id.equals(dir.getFileName().toString())) {
        skip(metaFile, "experiment_id '" + id + "' differs from its folder name; imported with id '" + id + "'");
      }
      Long created = MlflowFiles.longValue(meta.get("creation_time"), "creation_time");
      Long updated = MlflowFiles.longValue(meta.get("last_update_time"), "last_update_time");
      Map<String, String> tags = new TreeMap<>();
      for (Map.Entry<String, Path> t : MlflowFiles.keyedFiles(dir.resolve(MlflowFiles.TAGS)).entrySet()) {
        try {
          String value = MlflowFiles.readUtf8(t.getValue());
          Validation.tagKey(t.getKey());
          tags.put(t.getKey(), value);
        } catch (IOException | IllegalArgumentException e) {
          skip(t.getValue(), "experiment tag dropped: " + message(e));
        }
      }
      parsed =
          new Experiment(
              id,
              name,
              Objects.requireNonNullElse(string(meta.get("artifact_location")), ""),
              lifecycle(metaFile, meta.get("lifecycle_stage")),
              created == null ? 0L : created,
              updated == null ? (created == null ? 0L : created) : updated,
              tags);
    } catch (IOException | RuntimeException e) {
      skip(metaFile, "experiment skipped with its runs: " + message(e));
      return null;
    }
    Experiment existing = store.experiments().stream()
        .filter(x -> x.experimentId().equals(parsed.experimentId()))
        .findFirst()
        .orElse(null);
    boolean pristineDefault =
        existing != null
            && existing.experimentId().equals(Experiment.DEFAULT_ID)
            && existing.name().equals(Experiment.DEFAULT_NAME)
            && existing.tags().isEmpty()
            && existing.isActive()
            && store.runIds(Experiment.DEFAULT_ID).isEmpty();
    if (existing != null && (existing.equals(parsed) || (!pristineDefault && existing.name().equals(parsed.name())))) {
      if (!existing.equals(parsed)) {
        skip(dir, "experiment '" + parsed.experimentId() + "' is in the store with other attributes; kept as it is");
      }
      report.experimentAlreadyImported();
      return parsed.experimentId();
    }
    try {
      store.importExperiment(parsed);
      report.add(ImportReport.Kind.EXPERIMENTS, 1);
      report.add(ImportReport.Kind.EXPERIMENT_TAGS, parsed.tags().size());
      return parsed.experimentId();
    } catch (RuntimeException e) {
      skip(dir, "experiment '" + parsed.experimentId() + "' (" + parsed.name() + ") skipped with its runs: " + message(e));
      return null;
    }
  }

  private LifecycleStage lifecycle(Path file, Object value) {
    if (value == null) {
      return LifecycleStage.ACTIVE;
    }
    try {
      return LifecycleStage.ofMlflowName(value.toString());
    } catch (IllegalArgumentException e) {
      skip(file, "unknown lifecycle_stage '" + value + "'; imported as active");
      return LifecycleStage.ACTIVE;
    }
  }

  // ---- runs ------------------------------------------------------------------------------------

  private void importRunGuarded(Path runDir, String experimentId) {
    try {
      RunImport run = readRun(runDir, experimentId);
      if (run != null) {
        writeRun(runDir, run);
      }
    } catch (RuntimeException e) {
      skip(runDir, "run skipped: " + message(e));
    }
  }

  private void writeRun(Path runDir, RunImport run) {
    String registeredIn = store.catalogSnapshot().experimentOfRun(run.runId());
    if (registeredIn != null) {
      if (!registeredIn.equals(run.experimentId())) {
        skip(runDir, "run skipped: a run with this id is already in experiment '" + registeredIn + "'");
        return;
      }
      String difference = difference(store.runRecord(run.runId()), run);
      if (difference == null) {
        report.runAlreadyImported();
      } else {
        skip(runDir, "run skipped: already in the store, but " + difference);
      }
      return;
    }
    store.importRun(run);
    report.add(ImportReport.Kind.RUNS, 1);
    report.add(ImportReport.Kind.PARAMS, run.params().size());
    report.add(ImportReport.Kind.TAGS, run.tags().size());
    report.add(ImportReport.Kind.METRIC_SERIES, run.metrics().stream().map(Metric::key).distinct().count());
    report.add(ImportReport.Kind.METRIC_POINTS, run.metrics().size());
    report.add(ImportReport.Kind.DATASET_INPUTS, run.inputs().size());
    report.add(ImportReport.Kind.ARTIFACT_FILES, run.artifacts().size());
    long bytes = 0;
    for (RunEvent.ArtifactWritten a : store.runRecord(run.runId()).artifacts().values()) {
      bytes += a.size();
    }
    report.add(ImportReport.Kind.ARTIFACT_BYTES, bytes);
  }

  /** Why an imported run differs from the files, or null if it does not. */
  private static String difference(RunRecord have, RunImport want) {
    Map<String, String> params = new TreeMap<>();
    want.params().forEach(p -> params.put(p.key(), p.value()));
    if (!have.run().params().equals(params)) {
      return "its params differ";
    }
    Map<String, String> tags = new TreeMap<>();
    want.tags().forEach(t -> tags.put(t.key(), t.value()));
    if (!have.run().tags().equals(tags)) {
      return "its tags differ";
    }
    long points = have.metricHistory().values().stream().mapToLong(List::size).sum();
    if (points != want.metrics().size()) {
      return "it has " + points + " metric points, the files " + want.metrics().size();
    }
    if (have.artifacts().size() != want.artifacts().size()) {
      return "it has " + have.artifacts().size() + " artifact files, the folder " + want.artifacts().size();
    }
    for (RunImport.ArtifactFile a : want.artifacts()) {
      RunEvent.ArtifactWritten w = have.artifacts().get(a.path());
      if (w == null || !w.sha256().equals(sha256(a.source()))) {
        return "artifact " + a.path() + " differs";
      }
    }
    return null;
  }

  private static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The whole run read and checked in memory; null if it must be skipped (reported). */
  private RunImport readRun(Path runDir, String experimentId) {
    Path metaFile = runDir.resolve(MlflowFiles.META);
    Map<String, Object> meta;
    try {
      meta = MlflowFiles.readYaml(metaFile);
    } catch (IOException | RuntimeException e) {
      skip(metaFile, "run skipped: " + (Files.exists(metaFile) ? "broken meta.yaml: " + message(e) : "no meta.yaml"));
      return null;
    }
    unknownFields(metaFile, meta, RUN_FIELDS);
    String runId = string(meta.get("run_id") != null ? meta.get("run_id") : meta.get("run_uuid"));
    if (runId == null) {
      skip(metaFile, "run skipped: meta.yaml has no run_id");
      return null;
    }
    if (!runId.equals(runDir.getFileName().toString())) {
      skip(metaFile, "run skipped: run_id '" + runId + "' differs from its folder name");
      return null;
    }
    String metaExperiment = string(meta.get("experiment_id"));
    if (metaExperiment != null && !metaExperiment.equals(experimentId)) {
      skip(metaFile, "experiment_id '" + metaExperiment + "' differs from its experiment '" + experimentId + "'; imported into '" + experimentId + "'");
    }
    Long start;
    Long end;
    Long deleted;
    try {
      start = MlflowFiles.longValue(meta.get("start_time"), "start_time");
      end = MlflowFiles.longValue(meta.get("end_time"), "end_time");
      deleted = MlflowFiles.longValue(meta.get("deleted_time"), "deleted_time");
    } catch (IOException e) {
      skip(metaFile, "run skipped: " + e.getMessage());
      return null;
    }
    if (start == null) {
      skip(metaFile, "no start_time; imported with start time 0");
    }
    RunStatus status = status(metaFile, meta.get("status"));
    if (status == null) {
      return null;
    }

    List<RunTag> tags = new ArrayList<>();
    Map<String, String> tagMap = new LinkedHashMap<>();
    for (Map.Entry<String, String> t : readKeyed(runDir.resolve(MlflowFiles.TAGS), "tag").entrySet()) {
      tags.add(new RunTag(t.getKey(), t.getValue()));
      tagMap.put(t.getKey(), t.getValue());
    }
    List<Param> params = new ArrayList<>();
    readKeyed(runDir.resolve(MlflowFiles.PARAMS), "param").forEach((k, v) -> params.add(new Param(k, v)));
    List<Metric> metrics = readMetrics(runDir.resolve(MlflowFiles.METRICS));
    List<DatasetInput> inputs = readInputs(runDir, runId);
    List<RunImport.ArtifactFile> artifacts = readArtifacts(runDir, string(meta.get("artifact_uri")));
    for (Path child : children(runDir)) {
      String name = child.getFileName().toString();
      if (name.equals(MlflowFiles.OUTPUTS)) {
        skip(child, "model outputs (MLflow 3 logged models) are not imported");
      } else if (!Set.of(MlflowFiles.META, MlflowFiles.TAGS, MlflowFiles.PARAMS, MlflowFiles.METRICS, MlflowFiles.INPUTS,
              MlflowFiles.ARTIFACTS).contains(name)) {
        skip(child, "unknown entry in a run folder, ignored");
      }
    }

    String runName = string(meta.get("run_name"));
    if (runName == null) {
      runName = Objects.requireNonNullElse(tagMap.get(SystemTags.RUN_NAME), "");
    }
    return new RunImport(
        runId,
        experimentId,
        runName,
        string(meta.get("user_id")),
        start == null ? 0L : start,
        end,
        status,
        lifecycle(metaFile, meta.get("lifecycle_stage")),
        deleted,
        Objects.requireNonNullElse(string(meta.get("artifact_uri")), ""),
        tags,
        params,
        metrics,
        inputs,
        artifacts);
  }

  private RunStatus status(Path metaFile, Object value) {
    if (value == null) {
      return RunStatus.RUNNING; // MLflow's default when the field is absent
    }
    try {
      if (value instanceof Number n) {
        return RunStatus.ofNumber(n.intValue());
      }
      return RunStatus.valueOf(value.toString());
    } catch (IllegalArgumentException e) {
      skip(metaFile, "run skipped: unknown status '" + value + "'");
      return null;
    }
  }

  /** Param or tag files: key → value, dropping (and reporting) unreadable files and invalid keys. */
  private Map<String, String> readKeyed(Path dir, String what) {
    Map<String, String> out = new TreeMap<>();
    try {
      for (Map.Entry<String, Path> e : MlflowFiles.keyedFiles(dir).entrySet()) {
        try {
          if (what.equals("param")) {
            Validation.paramKey(e.getKey());
          } else {
            Validation.tagKey(e.getKey());
          }
          out.put(e.getKey(), MlflowFiles.readUtf8(e.getValue()));
        } catch (IOException | IllegalArgumentException ex) {
          skip(e.getValue(), what + " dropped: " + message(ex));
        }
      }
    } catch (IOException e) {
      skip(dir, "cannot list " + what + "s: " + message(e));
    }
    return out;
  }

  /** Every metric point, file by file (keys sorted), lines in order; bad lines dropped and reported. */
  private List<Metric> readMetrics(Path dir) {
    List<Metric> out = new ArrayList<>();
    Map<String, Path> files;
    try {
      files = MlflowFiles.keyedFiles(dir);
    } catch (IOException e) {
      skip(dir, "cannot list metrics: " + message(e));
      return out;
    }
    for (Map.Entry<String, Path> e : files.entrySet()) {
      String key = e.getKey();
      try {
        Validation.metricKey(key);
      } catch (IllegalArgumentException ex) {
        skip(e.getValue(), "metric dropped: " + message(ex));
        continue;
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(e.getValue());
      } catch (IOException ex) {
        skip(e.getValue(), "metric dropped: " + message(ex));
        continue;
      }
      List<Integer> bad = new ArrayList<>();
      String firstProblem = null;
      int datasetLinks = 0;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty()) {
          continue;
        }
        String[] parts = line.split("\\s+");
        try {
          if (parts.length != 2 && parts.length != 3 && parts.length != 5) {
            throw new NumberFormatException(parts.length + " fields, expected 2, 3 or 5");
          }
          long ts = Long.parseLong(parts[0]);
          double value = MlflowFiles.parseValue(parts[1]);
          long step = parts.length >= 3 ? Long.parseLong(parts[2]) : 0L;
          if (ts < 0) {
            throw new NumberFormatException("negative timestamp");
          }
          if (parts.length == 5) {
            datasetLinks++;
          }
          out.add(new Metric(key, value, ts, step));
        } catch (NumberFormatException ex) {
          bad.add(i + 1);
          if (firstProblem == null) {
            firstProblem = "'" + line + "' (" + ex.getMessage() + ")";
          }
        }
      }
      if (!bad.isEmpty()) {
        skip(e.getValue(), bad.size() + " bad metric line(s) dropped, line(s) " + abbreviate(bad) + ", first: " + firstProblem);
      }
      if (datasetLinks > 0) {
        skip(e.getValue(), "the dataset name and digest of " + datasetLinks + " point(s) dropped (Tracklog metrics have none)");
      }
    }
    return out;
  }

  private static String abbreviate(List<Integer> lines) {
    List<Integer> head = lines.subList(0, Math.min(10, lines.size()));
    String s = head.toString();
    return lines.size() > head.size() ? s.substring(0, s.length() - 1) + ", ...]" : s;
  }

  /** Dataset inputs: inputs/&lt;id&gt;/meta.yaml pointing at &lt;experiment&gt;/datasets/&lt;id&gt;/meta.yaml. */
  private List<DatasetInput> readInputs(Path runDir, String runId) {
    List<DatasetInput> out = new ArrayList<>();
    Path datasets = runDir.getParent().resolve(MlflowFiles.DATASETS);
    for (Path inputDir : children(runDir.resolve(MlflowFiles.INPUTS))) {
      Path metaFile = inputDir.resolve(MlflowFiles.META);
      try {
        Map<String, Object> meta = MlflowFiles.readYaml(metaFile);
        unknownFields(metaFile, meta, INPUT_FIELDS);
        if (!"DATASET".equals(string(meta.get("source_type")))) {
          skip(metaFile, "input dropped: source_type '" + meta.get("source_type") + "' is not DATASET");
          continue;
        }
        String datasetId = string(meta.get("source_id"));
        Path datasetMeta = datasets.resolve(Objects.requireNonNull(datasetId, "no source_id")).resolve(MlflowFiles.META);
        if (datasetId.contains("/") || datasetId.contains("\\") || datasetId.startsWith(".") || !Files.isRegularFile(datasetMeta)) {
          skip(metaFile, "input dropped: dataset '" + datasetId + "' not found in " + rel(datasets));
          continue;
        }
        Map<String, Object> d = MlflowFiles.readYaml(datasetMeta);
        unknownFields(datasetMeta, d, DATASET_FIELDS);
        Dataset dataset =
            new Dataset(
                Objects.requireNonNull(string(d.get("name")), "dataset has no name"),
                Objects.requireNonNull(string(d.get("digest")), "dataset has no digest"),
                Objects.requireNonNull(string(d.get("source_type")), "dataset has no source_type"),
                Objects.requireNonNull(string(d.get("source")), "dataset has no source"),
                string(d.get("schema")),
                string(d.get("profile")));
        List<InputTag> tags = new ArrayList<>();
        if (meta.get("tags") instanceof Map<?, ?> m) {
          for (Map.Entry<?, ?> t : new TreeMap<>(m).entrySet()) {
            tags.add(new InputTag(string(t.getKey()), string(t.getValue())));
          }
        }
        out.add(new DatasetInput(dataset, tags));
      } catch (IOException | RuntimeException e) {
        skip(metaFile, "input dropped: " + message(e));
      }
    }
    return out;
  }

  /**
   * The run's artifact files: its {@code artifacts/} folder (MLflow's default artifact root), or the
   * local folder its artifact_uri names if the run folder has none.
   */
  private List<RunImport.ArtifactFile> readArtifacts(Path runDir, String artifactUri) {
    Path dir = runDir.resolve(MlflowFiles.ARTIFACTS);
    if (!Files.isDirectory(dir) && artifactUri != null && artifactUri.startsWith("file:")) {
      try {
        Path local = Paths.get(URI.create(artifactUri));
        if (Files.isDirectory(local)) {
          dir = local;
        }
      } catch (RuntimeException ignored) {
        // not a usable local URI: there are no artifacts to copy
      }
    }
    List<RunImport.ArtifactFile> out = new ArrayList<>();
    try {
      for (Map.Entry<String, Path> e : MlflowFiles.keyedFiles(dir).entrySet()) {
        try {
          RunArtifacts.segments(e.getKey(), false);
          out.add(new RunImport.ArtifactFile(e.getKey(), e.getValue()));
        } catch (IllegalArgumentException ex) {
          skip(e.getValue(), "artifact dropped: " + message(ex));
        }
      }
    } catch (IOException e) {
      skip(dir, "artifacts dropped: " + message(e));
    }
    return out;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private void unknownFields(Path file, Map<String, Object> meta, Set<String> known) {
    for (String key : new TreeMap<>(meta).keySet()) {
      if (!known.contains(key)) {
        skip(file, "unknown field '" + key + "' ignored");
      }
    }
  }

  List<Path> children(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    } catch (IOException e) {
      skip(dir, "cannot list: " + message(e));
    }
    out.sort(null);
    return out;
  }

  void skip(Path path, String reason) {
    report.skip(rel(path), reason);
  }

  private String rel(Path path) {
    Path r = mlruns.relativize(path.toAbsolutePath().normalize());
    return r.toString().isEmpty() ? "." : r.toString().replace('\\', '/');
  }

  static String message(Throwable e) {
    String m = e.getMessage();
    if (e instanceof HasErrorCode || m == null) {
      return m == null ? e.toString() : m;
    }
    return e instanceof IOException || e instanceof IllegalArgumentException || e instanceof NullPointerException
        ? m
        : e.getClass().getSimpleName() + ": " + m;
  }
}
