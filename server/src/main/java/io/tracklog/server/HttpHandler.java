package io.tracklog.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tracklog.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The HTTP side of the server, on Jetty's core handler API: reads a request (query parameters for
 * GET, a JSON body otherwise), hands it to the {@link Api} or the {@link ArtifactProxy}, writes the
 * answer. Request threads may block (this handler's invocation type is Jetty's default, BLOCKING).
 *
 * <p>Authentication comes first: a request without valid credentials is answered 401 before its body
 * is read. A body is read only up to its limit, whatever its {@code Content-Length} says or however
 * long its chunks run: past the limit the request is refused and the rest never buffered.
 */
final class HttpHandler extends Handler.Abstract {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER) // correctly rounded, several times faster on 17-digit values
          .build();
  private static final String JSON_TYPE = "application/json";
  /** MLflow's limit on a log-batch body (mlflow/server/handlers.py, {@code MAX_BATCH_LOG_REQUEST_SIZE}). */
  static final long MAX_BATCH_BYTES = 1_000_000;
  /** How much of a refused body is read and dropped so that the client gets the answer. */
  static final long MAX_DRAINED_BYTES = 16L << 20;

  private final Api api;
  private final ArtifactProxy artifacts;
  private final long maxRequestBytes;
  private final Authenticator auth;
  /** The web UI's files and artifact previews; null when the UI is off. */
  private final UiAssets uiAssets;
  private final UiArtifact uiArtifact;

  HttpHandler(Api api, ArtifactProxy artifacts, long maxRequestBytes, Authenticator auth, UiAssets uiAssets, UiArtifact uiArtifact) {
    this.api = api;
    this.artifacts = artifacts;
    this.maxRequestBytes = maxRequestBytes;
    this.auth = auth;
    this.uiAssets = uiAssets;
    this.uiArtifact = uiArtifact;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!auth.allows(request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, auth.challenge());
      refuse(request, response, callback, auth.refusal());
      return true;
    }
    Api.Reply reply;
    try {
      reply = dispatch(request, response, callback);
    } catch (TooLarge e) {
      answerThenDrain(request, response, callback, api.error(e));
      return true;
    } catch (RuntimeException e) {
      refuse(request, response, callback, api.error(e));
      return true;
    }
    if (reply != null) {
      send(response, callback, reply);
    }
    return true;
  }

  /**
   * Answers a failed request whose body may be unread (refused before it was parsed: read-only,
   * unknown endpoint, no credentials): a small rest is read and dropped first, so the connection
   * stays usable for the client's next request; a larger one is answered, then drained, and the
   * connection closed ({@link #answerThenDrain}). Without this, a keep-alive client could send its
   * next request on a connection the server then closes for the unread body.
   */
  private static void refuse(Request request, Response response, Callback callback, Api.Reply reply) {
    if (drain(request, REFUSED_BODY_READ)) {
      send(response, callback, reply);
    } else {
      answerThenDrain(request, response, callback, reply);
    }
  }

  /** How much of a refused request's body is read before answering. */
  static final long REFUSED_BODY_READ = 64 << 10;

  /**
   * Reads and drops the rest of a request's body, up to about {@code max} bytes; whether it got to
   * the end.
   */
  private static boolean drain(Request request, long max) {
    long left = max;
    while (left > 0) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        try (Blocker.Runnable more = Blocker.runnable()) {
          request.demand(more);
          more.block();
        } catch (IOException e) {
          return false;
        }
        continue;
      }
      boolean failed = Content.Chunk.isFailure(chunk);
      boolean last = chunk.isLast() || failed;
      left -= chunk.remaining();
      chunk.release();
      if (last) {
        return !failed;
      }
    }
    return false;
  }

  /** Answers a request; null when the answer was already streamed. */
  private Api.Reply dispatch(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getDecodedPath();
    String method = request.getMethod();
    String apiPath = Api.apiPath(path);
    if (apiPath != null && (apiPath.equals(ArtifactProxy.PATH) || apiPath.startsWith(ArtifactProxy.PATH + "/"))) {
      if (api.readOnly() && !method.equals("GET")) {
        throw Api.readOnlyRefusal();
      }
      return artifact(method, apiPath.substring(ArtifactProxy.PATH.length()), request, response, callback);
    }
    if (uiAssets != null && apiPath == null && UiAssets.handles(path)) {
      return asset(method, path, request, response, callback);
    }
    if (uiArtifact != null && UiArtifact.PATH.equals(apiPath) && method.equals("GET")) {
      Map<String, List<String>> q = query(request);
      UiArtifact.Opened file = uiArtifact.open(first(q, "run_id"), first(q, "path"));
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, file.contentType());
      response.getHeaders().put("Content-Security-Policy", "sandbox");
      response.getHeaders().put("X-Content-Type-Options", "nosniff");
      if ("1".equals(first(q, "download")) || "true".equals(first(q, "download"))) {
        response.getHeaders().put("Content-Disposition",
            "attachment; filename*=UTF-8''" + java.net.URLEncoder.encode(file.fileName(), StandardCharsets.UTF_8).replace("+", "%20"));
      }
      stream(file.in(), response, callback);
      return null;
    }
    Endpoint endpoint = api.find(method, apiPath);
    ApiRequest parsed;
    if (method.equals("GET")) {
      parsed = endpoint.schema().parseQuery(query(request));
    } else {
      String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
      // Not closed here: closing would fail the rest of a refused body, which answerThenDrain reads.
      InputStream in = Content.Source.asInputStream(request);
      parsed = readJson(endpoint, method, type, request.getLength(), in, maxRequestBytes);
    }
    return api.call(endpoint, () -> parsed);
  }

  private Api.Reply artifact(String method, String proxied, Request request, Response response, Callback callback) {
    switch (method) {
      case "PUT" -> {
        try (InputStream in = Content.Source.asInputStream(request)) {
          return new Api.Reply(200, MlflowJson.dumps(artifacts.upload(proxied, in)));
        } catch (IOException e) {
          throw new ApiException(ErrorCode.INVALID_PARAMETER_VALUE, "Upload of " + proxied + " failed: " + e.getMessage());
        }
      }
      case "GET" -> {
        if (proxied.isEmpty()) { // the listing: ?path=<experiment>/<run>/artifacts/<dir>
          List<String> p = query(request).get("path");
          return new Api.Reply(200, MlflowJson.dumps(artifacts.list(p == null ? "" : p.get(0))));
        }
        InputStream in = artifacts.download(proxied);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        stream(in, response, callback);
        return null;
      }
      default -> throw new Api.MethodNotAllowed(ArtifactProxy.PATH, "GET, PUT");
    }
  }

  /** Sends a stream's bytes with status 200 (headers set by the caller) and closes it. */
  private static void stream(InputStream in, Response response, Callback callback) {
    response.setStatus(200);
    try (in; OutputStream out = Content.Sink.asOutputStream(response)) {
      in.transferTo(out);
    } catch (IOException e) {
      callback.failed(e); // the status is sent: the client sees a cut response
      return;
    }
    callback.succeeded();
  }

  /**
   * One of the web UI's files; 404 (as a JSON error) for a name that is none of them. Browsers
   * revalidate each time (a new jar's files show at once) and get 304 while the file is unchanged.
   */
  private Api.Reply asset(String method, String path, Request request, Response response, Callback callback) {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      throw new Api.MethodNotAllowed(path, "GET");
    }
    UiAssets.Asset asset = uiAssets.find(path);
    if (asset == null) {
      throw new ApiException(ErrorCode.ENDPOINT_NOT_FOUND, "No file at " + path + ".");
    }
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put(HttpHeader.ETAG, asset.etag());
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    if (asset.etag().equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
      response.setStatus(304);
      callback.succeeded();
      return null;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType());
    if (method.equals("HEAD")) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.bytes().length);
      callback.succeeded();
    } else {
      response.write(true, java.nio.ByteBuffer.wrap(asset.bytes()), callback);
    }
    return null;
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /**
   * Reads a request's JSON body into its endpoint's schema, whatever the transport: checks the
   * content type, refuses a declared length past the endpoint's limit before reading, reads at most
   * limit + 1 bytes.
   */
  static ApiRequest readJson(Endpoint endpoint, String method, String contentType, long declaredLength, InputStream in,
      long maxRequestBytes) {
    requireJson(method, contentType);
    boolean batch = endpoint.path().equals("/mlflow/runs/log-batch");
    byte[] body = body(in, declaredLength, batch ? MAX_BATCH_BYTES : maxRequestBytes, batch);
    if (body.length == 0) {
      return new ApiRequest(Map.of());
    }
    try (JsonParser parser = JSON.createParser(body)) {
      ApiRequest request = endpoint.schema().parse(parser);
      if (parser.nextToken() != null) {
        throw ApiException.invalid("Malformed JSON in the request body: content after the object (line "
            + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr() + ")");
      }
      return request;
    } catch (JsonProcessingException e) {
      throw ApiException.invalid("Malformed JSON in the request body: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    } catch (IOException e) {
      throw ApiException.invalid("Could not read the request body: " + e.getMessage());
    }
  }

  /** MLflow refuses POST and PUT bodies that are not JSON (mlflow/server/validation.py). */
  private static void requireJson(String method, String type) {
    if (!method.equals("POST") && !method.equals("PUT")) {
      return;
    }
    if (type == null) {
      throw ApiException.invalid("Bad Request. Content-Type header is missing.");
    }
    if (!type.split(";", 2)[0].strip().equalsIgnoreCase(JSON_TYPE)) {
      throw ApiException.invalid("Bad Request. Content-Type must be one of ['application/json'].");
    }
  }

  /** The body's bytes, at most {@code limit} of them (else the refusal); empty when there is none. */
  private static byte[] body(InputStream in, long declared, long limit, boolean batch) {
    if (declared > limit) {
      throw tooLarge(declared, limit, batch);
    }
    byte[] bytes;
    try {
      // a declared length (at most the limit here) is all there is; otherwise one byte past the limit tells
      bytes = in.readNBytes(declared >= 0 ? (int) declared : (int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
    } catch (IOException e) {
      throw ApiException.invalid("Could not read the request body: " + e.getMessage());
    }
    if (bytes.length > limit) { // a chunked body, or one longer than it said: the rest is only skipped
      throw tooLarge(-1, limit, batch);
    }
    return bytes;
  }

  /**
   * Answers a refused body first, then reads and drops what is left of it (up to {@link
   * #MAX_DRAINED_BYTES}) before the exchange ends: a server that closes while the client is still
   * sending makes the kernel reset the connection, and a client that had not read the answer yet
   * loses it. Past that much, the connection is closed anyway.
   */
  private static void answerThenDrain(Request request, Response response, Callback callback, Api.Reply reply) {
    response.setStatus(reply.status());
    response.getHeaders().put(new HttpField(HttpHeader.CONTENT_TYPE, JSON_TYPE));
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    try (Blocker.Callback written = Blocker.callback()) {
      Content.Sink.write(response, true, reply.body(), written);
      written.block();
    } catch (IOException e) {
      callback.failed(e);
      return;
    }
    drain(request, MAX_DRAINED_BYTES);
    callback.succeeded();
  }

  /** The refusal of a body past its limit; {@code size} -1 when only "more than the limit" is known. */
  private static TooLarge tooLarge(long size, long limit, boolean batch) {
    String received = size < 0 ? "more than " + limit : Long.toString(size);
    if (batch) {
      return new TooLarge(
          "Batched logging API requests must be at most 1 MB in size. Received request of size " + received + " bytes.");
    }
    return new TooLarge("Request bodies must be at most " + limit + " bytes; this one has " + received + ".");
  }

  /** A body past its limit: INVALID_PARAMETER_VALUE, answered before the rest of the body is dropped. */
  static final class TooLarge extends RuntimeException implements io.tracklog.error.HasErrorCode {
    TooLarge(String message) {
      super(message);
    }

    @Override
    public ErrorCode errorCode() {
      return ErrorCode.INVALID_PARAMETER_VALUE;
    }
  }

  private static Map<String, List<String>> query(Request request) {
    Fields fields = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Fields.Field f : fields) {
      out.put(f.getName(), f.getValues());
    }
    return out;
  }

  private static void send(Response response, Callback callback, Api.Reply reply) {
    response.setStatus(reply.status());
    response.getHeaders().put(new HttpField(HttpHeader.CONTENT_TYPE, JSON_TYPE));
    Content.Sink.write(response, true, reply.body(), callback);
  }
}
