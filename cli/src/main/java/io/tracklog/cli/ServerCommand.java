package io.tracklog.cli;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.server.Auth;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tracklog server}: MLflow's REST API over a store (created if absent), until the process is
 * stopped. SIGTERM or Ctrl-C lets requests in flight finish, syncs and closes the writers and the
 * store, and ends no client's run. {@code --auth basic} checks HTTP Basic credentials against a
 * users file of PBKDF2 hashes ({@code tracklog server add-user} writes it); {@code --auth token}
 * checks a bearer token read from a file or {@code $TRACKLOG_SERVER_TOKEN}, never from the command
 * line (other users see it in {@code ps}).
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Serve MLflow's REST API and the web UI over a store: point MLFLOW_TRACKING_URI at the printed URL.",
      "Binds 127.0.0.1 unless --host says otherwise.",
      "--auth basic: clients set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (users: tracklog server add-user).",
      "--auth token: clients set MLFLOW_TRACKING_TOKEN."
    },
    subcommands = ServerCommand.AddUser.class)
final class ServerCommand extends ServingCommand {
  @Override
  int execute() throws InterruptedException {
    return serve(options(), "Tracklog server");
  }

  /** A writable server: the UI beside the API may edit runs as every client may. */
  ServerOptions options() {
    return listenOptions().withUi(true);
  }

  /**
   * {@code tracklog server add-user --users-file F USER}: adds the user, or sets a new password,
   * read from the console (asked twice, not echoed) or else the first line of stdin. Only the salted
   * hash is written.
   */
  @Command(name = "add-user", mixinStandardHelpOptions = true,
      description = "Add a user of --auth basic to a users file, or change the user's password (read from the console or stdin).")
  static final class AddUser implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--users-file", paramLabel = "FILE", required = true, description = "The users file (created if absent).")
    Path usersFile;

    @Parameters(paramLabel = "USER", description = "The user name (no ':').")
    String user;

    @Override
    public Integer call() {
      char[] password = null;
      try {
        password = readPassword();
        Auth.addUser(usersFile, user, password);
        spec.commandLine().getOut().println("User " + user + " written to " + usersFile);
        return 0;
      } catch (IllegalArgumentException | IOException | java.io.UncheckedIOException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return e instanceof IllegalArgumentException ? EXIT_INVALID : EXIT_FAILURE;
      } finally {
        if (password != null) {
          Arrays.fill(password, '\0');
        }
      }
    }

    private char[] readPassword() throws IOException {
      Console console = System.console();
      if (console != null) {
        char[] first = console.readPassword("Password for %s: ", user);
        char[] again = console.readPassword("Again: ");
        try {
          if (first == null || !Arrays.equals(first, again)) {
            throw new IllegalArgumentException("The passwords differ");
          }
          return first.clone();
        } finally {
          for (char[] c : new char[][] {first, again}) {
            if (c != null) {
              Arrays.fill(c, '\0');
            }
          }
        }
      }
      String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      if (line == null) {
        throw new IllegalArgumentException("No password on stdin");
      }
      return line.toCharArray();
    }
  }
}
