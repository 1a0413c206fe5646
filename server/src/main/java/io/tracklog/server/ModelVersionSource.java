package io.tracklog.server;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * MLflow's server-side check of a model version's {@code source} (mlflow/server/handlers.py,
 * {@code _validate_source_run} and {@code _validate_non_local_source_contains_relative_paths}): a
 * local path ({@code /x}, {@code file:///x}) must lie inside the artifact folder of the run (or
 * logged model: {@code _validate_source_model}) the request names; any other URI may not hold {@code ..} segments, NUL, or a path that resolving
 * would change, even once URL-decoded. So a client cannot register a version that points at the
 * server's files.
 *
 * <p>MLflow resolves the path with {@code pathlib.Path.resolve()}, which also follows symlinks on
 * the server; this check is lexical (a URI's path names no file here).
 */
final class ModelVersionSource {
  /** Python's urlsplit: a scheme is a letter, then letters, digits, '+', '-', '.', before ':'. */
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.\\-]*):");

  private ModelVersionSource() {}

  /**
   * Checks {@code source} as MLflow's create_model_version handler does.
   *
   * @param idField what names the owner of the artifacts a local source must lie in: {@code run_id},
   *     or {@code model_id} for a logged model's version ({@code _validate_source_model})
   * @param artifactUri the artifact URI of that owner by id (throws RESOURCE_DOES_NOT_EXIST if unknown)
   * @throws ApiException INVALID_PARAMETER_VALUE with MLflow's message if the source is refused
   */
  static void check(String source, String idField, String id, Function<String, String> artifactUri) {
    String scheme = scheme(source);
    if (scheme.isEmpty() || scheme.equals("file")) {
      checkLocal(source, idField, id, artifactUri);
    } else {
      checkNoRelativePaths(source);
    }
  }

  private static void checkLocal(String source, String idField, String id, Function<String, String> artifactUris) {
    String shown = source;
    if (id != null && !id.isEmpty()) {
      String artifactUri = artifactUris.apply(id);
      Path path = localPath(source);
      shown = path == null ? source : path.toString();
      String artifactScheme = scheme(artifactUri);
      if (path != null && (artifactScheme.isEmpty() || artifactScheme.equals("file"))) {
        Path runDir = localPath(artifactUri);
        if (runDir != null && path.startsWith(runDir)) {
          return;
        }
      }
    }
    throw ApiException.invalid(
        "Invalid model version source: '" + shown + "'. To use a local path as a model version source, the " + idField
            + " request parameter has to be specified and the local path has to be contained within the artifact"
            + " directory of the run specified by the " + idField + ".");
  }

  private static void checkNoRelativePaths(String source) {
    String decoded = source;
    for (String next = unquotePlus(decoded); !next.equals(decoded); next = unquotePlus(decoded)) {
      decoded = next;
    }
    String path = urlPath(decoded).replaceAll("/+$", "").replaceAll("/+", "/");
    boolean dotDot = false;
    for (String part : decoded.split("/", -1)) {
      dotDot |= part.equals("..");
    }
    if (path.indexOf('\0') >= 0 || dotDot || !path.startsWith("/") || !path.equals(Path.of(path).normalize().toString())) {
      throw ApiException.invalid(
          "Invalid model version source: '" + decoded + "'. If supplying a source as an http, https, local file path,"
              + " ftp, objectstore, or mlflow-artifacts uri, an absolute path must be provided without relative path"
              + " references present. Please provide an absolute path.");
    }
  }

  /** The scheme, lower-cased, or "" (Python's urlsplit). */
  static String scheme(String uri) {
    var m = SCHEME.matcher(uri);
    return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : "";
  }

  /** The path of a URI as urlsplit cuts it: after the scheme and {@code //netloc}, before {@code ?} or {@code #}. */
  private static String urlPath(String uri) {
    String rest = uri.substring(scheme(uri).isEmpty() ? 0 : scheme(uri).length() + 1);
    if (rest.startsWith("//")) {
      int end = rest.length();
      for (char c : new char[] {'/', '?', '#'}) {
        int i = rest.indexOf(c, 2);
        if (i >= 0) {
          end = Math.min(end, i);
        }
      }
      rest = rest.substring(end);
    }
    int cut = rest.length();
    for (char c : new char[] {'?', '#'}) {
      int i = rest.indexOf(c);
      if (i >= 0) {
        cut = Math.min(cut, i);
      }
    }
    return rest.substring(0, cut);
  }

  /** A local URI or path as an absolute, normalized path (local_file_uri_to_path, then resolve()); null if unusable. */
  private static Path localPath(String uri) {
    String p = scheme(uri).equals("file") ? unquotePlus(urlPath(uri).replace("+", "%2B")) : uri;
    try {
      return Path.of(p).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static String unquotePlus(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) { // a stray '%': Python leaves it as it is
      return s.replace('+', ' ');
    }
  }
}
