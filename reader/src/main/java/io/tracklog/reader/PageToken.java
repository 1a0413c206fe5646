package io.tracklog.reader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracklog.error.InvalidParameterException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * MLflow's page tokens: standard Base64 of the JSON {@code {"offset": N}} (mlflow/store/tracking/file_store.py, search_runs).
 * An offset of 0, a missing offset, or anything that is not such a token is "Invalid page token".
 */
public final class PageToken {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PageToken() {}

  public static String encode(long offset) {
    return Base64.getEncoder().encodeToString(("{\"offset\": " + offset + "}").getBytes(StandardCharsets.UTF_8));
  }

  /** The offset a token names; 0 for a null or empty token. */
  public static long decode(String token) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      JsonNode node = JSON.readTree(Base64.getDecoder().decode(token));
      JsonNode offset = node == null ? null : node.get("offset");
      if (offset == null || !offset.canConvertToLong() || offset.asLong() <= 0) {
        throw invalid(token, null);
      }
      return offset.asLong();
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw invalid(token, e);
    }
  }

  private static InvalidParameterException invalid(String token, Exception cause) {
    InvalidParameterException e = new InvalidParameterException("Invalid page token, could not base64-decode and parse: " + token);
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }
}
