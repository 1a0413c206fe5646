package io.tracklog.server;

import io.tracklog.ArtifactInfo;
import io.tracklog.Run;
import io.tracklog.Store;
import io.tracklog.error.ErrorCode;
import io.tracklog.error.InvalidArtifactPathException;
import io.tracklog.reader.StoreReader;
import io.tracklog.registry.LoggedModel;
import io.tracklog.registry.LoggedModels;
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
 * before anything is written. A logged model's files (MLflow 3: {@code <experiment>/models/<model_id>/artifacts/<path>})
 * go to the store's logged models, recorded and checked the same way.
 */
final class ArtifactProxy {
  /** The artifact location of runs created through the server: {@code mlflow-artifacts:/<experiment id>}. */
  static final String SCHEME = "mlflow-artifacts:/";

  /** The URL path of the proxy, below an API prefix. */
  static final String PATH = "/mlflow-artifacts/artifacts";

  private final Store store;
  private final StoreReader reader;
  private final RunWriterCache writers;
  private final LoggedModels models;

  ArtifactProxy(Store store, StoreReader reader, RunWriterCache writers) {
    this.store = store;
    this.reader = reader;
    this.writers = writers;
    this.models = store.registry().loggedModels();
  }

  /**
   * A logged model's files, {@code <experiment>/models/<model_id>/artifacts[/<path>]}: the model and
   * the path inside its folder; null if {@code proxied} has not that shape (MLflow 3's layout; model ids
   * start {@code m-}, so a run named {@code models} keeps its own paths).
   */
  private Target model(String proxied) {
    String[] parts = (proxied.startsWith("/") ? proxied.substring(1) : proxied).split("/", 5);
    if (parts.length < 4 || !parts[1].equals("models") || !parts[2].startsWith("m-") || !parts[3].equals("artifacts")) {
      return null;
    }
    LoggedModel m = models.get(parts[2]);
    if (!m.experimentId().equals(parts[0])) {
      throw new ApiException(
          ErrorCode.RESOURCE_DOES_NOT_EXIST, "Logged model '" + parts[2] + "' is not in experiment " + parts[0] + ".");
    }
    return new Target(m.modelId(), parts.length == 5 ? parts[4].replaceAll("/$", "") : "");
  }

  /** A proxied path split into its owner (a run, or a logged model) and the path inside the owner's artifact folder. */
  record Target(String owner, String path) {}

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
    Target m = model(proxied);
    if (m != null) {
      models.writeArtifact(m.owner(), m.path(), body);
      return Map.of();
    }
    Target t = resolve(proxied);
    if (t.path().isEmpty()) {
      throw new InvalidArtifactPathException(proxied, "an upload names a file, not the run's artifact folder");
    }
    writers.write(t.owner(), w -> w.logArtifact(body, t.path()));
    return Map.of();
  }

  /** GET of a file: its bytes; the caller closes the stream. */
  InputStream download(String proxied) {
    Target m = model(proxied);
    if (m != null) {
      return models.openArtifact(m.owner(), m.path());
    }
    Target t = resolve(proxied);
    return store.openArtifact(t.owner(), t.path());
  }

  /** GET of the listing: the folder's direct children by base name, as MLflow's handler answers. */
  Map<String, Object> list(String proxied) {
    String p = proxied == null ? "" : proxied;
    Target m = model(p);
    List<ArtifactInfo> listed;
    if (m != null) {
      listed = models.listArtifacts(m.owner(), m.path());
    } else {
      Target t = resolve(p);
      listed = store.listArtifacts(t.owner(), t.path().isEmpty() ? null : t.path());
    }
    List<Object> files = new ArrayList<>();
    for (ArtifactInfo f : listed) {
      files.add(fileInfo(f, f.path().substring(f.path().lastIndexOf('/') + 1)));
    }
    return MlflowJson.page("files", files, null);
  }

  /** A FileInfo (service.proto): path, is_dir, file_size (files only). */
  static Map<String, Object> fileInfo(ArtifactInfo f, String path) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("path", path);
    file.put("is_dir", f.isDir());
    if (f.fileSize() != null) {
      file.put("file_size", f.fileSize());
    }
    return file;
  }
}
