package io.tracklog.cli;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.server.ServerOptions;
import io.tracklog.server.TrackingServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog server}: MLflow's REST API over a store (created if absent), until the process is
 * stopped. SIGTERM or Ctrl-C lets requests in flight finish, syncs and closes the writers and the
 * store, and ends no client's run.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Serve MLflow's REST API over a store: point MLFLOW_TRACKING_URI at the printed URL.",
      "Binds 127.0.0.1 unless --host says otherwise."
    })
final class ServerCommand extends StoreCommand {
  @Option(names = "--host", paramLabel = "HOST", description = "The address to bind (default 127.0.0.1).")
  String host = ServerOptions.DEFAULT_HOST;

  @Option(names = "--port", paramLabel = "PORT", description = "The port (default 5000; 0 picks a free one).")
  int port = ServerOptions.DEFAULT_PORT;

  @Override
  int execute() throws InterruptedException {
    ServerOptions options = ServerOptions.defaults().withHost(host).withPort(port);
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
    if (!options.isLoopback()) {
      err().println("warning: listening on " + host + ": other machines can reach this server and write to the store");
      err().flush();
    }
    out().println("Tracklog server for " + store.root().toAbsolutePath().normalize() + " at " + server.uri());
    out().println("export MLFLOW_TRACKING_URI=" + server.uri());
    out().flush();
    server.join();
    return 0;
  }
}
