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
      "Serve MLflow's REST API over a store: point MLFLOW_TRACKING_URI at the printed URL.",
      "Binds 127.0.0.1 unless --host says otherwise.",
      "--auth basic: clients set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (users: tracklog server add-user).",
      "--auth token: clients set MLFLOW_TRACKING_TOKEN."
    },
    subcommands = ServerCommand.AddUser.class)
final class ServerCommand extends StoreCommand {
  /** Where {@code --auth token} finds the token when no {@code --token-file} is given. */
  static final String TOKEN_ENV = "TRACKLOG_SERVER_TOKEN";

  enum AuthMode {
    none,
    basic,
    token
  }

  @Option(names = "--host", paramLabel = "HOST", description = "The address to bind (default 127.0.0.1).")
  String host = ServerOptions.DEFAULT_HOST;

  @Option(names = "--port", paramLabel = "PORT", description = "The port (default 5000; 0 picks a free one).")
  int port = ServerOptions.DEFAULT_PORT;

  @Option(names = "--auth", paramLabel = "MODE", description = "none (default), basic or token.")
  AuthMode auth = AuthMode.none;

  @Option(names = "--users-file", paramLabel = "FILE", description = "--auth basic: the users and their password hashes.")
  Path usersFile;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "--auth token: a file whose first line is the token (default: $" + TOKEN_ENV + ").")
  Path tokenFile;

  @Override
  int execute() throws InterruptedException {
    ServerOptions options = ServerOptions.defaults().withHost(host).withPort(port).withAuth(auth());
    Store store =
        Store.open(
            root(),
            StoreOptions.builder()
                .shutdownPolicy(StoreOptions.ShutdownPolicy.OWNER_CLOSES) // our hook closes it, after the server
                .sourceTags(false) // the clients send their own source tags
                .build());
    TrackingServer server;
    try {
      server = TrackingServer.start(store, options);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } finally {
        store.close();
      }
    }, "tracklog-server-shutdown"));
    for (String line : bindWarning(options)) {
      err().println(line);
    }
    err().flush();
    out().println("Tracklog server for " + store.root().toAbsolutePath().normalize() + " at " + server.uri());
    out().println("export MLFLOW_TRACKING_URI=" + server.uri());
    out().flush();
    server.join();
    return 0;
  }

  /**
   * What binding {@code options}' host says on stderr: nothing on loopback, a loud warning off it
   * without authentication (anyone who can reach the address owns the store), a note about TLS with it.
   */
  static List<String> bindWarning(ServerOptions options) {
    if (options.isLoopback()) {
      return List.of();
    }
    String host = options.host();
    if (options.auth().isNone()) {
      return List.of(
          "WARNING: listening on " + host + " WITHOUT AUTHENTICATION: anyone who can reach this address can read,",
          "WARNING: write and delete everything in the store. Use --auth basic or --auth token, or bind 127.0.0.1.");
    }
    return List.of(
        "warning: listening on " + host + " without TLS: credentials cross the network in clear; put a TLS proxy in front");
  }

  private Auth auth() {
    switch (auth) {
      case basic -> {
        if (usersFile == null) {
          throw new ParameterException(spec.commandLine(), "--auth basic needs --users-file (tracklog server add-user writes one)");
        }
        return Auth.basic(usersFile);
      }
      case token -> {
        String token;
        if (tokenFile != null) {
          try {
            token = Files.readAllLines(tokenFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
          } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "Cannot read --token-file " + tokenFile + ": " + e.getMessage());
          }
        } else {
          token = System.getenv(TOKEN_ENV);
          if (token == null) {
            throw new ParameterException(spec.commandLine(), "--auth token needs --token-file or $" + TOKEN_ENV);
          }
        }
        try {
          return Auth.token(token);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
      }
      default -> {
        if (usersFile != null || tokenFile != null) {
          throw new ParameterException(spec.commandLine(), "--users-file and --token-file need --auth basic or --auth token");
        }
        return Auth.none();
      }
    }
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
