package io.tracklog.server;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import java.net.http.HttpRequest;
import java.nio.file.Path;

/** A store at a test's root with a server on a free port, and a client for it; {@link #close} stops both. */
final class TestServer implements AutoCloseable {
  final Store store;
  final TrackingServer server;
  final Http http;

  private TestServer(Store store, TrackingServer server) {
    this.store = store;
    this.server = server;
    this.http = new Http(server.uri());
  }

  static TestServer open(Path root) {
    Store store = Store.open(root, StoreOptions.builder().shutdownPolicy(StoreOptions.ShutdownPolicy.OWNER_CLOSES).sourceTags(false).build());
    try {
      return new TestServer(store, TrackingServer.start(store, ServerOptions.defaults().withPort(0)));
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
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
