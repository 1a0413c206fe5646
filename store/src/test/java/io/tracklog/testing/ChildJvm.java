package io.tracklog.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM running a test main class, for multi-process and crash tests. It gets the JVM flags
 * Chronicle needs (the {@code tracklog.test.jvmArgs} system property that surefire and failsafe set
 * from the parent pom, else this JVM's own {@code --add-*} and {@code -D} flags), this JVM's class
 * path, and talks through lines: the child's stdout is read line by line into a queue by a daemon
 * thread ({@link #nextLine}, {@link #awaitLine}), lines are sent to its stdin ({@link #send}), and
 * stderr is kept for failure messages. Killing is {@link ProcessHandle#destroyForcibly()}: SIGKILL on
 * Linux. Closing kills the child if it is still alive.
 *
 * <p>Protocol lines never need sleeps: a parent waits for a child by reading the line the child
 * prints when it reaches a point.
 */
public final class ChildJvm implements AutoCloseable {
  /** How long to wait for a line or an exit unless told otherwise; generous for 2 shared cores. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

  /** Marks the end of stdout in the line queue; compared by identity. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String EOF = new String("<EOF>");

  private static final int STDERR_LIMIT = 64 * 1024;

  private final String name;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> allLines = new ArrayList<>(); // guarded by itself
  private final StringBuilder stderr = new StringBuilder(); // guarded by itself
  private final Thread stdoutReader;
  private final Thread stderrReader;
  private final Writer stdin;
  private boolean eofSeen;

  private ChildJvm(String name, Process process) {
    this.name = name;
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.stdoutReader = new Thread(this::readStdout, name + "-stdout");
    this.stdoutReader.setDaemon(true);
    this.stderrReader = new Thread(this::readStderr, name + "-stderr");
    this.stderrReader.setDaemon(true);
    stdoutReader.start();
    stderrReader.start();
  }

  /** Starts {@code mainClass} with {@code args} and the default flags and class path. */
  public static ChildJvm start(Class<?> mainClass, String... args) {
    return builder(mainClass).args(args).start();
  }

  public static Builder builder(Class<?> mainClass) {
    return new Builder(mainClass);
  }

  /**
   * The flags every child gets: {@code tracklog.test.jvmArgs} split on whitespace, or, when a test
   * runs outside Maven, this JVM's {@code --add-*} and {@code -D} input arguments.
   */
  public static List<String> inheritedJvmArgs() {
    String prop = System.getProperty("tracklog.test.jvmArgs");
    if (prop != null && !prop.isBlank()) {
      return Arrays.stream(prop.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-") || a.startsWith("-D"))
        .toList();
  }

  /** This JVM's test class path, one entry per element. */
  public static List<String> testClassPath() {
    return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(s -> !s.isEmpty())
        .toList();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Sends one line to the child's stdin and flushes it. */
  public void send(String line) {
    try {
      stdin.write(line);
      stdin.write('\n');
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": cannot write to stdin (exited? " + describeExit() + ")", e);
    }
  }

  /** The next stdout line, waiting up to {@link #DEFAULT_TIMEOUT}. */
  public String nextLine() {
    return nextLine(DEFAULT_TIMEOUT);
  }

  /**
   * The next stdout line.
   *
   * @throws AssertionError if none comes within {@code timeout} or stdout ended
   */
  public String nextLine(Duration timeout) {
    if (eofSeen) {
      throw new AssertionError(name + ": stdout already ended; " + describeExit());
    }
    String line;
    try {
      line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted waiting for a line", e);
    }
    if (line == null) {
      throw new AssertionError(name + ": no stdout line within " + timeout + "; " + describeExit());
    }
    if (line == EOF) {
      eofSeen = true;
      throw new AssertionError(name + ": stdout ended while waiting for a line; " + describeExit());
    }
    return line;
  }

  /** Skips lines until one starts with {@code prefix} and returns it (default timeout per line). */
  public String awaitLine(String prefix) {
    return awaitLine(l -> l.startsWith(prefix), "a line starting with '" + prefix + "'");
  }

  /** Skips lines until one matches and returns it. */
  public String awaitLine(Predicate<String> matches, String what) {
    long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(name + ": no " + what + " within " + DEFAULT_TIMEOUT + "; " + describeExit());
      }
      String line = nextLine(Duration.ofNanos(left));
      if (matches.test(line)) {
        return line;
      }
    }
  }

  /**
   * Waits for the child to exit by itself, then for its stdout to be read to the end.
   *
   * @return the exit code
   * @throws AssertionError if it is still running after {@code timeout} (it is then killed)
   */
  public int waitForExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.toHandle().destroyForcibly();
        throw new AssertionError(name + ": still running after " + timeout + " (killed); " + describeExit());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted waiting for exit", e);
    }
    joinReaders();
    return process.exitValue();
  }

  public int waitForExit() {
    return waitForExit(DEFAULT_TIMEOUT);
  }

  /**
   * Kills the child with SIGKILL, waits for it to die and for its stdout to be read to the end.
   * Every line it printed before dying is then in {@link #allLines()}.
   *
   * @return the exit code (137 on Linux)
   */
  public int kill() {
    // Not process.destroyForcibly(): Process.destroy* also closes our end of stdout, dropping lines
    // the child wrote before it died that we have not read yet. The handle only sends SIGKILL.
    process.toHandle().destroyForcibly();
    try {
      if (!process.waitFor(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + ": did not die within " + DEFAULT_TIMEOUT + " of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted waiting for death", e);
    }
    joinReaders();
    return process.exitValue();
  }

  private void joinReaders() {
    try {
      stdoutReader.join(DEFAULT_TIMEOUT.toMillis());
      stderrReader.join(DEFAULT_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted joining output readers", e);
    }
    if (stdoutReader.isAlive()) {
      throw new AssertionError(name + ": stdout still open after exit (a grandchild holds it?)");
    }
  }

  /** Every stdout line read so far, in order (all of them once the child has exited). */
  public List<String> allLines() {
    synchronized (allLines) {
      return List.copyOf(allLines);
    }
  }

  /** What the child wrote to stderr so far (the first 64 KiB). */
  public String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** A description for failure messages: exit state and the tail of stderr. */
  public String describeExit() {
    String state = process.isAlive() ? "alive" : "exit code " + process.exitValue();
    String err = stderr();
    if (err.length() > 4000) {
      err = "..." + err.substring(err.length() - 4000);
    }
    return state + (err.isEmpty() ? "" : ", stderr:\n" + err);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
    try {
      stdin.close();
    } catch (IOException ignored) {
      // the child is gone; nothing to flush
    }
  }

  private void readStdout() {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        synchronized (allLines) {
          allLines.add(line);
        }
        lines.add(line);
      }
    } catch (IOException e) {
      synchronized (stderr) {
        stderr.append("[ChildJvm: stdout read failed: ").append(e).append("]\n");
      }
    } finally {
      lines.add(EOF);
    }
  }

  private void readStderr() {
    try (InputStream in = process.getErrorStream()) {
      byte[] buf = new byte[8192];
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        synchronized (stderr) {
          if (stderr.length() < STDERR_LIMIT) {
            stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException ignored) {
      // the stream closes when the process dies
    }
  }

  /** Options for a child JVM. */
  public static final class Builder {
    private final Class<?> mainClass;
    private final List<String> args = new ArrayList<>();
    private final List<String> extraJvmArgs = new ArrayList<>();
    private Predicate<String> keepJvmArg = a -> true;
    private Predicate<String> keepClassPathEntry = e -> true;
    private Path workDir;

    private Builder(Class<?> mainClass) {
      this.mainClass = mainClass;
    }

    public Builder args(String... more) {
      args.addAll(Arrays.asList(more));
      return this;
    }

    /** Adds a JVM flag after the inherited ones (e.g. {@code -Duser.home=...}). */
    public Builder jvmArg(String arg) {
      extraJvmArgs.add(arg);
      return this;
    }

    /** Keeps only the inherited JVM flags that match (e.g. to drop {@code -Dchronicle.*}). */
    public Builder keepJvmArgs(Predicate<String> keep) {
      this.keepJvmArg = keep;
      return this;
    }

    /** Keeps only the class path entries that match (e.g. to drop JUnit). */
    public Builder keepClassPath(Predicate<String> keep) {
      this.keepClassPathEntry = keep;
      return this;
    }

    public Builder workDir(Path dir) {
      this.workDir = dir;
      return this;
    }

    public ChildJvm start() {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      // Start fast and stay small: 2 cores are shared by every test process.
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-XX:TieredStopAtLevel=1");
      cmd.add("-Xshare:auto");
      inheritedJvmArgs().stream().filter(keepJvmArg).forEach(cmd::add);
      cmd.addAll(extraJvmArgs);
      cmd.add("-cp");
      cmd.add(String.join(java.io.File.pathSeparator, testClassPath().stream().filter(keepClassPathEntry).toList()));
      cmd.add(mainClass.getName());
      cmd.addAll(args);
      ProcessBuilder pb = new ProcessBuilder(cmd);
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      try {
        return new ChildJvm(mainClass.getSimpleName(), pb.start());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start child JVM " + cmd, e);
      }
    }
  }
}
