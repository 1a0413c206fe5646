package io.tracklog.cli;

import io.tracklog.Store;
import io.tracklog.error.ErrorCode;
import io.tracklog.error.HasErrorCode;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.Fallback;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The base of the subcommands: the {@code --root} option, output writers, and the mapping of
 * failures to {@code error: <message>} and an exit code (2 for invalid arguments, 1 otherwise). The
 * mapping lives here rather than in a picocli handler so it holds however the command line is built.
 */
abstract class StoreCommand implements Callable<Integer> {
  static final int EXIT_INVALID = 2;
  static final int EXIT_FAILURE = 1;

  @Spec CommandSpec spec;

  @Option(
      names = "--root",
      paramLabel = "PATH",
      description = "The store directory (default: $TRACKLOG_ROOT, else ./tracklog).")
  Path root;

  /** Readers this command opened, whose fallbacks it reports when it is done. */
  private final List<StoreReader> readers = new ArrayList<>();

  /** The command's work; returns the exit code. */
  abstract int execute() throws Exception;

  @Override
  public final Integer call() {
    try {
      return execute();
    } catch (ParameterException e) {
      throw e; // picocli reports usage errors itself
    } catch (Exception e) {
      return failed(e);
    } finally {
      reportFallbacks();
    }
  }

  /**
   * Prints on stderr, once each, the compacted files the command's readers stopped trusting (issue
   * #11): the answers were right, from the logs, but the store needs {@code tracklog verify}.
   */
  private void reportFallbacks() {
    Set<Path> seen = new HashSet<>();
    for (StoreReader reader : readers) {
      for (Fallback f : reader.fallbacks()) {
        if (seen.add(f.file())) {
          err().println("warning: " + f.message());
        }
      }
    }
    readers.clear();
  }

  /** Reports a failure on stderr and returns the exit code; subclasses may report otherwise. */
  int failed(Exception e) {
    err().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    return exitCode(e);
  }

  /** 2 for MLflow's INVALID_PARAMETER_VALUE, 1 for any other failure. */
  static int exitCode(Exception e) {
    return e instanceof HasErrorCode h && h.errorCode() == ErrorCode.INVALID_PARAMETER_VALUE
        ? EXIT_INVALID
        : EXIT_FAILURE;
  }

  Path root() {
    return root != null ? root : Store.defaultRoot();
  }

  /** Opens an existing store; a path without one is a usage error, not a store to create. */
  Store openExisting() {
    return Store.open(existingRoot());
  }

  /** Opens a reader on an existing store (the same usage error as {@link #openExisting}). */
  StoreReader openReader() {
    StoreReader reader = StoreReader.open(existingRoot());
    readers.add(reader);
    return reader;
  }

  private Path existingRoot() {
    Path path = root();
    if (!Store.exists(path)) {
      throw new ParameterException(
          spec.commandLine(), "No Tracklog store at " + path.toAbsolutePath().normalize());
    }
    return path;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
