package io.tracklog.server;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.net.http.HttpRequest;
import java.nio.file.Path;

/** A store at {@code root} and a server on a free loopback port over it, and a client; closed together. */
final class TestServer implements AutoCloseable {
  final Store store;
  final TrackingServer server;
  final Http http;

  /** Opens the store, starts the server; a server that fails to start leaves the store closed. */
  TestServer(Path root, ServerOptions options) {
    store = Store.open(root, StoreOptions.builder().shutdownPolicy(StoreOptions.ShutdownPolicy.OWNER_CLOSES).sourceTags(false).build());
    try {
      server = TrackingServer.start(store, options.withPort(0));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    http = new Http(server.uri());
  }

  static TestServer open(Path root) {
    return new TestServer(root, ServerOptions.defaults());
  }

  /** A request with a JSON body and any method: MLflow's clients send PATCH and DELETE with one. */
  Http.Reply call(String method, String path, String json) {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(json)));
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      store.close();
    }
  }
}
