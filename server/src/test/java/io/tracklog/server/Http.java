package io.tracklog.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A small HTTP client for tests: JSON in, status and JSON out. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI base;

  Http(URI base) {
    this.base = base;
  }

  /** A response: the status, the raw body and the body parsed as JSON (null if it is not JSON). */
  record Reply(int status, String body, JsonNode json) {
    String errorCode() {
      return json == null || json.get("error_code") == null ? null : json.get("error_code").asText();
    }
  }

  HttpClient client() {
    return client;
  }

  Reply post(String path, String json) {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
  }

  Reply put(String path, byte[] body) {
    return send(HttpRequest.newBuilder(base.resolve(path)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  byte[] bytes(String path) {
    try {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json;
      try {
        json = JSON.readTree(r.body());
      } catch (IOException e) {
        json = null;
      }
      return new Reply(r.statusCode(), r.body(), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** POST that must succeed; its JSON. */
  JsonNode ok(String path, String json) {
    Reply r = post(path, json);
    if (r.status() != 200) {
      throw new AssertionError("POST " + path + " " + json + " answered " + r.status() + ": " + r.body());
    }
    return r.json();
  }

  /** GET that must succeed; its JSON. */
  JsonNode okGet(String pathAndQuery) {
    Reply r = get(pathAndQuery);
    if (r.status() != 200) {
      throw new AssertionError("GET " + pathAndQuery + " answered " + r.status() + ": " + r.body());
    }
    return r.json();
  }
}
