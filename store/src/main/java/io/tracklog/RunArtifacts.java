package io.tracklog;

import io.tracklog.error.CorruptFileException;
import io.tracklog.error.InvalidArtifactPathException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.StorageException;
import io.tracklog.format.RunEvent;
import io.tracklog.internal.AsideWrite;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The artifact folder of one run ({@code runs/<run_id>/artifacts/}, docs/FORMAT.md §Artifacts): path
 * rules, writing a file aside and renaming it into place, listing, opening and copying out.
 *
 * <p>An artifact path is relative, {@code /}-separated, and stays inside the folder: absolute paths,
 * {@code .}, {@code ..} and empty segments, backslashes, NUL, names starting with {@value
 * #TEMP_PREFIX} (the temp files of writes in flight), and symbolic links that resolve outside the
 * folder are refused with {@link InvalidArtifactPathException} before anything is written.
 *
 * <p>Thread-safe (it holds no state but its folder). A file is written to a temp file in its target
 * directory, forced to disk and atomically renamed, so a reader sees the old file, the new one, or
 * none, never part of one. Symbolic links created inside the folder by someone else while a write is
 * checking its path are not guarded against.
 */
public final class RunArtifacts {
  /** Names starting with this are the temp files of writes in flight: never listed, never accepted. */
  public static final String TEMP_PREFIX = ".tracklog-";

  private static final String TEMP_SUFFIX = ".tmp";
  private static final int COPY_BUFFER = 64 * 1024;

  private final String runId;
  private final Path root;
  private final FileOps ops;
  /** The run's last ArtifactWritten per path, checked against the files; null: not known here. */
  private final Map<String, RunEvent.ArtifactWritten> recorded;
  /**
   * Every ArtifactWritten of a path the run records by now, oldest first. A writer renames a file in
   * before it appends its event, and may replace it again while a reader reads, so a file that
   * disagrees with {@link #recorded} is damaged only if no version the run ever recorded of it
   * matches. Null: no second look.
   */
  private final java.util.function.Function<String, List<RunEvent.ArtifactWritten>> history;

  RunArtifacts(String runId, Path root, FileOps ops) {
    this(runId, root, ops, null, null);
  }

  /**
   * A run's folder whose files are checked against {@code recorded}: a recorded file that is
   * missing or has another size is reported by {@link #list}, and one whose bytes do not hash to
   * the recorded SHA-256 by the stream {@link #open} returns, at its end (issue #11).
   */
  RunArtifacts(
      String runId,
      Path root,
      FileOps ops,
      Map<String, RunEvent.ArtifactWritten> recorded,
      java.util.function.Function<String, List<RunEvent.ArtifactWritten>> history) {
    this.runId = runId;
    this.root = root;
    this.ops = ops;
    this.recorded = recorded;
    this.history = history;
  }

  /** The artifact folder of {@code runId} in the store at {@code storeRoot} (it may not exist yet). */
  public static RunArtifacts of(Path storeRoot, String runId) {
    Objects.requireNonNull(storeRoot, "storeRoot");
    Objects.requireNonNull(runId, "runId");
    return new RunArtifacts(runId, new StoreLayout(storeRoot.toAbsolutePath().normalize()).runArtifacts(runId), FileOps.DEFAULT);
  }

  /**
   * An artifact folder of another owner, checked as a run's is against what its owner recorded: a
   * logged model's ({@code logged-models/<model_id>/artifacts/}, docs/FORMAT.md §Artifacts).
   * {@code owner} stands for the run id in messages.
   */
  public static RunArtifacts checked(
      String owner,
      Path folder,
      Map<String, RunEvent.ArtifactWritten> recorded,
      java.util.function.Function<String, List<RunEvent.ArtifactWritten>> history) {
    return new RunArtifacts(owner, folder, FileOps.DEFAULT, Objects.requireNonNull(recorded, "recorded"), history);
  }

  /**
   * Writes one file at {@code path} from {@code in}, aside then renamed into place; the caller
   * records the returned size and SHA-256.
   *
   * @throws InvalidArtifactPathException if the path breaks a rule; nothing is written then
   */
  public Written writeFile(String path, InputStream in) {
    List<String> segments = segments(path, false);
    checkResolvesInside(segments, true);
    return write(segments, out -> copy(in, out));
  }

  public String runId() {
    return runId;
  }

  /** The folder itself. */
  public Path root() {
    return root;
  }

  /** What a write produced: the path relative to the folder, the size and the SHA-256 (hex). */
  public record Written(String path, long size, String sha256) {}

  /** Writes an artifact's bytes to a stream; may throw I/O errors. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  // ---- path rules ------------------------------------------------------------------------------

  /**
   * The segments of an artifact path. With {@code allowRoot}, null and {@code ""} mean the folder
   * itself (an empty list).
   *
   * @throws InvalidArtifactPathException if the path breaks a rule (class javadoc)
   */
  public static List<String> segments(String path, boolean allowRoot) {
    if (path == null || path.isEmpty()) {
      if (allowRoot) {
        return List.of();
      }
      throw new InvalidArtifactPathException(String.valueOf(path), "an artifact file needs a non-empty path");
    }
    if (path.startsWith("/")) {
      throw new InvalidArtifactPathException(path, "absolute paths are not allowed");
    }
    if (path.indexOf('\\') >= 0) {
      throw new InvalidArtifactPathException(path, "backslashes are not allowed; separate segments with '/'");
    }
    if (path.indexOf('\0') >= 0) {
      throw new InvalidArtifactPathException(path, "NUL characters are not allowed");
    }
    List<String> segments = List.of(path.split("/", -1));
    for (String s : segments) {
      checkSegment(path, s);
    }
    return segments;
  }

  private static void checkSegment(String path, String s) {
    if (s.isEmpty()) {
      throw new InvalidArtifactPathException(path, "empty path segments are not allowed");
    }
    if (s.equals(".") || s.equals("..")) {
      throw new InvalidArtifactPathException(path, "'" + s + "' segments are not allowed");
    }
    if (s.startsWith(TEMP_PREFIX)) {
      throw new InvalidArtifactPathException(path, "names starting with '" + TEMP_PREFIX + "' are reserved");
    }
    if (s.indexOf('/') >= 0 || s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0) {
      throw new InvalidArtifactPathException(path, "invalid file name '" + s + "'");
    }
  }

  /** {@code dir} (segments) plus a file name, checked as one path. */
  static List<String> child(List<String> dir, String name) {
    List<String> all = new ArrayList<>(dir);
    all.add(name);
    String joined = String.join("/", all);
    checkSegment(joined, name);
    return List.copyOf(all);
  }

  /**
   * Refuses a path that goes through a symbolic link resolving outside the folder (or dangling), or
   * whose parent segments name existing files, or whose target is an existing directory when {@code
   * fileTarget}. Nothing is created.
   */
  void checkResolvesInside(List<String> segments, boolean fileTarget) {
    String joined = String.join("/", segments);
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Path realRoot = root.toRealPath();
      Path cur = root;
      for (int i = 0; i < segments.size(); i++) {
        cur = cur.resolve(segments.get(i));
        if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
          return; // nothing below exists yet
        }
        if (Files.isSymbolicLink(cur)) {
          Path real;
          try {
            real = cur.toRealPath();
          } catch (NoSuchFileException e) {
            throw new InvalidArtifactPathException(joined, "'" + segments.get(i) + "' is a dangling symbolic link");
          }
          if (!real.startsWith(realRoot)) {
            throw new InvalidArtifactPathException(
                joined, "'" + segments.get(i) + "' is a symbolic link pointing out of the run's artifact folder");
          }
        }
        boolean last = i == segments.size() - 1;
        if (!last && !Files.isDirectory(cur)) {
          throw new InvalidArtifactPathException(joined, "'" + segments.get(i) + "' is a file, not a directory");
        }
        if (last && fileTarget && Files.isDirectory(cur)) {
          throw new InvalidArtifactPathException(joined, "a directory of that name exists");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check artifact path " + joined + " of run " + runId, e);
    }
  }

  // ---- writing ---------------------------------------------------------------------------------

  /**
   * Writes one artifact file: to a temp file in its directory, forced to disk, then atomically
   * renamed over any old file. The caller checked the path ({@link #segments}, {@link
   * #checkResolvesInside}).
   *
   * @throws StorageException if it cannot be written; any old file of that path is then unchanged
   */
  Written write(List<String> segments, Content content) {
    String joined = String.join("/", segments);
    Path target = resolve(segments);
    Path dir = target.getParent();
    Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID() + TEMP_SUFFIX);
    MessageDigest sha = sha256();
    long[] size = new long[1];
    try {
      ops.createDirectories(dir);
      AsideWrite.write(ops, target, temp, AsideWrite.Publish.REPLACE, ch -> {
        CountingOutputStream counter = new CountingOutputStream(Channels.newOutputStream(ch));
        try (OutputStream out = new DigestOutputStream(counter, sha)) {
          content.writeTo(out);
        } catch (IOException e) {
          if (e != counter.failure) { // the content's source, not the store's file: not a StorageException
            throw new UncheckedIOException("Cannot read the content of artifact " + joined + " of run " + runId, e);
          }
          throw e;
        }
        size[0] = counter.count;
      });
    } catch (IOException e) {
      throw StorageException.writing("artifact " + joined + " of run " + runId, target, e);
    }
    return new Written(joined, size[0], HexFormat.of().formatHex(sha.digest()));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
  }

  private Path resolve(List<String> segments) {
    Path p = root;
    for (String s : segments) {
      p = p.resolve(s);
    }
    return p;
  }

  // ---- reading ---------------------------------------------------------------------------------

  /**
   * MLflow's list_artifacts: the direct children of the directory at {@code path} (null or {@code ""}
   * for the root), sorted by path; empty if there is no such directory.
   */
  public List<ArtifactInfo> list(String path) {
    List<String> segments = segments(path, true);
    checkResolvesInside(segments, false);
    Path dir = resolve(segments);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    String prefix = segments.isEmpty() ? "" : String.join("/", segments) + "/";
    List<ArtifactInfo> out = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX) || escapes(child)) {
          continue;
        }
        if (Files.isDirectory(child)) {
          out.add(ArtifactInfo.dir(prefix + name));
        } else if (Files.isRegularFile(child)) {
          out.add(ArtifactInfo.file(prefix + name, Files.size(child)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list artifacts " + prefix + " of run " + runId, e);
    }
    out.sort((a, b) -> a.path().compareTo(b.path()));
    checkAgainstRecords(prefix, out);
    return out;
  }

  /** Fails if a recorded file directly in the listed directory is missing or has another size. */
  private void checkAgainstRecords(String prefix, List<ArtifactInfo> listed) {
    if (recorded == null) {
      return;
    }
    Map<String, Long> sizes = new java.util.HashMap<>();
    for (ArtifactInfo info : listed) {
      sizes.put(info.path(), info.fileSize());
    }
    for (RunEvent.ArtifactWritten a : recorded.values()) {
      String p = a.path();
      if (!p.startsWith(prefix) || p.indexOf('/', prefix.length()) >= 0) {
        continue; // not a direct child of the listed directory
      }
      Long size = sizes.get(p);
      if (size == null || size != a.size() && !anyVersionHas(p, size) && !settles(() -> sizeMatchesAVersion(p))) {
        throw new CorruptFileException(
            resolve(segments(p, false)),
            (size == null ? "is missing" : "has " + size + " bytes") + "; run " + runId + " recorded " + a.size());
      }
    }
  }

  /**
   * How long a file that matches no recorded version is given for its record to appear. A writer
   * replacing a file renames the new version in, then appends its event: a reader between the two
   * sees a file newer than every record. The append follows at once, so the file is checked against
   * a fresh record until this passes; a damaged file costs this much more before it is reported.
   */
  static final long SETTLE_NANOS = 200_000_000L;

  /** Whether {@code check} holds now or within {@link #SETTLE_NANOS}, asked again every millisecond. */
  static boolean settles(java.util.function.BooleanSupplier check) {
    long deadline = System.nanoTime() + SETTLE_NANOS;
    while (System.nanoTime() < deadline) {
      if (check.getAsBoolean()) {
        return true;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
    }
    return check.getAsBoolean();
  }

  /** Whether the file at {@code path} now has a size the run recorded for it. */
  private boolean sizeMatchesAVersion(String path) {
    Path file = resolve(segments(path, false));
    try {
      return Files.isRegularFile(file) && anyVersionHas(path, Files.size(file));
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the run ever recorded {@code size} for {@code path} (a writer replaced it meanwhile). */
  private boolean anyVersionHas(String path, long size) {
    return history != null && history.apply(path).stream().anyMatch(r -> r.size() == size);
  }

  /** Every artifact file under the folder (recursively), sorted by path. */
  public List<ArtifactInfo> listAll() {
    List<ArtifactInfo> out = new ArrayList<>();
    collect(null, out);
    out.sort((a, b) -> a.path().compareTo(b.path()));
    return Collections.unmodifiableList(out);
  }

  private void collect(String path, List<ArtifactInfo> out) {
    for (ArtifactInfo info : list(path)) {
      if (info.isDir()) {
        collect(info.path(), out);
      } else {
        out.add(info);
      }
    }
  }

  private boolean escapes(Path child) throws IOException {
    if (!Files.isSymbolicLink(child)) {
      return false;
    }
    try {
      return !child.toRealPath().startsWith(root.toRealPath());
    } catch (NoSuchFileException e) {
      return true;
    }
  }

  /**
   * Opens the artifact file at {@code path}; the caller closes the stream.
   *
   * @throws InvalidArtifactPathException if the path breaks a rule
   * @throws InvalidParameterException if there is no such file
   */
  public InputStream open(String path) {
    Path file = file(path);
    if (!Files.isRegularFile(file)) {
      throw new InvalidParameterException("No artifact file '" + path + "' in run '" + runId + "'");
    }
    try {
      InputStream in = Files.newInputStream(file);
      String key = String.join("/", segments(path, false));
      RunEvent.ArtifactWritten record = recorded == null ? null : recorded.get(key);
      return record == null
          ? in
          : new CheckedArtifactStream(in, file, record, history == null ? () -> List.of() : () -> history.apply(key));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open artifact " + path + " of run " + runId, e);
    }
  }

  /**
   * The file an artifact path names in this folder, which may not exist.
   *
   * @throws InvalidArtifactPathException if the path breaks a rule
   */
  Path file(String path) {
    List<String> segments = segments(path, false);
    checkResolvesInside(segments, false);
    return resolve(segments);
  }

  /**
   * MLflow's download_artifacts: copies the file or directory at {@code path} (null or {@code ""}
   * for everything) to {@code dest}, keeping its relative path below {@code dest}, and returns the
   * local copy ({@code dest} itself for the root).
   *
   * @throws InvalidParameterException if there is no such artifact
   */
  public Path copyTo(String path, Path dest) {
    Objects.requireNonNull(dest, "dest");
    List<String> segments = segments(path, true);
    checkResolvesInside(segments, false);
    Path src = resolve(segments);
    Path out = dest;
    for (String s : segments) {
      out = out.resolve(s);
    }
    try {
      if (Files.isRegularFile(src)) {
        Files.createDirectories(out.getParent());
        copyChecked(String.join("/", segments), out);
        return out;
      }
      if (!segments.isEmpty() && !Files.isDirectory(src)) {
        throw new InvalidParameterException("No artifact '" + path + "' in run '" + runId + "'");
      }
      Files.createDirectories(out);
      for (ArtifactInfo info : segments.isEmpty() ? listAll() : listAllUnder(String.join("/", segments))) {
        Path to = dest;
        for (String s : info.path().split("/")) {
          to = to.resolve(s);
        }
        Files.createDirectories(to.getParent());
        copyChecked(info.path(), to);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy artifact " + path + " of run " + runId + " to " + dest, e);
    }
  }

  /** Copies one artifact file through {@link #open}, so a copy of damaged bytes fails. */
  private void copyChecked(String path, Path to) throws IOException {
    try (InputStream in = open(path)) {
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private List<ArtifactInfo> listAllUnder(String path) {
    List<ArtifactInfo> out = new ArrayList<>();
    collect(path, out);
    return out;
  }

  /** An artifact's bytes, checked at their end against the size and SHA-256 its run recorded. */
  private static final class CheckedArtifactStream extends java.io.FilterInputStream {
    private final Path file;
    private final RunEvent.ArtifactWritten record;
    private final java.util.function.Supplier<List<RunEvent.ArtifactWritten>> versions; // every record of the path, as of now
    private final MessageDigest sha = sha256();
    private long size;
    private boolean checked;

    CheckedArtifactStream(
        InputStream in, Path file, RunEvent.ArtifactWritten record, java.util.function.Supplier<List<RunEvent.ArtifactWritten>> versions) {
      super(in);
      this.file = file;
      this.record = record;
      this.versions = versions;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        check();
      } else {
        sha.update((byte) b);
        size++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        check();
      } else {
        sha.update(b, off, n);
        size += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException { // skipped bytes are hashed too
      if (n <= 0) {
        return 0;
      }
      int chunk = (int) Math.min(n, COPY_BUFFER);
      return Math.max(0, read(new byte[chunk], 0, chunk));
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private boolean matches(RunEvent.ArtifactWritten r, String digest) {
      return size == r.size() && digest.equals(r.sha256());
    }

    private void check() {
      if (checked) {
        return;
      }
      checked = true;
      String digest = HexFormat.of().formatHex(sha.digest());
      if (!matches(record, digest)) {
        // a version the run recorded, or is about to: a writer replaced the file while it was opened
        if (settles(() -> versions.get().stream().anyMatch(r -> matches(r, digest)))) {
          return;
        }
        throw new CorruptFileException(
            file, "has " + size + " bytes of SHA-256 " + digest + "; its run recorded " + record.size() + " bytes of " + record.sha256());
      }
    }
  }

  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    long count;
    IOException failure; // what writing to the file threw, if it did

    CountingOutputStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
      count += len;
    }
  }

  static long copy(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[COPY_BUFFER];
    long n = 0;
    for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
      out.write(buf, 0, r);
      n += r;
    }
    return n;
  }
}
