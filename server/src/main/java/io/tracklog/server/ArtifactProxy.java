package io.tracklog.server;

import io.tracklog.ArtifactInfo;
import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.error.ErrorCode;
import io.tracklog.error.InvalidArtifactPathException;
import io.tracklog.reader.StoreReader;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLflow's artifact proxy ({@code mlflow server --serve-artifacts}): runs created through the server
 * get artifact URIs {@code mlflow-artifacts:/<experiment>/<run>/artifacts}, which MLflow's clients
 * turn into {@code /api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path>}: PUT
 * uploads a file, GET downloads one, GET of {@code /api/2.0/mlflow-artifacts/artifacts?path=...}
 * lists a folder (mlflow/server/handlers.py, {@code _upload_artifact}, {@code _download_artifact},
 * {@code _list_artifacts_mlflow_artifacts}). Every upload goes through the run's writer, so each
 * file gets its ArtifactWritten event and SHA-256; a path that leaves the run's folder is refused
 * before anything is written.
 */
final class ArtifactProxy {
  /** The artifact location of runs created through the server: {@code mlflow-artifacts:/<experiment id>}. */
  static final String SCHEME = "mlflow-artifacts:/";

  /** The URL path of the proxy, below an API prefix. */
  static final String PATH = "/mlflow-artifacts/artifacts";

  private final Store store;
  private final StoreReader reader;
  private final RunWriterCache writers;

  ArtifactProxy(Store store, StoreReader reader, RunWriterCache writers) {
    this.store = store;
    this.reader = reader;
    this.writers = writers;
  }

  /** A proxied path split into its run and the path inside the run's artifact folder. */
  record Target(String runId, String path) {}

  /**
   * Resolves {@code <experiment>/<run>/artifacts[/<path>]} to a run of that experiment.
   *
   * @throws InvalidArtifactPathException if the path has not that shape
   * @throws ApiException RESOURCE_DOES_NOT_EXIST if it names a run of another experiment
   */
  Target resolve(String proxied) {
    String p = proxied.startsWith("/") ? proxied.substring(1) : proxied;
    String[] parts = p.split("/", 4);
    if (parts.length < 3 || !parts[2].equals("artifacts") || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new InvalidArtifactPathException(proxied, "expected <experiment id>/<run id>/artifacts/<path>");
    }
    Run run = reader.snapshot().getRun(parts[1]);
    if (!run.info().experimentId().equals(parts[0])) {
      throw new ApiException(
          ErrorCode.RESOURCE_DOES_NOT_EXIST, "Run '" + parts[1] + "' is not in experiment " + parts[0] + ".");
    }
    String inside = parts.length == 4 ? parts[3] : "";
    if (inside.endsWith("/")) {
      inside = inside.substring(0, inside.length() - 1);
    }
    return new Target(parts[1], inside);
  }

  /** PUT: stores the body as the artifact file at the target path. */
  Map<String, Object> upload(String proxied, InputStream body) {
    Target t = resolve(proxied);
    if (t.path().isEmpty()) {
      throw new InvalidArtifactPathException(proxied, "an upload names a file, not the run's artifact folder");
    }
    writers.write(t.runId(), w -> w.logArtifact(body, t.path()));
    return Map.of();
  }

  /** GET of a file: its bytes; the caller closes the stream. */
  InputStream download(String proxied) {
    Target t = resolve(proxied);
    return store.openArtifact(t.runId(), t.path());
  }

  /** GET of the listing: the folder's direct children by base name, as MLflow's handler answers. */
  Map<String, Object> list(String proxied) {
    Target t = resolve(proxied == null ? "" : proxied);
    List<Object> files = new ArrayList<>();
    for (ArtifactInfo f : store.listArtifacts(t.runId(), t.path().isEmpty() ? null : t.path())) {
      Map<String, Object> file = new LinkedHashMap<>();
      String path = f.path();
      file.put("path", path.substring(path.lastIndexOf('/') + 1));
      file.put("is_dir", f.isDir());
      if (f.fileSize() != null) {
        file.put("file_size", f.fileSize());
      }
      files.add(file);
    }
    return MlflowJson.page("files", files, null);
  }
}
