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
 * What {@code tracklog server} and {@code tracklog ui} share: where to listen, who may call, and
 * serving a store until the process is stopped. SIGTERM or Ctrl-C lets requests in flight finish,
 * syncs and closes the writers and the store, and ends no client's run.
 */
abstract class ServingCommand extends StoreCommand {
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

  /** The listening options the command line gives: host, port, authentication. */
  ServerOptions listenOptions() {
    return ServerOptions.defaults().withHost(host).withPort(port).withAuth(auth());
  }

  /**
   * Opens the store, serves it with {@code options} until the process is stopped, closes the server
   * then the store from a shutdown hook.
   *
   * @param title what the first line printed calls the server
   */
  int serve(ServerOptions options, String title) throws InterruptedException {
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
    out().println(title + " for " + store.root().toAbsolutePath().normalize() + " at " + server.uri());
    if (options.ui()) {
      out().println("Web UI: " + server.uri() + "/" + (options.readOnly() ? " (read-only)" : ""));
    }
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
}
