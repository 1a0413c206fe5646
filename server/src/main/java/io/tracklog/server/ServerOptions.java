package io.tracklog.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link TrackingServer} listens and what it keeps open.
 *
 * @param host the address to bind; 127.0.0.1 by default (anything else is reachable from other
 *     machines, and the CLI warns)
 * @param port the port; 0 picks a free one ({@link TrackingServer#port()} tells which)
 * @param maxRequestBytes the largest JSON request body taken; larger ones are refused with
 *     INVALID_PARAMETER_VALUE before they are read
 * @param maxOpenWriters how many runs keep a writer open between requests; the least recently used
 *     is closed past this (the run is not ended)
 * @param writerIdleTimeout how long an unused writer stays open
 * @param threads the request threads
 * @param drainTimeout how long closing the server waits for requests in flight
 * @param auth who may call the server ({@link Auth#none()} by default)
 * @param ui whether the web UI is served at {@code /} (off by default; {@code tracklog server} and
 *     {@code tracklog ui} turn it on)
 * @param readOnly whether every request that would change the store is refused with
 *     PERMISSION_DENIED (what {@code tracklog ui} does unless {@code --allow-edits})
 */
public record ServerOptions(
    String host,
    int port,
    long maxRequestBytes,
    int maxOpenWriters,
    Duration writerIdleTimeout,
    int threads,
    Duration drainTimeout,
    Auth auth,
    boolean ui,
    boolean readOnly) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 5000;

  public ServerOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(writerIdleTimeout, "writerIdleTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(auth, "auth");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Invalid port " + port);
    }
    if (maxRequestBytes < 1 || maxOpenWriters < 1 || threads < 4) {
      throw new IllegalArgumentException("maxRequestBytes and maxOpenWriters must be positive, threads at least 4");
    }
  }

  /**
   * 127.0.0.1:5000 (MLflow's default), 16 MiB requests, 1024 open writers idle up to 5 minutes, no
   * authentication.
   */
  public static ServerOptions defaults() {
    return new ServerOptions(DEFAULT_HOST, DEFAULT_PORT, 16L << 20, 1024, Duration.ofMinutes(5), 64, Duration.ofSeconds(30), Auth.none(), false, false);
  }

  public ServerOptions withHost(String host) {
    return new ServerOptions(host, port, maxRequestBytes, maxOpenWriters, writerIdleTimeout, threads, drainTimeout, auth, ui, readOnly);
  }

  public ServerOptions withPort(int port) {
    return new ServerOptions(host, port, maxRequestBytes, maxOpenWriters, writerIdleTimeout, threads, drainTimeout, auth, ui, readOnly);
  }

  public ServerOptions withWriters(int maxOpenWriters, Duration writerIdleTimeout) {
    return new ServerOptions(host, port, maxRequestBytes, maxOpenWriters, writerIdleTimeout, threads, drainTimeout, auth, ui, readOnly);
  }

  public ServerOptions withMaxRequestBytes(long maxRequestBytes) {
    return new ServerOptions(host, port, maxRequestBytes, maxOpenWriters, writerIdleTimeout, threads, drainTimeout, auth, ui, readOnly);
  }

  public ServerOptions withAuth(Auth auth) {
    return new ServerOptions(host, port, maxRequestBytes, maxOpenWriters, writerIdleTimeout, threads, drainTimeout, auth, ui, readOnly);
  }

  /** These options with the web UI served at {@code /}, or not. */
  public ServerOptions withUi(boolean ui) {
    return new ServerOptions(host, port, maxRequestBytes, maxOpenWriters, writerIdleTimeout, threads, drainTimeout, auth, ui, readOnly);
  }

  /** These options refusing every change to the store (PERMISSION_DENIED), or not. */
  public ServerOptions withReadOnly(boolean readOnly) {
    return new ServerOptions(host, port, maxRequestBytes, maxOpenWriters, writerIdleTimeout, threads, drainTimeout, auth, ui, readOnly);
  }

  /** Whether the host is a loopback address, reachable from this machine only. */
  public boolean isLoopback() {
    return host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
  }
}
