package io.tracklog.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
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
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * The HTTP side of the server, on Jetty's core handler API: reads a request (query parameters for
 * GET, a JSON body otherwise), hands it to the {@link Api} or the {@link ArtifactProxy}, writes the
 * answer. Request threads may block (this handler's invocation type is Jetty's default, BLOCKING).
 */
final class HttpHandler extends Handler.Abstract {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final String JSON_TYPE = "application/json";
  /** MLflow's limit on a log-batch body (mlflow/server/handlers.py, {@code MAX_BATCH_LOG_REQUEST_SIZE}). */
  static final long MAX_BATCH_BYTES = 1_000_000;

  private final Api api;
  private final ArtifactProxy artifacts;
  private final long maxRequestBytes;

  HttpHandler(Api api, ArtifactProxy artifacts, long maxRequestBytes) {
    this.api = api;
    this.artifacts = artifacts;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Api.Reply reply;
    try {
      reply = dispatch(request, response, callback);
    } catch (RuntimeException e) {
      reply = api.error(e);
    }
    if (reply != null) {
      send(response, callback, reply);
    }
    return true;
  }

  /** Answers a request; null when the answer was already streamed. */
  private Api.Reply dispatch(Request request, Response response, Callback callback) {
    String path = request.getHttpURI().getDecodedPath();
    String method = request.getMethod();
    String apiPath = Api.apiPath(path);
    if (apiPath != null && (apiPath.equals(ArtifactProxy.PATH) || apiPath.startsWith(ArtifactProxy.PATH + "/"))) {
      return artifact(method, apiPath.substring(ArtifactProxy.PATH.length()), request, response, callback);
    }
    Endpoint endpoint = api.find(method, apiPath);
    ApiRequest parsed;
    if (method.equals("GET")) {
      parsed = endpoint.schema().parseQuery(query(request));
    } else {
      requireJson(request);
      long limit = apiPath.endsWith("/runs/log-batch") ? MAX_BATCH_BYTES : maxRequestBytes;
      parsed = endpoint.schema().parse(body(request, limit, apiPath.endsWith("/runs/log-batch")));
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
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        try (in; OutputStream out = Content.Sink.asOutputStream(response)) {
          in.transferTo(out);
        } catch (IOException e) {
          callback.failed(e); // the status is sent: the client sees a cut response
          return null;
        }
        callback.succeeded();
        return null;
      }
      default -> throw new Api.MethodNotAllowed(ArtifactProxy.PATH, "GET, PUT");
    }
  }

  /** MLflow refuses POST and PUT bodies that are not JSON (mlflow/server/validation.py). */
  private static void requireJson(Request request) {
    if (!request.getMethod().equals("POST") && !request.getMethod().equals("PUT")) {
      return;
    }
    String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (type == null) {
      throw ApiException.invalid("Bad Request. Content-Type header is missing.");
    }
    if (!type.split(";", 2)[0].strip().equalsIgnoreCase(JSON_TYPE)) {
      throw ApiException.invalid("Bad Request. Content-Type must be one of ['application/json'].");
    }
  }

  private static JsonNode body(Request request, long limit, boolean batch) {
    long declared = request.getLength();
    if (declared > limit) {
      throw tooLarge(declared, limit, batch);
    }
    byte[] bytes;
    try (InputStream in = Content.Source.asInputStream(request)) {
      bytes = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
    } catch (IOException e) {
      throw ApiException.invalid("Could not read the request body: " + e.getMessage());
    }
    if (bytes.length > limit) {
      throw tooLarge(bytes.length, limit, batch);
    }
    if (bytes.length == 0) {
      return null;
    }
    try {
      return JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw ApiException.invalid("Malformed JSON in the request body: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    } catch (IOException e) {
      throw ApiException.invalid("Could not read the request body: " + e.getMessage());
    }
  }

  private static ApiException tooLarge(long size, long limit, boolean batch) {
    if (batch) {
      return ApiException.invalid(
          "Batched logging API requests must be at most 1 MB in size. Received request of size " + size + " bytes.");
    }
    return ApiException.invalid("Request bodies must be at most " + limit + " bytes; this one has " + size + ".");
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
