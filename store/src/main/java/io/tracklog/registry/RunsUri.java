package io.tracklog.registry;

import io.tracklog.error.InternalErrorException;
import java.util.Locale;

/**
 * A {@code runs:/<run_id>/<path>} URI, parsed as MLflow's RunsArtifactRepository does
 * (mlflow/store/artifact/runs_artifact_repo.py L64-91, with urllib's urlparse): the authority is a
 * Databricks profile and is dropped ({@code runs://abc/model} names run {@code model}), query and
 * fragment are dropped, the path must be longer than "/", its first segment is the run id.
 *
 * @param runId the run's id
 * @param path the artifact path inside the run, "" for its root
 */
record RunsUri(String runId, String path) {
  /**
   * The parsed URI, or null if {@code uri} is not a {@code runs:} URI.
   *
   * @throws InternalErrorException if it is one but malformed (MLflow's INTERNAL_ERROR)
   */
  static RunsUri parseIfRuns(String uri) {
    int colon = uri.indexOf(':');
    if (colon < 0 || !uri.substring(0, colon).toLowerCase(Locale.ROOT).equals("runs")) {
      return null;
    }
    String rest = uri.substring(colon + 1);
    int cut = indexOfAny(rest, '#', '?');
    rest = cut < 0 ? rest : rest.substring(0, cut);
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    if (!rest.startsWith("/") || rest.length() <= 1) {
      throw malformed(uri);
    }
    String[] parts = rest.substring(1).split("/", 2);
    if (parts[0].isEmpty()) {
      throw malformed(uri);
    }
    String path = parts.length > 1 ? parts[1].replaceAll("/+$", "") : "";
    return new RunsUri(parts[0], path);
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }

  private static InternalErrorException malformed(String uri) {
    return new InternalErrorException(
        "Not a proper runs:/ URI: " + uri + ". Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'");
  }
}
