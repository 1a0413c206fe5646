package io.tracklog.reader;

import io.tracklog.ArtifactInfo;
import io.tracklog.Experiment;
import io.tracklog.RunArtifacts;
import io.tracklog.VerifyReport;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.CatalogState;
import io.tracklog.log.EventReader;
import io.tracklog.registry.RegistryArchive;
import io.tracklog.registry.RegistryChange;
import io.tracklog.registry.RegistrySnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * An archive as a {@link ReadSource}: its {@code store/} entries extracted, each checked against
 * its CRC-32 and SHA-256, to a temporary folder laid out as a store's compacted files and artifacts
 * (deleted on close), the metrics files only when a history first needs one (their CRC-32 is
 * checked in place at open); the archive file stays open until then; its catalog rebuilt in memory from the manifest's experiments and runs (the catalog
 * events {@link #catalogEvents} lists, the same the archive's compaction counted), its registry
 * from {@code registry.bin}. Every run is sealed in the archive's segments, so no log is ever read.
 */
final class ArchiveSource implements ReadSource {
  private final ArchiveFile archive;
  private final Path dir;
  private final java.util.Set<String> extracted = new java.util.HashSet<>(); // guarded by itself
  private final ArchiveFormat.Manifest manifest;
  private final CatalogSnapshot catalog;
  private final RegistryArchive registry;

  private ArchiveSource(ArchiveFile archive, Path dir, ArchiveFormat.Manifest manifest, CatalogSnapshot catalog, RegistryArchive registry) {
    this.archive = archive;
    this.dir = dir;
    this.manifest = manifest;
    this.catalog = catalog;
    this.registry = registry;
  }

  static ArchiveSource open(Path file) {
    ArchiveFile archive = ArchiveFile.open(file);
    Path dir = null;
    boolean ok = false;
    try {
      dir = createTempDir();
      // Metrics files (most of an archive's bytes) are extracted when a history first needs them.
      archive.extractStore(dir, name -> !isMetricsFile(name));
      RegistryArchive registry = archive.registry();
      CatalogState state = new CatalogState();
      ArchiveFormat.Manifest m = archive.manifest();
      try {
        catalogEvents(m.experiments(), m.runs(), m.createdAt()).forEach(state::apply);
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new CorruptFileException(file, "entry " + ArchiveFormat.MANIFEST + ": its experiments and runs do not fold: " + e.getMessage(), e);
      }
      ArchiveSource source = new ArchiveSource(archive, dir, m, state.snapshot(), registry);
      ok = true;
      return source;
    } finally {
      if (!ok) {
        try {
          archive.close();
        } finally {
          if (dir != null) {
            deleteTree(dir);
          }
        }
      }
    }
  }

  private static boolean isMetricsFile(String name) {
    return name.startsWith(ArchiveFormat.STORE + "compacted/") && name.substring(name.lastIndexOf('/') + 1).startsWith("metrics-");
  }

  /** Extracts the metrics file at {@code path} (relative to the store root) if it is not yet. */
  @Override
  public void prepare(String path) {
    String name = ArchiveFormat.STORE + path;
    synchronized (extracted) {
      if (isMetricsFile(name) && archive.manifest().entries().containsKey(name) && extracted.add(name)) {
        try {
          archive.extract(dir, name);
        } catch (RuntimeException e) {
          extracted.remove(name);
          throw e;
        }
      }
    }
  }

  /**
   * The catalog of an archive: each experiment created (and deleted, at its last update, if it is
   * deleted), then each run registered, in the manifest's order. Its length is the archive
   * manifest's {@code catalog_position}.
   */
  static List<CatalogEvent> catalogEvents(List<Experiment> experiments, List<ArchiveContents.RunEntry> runs, long time) {
    List<CatalogEvent> events = new ArrayList<>();
    for (Experiment e : experiments) {
      events.add(new CatalogEvent.ExperimentCreated(
          e.experimentId(), e.name(), e.artifactLocation(), e.creationTime(), e.lastUpdateTime(), e.tags()));
      if (!e.isActive()) {
        events.add(new CatalogEvent.ExperimentDeleted(e.experimentId(), e.lastUpdateTime()));
      }
    }
    long token = 0;
    for (ArchiveContents.RunEntry r : runs) {
      events.add(new CatalogEvent.RunRegistered(r.runId(), r.experimentId(), time, 0, token++));
    }
    return events;
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("tracklog-archive-");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a temporary folder for an archive", e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }

  ArchiveFormat.Manifest manifest() {
    return manifest;
  }

  RegistryArchive registryArchive() {
    return registry;
  }

  @Override
  public Path root() {
    return dir;
  }

  @Override
  public String storeId() {
    return manifest.storeId();
  }

  @Override
  public CatalogSnapshot catalogSnapshot() {
    return catalog;
  }

  @Override
  public EventReader openRunLog(String runId) {
    // Only reached when a compacted file fails its checks: an archive has no logs to fall back to.
    throw new CorruptFileException(archive.file(), "the compacted files of run " + runId + " fail their checks, and an archive has no logs");
  }

  @Override
  public RegistrySnapshot registry() {
    return registry.snapshot();
  }

  @Override
  public List<RegistryChange> modelHistory(String name) {
    return registry.history(name);
  }

  private RunArtifacts artifacts(String runId) {
    if (!catalog.containsRun(runId)) {
      throw new RunNotFoundException(runId);
    }
    return RunArtifacts.of(dir, runId);
  }

  @Override
  public List<ArtifactInfo> listArtifacts(String runId, String path) {
    return artifacts(runId).list(path);
  }

  @Override
  public InputStream openArtifact(String runId, String path) {
    return artifacts(runId).open(path);
  }

  /** Nothing to check beyond what opening checked (every entry's SHA-256). */
  @Override
  public VerifyReport verify() {
    return new VerifyReport(List.of());
  }

  @Override
  public void close() {
    try {
      archive.close();
    } finally {
      deleteTree(dir);
    }
  }
}
