package io.tracklog.reader;

import io.tracklog.Experiment;
import io.tracklog.RunArtifacts;
import io.tracklog.SegmentCompression;
import io.tracklog.Store;
import io.tracklog.SystemTags;
import io.tracklog.compact.CompactionSource;
import io.tracklog.compact.Compactor;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.compact.MergePolicy;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.internal.FileOps;
import io.tracklog.log.EventReader;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegistryArchive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Creates an archive (docs/FORMAT.md §Archives): resolves the selection (plus the parents of
 * nested runs), builds the segments of exactly those runs in a staging folder beside the target
 * (copied from the store's compacted segments where those hold the runs sealed, {@link
 * SegmentCopy}; the other runs compacted from their logs with the store's {@link Compactor}), then
 * writes the container to {@code <FILE>.tmp-<uuid>}, forces it to the device and renames it over
 * {@code FILE}: a crash leaves no partial archive at {@code FILE}, and its staging is deleted by
 * the next creation of {@code FILE} ({@link ArchiveStaging}).
 */
final class ArchiveWriter {
  /**
   * File operations of the staging compaction: nothing forced to the device, since the staging
   * files are temporary and only the archive, forced before its rename, has to be durable.
   */
  private static final FileOps STAGING = new FileOps() {
    @Override
    public void force(FileChannel channel) {}

    @Override
    public void forceDirectory(Path dir) {}
  };

  private final Store store;
  private final boolean fromSegments;

  ArchiveWriter(Store store) {
    this(store, true);
  }

  /**
   * @param fromSegments whether runs sealed in the store's compacted segments are copied from them
   *     (false: every run is compacted from its log, as tests compare)
   */
  ArchiveWriter(Store store, boolean fromSegments) {
    this.store = store;
    this.fromSegments = fromSegments;
  }

  ArchiveContents create(Archive.Selection selection, Path out) {
    try (StoreReader reader = StoreReader.of(store)) {
      // Runs' tags and status from the store's compacted files where it has them, not a log replay
      return create(selection, out, reader.snapshot());
    }
  }

  private ArchiveContents create(Archive.Selection selection, Path out, Snapshot snap) {
    CatalogSnapshot catalog = store.catalogSnapshot();
    Set<String> models = new LinkedHashSet<>();
    List<String> runIds = resolveRuns(selection, catalog, models, snap);
    Map<String, Experiment> experiments = new LinkedHashMap<>();
    for (String id : selection.experimentIds()) {
      experiments.put(id, store.getExperiment(id));
    }
    for (String runId : runIds) {
      String exp = catalog.experimentOfRun(runId);
      experiments.computeIfAbsent(exp, store::getExperiment);
    }
    List<Experiment> exps = new ArrayList<>(experiments.values());
    exps.sort(Comparator.comparing(Experiment::experimentId, ArchiveWriter::compareIds));
    List<ArchiveContents.RunEntry> runs = new ArrayList<>();
    for (String runId : runIds) {
      runs.add(new ArchiveContents.RunEntry(runId, catalog.experimentOfRun(runId), snap.getRun(runId).info().status().name()));
    }
    long createdAt = System.currentTimeMillis();
    Path target = out.toAbsolutePath().normalize();
    try (ArchiveStaging staging = ArchiveStaging.create(target)) {
      long position = ArchiveSource.catalogEvents(exps, runs, createdAt).size();
      Source source = new Source(staging.dir(), position, exps, runs, selection.compression());
      stageSegments(snap, source, fromSegments);
      ArchiveFormat.Manifest manifest;
      FileChannel ch = staging.channel();
      ArchiveZipWriter zip = new ArchiveZipWriter(ch);
      Map<String, ArchiveFormat.EntrySum> sums = new LinkedHashMap<>();
      for (Path f : storeFiles(staging.dir())) {
        add(zip, sums, ArchiveFormat.STORE + staging.dir().relativize(f).toString().replace('\\', '/'), f);
      }
      for (String runId : runIds) {
        RunArtifacts artifacts = RunArtifacts.of(store.root(), runId);
        for (io.tracklog.ArtifactInfo a : artifacts.listAll()) {
          add(zip, sums, ArchiveFormat.STORE + "runs/" + runId + "/artifacts/" + a.path(), artifacts.root().resolve(a.path()));
        }
      }
      if (!models.isEmpty()) {
        byte[] registry = RegistryArchive.export(store.registry(), models);
        ArchiveZipWriter.Written w = zip.add(ArchiveFormat.REGISTRY, new ByteArrayInputStream(registry));
        sums.put(w.name(), new ArchiveFormat.EntrySum(w.size(), w.sha256()));
      }
      manifest = new ArchiveFormat.Manifest(store.storeId(), createdAt, selection.describe(), exps, runs, List.copyOf(models), sums);
      zip.add(ArchiveFormat.MANIFEST, new ByteArrayInputStream(ArchiveFormat.write(manifest)));
      zip.finish();
      ch.force(true);
      Files.move(staging.file(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException ignored) {
        // some file systems cannot sync a directory; the rename is done
      }
      return ArchiveContents.of(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create archive " + target, e);
    }
  }

  /**
   * Writes the archive's segments and their manifest (generation 1) to the staging folder: the runs
   * the snapshot answers from a segment alone (sealed there, not reopened since) are copied from
   * the store's files ({@link SegmentCopy}, one archive segment per store segment), the others are
   * compacted from their logs (one segment per experiment). If a store file fails its checks, every
   * run is compacted from its log.
   */
  private void stageSegments(Snapshot snap, Source source, boolean fromSegments) throws IOException {
    Map<String, Set<String>> bySegment = new HashMap<>(); // runs file path -> its selected runs
    List<ArchiveContents.RunEntry> fromLogs = new ArrayList<>();
    for (ArchiveContents.RunEntry r : source.runs) {
      Manifest.Segment seg = fromSegments && !snap.isLive(r.runId()) ? snap.segmentOf(r.runId()) : null;
      if (seg == null) {
        fromLogs.add(r);
      } else {
        bySegment.computeIfAbsent(seg.runsFile().path(), k -> new HashSet<>()).add(r.runId());
      }
    }
    if (!fromLogs.isEmpty() || bySegment.isEmpty()) { // first: its garbage collection would delete copies
      new Compactor(source.withRuns(fromLogs), STAGING, MergePolicy.DEFAULT).rebuild();
    }
    List<Manifest.Segment> copied = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator()) {
      SegmentCopy copy = new SegmentCopy(store.root(), source.root, allocator, source.compression);
      long generation = fromLogs.isEmpty() ? 1 : 2; // the compaction from logs writes generation 1
      for (Experiment e : source.experiments) {
        for (Manifest.Segment seg : snap.segments(e.experimentId())) {
          Set<String> ids = bySegment.remove(seg.runsFile().path());
          if (ids != null) {
            copied.add(copy.copy(seg, ids, generation++));
          }
        }
      }
      if (!bySegment.isEmpty()) { // a run's segment is among its experiment's: never left out
        throw new IllegalStateException("Cannot archive runs of segments " + bySegment.keySet() + ": not among their experiments'");
      }
    } catch (CorruptFileException e) {
      ArchiveSource.deleteTree(source.root);
      Files.createDirectory(source.root);
      stageSegments(snap, source, false);
      return;
    }
    if (!copied.isEmpty()) {
      List<Manifest.Segment> segments = new ArrayList<>(copied);
      if (!fromLogs.isEmpty()) {
        segments.addAll(0, ManifestFiles.latest(source.root, store.storeId()).segments());
        Files.delete(source.root.resolve(ManifestFiles.fileName(1)));
      }
      ManifestFiles.publish(source.root, new Manifest(Manifest.FORMAT_VERSION, 1, store.storeId(), System.currentTimeMillis(),
          source.position, source.experiments(), segments), STAGING);
    }
  }

  private static void add(ArchiveZipWriter zip, Map<String, ArchiveFormat.EntrySum> sums, String name, Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      ArchiveZipWriter.Written w = zip.add(name, in);
      sums.put(w.name(), new ArchiveFormat.EntrySum(w.size(), w.sha256()));
    }
  }

  /** The manifest and the compacted files the compaction wrote, sorted (the staging folder holds nothing else). */
  private static List<Path> storeFiles(Path staging) throws IOException {
    List<Path> files = new ArrayList<>();
    files.add(staging.resolve(ManifestFiles.fileName(ManifestFiles.latestGeneration(staging).orElseThrow())));
    Path compacted = staging.resolve("compacted");
    if (Files.isDirectory(compacted)) {
      try (Stream<Path> walk = Files.walk(compacted)) {
        walk.filter(Files::isRegularFile).sorted().forEach(files::add);
      }
    }
    return files;
  }

  /** The selected runs and the parents of nested ones, in the store's registration order. */
  private List<String> resolveRuns(Archive.Selection sel, CatalogSnapshot catalog, Set<String> models, Snapshot snap) {
    Set<String> picked = new LinkedHashSet<>();
    for (String runId : sel.runIds()) {
      if (!catalog.containsRun(runId)) {
        throw new RunNotFoundException(runId);
      }
      picked.add(runId);
    }
    for (String exp : sel.experimentIds()) {
      if (catalog.experiment(exp) == null) {
        throw new ExperimentNotFoundException(exp);
      }
      picked.addAll(catalog.runIds(exp));
    }
    if (sel.model() != null) {
      ModelVersion v = modelVersion(sel.model());
      models.add(v.name());
      if (v.runId() != null && catalog.containsRun(v.runId())) {
        picked.add(v.runId());
      }
    }
    Deque<String> todo = new ArrayDeque<>(picked);
    while (!todo.isEmpty()) {
      String parent = snap.getRun(todo.pop()).tags().get(SystemTags.PARENT_RUN_ID);
      if (parent != null && catalog.containsRun(parent) && picked.add(parent)) {
        todo.add(parent);
      }
    }
    List<String> ordered = new ArrayList<>(picked);
    ordered.sort(Comparator.comparingInt(id -> catalog.run(id).ordinal()));
    return ordered;
  }

  /** {@code NAME@ALIAS} or {@code NAME/VERSION}. */
  private ModelVersion modelVersion(String spec) {
    int at = spec.lastIndexOf('@');
    if (at > 0) {
      return store.registry().getModelVersionByAlias(spec.substring(0, at), spec.substring(at + 1));
    }
    int slash = spec.lastIndexOf('/');
    if (slash > 0) {
      return store.registry().getModelVersion(spec.substring(0, slash), io.tracklog.registry.ModelRegistry.parseVersion(spec.substring(slash + 1)));
    }
    throw new IllegalArgumentException("Invalid model: " + spec + " (expected NAME@ALIAS or NAME/VERSION)");
  }

  private static int compareIds(String a, String b) {
    boolean na = a.chars().allMatch(Character::isDigit);
    boolean nb = b.chars().allMatch(Character::isDigit);
    if (na && nb && a.length() != b.length()) {
      return Integer.compare(a.length(), b.length());
    }
    return a.compareTo(b);
  }

  /**
   * The selected runs as the compactor sees them: read from the store's logs, each one sealed (an
   * archive is a frozen copy: a RUNNING run is archived as it is now and stays RUNNING).
   */
  private final class Source implements CompactionSource {
    private final Path root;
    private final long position;
    private final List<Experiment> experiments;
    private final List<ArchiveContents.RunEntry> runs;
    private final SegmentCompression compression;

    Source(Path root, long position, List<Experiment> experiments, List<ArchiveContents.RunEntry> runs, SegmentCompression compression) {
      this.root = root;
      this.position = position;
      this.experiments = experiments;
      this.runs = runs;
      this.compression = compression;
    }

    /** This source with only {@code subset} of its runs. */
    Source withRuns(List<ArchiveContents.RunEntry> subset) {
      return new Source(root, position, experiments, subset, compression);
    }

    @Override
    public String storeId() {
      return store.storeId();
    }

    @Override
    public Path root() {
      return root;
    }

    @Override
    public long catalogPosition() {
      return position;
    }

    @Override
    public Map<String, Manifest.ExperimentEntry> experiments() {
      Map<String, Manifest.ExperimentEntry> map = new LinkedHashMap<>();
      for (Experiment e : experiments) {
        map.put(e.experimentId(), new Manifest.ExperimentEntry(e.name(), e.lifecycleStage().mlflowName()));
      }
      return map;
    }

    @Override
    public SegmentCompression compression() {
      return compression;
    }

    @Override
    public List<RunRef> runs() {
      List<RunRef> refs = new ArrayList<>();
      for (ArchiveContents.RunEntry r : runs) {
        refs.add(new RunRef(r.runId(), r.experimentId(), -1));
      }
      return refs;
    }

    @Override
    public <T> Read<T> readRun(String runId, Function<EventReader, T> read) {
      try (EventReader log = store.openRunLog(runId)) {
        return new Read<>(read.apply(log), true);
      }
    }
  }
}
