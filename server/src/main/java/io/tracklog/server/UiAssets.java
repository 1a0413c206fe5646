package io.tracklog.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI's files, served from the jar: {@code /} is the page, {@code /static/<file>} its
 * scripts and style sheet (resources under {@code io/tracklog/server/ui/}), {@code
 * /static/vendor/echarts.min.js} ECharts from its webjar. Nothing comes from the network, so the UI
 * works offline. Files are read once and kept.
 */
final class UiAssets {
  static final String STATIC = "/static/";
  private static final String ROOT = "io/tracklog/server/ui/";
  /** ECharts' file in its webjar (org.webjars.npm:echarts, the parent pom's echarts.version). */
  static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
  private static final Map<String, String> VENDOR = Map.of("vendor/echarts.min.js", ECHARTS);

  /** A file's bytes, content type and entity tag (a hash of the bytes, for conditional requests). */
  record Asset(byte[] bytes, String contentType, String etag) {}

  private final Map<String, Asset> cache = new ConcurrentHashMap<>();

  UiAssets() {
    if (resource("index.html") == null || UiAssets.class.getClassLoader().getResource(ECHARTS) == null) {
      throw new IllegalStateException("The web UI's files are missing from the class path (" + ROOT + "index.html, " + ECHARTS + ")");
    }
  }

  /** Whether a request path is the UI's. */
  static boolean handles(String path) {
    return path.equals("/") || path.equals("/index.html") || path.startsWith(STATIC);
  }

  /** The file for a request path, or null if there is none. */
  Asset find(String path) {
    String name = path.equals("/") || path.equals("/index.html") ? "index.html" : path.substring(STATIC.length());
    if (name.isEmpty() || name.contains("..") || name.contains("//") || name.startsWith("/")) {
      return null;
    }
    Asset cached = cache.get(name);
    if (cached != null) {
      return cached;
    }
    byte[] bytes = resource(name);
    if (bytes == null) {
      return null;
    }
    Asset asset = new Asset(bytes, contentType(name), etag(bytes));
    cache.put(name, asset);
    return asset;
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + java.util.HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] resource(String name) {
    String vendor = VENDOR.get(name);
    String resource = vendor != null ? vendor : ROOT + name;
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The content type of a file by its name: the UI's own kinds and the artifact previews' ones. */
  static String contentType(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    int slash = lower.lastIndexOf('/');
    int dot = lower.lastIndexOf('.');
    String ext = dot > slash ? lower.substring(dot + 1) : "";
    return switch (ext) {
      case "html", "htm" -> "text/html; charset=utf-8";
      case "js", "mjs" -> "text/javascript; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "json" -> "application/json";
      case "csv" -> "text/csv; charset=utf-8";
      case "tsv" -> "text/tab-separated-values; charset=utf-8";
      case "png" -> "image/png";
      case "jpg", "jpeg" -> "image/jpeg";
      case "gif" -> "image/gif";
      case "svg" -> "image/svg+xml";
      case "webp" -> "image/webp";
      case "ico" -> "image/x-icon";
      case "", "txt", "log", "md", "py", "java", "yaml", "yml", "toml", "ini", "cfg", "sh", "xml", "r", "sql" ->
          "text/plain; charset=utf-8";
      default -> "application/octet-stream";
    };
  }
}
