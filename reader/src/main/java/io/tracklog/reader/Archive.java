package io.tracklog.reader;

import io.tracklog.Experiment;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.Run;
import io.tracklog.RunArtifacts;
import io.tracklog.RunImport;
import io.tracklog.RunTag;
import io.tracklog.SegmentCompression;
import io.tracklog.Store;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.registry.RegisteredModel;
import io.tracklog.registry.RegistrySnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Offline archives (docs/FORMAT.md §Archives): one self-contained, checksummed file holding some
 * runs as compacted Arrow segments, their artifacts and their registered models, to ship a model
 * with the runs that made it. An archive opens read-only with {@link StoreReader#open}; this class
 * creates, lists, verifies and imports them.
 *
 * <pre>{@code
 * Archive.create(store, Archive.Selection.ofModel("mnist@champion"), Path.of("mnist.tlar"));
 * try (StoreReader reader = StoreReader.open(Path.of("mnist.tlar"))) {
 *   Run run = reader.snapshot().getRun(runId);
 * }
 * Archive.importInto(Path.of("mnist.tlar"), otherStore);
 * }</pre>
 *
 * <p>Thread-safe (stateless).
 */
public final class Archive {
  private Archive() {}

  /**
   * What goes into an archive: runs, whole experiments and a model version ({@code NAME@ALIAS} or
   * {@code NAME/VERSION}: the version's run and the model's registry entries and history), in any
   * combination; the parents of nested runs are added. Segments are ZSTD-compressed by default.
   */
  public record Selection(List<String> runIds, List<String> experimentIds, String model, SegmentCompression compression) {
    public Selection {
      runIds = List.copyOf(runIds);
      experimentIds = List.copyOf(experimentIds);
      Objects.requireNonNull(compression, "compression");
      if (runIds.isEmpty() && experimentIds.isEmpty() && model == null) {
        throw new IllegalArgumentException("Invalid archive selection: no run, experiment or model");
      }
    }

    public static Selection ofRuns(List<String> runIds) {
      return new Selection(runIds, List.of(), null, SegmentCompression.ZSTD);
    }

    public static Selection ofExperiments(List<String> experimentIds) {
      return new Selection(List.of(), experimentIds, null, SegmentCompression.ZSTD);
    }

    public static Selection ofModel(String model) {
      return new Selection(List.of(), List.of(), Objects.requireNonNull(model, "model"), SegmentCompression.ZSTD);
    }

    public Selection withCompression(SegmentCompression c) {
      return new Selection(runIds, experimentIds, model, c);
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      if (model != null) {
        parts.add("--model " + model);
      }
      runIds.forEach(r -> parts.add("--run " + r));
      experimentIds.forEach(e -> parts.add("--experiment " + e));
      return String.join(" ", parts);
    }
  }

  /** What an import did: ids imported, and those the target already had (skipped). */
  public record ImportResult(List<String> experimentsImported, List<String> runsImported, List<String> runsSkipped, List<String> modelsImported) {
    public ImportResult {
      experimentsImported = List.copyOf(experimentsImported);
      runsImported = List.copyOf(runsImported);
      runsSkipped = List.copyOf(runsSkipped);
      modelsImported = List.copyOf(modelsImported);
    }
  }

  /**
   * Writes an archive of {@code selection} to {@code out} (replacing it): written aside to {@code
   * <out>.tmp-<uuid>}, forced to the device, renamed. A run still RUNNING is archived as it is now.
   *
   * @throws io.tracklog.error.RunNotFoundException if a selected run does not exist
   * @throws io.tracklog.error.ExperimentNotFoundException if a selected experiment does not exist
   * @throws io.tracklog.error.ResourceNotFoundException if the model version or alias does not exist
   * @throws java.io.UncheckedIOException if the file cannot be written; {@code out} is unchanged
   */
  public static ArchiveContents create(Store store, Selection selection, Path out) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(selection, "selection");
    Objects.requireNonNull(out, "out");
    return new ArchiveWriter(store).create(selection, out);
  }

  /**
   * What the archive holds, from its manifest (the container and manifest are checked, not every
   * entry's bytes).
   *
   * @throws io.tracklog.error.CorruptFileException naming the entry, for a damaged archive
   */
  public static ArchiveContents list(Path file) {
    try (ArchiveFile archive = ArchiveFile.open(file)) {
      return ArchiveContents.of(archive.manifest());
    }
  }

  /**
   * Checks the container and every entry's CRC-32 and SHA-256, and that the registry entry folds.
   *
   * @throws io.tracklog.error.CorruptFileException naming the first entry that fails
   * @throws io.tracklog.error.UnsupportedFormatException for an archive of another format version
   */
  public static ArchiveContents verify(Path file) {
    try (ArchiveFile archive = ArchiveFile.open(file)) {
      archive.verify();
      archive.registry();
      return ArchiveContents.of(archive.manifest());
    }
  }

  /**
   * Imports the archive into {@code target}, keeping every id: its experiments ({@link
   * Store#importExperiment}; one the target has under the same name is kept), its runs ({@link
   * Store#importRun}: attributes, tags, params, every metric point of each key in append order,
   * inputs, artifacts; a run the target has is skipped), its registered models (their events,
   * history included; one the target has in the same state is skipped). Idempotent. The whole
   * archive is checked before anything is written: a damaged one imports nothing.
   *
   * @throws io.tracklog.error.CorruptFileException naming the entry, for a damaged archive
   * @throws ResourceAlreadyExistsException if the target has another experiment with an archived
   *     experiment's id, or another model with an archived model's name; checked before anything
   *     is written
   */
  public static ImportResult importInto(Path file, Store target) {
    Objects.requireNonNull(target, "target");
    try (StoreReader reader = StoreReader.open(file)) {
      if (!(reader.source() instanceof ArchiveSource archive)) {
        throw new IllegalArgumentException("Cannot import " + file + ": not an archive file");
      }
      CatalogSnapshot have = target.catalogSnapshot();
      // Conflicts first, so that a refused import writes nothing (models are checked again under
      // the registry lock as they are appended).
      for (Experiment e : archive.manifest().experiments()) {
        Experiment existing = have.experiment(e.experimentId());
        if (existing != null && !existing.name().equals(e.name())) {
          throw new ResourceAlreadyExistsException("Cannot import experiment " + e.experimentId() + " (" + e.name()
              + "): the store's experiment " + e.experimentId() + " is " + existing.name());
        }
      }
      RegistrySnapshot theirs = target.registry().snapshot();
      RegistrySnapshot ours = archive.registryArchive().snapshot();
      for (RegisteredModel m : ours.models()) {
        if (theirs.model(m.name()).isPresent()
            && !(theirs.model(m.name()).get().equals(m) && theirs.versions(m.name()).equals(ours.versions(m.name())))) {
          throw new ResourceAlreadyExistsException("Cannot import registered model " + m.name() + ": the store has another model of that name");
        }
      }
      List<String> exps = new ArrayList<>();
      for (Experiment e : archive.manifest().experiments()) {
        if (have.experiment(e.experimentId()) == null) {
          target.importExperiment(e);
          exps.add(e.experimentId());
        }
      }
      Snapshot snap = reader.snapshot();
      List<String> imported = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      for (ArchiveContents.RunEntry r : archive.manifest().runs()) {
        if (have.containsRun(r.runId())) {
          skipped.add(r.runId());
          continue;
        }
        target.importRun(runImport(snap, archive.root(), r.runId()));
        imported.add(r.runId());
      }
      List<String> models = archive.registryArchive().importInto(target.registry());
      return new ImportResult(exps, imported, skipped, models);
    }
  }

  private static RunImport runImport(Snapshot snap, Path root, String runId) {
    Run run = snap.getRun(runId);
    List<Metric> metrics = new ArrayList<>();
    for (String key : run.metrics().keySet()) {
      metrics.addAll(snap.metricHistory(runId, key));
    }
    List<RunTag> tags = new ArrayList<>();
    run.tags().forEach((k, v) -> tags.add(new RunTag(k, v)));
    List<Param> params = new ArrayList<>();
    run.params().forEach((k, v) -> params.add(new Param(k, v)));
    List<RunImport.ArtifactFile> files = new ArrayList<>();
    RunArtifacts artifacts = RunArtifacts.of(root, runId);
    for (io.tracklog.ArtifactInfo a : artifacts.listAll()) {
      files.add(new RunImport.ArtifactFile(a.path(), artifacts.root().resolve(a.path())));
    }
    var info = run.info();
    return new RunImport(runId, info.experimentId(), info.runName(), info.userId(), info.startTime(), info.endTime(),
        info.status(), info.lifecycleStage(), null, info.artifactUri(), tags, params, metrics, run.inputs(), files);
  }
}
