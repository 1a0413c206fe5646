package io.tracklog.model;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** MLflow's model URI parsing rules; {@link ModelUri} documents them. */
final class ModelUris {
  private ModelUris() {}

  static ModelUri parse(String uri) {
    java.util.Objects.requireNonNull(uri, "uri");
    String scheme = scheme(uri);
    return switch (scheme) {
      case "runs" -> runs(uri);
      case "models" -> models(uri);
      case "file" -> local(uri);
      case "" -> new ModelUri.Local(Path.of(uri));
      default -> throw new InvalidModelUriException(
          "Unsupported model URI scheme '" + scheme + "' in " + uri + "; use runs:/, models:/, file: or a local path");
    };
  }

  /** The scheme of {@code uri} as Python's urlparse reads it (lower case), or "" for none. */
  static String scheme(String uri) {
    int colon = uri.indexOf(':');
    if (colon <= 0) {
      return "";
    }
    String s = uri.substring(0, colon);
    if (!Character.isLetter(s.charAt(0))
        || !s.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
      return "";
    }
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  /** urlparse's path: after the scheme, without an authority ({@code //host}); query and fragment cut. */
  private static String path(String uri, boolean allowFragments) {
    String rest = uri.substring(uri.indexOf(':') + 1);
    if (allowFragments) {
      int hash = rest.indexOf('#');
      rest = hash >= 0 ? rest.substring(0, hash) : rest;
    }
    int q = rest.indexOf('?');
    rest = q >= 0 ? rest.substring(0, q) : rest;
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash >= 0 ? rest.substring(slash) : "";
    }
    return rest;
  }

  /** parse_runs_uri (runs_artifact_repo.py). */
  private static ModelUri.Runs runs(String uri) {
    String path = path(uri, true);
    if (!path.startsWith("/") || path.length() <= 1) {
      throw notRuns(uri);
    }
    String[] parts = path.substring(1).split("/", -1);
    if (parts[0].isEmpty()) {
      throw notRuns(uri);
    }
    String artifactPath = parts.length > 1 ? String.join("/", List.of(parts).subList(1, parts.length)) : null;
    return new ModelUri.Runs(parts[0], artifactPath == null || artifactPath.isEmpty() ? null : artifactPath);
  }

  private static InvalidModelUriException notRuns(String uri) {
    return new InvalidModelUriException("Not a proper runs:/ URI: " + uri
        + ". Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'");
  }

  /** _parse_model_uri (store/artifact/utils/models.py). */
  private static ModelUri models(String uri) {
    String path = path(uri, false);
    if (!path.startsWith("/") || path.length() <= 1) {
      throw notModels(uri);
    }
    String[] parts = path.replaceFirst("^/+", "").split("/", -1);
    if (parts.length > 2 || parts[0].isBlank()) {
      throw notModels(uri);
    }
    if (parts.length == 2) {
      String name = parts[0];
      String suffix = parts[1];
      if (suffix.isBlank()) {
        throw notModels(uri);
      }
      if (suffix.chars().allMatch(Character::isDigit)) {
        return new ModelUri.Registered(name, ModelUri.Selector.VERSION, suffix);
      }
      if (suffix.equalsIgnoreCase("latest")) {
        return new ModelUri.Registered(name, ModelUri.Selector.LATEST, null);
      }
      return new ModelUri.Registered(name, ModelUri.Selector.STAGE, suffix);
    }
    int at = parts[0].lastIndexOf('@');
    if (at >= 0) {
      String alias = parts[0].substring(at + 1);
      if (alias.isBlank()) {
        throw notModels(uri);
      }
      return new ModelUri.Registered(parts[0].substring(0, at), ModelUri.Selector.ALIAS, alias);
    }
    return new ModelUri.LoggedModelId(parts[0]);
  }

  static InvalidModelUriException notModels(String uri) {
    return new InvalidModelUriException("Not a proper models:/ URI: " + uri + ". Models URIs must be of the form "
        + "'models:/name/suffix' or 'models:/name@alias' where suffix is a version, stage, or the string 'latest' "
        + "and where alias is a registered model alias. Only one of suffix or alias can be defined at a time.");
  }

  /**
   * models_artifact_repo.py's split of a sub-path off a {@code models:/} URI: after {@code
   * models:/name/suffix}, or after {@code models:/name@alias}; returns {uri, subPath or ""}.
   */
  static String[] splitModelsSubPath(String uri) {
    String trimmed = uri.replaceFirst("/+$", "");
    int start = trimmed.indexOf(":/") + 2;
    String path = trimmed.substring(start);
    String[] parts = path.split("/", -1);
    int keep = parts.length > 0 && parts[0].contains("@") ? 1 : 2;
    if (parts.length <= keep) {
      return new String[] {uri, ""};
    }
    String head = trimmed.substring(0, start) + String.join("/", List.of(parts).subList(0, keep));
    return new String[] {head, String.join("/", List.of(parts).subList(keep, parts.length))};
  }

  private static ModelUri.Local local(String uri) {
    try {
      return new ModelUri.Local(Path.of(new URI(uri)));
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new InvalidModelUriException("Not a proper file: URI: " + uri + " (" + e.getMessage() + ")");
    }
  }
}
