package io.tracklog;

import io.tracklog.format.Validation;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The source tags MLflow sets when a run starts, worked out for a JVM, so that a run records what was
 * launched and from which commit. MLflow resolves them in its run-context providers ({@code
 * mlflow/tracking/context/default_context.py}, {@code git_context.py}, {@code
 * databricks_job_context.py}; names from {@code mlflow/utils/mlflow_tags.py}). {@code mlflow.user}
 * is the store's.
 *
 * <ul>
 *   <li>{@code mlflow.source.name}: the jar with {@code -jar}, the file in source-file mode, else the
 *       main class; {@code <console>} if the JVM does not say (MLflow: {@code sys.argv[0]}). A job:
 *       {@code jobs/<job id>/run/<job run id>}, as MLflow names a Databricks job run.
 *   <li>{@code mlflow.source.type}: {@code JOB} when {@value #JOB_ID_ENV} and {@value
 *       #JOB_RUN_ID_ENV} are both set, else {@code LOCAL}. MLflow says {@code JOB} only inside a
 *       Databricks job, known from a notebook context a JVM cannot see; CI or a batch system alone
 *       is {@code LOCAL} there too.
 *   <li>{@code mlflow.source.git.commit}, {@code .branch}, {@code .repoURL}: read from {@code .git}
 *       at or above the working directory, without a git binary ({@code mlflow/utils/git_utils.py}
 *       uses GitPython from the main script's folder). Branch: none when HEAD is detached. Repo URL:
 *       the first remote's, credentials removed; MLflow's {@code GitRunContext} records branch and
 *       URL since mlflow/mlflow#23310.
 * </ul>
 *
 * <p>Nothing throws: what cannot be read is left out, as is a value over MLflow's {@value
 * Validation#MAX_TAG_VALUE_LENGTH}-character limit (never truncated). MLflow has no host tag, so the
 * host is not recorded.
 */
final class SourceTags {
  static final String SOURCE_NAME = SystemTags.SOURCE_NAME;
  static final String SOURCE_TYPE = SystemTags.SOURCE_TYPE;
  static final String GIT_COMMIT = "mlflow.source.git.commit";
  static final String GIT_BRANCH = "mlflow.source.git.branch";
  static final String GIT_REPO_URL = "mlflow.source.git.repoURL";

  /** With {@value #JOB_RUN_ID_ENV}: the run is started by a job, {@code mlflow.source.type=JOB}. */
  static final String JOB_ID_ENV = "TRACKLOG_JOB_ID";

  static final String JOB_RUN_ID_ENV = "TRACKLOG_JOB_RUN_ID";

  static final String LOCAL = "LOCAL";
  static final String JOB = "JOB";
  /** MLflow's source name when there is no main file. */
  static final String CONSOLE = "<console>";

  private static final Pattern HASH = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
  private static final Pattern URL_WITH_AUTHORITY =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)(.*)", Pattern.DOTALL);
  private static final String SOURCE_LAUNCHER_PACKAGE = "com.sun.tools.javac.launcher.";
  /** Symbolic refs pointing at symbolic refs: git stops at 5 levels too. */
  private static final int MAX_SYMREF_DEPTH = 5;
  /** HEAD, a loose ref, commondir or a gitdir file: a few dozen bytes; more is not git's. */
  private static final long MAX_SMALL_FILE = 4096;

  private SourceTags() {}

  /** This JVM's tags, resolved once per process (as MLflow caches its git context). */
  static Map<String, String> current() {
    return Current.TAGS;
  }

  private static final class Current {
    static final Map<String, String> TAGS = fromJvm();

    private static Map<String, String> fromJvm() {
      try {
        String dir = System.getProperty("user.dir");
        return detect(
            dir == null ? null : Path.of(dir),
            System.getProperty("sun.java.command"),
            System.getProperty("java.class.path"),
            System::getenv);
      } catch (RuntimeException e) { // SecurityException, InvalidPathException: no tags, no failure
        return Map.of();
      }
    }
  }

  /**
   * The source tags for a run started from {@code workingDirectory} by the command the JVM reports.
   *
   * @param workingDirectory where git discovery starts ({@code user.dir}); {@code null}: no git tags
   * @param javaCommand the main class or jar and the arguments, as {@code sun.java.command}
   * @param classPath {@code java.class.path}: with {@code -jar}, the jar path exactly as given
   * @param env the environment ({@code System::getenv}); consulted for the job variables only
   * @return the tags in the order name, type, commit, branch, repoURL; unmodifiable
   */
  static Map<String, String> detect(
      Path workingDirectory, String javaCommand, String classPath, Function<String, String> env) {
    Map<String, String> tags = new LinkedHashMap<>();
    String jobId = nonBlank(env, JOB_ID_ENV);
    String jobRunId = nonBlank(env, JOB_RUN_ID_ENV);
    if (jobId != null && jobRunId != null) {
      put(tags, SOURCE_NAME, "jobs/" + jobId + "/run/" + jobRunId);
      put(tags, SOURCE_TYPE, JOB);
    } else {
      put(tags, SOURCE_NAME, sourceName(javaCommand, classPath));
      put(tags, SOURCE_TYPE, LOCAL);
    }
    if (workingDirectory != null) {
      try {
        GitInfo git = readGit(workingDirectory);
        if (git != null) {
          put(tags, GIT_COMMIT, git.commit());
          put(tags, GIT_BRANCH, git.branch());
          put(tags, GIT_REPO_URL, git.repoUrl());
        }
      } catch (RuntimeException e) {
        // A run start never fails for want of git data.
      }
    }
    return Collections.unmodifiableMap(tags);
  }

  /** The launched jar, source file or main class in {@code javaCommand}; {@code <console>} if none. */
  static String sourceName(String javaCommand, String classPath) {
    if (javaCommand == null || javaCommand.isBlank()) {
      return CONSOLE;
    }
    String command = javaCommand.strip();
    // -jar: the launcher sets the class path to the jar as given, so a path with spaces survives.
    if (classPath != null
        && classPath.toLowerCase(Locale.ROOT).endsWith(".jar")
        && command.startsWith(classPath)
        && (command.length() == classPath.length() || command.charAt(classPath.length()) == ' ')) {
      return classPath;
    }
    int space = command.indexOf(' ');
    String first = space < 0 ? command : command.substring(0, space);
    String mainClass = first.substring(first.indexOf('/') + 1); // drop "module/" (-m)
    if (mainClass.startsWith(SOURCE_LAUNCHER_PACKAGE) && space >= 0) {
      // "java Foo.java args": the launcher's class, then the source file (which may hold spaces).
      String rest = command.substring(space + 1).strip();
      int end = rest.indexOf(".java ");
      return end >= 0 ? rest.substring(0, end + ".java".length()) : rest.split(" ", 2)[0];
    }
    if (first.toLowerCase(Locale.ROOT).endsWith(".jar")) {
      return first;
    }
    return mainClass.isEmpty() ? first : mainClass;
  }

  // ---- git -------------------------------------------------------------------------------------

  /** What was read from a repository; any part may be {@code null}. */
  record GitInfo(String commit, String branch, String repoUrl) {}

  /**
   * The repository containing {@code start} (or {@code null} if none): HEAD's commit and branch and
   * the first remote's URL. Unreadable parts are {@code null}; this never throws.
   */
  static GitInfo readGit(Path start) {
    Path gitDir;
    try {
      gitDir = findGitDir(start);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (gitDir == null) {
      return null;
    }
    Path commonDir = commonDir(gitDir);
    String commit = null;
    String branch = null;
    try {
      String head = readSmall(gitDir.resolve("HEAD"));
      if (head != null) {
        head = head.strip();
        if (head.startsWith("ref:")) {
          String ref = head.substring("ref:".length()).strip();
          if (isSafeRefName(ref)) {
            if (ref.startsWith("refs/heads/")) {
              branch = ref.substring("refs/heads/".length());
            }
            commit = resolveRef(gitDir, commonDir, ref, 0);
          }
        } else if (HASH.matcher(head).matches()) {
          commit = head.toLowerCase(Locale.ROOT);
        }
      }
    } catch (IOException | RuntimeException e) {
      commit = null;
      branch = null;
    }
    String repoUrl;
    try {
      repoUrl = firstRemoteUrl(commonDir.resolve("config"));
    } catch (IOException | RuntimeException e) {
      repoUrl = null;
    }
    return new GitInfo(commit, branch, repoUrl == null ? null : stripCredentials(repoUrl));
  }

  /** The git directory of the repository at or above {@code start}, {@code null} if none. */
  private static Path findGitDir(Path start) throws IOException {
    Path dir;
    try {
      dir = start.toRealPath(); // git discovers from the physical directory
    } catch (IOException e) {
      dir = start.toAbsolutePath().normalize();
    }
    for (; dir != null; dir = dir.getParent()) {
      Path dotGit = dir.resolve(".git");
      if (Files.isDirectory(dotGit)) {
        if (Files.isRegularFile(dotGit.resolve("HEAD"))) {
          return dotGit;
        }
      } else if (Files.isRegularFile(dotGit)) {
        // A worktree or submodule: "gitdir: <path>", relative to the folder holding the file.
        String text = readSmall(dotGit);
        if (text != null) {
          text = text.strip();
          if (text.startsWith("gitdir:")) {
            Path target = dir.resolve(text.substring("gitdir:".length()).strip()).normalize();
            if (Files.isRegularFile(target.resolve("HEAD"))) {
              return target;
            }
          }
        }
        return null; // a broken .git file: git stops here too
      }
    }
    return null;
  }

  /** Where shared refs, packed-refs and config live: {@code commondir} for a linked worktree. */
  private static Path commonDir(Path gitDir) {
    try {
      String text = readSmall(gitDir.resolve("commondir"));
      if (text != null && !text.isBlank()) {
        Path common = gitDir.resolve(text.strip()).normalize();
        if (Files.isDirectory(common)) {
          return common;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not a worktree, or an unreadable one: use the git dir itself
    }
    return gitDir;
  }

  /** The commit {@code ref} names: a loose ref file, else a line of {@code packed-refs}. */
  private static String resolveRef(Path gitDir, Path commonDir, String ref, int depth)
      throws IOException {
    if (depth > MAX_SYMREF_DEPTH || !isSafeRefName(ref)) {
      return null;
    }
    boolean perWorktree =
        ref.startsWith("refs/worktree/")
            || ref.startsWith("refs/bisect/")
            || ref.startsWith("refs/rewritten/");
    Path base = perWorktree ? gitDir : commonDir;
    Path loose = base.resolve(ref).normalize();
    if (!loose.startsWith(base)) {
      return null;
    }
    if (Files.isRegularFile(loose)) {
      String text = readSmall(loose);
      if (text == null) {
        return null;
      }
      text = text.strip();
      if (text.startsWith("ref:")) {
        return resolveRef(gitDir, commonDir, text.substring("ref:".length()).strip(), depth + 1);
      }
      return HASH.matcher(text).matches() ? text.toLowerCase(Locale.ROOT) : null;
    }
    return perWorktree ? null : packedRef(commonDir.resolve("packed-refs"), ref);
  }

  /** The hash {@code packed-refs} gives {@code ref}: lines "<hash> <ref>", "^<peeled>", "# ...". */
  private static String packedRef(Path packedRefs, String ref) throws IOException {
    if (!Files.isRegularFile(packedRefs)) {
      return null;
    }
    try (BufferedReader in = Files.newBufferedReader(packedRefs, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        int space = line.indexOf(' ');
        if (space > 0 && !line.startsWith("#") && !line.startsWith("^")) {
          if (line.substring(space + 1).strip().equals(ref)) {
            String hash = line.substring(0, space);
            return HASH.matcher(hash).matches() ? hash.toLowerCase(Locale.ROOT) : null;
          }
        }
      }
    }
    return null;
  }

  /** A ref path git could have written: under refs/, no empty, dot or dot-dot parts. */
  private static boolean isSafeRefName(String ref) {
    if (!ref.startsWith("refs/") || ref.endsWith("/") || ref.endsWith(".lock")) {
      return false;
    }
    for (int i = 0; i < ref.length(); i++) {
      char c = ref.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\' || c == ':' || c == ' ') {
        return false;
      }
    }
    for (String part : ref.split("/", -1)) {
      if (part.isEmpty() || part.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The {@code url} of the first {@code [remote "name"]} section that has one, in file order, as
   * GitPython lists remotes; {@code null} if none. Handles quotes, escapes and comments; includes
   * are not followed.
   */
  static String firstRemoteUrl(Path config) throws IOException {
    if (!Files.isRegularFile(config)) {
      return null;
    }
    boolean inRemote = false;
    try (BufferedReader in = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        String s = line.strip();
        if (s.startsWith("[")) {
          int close = s.indexOf(']');
          String header = close < 0 ? "" : s.substring(1, close).strip();
          inRemote = isRemoteHeader(header);
          s = close < 0 ? "" : s.substring(close + 1).strip(); // "[x] key = v" is allowed
        }
        if (!inRemote || s.isEmpty() || s.startsWith("#") || s.startsWith(";")) {
          continue;
        }
        int eq = s.indexOf('=');
        String key = (eq < 0 ? s : s.substring(0, eq)).strip();
        if (eq > 0 && key.equalsIgnoreCase("url")) {
          StringBuilder raw = new StringBuilder(s.substring(eq + 1));
          // A value continued on the next line ends with an unescaped backslash.
          while (endsWithContinuation(raw) && (line = in.readLine()) != null) {
            raw.setLength(raw.length() - 1);
            raw.append(line);
          }
          String value = configValue(raw.toString());
          if (value != null && !value.isEmpty()) {
            return value;
          }
        }
      }
    }
    return null;
  }

  private static boolean isRemoteHeader(String header) {
    int quote = header.indexOf('"');
    String section = (quote < 0 ? header : header.substring(0, quote)).strip();
    if (quote >= 0) {
      return section.equalsIgnoreCase("remote") && header.endsWith("\"") && header.length() > quote + 2;
    }
    // the old "[remote.origin]" form
    return section.toLowerCase(Locale.ROOT).startsWith("remote.") && section.length() > 7;
  }

  private static boolean endsWithContinuation(CharSequence s) {
    int backslashes = 0;
    for (int i = s.length() - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /** A git config value: outer spaces trimmed, quotes removed, escapes decoded, comment cut. */
  private static String configValue(String raw) {
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    int pendingSpaces = 0;
    String s = raw.strip();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        continue;
      }
      if (!quoted && (c == '#' || c == ';')) {
        break;
      }
      if (c == '\\') {
        if (++i >= s.length()) {
          return null;
        }
        char e = s.charAt(i);
        c =
            switch (e) {
              case 'n' -> '\n';
              case 't' -> '\t';
              case 'b' -> '\b';
              case '"', '\\' -> e;
              default -> 0;
            };
        if (c == 0) {
          return null; // git rejects an unknown escape
        }
      } else if (!quoted && Character.isWhitespace(c)) {
        pendingSpaces++;
        continue;
      }
      out.append(" ".repeat(pendingSpaces)).append(c);
      pendingSpaces = 0;
    }
    return quoted ? null : out.toString();
  }

  /** {@code scheme://user:secret@host/path} becomes {@code scheme://host/path}; others unchanged. */
  static String stripCredentials(String url) {
    Matcher m = URL_WITH_AUTHORITY.matcher(url);
    if (!m.matches()) {
      return url;
    }
    String authority = m.group(2);
    int at = authority.lastIndexOf('@');
    return at < 0 ? url : m.group(1) + authority.substring(at + 1) + m.group(3);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** A small file's text, {@code null} if it is missing or too large to be what git writes there. */
  private static String readSmall(Path file) throws IOException {
    if (!Files.isRegularFile(file) || Files.size(file) > MAX_SMALL_FILE) {
      return null;
    }
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static String nonBlank(Function<String, String> env, String name) {
    if (env == null) {
      return null;
    }
    try {
      String value = env.apply(name);
      return value == null || value.isBlank() ? null : value.strip();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Puts a value that MLflow would accept; a missing or over-long one is left out, not cut. */
  private static void put(Map<String, String> tags, String key, String value) {
    if (value != null
        && value.codePointCount(0, value.length()) <= Validation.MAX_TAG_VALUE_LENGTH) {
      tags.put(key, value);
    }
  }
}
