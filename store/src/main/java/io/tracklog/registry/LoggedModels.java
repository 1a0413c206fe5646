package io.tracklog.registry;

import io.tracklog.ArtifactInfo;
import io.tracklog.RunArtifacts;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.ResourceNotFoundException;
import io.tracklog.format.RunEvent;
import io.tracklog.registry.RegistryEvent.LoggedModelArtifactWritten;
import io.tracklog.registry.RegistryEvent.LoggedModelCreated;
import io.tracklog.registry.RegistryEvent.LoggedModelDeleted;
import io.tracklog.registry.RegistryEvent.LoggedModelFinalized;
import io.tracklog.registry.RegistryEvent.LoggedModelParamsLogged;
import io.tracklog.registry.RegistryEvent.LoggedModelTagDeleted;
import io.tracklog.registry.RegistryEvent.LoggedModelTagsSet;
import io.tracklog.registry.RegistryState.Logged;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * MLflow 3's logged models (mlflow/entities/logged_model.py; the tracking stores'
 * {@code create_logged_model}, {@code finalize_logged_model}, {@code set_logged_model_tags} ... in
 * mlflow/store/tracking/sqlalchemy_store.py): what {@code mlflow.<flavor>.log_model} creates, fills
 * with files and finalizes. Each change is one event of the registry log, under its lock (docs/FORMAT.md
 * §Model registry log, tags 17–24); the files live in {@code logged-models/<model_id>/artifacts/},
 * written aside and renamed into place, each recorded with its size and SHA-256 and checked on
 * reading as a run's artifacts are. Obtained from {@link ModelRegistry#loggedModels()}. Thread-safe.
 */
public final class LoggedModels {
  private final RegistryLog log;
  private final Path folder;
  private final InstantSource clock;
  private final String user;
  private final Supplier<String> names;

  LoggedModels(RegistryLog log, Path folder, InstantSource clock, String user, Supplier<String> names) {
    this.log = log;
    this.folder = folder;
    this.clock = clock;
    this.user = user;
    this.names = names;
  }

  /**
   * Creates a logged model, status PENDING, with a new id {@code m-<32 hex digits>} and the artifact
   * location {@code <artifactRoot>/models/<model_id>/artifacts} (MLflow's layout).
   *
   * @param name the model's name; null or empty: a generated one, as MLflow's stores do
   * @throws InvalidParameterException if a tag or param key or value is invalid
   */
  public LoggedModel create(
      String experimentId, String name, String modelType, String sourceRunId, String artifactRoot,
      Map<String, String> params, Map<String, String> tags) {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(artifactRoot, "artifactRoot");
    RegistryRules.tags(tags);
    RegistryRules.tags(params);
    String id = "m-" + UUID.randomUUID().toString().replace("-", "");
    String modelName = name == null || name.isEmpty() ? names.get() : name;
    String location = artifactRoot.replaceAll("/+$", "") + "/models/" + id + "/artifacts";
    return log.write(
        s -> new LoggedModelCreated(clock.millis(), user, id, experimentId, modelName, modelType, sourceRunId, location, params, tags),
        s -> s.logged(id).view());
  }

  /**
   * A logged model that is not deleted.
   *
   * @throws ResourceNotFoundException if there is none with that id
   */
  public LoggedModel get(String modelId) {
    return log.read(s -> live(s, modelId).view());
  }

  /** The models of these experiments that are not deleted, in no particular order. */
  public List<LoggedModel> list(Collection<String> experimentIds) {
    return log.read(s -> {
      List<LoggedModel> out = new ArrayList<>();
      for (Logged l : s.loggedModels()) {
        if (!l.deleted && experimentIds.contains(l.created.experimentId())) {
          out.add(l.view());
        }
      }
      return out;
    });
  }

  /**
   * Sets the model's status (READY once its files are uploaded, or UPLOAD_FAILED).
   *
   * @throws ResourceNotFoundException if there is no such model
   */
  public LoggedModel finalizeModel(String modelId, LoggedModel.Status status) {
    Objects.requireNonNull(status, "status");
    return log.write(
        s -> {
          live(s, modelId);
          return new LoggedModelFinalized(clock.millis(), user, modelId, status);
        },
        s -> s.logged(modelId).view());
  }

  /**
   * Sets (or replaces) tags.
   *
   * @throws InvalidParameterException if a key or value is invalid
   * @throws ResourceNotFoundException if there is no such model
   */
  public void setTags(String modelId, Map<String, String> tags) {
    RegistryRules.tags(tags);
    log.write(s -> {
      live(s, modelId);
      return new LoggedModelTagsSet(clock.millis(), user, modelId, tags);
    }, s -> null);
  }

  /**
   * Removes a tag.
   *
   * @throws ResourceNotFoundException if there is no such model, or it has no such tag (MLflow's SQL store)
   */
  public void deleteTag(String modelId, String key) {
    log.write(s -> {
      if (!live(s, modelId).tags.containsKey(key)) {
        throw new ResourceNotFoundException("No tag with key '" + key + "' found for model with ID '" + modelId + "'.");
      }
      return new LoggedModelTagDeleted(clock.millis(), user, modelId, key);
    }, s -> null);
  }

  /**
   * Adds params (a key logged again takes the new value).
   *
   * @throws InvalidParameterException if a key or value is invalid
   * @throws ResourceNotFoundException if there is no such model
   */
  public void logParams(String modelId, Map<String, String> params) {
    RegistryRules.tags(params);
    log.write(s -> {
      live(s, modelId);
      return params.isEmpty() ? null : new LoggedModelParamsLogged(clock.millis(), user, modelId, params);
    }, s -> null);
  }

  /**
   * Deletes the model: every read stops seeing it; its id is never given again and its files stay.
   *
   * @throws ResourceNotFoundException if there is no such model
   */
  public void delete(String modelId) {
    log.write(s -> {
      live(s, modelId);
      return new LoggedModelDeleted(clock.millis(), user, modelId);
    }, s -> null);
  }

  /**
   * Records the models as outputs of run {@code runId} at their steps (MLflow's log_outputs), all or
   * none: every model is checked before the first is recorded. The caller checks the run.
   *
   * @throws ResourceNotFoundException if one of the models does not exist
   */
  public void logOutputs(String runId, Map<String, Long> stepsByModel) {
    Objects.requireNonNull(runId, "runId");
    log.writeAll(s -> {
      List<RegistryEvent> events = new ArrayList<>();
      stepsByModel.forEach((id, step) -> {
        live(s, id);
        events.add(new RegistryEvent.LoggedModelOutputLogged(clock.millis(), user, id, runId, step));
      });
      return events;
    });
  }

  /** The models run {@code runId} output, with their steps, in the order they were logged. */
  public List<Map.Entry<String, Long>> outputsOf(String runId) {
    return outputs().getOrDefault(runId, List.of());
  }

  /** Every run's outputs ({@link #outputsOf}), read once: run id → (model id, step) pairs. */
  public Map<String, List<Map.Entry<String, Long>>> outputs() {
    return log.read(s -> {
      Map<String, List<Map.Entry<String, Long>>> out = new java.util.HashMap<>();
      for (Logged l : s.loggedModels()) {
        for (Map.Entry<String, Long> o : l.outputs) {
          out.computeIfAbsent(o.getKey(), k -> new ArrayList<>()).add(Map.entry(l.created.name(), o.getValue()));
        }
      }
      return out;
    });
  }

  // ---- files ------------------------------------------------------------------------------------

  /**
   * Writes one file of the model's artifact folder from {@code in}, then records its size and SHA-256.
   *
   * @throws io.tracklog.error.InvalidArtifactPathException if the path leaves the folder; nothing is written
   * @throws ResourceNotFoundException if there is no such model
   */
  public void writeArtifact(String modelId, String path, InputStream in) {
    RunArtifacts.Written w = artifacts(modelId).writeFile(path, in);
    log.write(s -> {
      live(s, modelId);
      return new LoggedModelArtifactWritten(clock.millis(), user, modelId, w.path(), w.size(), w.sha256());
    }, s -> null);
  }

  /**
   * Opens a file of the model's folder; a recorded file whose bytes do not hash as recorded fails at its end.
   *
   * @throws ResourceNotFoundException if there is no such model
   * @throws InvalidParameterException if there is no such file
   */
  public InputStream openArtifact(String modelId, String path) {
    return artifacts(modelId).open(path);
  }

  /**
   * The direct children of a directory of the model's folder (null or "" for the folder), as MLflow lists them.
   *
   * @throws ResourceNotFoundException if there is no such model
   */
  public List<ArtifactInfo> listArtifacts(String modelId, String path) {
    return artifacts(modelId).list(path);
  }

  /** The model's folder, checked against the files it recorded as they are now. */
  private RunArtifacts artifacts(String modelId) {
    if (folder == null) {
      throw new IllegalStateException("This registry has no folder for logged models' files");
    }
    Map<String, List<RunEvent.ArtifactWritten>> recorded = log.read(s -> {
      Map<String, List<RunEvent.ArtifactWritten>> copy = new HashMap<>();
      live(s, modelId).artifacts.forEach((p, all) -> copy.put(p, List.copyOf(all)));
      return copy;
    });
    Map<String, RunEvent.ArtifactWritten> last = new HashMap<>();
    recorded.forEach((p, all) -> last.put(p, all.get(all.size() - 1)));
    return RunArtifacts.checked(
        modelId, folder.resolve(modelId).resolve("artifacts"), last,
        p -> log.read(s -> {
          Logged l = s.logged(modelId);
          return l == null ? List.of() : List.copyOf(l.artifacts.getOrDefault(p, List.of()));
        }));
  }

  private static Logged live(RegistryState s, String modelId) {
    Logged l = modelId == null ? null : s.logged(modelId);
    if (l == null || l.deleted) {
      throw new ResourceNotFoundException("Logged model with ID '" + modelId + "' not found.");
    }
    return l;
  }
}
