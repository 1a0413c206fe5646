package io.tracklog.server;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One benchmark thread's HTTP/1.1 keep-alive connection to the server: POSTs a JSON body, returns
 * the status, keeps the last response body. Two implementations, so the load generator can be
 * chosen by what loads the server best on a machine that runs both sides: {@link Raw}, a blocking
 * socket with pre-encoded request heads (a few microseconds of client CPU a request), and {@link
 * Jdk}, the JDK's {@link HttpClient} forced to HTTP/1.1.
 */
abstract class LoadClient implements AutoCloseable {
  /** The last response body, UTF-8. */
  abstract String body();

  /** POSTs {@code json} to {@code path}; the response status. */
  abstract int post(String path, byte[] json);

  @Override
  public abstract void close();

  static LoadClient open(String kind, URI base) {
    return switch (kind) {
      case "RAW" -> new Raw(base);
      case "HTTPCLIENT" -> new Jdk(base);
      default -> throw new IllegalArgumentException("Unknown client " + kind);
    };
  }

  /** POSTs that must answer 200. */
  byte[] ok(String path, String json) {
    int status = post(path, json.getBytes(StandardCharsets.UTF_8));
    if (status != 200) {
      throw new IllegalStateException("POST " + path + " answered " + status + ": " + body());
    }
    return body().getBytes(StandardCharsets.UTF_8);
  }

  /** HTTP/1.1 over one socket: Content-Length bodies both ways (the server sends no chunked replies to these calls). */
  static final class Raw extends LoadClient {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final String host;
    private byte[] buf = new byte[1 << 16];
    private int length;

    Raw(URI base) {
      try {
        socket = new Socket(base.getHost(), base.getPort());
        socket.setTcpNoDelay(true);
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        host = base.getHost() + ":" + base.getPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    int post(String path, byte[] json) {
      try {
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
            + json.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(json);
        out.flush();
        return readResponse();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private int readResponse() throws IOException {
      String status = line();
      int code = Integer.parseInt(status.substring(9, 12));
      int contentLength = -1;
      for (String h = line(); !h.isEmpty(); h = line()) {
        if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
          contentLength = Integer.parseInt(h.substring(15).strip());
        } else if (h.regionMatches(true, 0, "transfer-encoding:", 0, 18)) {
          throw new IOException("Chunked responses are not read by this client: " + h);
        }
      }
      if (contentLength < 0) {
        throw new IOException("No Content-Length in the response " + status);
      }
      if (buf.length < contentLength) {
        buf = new byte[Math.max(contentLength, buf.length * 2)];
      }
      length = in.readNBytes(buf, 0, contentLength);
      if (length != contentLength) {
        throw new IOException("Response cut at " + length + " of " + contentLength + " bytes");
      }
      return code;
    }

    private String line() throws IOException {
      StringBuilder sb = new StringBuilder(64);
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("Connection closed by the server");
        }
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }

    @Override
    String body() {
      return new String(Arrays.copyOf(buf, length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The JDK's client, HTTP/1.1 keep-alive (its pool gives each concurrent caller a connection). */
  static final class Jdk extends LoadClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI base;
    private String last;

    Jdk(URI base) {
      this.base = base;
    }

    @Override
    int post(String path, byte[] json) {
      try {
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(), HttpResponse.BodyHandlers.ofString());
        last = r.body();
        return r.statusCode();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    String body() {
      return last;
    }

    @Override
    public void close() {}
  }
}
