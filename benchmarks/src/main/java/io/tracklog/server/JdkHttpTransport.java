package io.tracklog.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's built-in {@code com.sun.net.httpserver.HttpServer} as a second transport over a {@link
 * TrackingServer}'s {@link Api}, for the HTTP-stack measurement only (issue #13: "chosen by
 * measurement"). It answers the API routes as {@link HttpHandler} does (the same body limits and
 * JSON reading), not the artifact proxy. Lives in the benchmarks module, in the server's package, so
 * the server's public API does not grow for it.
 */
final class JdkHttpTransport implements AutoCloseable {
  static {
    // The JDK server leaves Nagle's algorithm on by default; with delayed ACKs a keep-alive client
    // then waits ~40 ms for some responses. Off, as Jetty has it.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer http;
  private final ExecutorService pool;

  private JdkHttpTransport(HttpServer http, ExecutorService pool) {
    this.http = http;
    this.pool = pool;
  }

  /** Serves {@code server}'s routes on 127.0.0.1 at a free port, on {@code threads} request threads. */
  static JdkHttpTransport start(TrackingServer server, int threads, long maxRequestBytes) {
    Api api = server.api;
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      http.setExecutor(pool);
      http.createContext("/", exchange -> handle(api, exchange, maxRequestBytes));
      http.start();
      return new JdkHttpTransport(http, pool);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
  }

  private static void handle(Api api, HttpExchange exchange, long maxRequestBytes) throws IOException {
    Api.Reply reply;
    try (InputStream in = exchange.getRequestBody()) {
      try {
        String method = exchange.getRequestMethod();
        Endpoint endpoint = api.find(method, Api.apiPath(exchange.getRequestURI().getPath()));
        ApiRequest parsed =
            method.equals("GET")
                ? endpoint.schema().parseQuery(query(exchange.getRequestURI().getRawQuery()))
                : HttpHandler.readJson(endpoint, method, exchange.getRequestHeaders().getFirst("Content-Type"),
                    contentLength(exchange), in, maxRequestBytes);
        reply = api.call(endpoint, () -> parsed);
      } catch (RuntimeException e) {
        reply = api.error(e);
      }
      in.transferTo(OutputStream.nullOutputStream()); // the connection is kept only if the body was read
    }
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static long contentLength(HttpExchange exchange) {
    String v = exchange.getRequestHeaders().getFirst("Content-Length");
    return v == null ? -1 : Long.parseLong(v.strip());
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }
}
