package io.tracklog.server;

import io.tracklog.Store;
import io.tracklog.reader.StoreReader;
import java.net.URI;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * MLflow's REST API over a Tracklog store, so every MLflow client (Python's {@code mlflow} with
 * {@code MLFLOW_TRACKING_URI=http://...}, the Java {@code mlflow-client}, the MLflow CLI) logs into
 * it unchanged.
 *
 * <pre>{@code
 * try (Store store = Store.open(root, StoreOptions.builder().shutdownPolicy(OWNER_CLOSES).build());
 *     TrackingServer server = TrackingServer.start(store, ServerOptions.defaults())) {
 *   System.out.println("Listening at " + server.uri());
 *   server.join();
 * }
 * }</pre>
 *
 * <p>Requests are stateless: each names its run, and the server keeps runs' writers open between
 * requests in a bounded cache. {@link #close()} stops taking requests, lets those in flight finish,
 * syncs and closes the writers and ends no run; the caller closes the store.
 */
public final class TrackingServer implements AutoCloseable {
  private final Server jetty;
  private final ServerConnector connector;
  private final StoreReader reader;
  private final RunWriterCache writers;
  /** The routes, for another transport over the same server (the HTTP-stack benchmark). */
  final Api api;

  private TrackingServer(Store store, ServerOptions options) {
    Authenticator auth = Authenticator.of(options.auth()); // first: a bad users file leaves nothing open
    UiAssets uiAssets = options.ui() ? new UiAssets() : null; // and so do missing UI files
    this.reader = StoreReader.of(store);
    this.writers = new RunWriterCache(store, options.maxOpenWriters(), options.writerIdleTimeout());
    this.api = new Api(options.readOnly());
    new ExperimentEndpoints(store, reader).register(api);
    new RunEndpoints(store, reader, writers).register(api);
    new MetricEndpoints(reader).register(api);
    new RegistryEndpoints(store, reader).register(api);
    new LoggedModelEndpoints(reader, store.registry().loggedModels()).register(api);
    ArtifactProxy artifacts = new ArtifactProxy(store, reader, writers);
    UiArtifact uiArtifact = null;
    if (options.ui()) {
      uiArtifact = new UiArtifact(reader);
      new UiEndpoints(reader, store.root(), !options.readOnly()).register(api);
    }

    // Every thread started up front: growing the pool under a burst put thread starts into the tail
    // (log-metric p99 5.76 ms with a minimum of 8, 4.59 and 4.89 ms pre-started; docs/BENCHMARKS.md).
    QueuedThreadPool pool = new QueuedThreadPool(options.threads(), options.threads());
    pool.setName("tracklog-http");
    this.jetty = new Server(pool);
    this.connector = new ServerConnector(jetty);
    // 64 KiB reads instead of 8: a log-batch body arrives in 2 chunks, not 10 (each a wake-up of the request thread)
    connector.getConnectionFactory(HttpConnectionFactory.class).setInputBufferSize(64 << 10);
    connector.setHost(options.host());
    connector.setPort(options.port());
    jetty.addConnector(connector);
    GracefulHandler graceful = new GracefulHandler(new HttpHandler(api, artifacts, options.maxRequestBytes(), auth, uiAssets, uiArtifact));
    jetty.setHandler(graceful);
    jetty.setStopTimeout(options.drainTimeout().toMillis());
    jetty.setStopAtShutdown(false); // the owner's shutdown hook closes us, then the store
  }

  /**
   * Starts a server on an open store; the store must stay open until the server is closed.
   *
   * @throws java.io.UncheckedIOException if the port cannot be bound
   */
  public static TrackingServer start(Store store, ServerOptions options) {
    TrackingServer server = new TrackingServer(store, options);
    try {
      server.jetty.start();
    } catch (Exception e) {
      server.close();
      throw new java.io.UncheckedIOException(
          new java.io.IOException("Cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e));
    }
    return server;
  }

  /** The port listened on (the chosen one when the options said 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://host:port}, what {@code MLFLOW_TRACKING_URI} is set to. */
  public URI uri() {
    String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port());
  }

  /** How many runs have a writer open here now. */
  public long openWriters() {
    return writers.openWriters();
  }

  /** Waits until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  /**
   * Stops taking requests, waits for those in flight (up to the drain timeout), then syncs and
   * closes every writer; no run is ended. Idempotent.
   */
  @Override
  public void close() {
    RuntimeException failure = null;
    try {
      jetty.stop();
    } catch (Exception e) {
      failure = new IllegalStateException("Stopping the HTTP server failed", e);
    }
    try {
      writers.close();
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    reader.close();
    if (failure != null) {
      throw failure;
    }
  }
}
