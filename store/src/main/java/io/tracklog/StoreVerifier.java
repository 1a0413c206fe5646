package io.tracklog;

import io.tracklog.VerifyReport.Kind;
import io.tracklog.VerifyReport.Problem;
import io.tracklog.compact.FileChecks;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.format.RunState;
import io.tracklog.log.ChronicleEventLog;
import io.tracklog.log.EventReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link Store#verify()}: reads a whole store and reports what does not check out, never changing
 * it. It works from one catalog snapshot and one manifest generation taken at its start, so writers
 * may keep going: runs registered later are not looked at, and a run's log is read to where it ends
 * when read. Checks, in order: the newest two manifests parse; the catalog log and checkpoint ({@link
 * CatalogCheck}), and that the catalog holds every event and run the newest manifest was written
 * after; every lane's excerpts and the out-of-line events they reference; the registry log's events; every run's events,
 * decoded and folded, at least as many as the newest manifest covers; every artifact's size and
 * SHA-256 against its last ArtifactWritten event; every file the manifests list (length and CRC32C,
 * as readers check them before use). Not thread-safe; one
 * verify.
 */
final class StoreVerifier {
  private static final java.util.regex.Pattern LANE = java.util.regex.Pattern.compile("lane-\\d+");

  private final StoreLayout layout;
  private final Catalog catalog;
  private final RunLogs runLogs;
  private final List<Problem> problems = new ArrayList<>();
  private final Set<String> checked = new HashSet<>(); // manifest-listed files checked

  StoreVerifier(StoreLayout layout, Catalog catalog, RunLogs runLogs) {
    this.layout = layout;
    this.catalog = catalog;
    this.runLogs = runLogs;
  }

  VerifyReport verify() {
    List<Long> generations = ManifestFiles.generations(layout.root());
    List<Manifest> manifests = readManifests(generations.subList(Math.max(0, generations.size() - 2), generations.size()));
    CatalogSnapshot snap = catalog.snapshot();
    new CatalogCheck(layout, catalog.metadata().storeId(), problems).check(snap.position());
    Map<String, Long> covered = manifests.isEmpty() ? Map.of() : covered(manifests.get(0), snap);
    checkLanes(snap);
    checkRegistry();
    for (CatalogSnapshot.RunEntry run : snap.runs()) {
      if (snap.isPurged(run.runId())) {
        continue; // tracklog gc: its frames may stay in lanes, nothing reads them
      }
      Map<String, RunEvent.ArtifactWritten> artifacts = replay(snap, run.runId(), covered.getOrDefault(run.runId(), 0L));
      if (artifacts != null) {
        checkArtifacts(run.runId(), artifacts);
      }
    }
    for (Manifest m : manifests) {
      checkFiles(m);
    }
    return new VerifyReport(problems);
  }

  private void problem(Kind kind, Path file, long position, String message) {
    problems.add(new Problem(kind, file, position, message));
  }

  // ---- logs --------------------------------------------------------------------------------------

  /**
   * Every excerpt of every lane reads, out-of-line ones included (their length and SHA-256), and each
   * lane holds at least the frames the catalog records it forced (LaneForced).
   */
  private void checkLanes(CatalogSnapshot snap) {
    List<Path> lanes = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.logsDir())) {
      for (Path d : dirs) {
        if (LANE.matcher(d.getFileName().toString()).matches() && Files.isDirectory(d)) {
          lanes.add(d);
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return; // no lane yet
    } catch (IOException e) {
      problem(Kind.UNREADABLE, layout.logsDir(), Problem.UNKNOWN_POSITION, "cannot list: " + e);
      return;
    }
    lanes.sort(null);
    for (int lane : snap.laneEnds().keySet()) {
      if (!lanes.contains(layout.laneDir(lane))) {
        problem(Kind.LOG, layout.laneDir(lane), Problem.UNKNOWN_POSITION, "lane is missing, but the catalog records frames in it");
      }
    }
    for (Path dir : lanes) {
      if (!ChronicleEventLog.exists(dir)) {
        problem(Kind.LOG, dir, Problem.UNKNOWN_POSITION, "lane has no metadata.cq4t");
        continue;
      }
      long at = 0;
      try (SharedLogs.Lease lease = SharedLogs.acquire(layout, dir);
          EventReader log = lease.log().openReader()) {
        long last = -1;
        while (log.next() != null) {
          at++;
          last = log.lastToken();
        }
        long recorded = snap.laneEnd(Integer.parseInt(dir.getFileName().toString().substring("lane-".length())));
        if (recorded > last) {
          problem(Kind.LOG, dir, at, "lane cut short: it ends at Chronicle index 0x" + Long.toHexString(last)
              + " after " + at + " excerpts, but the catalog records that it held index 0x" + Long.toHexString(recorded));
        }
      } catch (CorruptFileException e) {
        problem(Kind.LOG, e.path(), at, "lane excerpt " + at + ": " + e.detail());
      } catch (RuntimeException e) { // Chronicle's own, on bytes that are not a queue
        problem(Kind.LOG, dir, at, "lane excerpt " + at + " cannot be read: " + e);
      }
    }
  }

  /** Every event of the registry log, if there is one, decodes and folds (docs/FORMAT.md §Model registry log). */
  private void checkRegistry() {
    Path dir = layout.registryDir();
    Path file = layout.registryFile();
    if (!Files.exists(dir) && !Files.exists(file)) {
      return; // no registry yet
    }
    if (Files.exists(dir) && !ChronicleEventLog.exists(dir)) {
      problem(Kind.LOG, dir, Problem.UNKNOWN_POSITION, "registry log has no metadata.cq4t");
      return;
    }
    if (Files.exists(dir) && Files.exists(file)) {
      problem(Kind.LOG, file, Problem.UNKNOWN_POSITION,
          "registry.log beside the registry queue of format 6: the store reads the queue and ignores this file");
    }
    try (io.tracklog.registry.ModelRegistry registry =
        io.tracklog.registry.ModelRegistry.open(
            dir, layout.registryLock(), layout.ops(), java.time.InstantSource.system(), "verify",
            runId -> {
              throw new IllegalStateException("verify registers nothing");
            })) {
      registry.snapshot();
    } catch (CorruptFileException e) {
      problem(Kind.LOG, e.path(), Problem.UNKNOWN_POSITION, "registry " + e.detail());
    } catch (RuntimeException e) { // Chronicle's own, on bytes that are not a queue
      problem(Kind.LOG, dir, Problem.UNKNOWN_POSITION, "registry log cannot be read: " + e);
    }
  }

  /**
   * Decodes and folds every event of a run from the lanes {@code snap} names; returns its artifact
   * events, or null if its events do not decode (reported). A log with fewer than {@code atLeast}
   * events lost some: the newest manifest covers that many.
   */
  private Map<String, RunEvent.ArtifactWritten> replay(CatalogSnapshot snap, String runId, long atLeast) {
    List<CatalogSnapshot.Attachment> attachments = snap.attachments(runId);
    for (CatalogSnapshot.Attachment a : attachments) {
      Path lane = layout.laneDir(a.lane());
      if (a.lane() >= 0 && !ChronicleEventLog.exists(lane)) { // opening it would create it
        problem(Kind.MISSING, lane, Problem.UNKNOWN_POSITION, "the lane of run " + runId + " is missing");
        return null;
      }
    }
    RunState state = new RunState();
    long seq = 0;
    try (RunStream events = runLogs.stream(snap, runId, false)) {
      for (ByteSource src = events.next(); src != null; src = events.next()) {
        state.apply(events.decode(src, EventCodec::decodeRunEvent));
        seq++;
      }
      if (seq < atLeast) {
        problem(Kind.LOG, laneOf(attachments), Problem.UNKNOWN_POSITION,
            "run " + runId + " has " + seq + " events, the newest manifest covers " + atLeast + ": its log lost events");
      }
      return state.artifacts();
    } catch (CorruptFileException e) {
      problem(Kind.LOG, e.path(), Problem.UNKNOWN_POSITION, "event " + seq + " of run " + runId + ": " + e.detail());
    } catch (UnsupportedFormatException e) {
      problem(Kind.LOG, laneOf(attachments), Problem.UNKNOWN_POSITION, "event " + seq + " of run " + runId + ": " + e.getMessage());
    } catch (RuntimeException e) { // DecodeException, a fold that refuses the events, Chronicle's own
      problem(Kind.LOG, laneOf(attachments), Problem.UNKNOWN_POSITION, "event " + seq + " of run " + runId + " does not decode: " + e);
    }
    return null;
  }

  /** The lane a run's events are in (its first, when it has several). */
  private Path laneOf(List<CatalogSnapshot.Attachment> attachments) {
    return attachments.isEmpty() ? layout.logsDir() : layout.laneDir(attachments.get(0).lane());
  }

  // ---- artifacts ---------------------------------------------------------------------------------

  /**
   * Each artifact file against its last event. A writer may replace a file (rename, then a new
   * event) while this runs, so a file that fails is checked again against the run's events as they
   * are then.
   */
  private void checkArtifacts(String runId, Map<String, RunEvent.ArtifactWritten> artifacts) {
    RunArtifacts folder = new RunArtifacts(runId, layout.runArtifacts(runId), layout.ops());
    Map<String, RunEvent.ArtifactWritten> newer = null;
    for (RunEvent.ArtifactWritten a : artifacts.values()) {
      Problem p = checkArtifact(folder, a);
      if (p != null) {
        if (newer == null) {
          int reported = problems.size();
          Map<String, RunEvent.ArtifactWritten> again = replay(catalog.snapshot(), runId, 0);
          problems.subList(reported, problems.size()).clear(); // the first replay of the run read
          newer = again == null ? artifacts : again;
        }
        RunEvent.ArtifactWritten latest = newer.get(a.path());
        if (latest != null && !latest.equals(a)) {
          p = checkArtifact(folder, latest);
        }
        if (p != null) {
          problems.add(p);
        }
      }
    }
  }

  private static Problem checkArtifact(RunArtifacts folder, RunEvent.ArtifactWritten a) {
    String what = "artifact " + a.path() + " of run " + folder.runId();
    Path file;
    try {
      file = folder.file(a.path());
    } catch (RuntimeException e) { // a path the writer would have refused: the event is damaged
      return new Problem(Kind.LOG, folder.root(), Problem.UNKNOWN_POSITION, what + ": " + e.getMessage());
    }
    if (!Files.isRegularFile(file)) {
      return new Problem(Kind.MISSING, file, Problem.UNKNOWN_POSITION, what + " is missing (its event says " + a.size() + " bytes)");
    }
    try {
      long size = Files.size(file);
      if (size != a.size()) {
        return new Problem(Kind.LENGTH, file, Problem.UNKNOWN_POSITION, what + " has " + size + " bytes, its event says " + a.size());
      }
      String sha = sha256(file);
      if (!sha.equals(a.sha256())) {
        return new Problem(Kind.CHECKSUM, file, Problem.UNKNOWN_POSITION, what + " has SHA-256 " + sha + ", its event says " + a.sha256());
      }
      return null;
    } catch (IOException | UncheckedIOException e) {
      return new Problem(Kind.UNREADABLE, file, Problem.UNKNOWN_POSITION, what + " cannot be read: " + e);
    }
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest sha = RunArtifacts.sha256();
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        sha.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  // ---- manifests ---------------------------------------------------------------------------------

  /**
   * The newest two manifests, newest first, that parse (those that do not are reported): readers in
   * other processes may still read the previous one, whose files a compaction keeps. Older
   * manifests are garbage whose files may already be gone.
   */
  private List<Manifest> readManifests(List<Long> generations) {
    List<Manifest> manifests = new ArrayList<>();
    for (int i = generations.size() - 1; i >= 0; i--) {
      long gen = generations.get(i);
      Path file = layout.root().resolve(ManifestFiles.fileName(gen));
      try {
        manifests.add(ManifestFiles.read(layout.root(), gen));
      } catch (CorruptFileException e) {
        problem(Kind.MANIFEST, file, Problem.UNKNOWN_POSITION, e.detail());
      } catch (UnsupportedFormatException e) {
        problem(Kind.MANIFEST, file, Problem.UNKNOWN_POSITION, e.getMessage());
      } catch (UncheckedIOException e) {
        if (Files.exists(file)) {
          problem(Kind.UNREADABLE, file, Problem.UNKNOWN_POSITION, "cannot be read: " + e.getMessage());
        } // else collected by a compaction meanwhile
      }
    }
    return manifests;
  }

  /**
   * How many events of each run a manifest covers, after checking that the catalog has every event
   * and run the manifest was written after: a catalog log cut short loses them silently otherwise.
   */
  private Map<String, Long> covered(Manifest manifest, CatalogSnapshot snap) {
    Path manifestFile = layout.root().resolve(ManifestFiles.fileName(manifest.generation()));
    if (manifest.catalogPosition() > snap.position()) {
      problem(Kind.LOG, layout.catalogDir(), Problem.UNKNOWN_POSITION, "holds " + snap.position()
          + " events, manifest generation " + manifest.generation() + " was written after " + manifest.catalogPosition());
    }
    Map<String, Long> covered = new java.util.HashMap<>();
    for (Manifest.Segment segment : manifest.segments()) {
      try {
        for (Map.Entry<String, Manifest.RunCoverage> run : segment.runs().entrySet()) {
          covered.put(run.getKey(), run.getValue().seq());
          if (!snap.containsRun(run.getKey()) && !snap.isPurged(run.getKey())) { // purged: gc rewrites it
            problem(Kind.LOG, layout.catalogDir(), Problem.UNKNOWN_POSITION, "does not register run " + run.getKey()
                + ", which " + manifestFile.getFileName() + " holds");
          }
        }
      } catch (CorruptFileException e) {
        // its run index and runs file fail their checks: reported with the manifest's files
      }
    }
    return covered;
  }

  /**
   * Every file a manifest lists has its length and CRC32C; each file once. A file missing because
   * two compactions committed during the verify is not a problem.
   */
  private void checkFiles(Manifest manifest) {
    for (Manifest.Segment segment : manifest.segments()) {
      for (Manifest.FileEntry entry : segment.files()) {
        if (checked.add(entry.path())) {
          checkFile(manifest.generation(), entry);
        }
      }
    }
  }

  private void checkFile(long generation, Manifest.FileEntry entry) {
    Path file = layout.root().resolve(entry.path());
    try {
      FileChecks.verify(layout.root(), entry);
    } catch (CorruptFileException e) {
      Kind kind;
      if (!Files.exists(file)) {
        List<Long> now = ManifestFiles.generations(layout.root());
        if (now.size() >= 2 && now.get(now.size() - 2) > generation) {
          return; // no longer live: garbage-collected by compactions that committed meanwhile
        }
        kind = Kind.MISSING;
      } else {
        kind = sizeOf(file) != entry.length() ? Kind.LENGTH : Kind.CHECKSUM;
      }
      String detail = kind == Kind.MISSING ? "listed by manifest generation " + generation + ", is missing"
          : e.detail() + " (manifest generation " + generation + ")";
      problem(kind, file, Problem.UNKNOWN_POSITION, detail);
    } catch (UncheckedIOException e) {
      problem(Kind.UNREADABLE, file, Problem.UNKNOWN_POSITION, "cannot be read: " + e.getMessage());
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
