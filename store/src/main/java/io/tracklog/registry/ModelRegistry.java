package io.tracklog.registry;

import io.tracklog.error.AlreadyClosedException;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.InternalErrorException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.error.ResourceNotFoundException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.registry.RegistryEvent.AliasDeleted;
import io.tracklog.registry.RegistryEvent.AliasSet;
import io.tracklog.registry.RegistryEvent.ModelCreated;
import io.tracklog.registry.RegistryEvent.ModelDeleted;
import io.tracklog.registry.RegistryEvent.ModelDescriptionSet;
import io.tracklog.registry.RegistryEvent.ModelImported;
import io.tracklog.registry.RegistryEvent.ModelRenamed;
import io.tracklog.registry.RegistryEvent.ModelTagDeleted;
import io.tracklog.registry.RegistryEvent.ModelTagSet;
import io.tracklog.registry.RegistryEvent.StageTransitioned;
import io.tracklog.registry.RegistryEvent.VersionCreated;
import io.tracklog.registry.RegistryEvent.VersionDeleted;
import io.tracklog.registry.RegistryEvent.VersionDescriptionSet;
import io.tracklog.registry.RegistryEvent.VersionImported;
import io.tracklog.registry.RegistryEvent.VersionTagDeleted;
import io.tracklog.registry.RegistryEvent.VersionTagSet;
import io.tracklog.registry.RegistryState.Model;
import io.tracklog.registry.RegistryState.Version;
import io.tracklog.internal.FileOps;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A store's model registry, with MLflow's semantics rule for rule
 * (mlflow/store/model_registry/sqlalchemy_store.py where MLflow's two stores disagree;
 * docs/DESIGN-NOTES.md §Model registry): registered models, their numbered versions, stages and
 * aliases. Every change is one event of the store's registry log, written under a cross-process lock,
 * so threads and processes may register versions of one model at once and get distinct, dense
 * numbers; {@link #history} reads the log back as an audit trail.
 *
 * <pre>{@code
 * ModelRegistry registry = store.registry();
 * ModelVersion v = registry.registerModel("runs:/" + runId + "/model", "mnist");
 * registry.setRegisteredModelAlias("mnist", "champion", v.version());
 * ModelVersion champion = registry.getModelVersionByAlias("mnist", "champion");
 * }</pre>
 *
 * <p>Obtained from {@code Store.registry()}; the store closes it. Thread-safe. Errors carry MLflow's
 * codes: {@link InvalidParameterException} (INVALID_PARAMETER_VALUE), {@link
 * ResourceNotFoundException} (RESOURCE_DOES_NOT_EXIST), {@link ResourceAlreadyExistsException},
 * {@link InternalErrorException} where MLflow answers INTERNAL_ERROR, {@link CorruptFileException}
 * if the registry log is damaged; {@link AlreadyClosedException} after the store closed.
 */
public final class ModelRegistry implements AutoCloseable {
  /** What {@link #transitionModelVersionStage} does with the other versions in the target stage. */
  public enum ExistingVersions {
    /** Leave them (MLflow's {@code archive_existing_versions=False}). */
    KEEP,
    /** Move them to Archived (only into Staging or Production). */
    ARCHIVE
  }

  /** Whether an imported version is live or soft-deleted (MLflow's {@code Deleted_Internal} stage). */
  public enum ImportedVersionState {
    LIVE,
    /** Soft-deleted: invisible, but its number stays taken. */
    DELETED_INTERNAL
  }

  /** Where a run's artifacts live, for {@code runs:/} sources; throws if the store has no such run. */
  @FunctionalInterface
  public interface RunArtifactUris {
    /**
     * @throws RunNotFoundException if the store has no run {@code runId}
     */
    String artifactUri(String runId);
  }

  private static final Set<ModelStage> ACTIVE_STAGES = EnumSet.of(ModelStage.STAGING, ModelStage.PRODUCTION);

  private final RegistryLog log;
  private final InstantSource clock;
  private final String user;
  private final RunArtifactUris runs;
  private final LoggedModels loggedModels;

  /** The log underneath, for {@link RegistryArchive}. */
  RegistryLog log() {
    return log;
  }

  private ModelRegistry(
      RegistryLog log, InstantSource clock, String user, RunArtifactUris runs, Path loggedModelsDir, Supplier<String> names) {
    this.log = log;
    this.clock = clock;
    this.user = user;
    this.runs = runs;
    this.loggedModels = new LoggedModels(log, loggedModelsDir, clock, user, names);
  }

  /**
   * The registry whose log is the queue in {@code logDir}, locked through {@code lockFile}, writing
   * out-of-line events through {@code ops}; {@code Store.registry()} is the way in (and {@code
   * StoreVerifier}'s). Creates nothing until the first write.
   */
  public static ModelRegistry open(
      Path logDir, Path lockFile, FileOps ops, InstantSource clock, String user, RunArtifactUris runs) {
    return open(logDir, lockFile, ops, clock, user, runs, null, () -> "model");
  }

  /**
   * As {@link #open(Path, Path, FileOps, InstantSource, String, RunArtifactUris)}, with the folder
   * of logged models' files ({@code logged-models/}) and what names a logged model created without one.
   */
  public static ModelRegistry open(
      Path logDir, Path lockFile, FileOps ops, InstantSource clock, String user, RunArtifactUris runs,
      Path loggedModelsDir, Supplier<String> names) {
    return new ModelRegistry(
        new RegistryLog(logDir, lockFile, Objects.requireNonNull(ops, "ops")), Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(user, "user"), Objects.requireNonNull(runs, "runs"), loggedModelsDir,
        Objects.requireNonNull(names, "names"));
  }

  /** MLflow 3's logged models, kept in this registry's log. */
  public LoggedModels loggedModels() {
    return loggedModels;
  }

  // ---- registered models ------------------------------------------------------------------------

  /** As {@link #createRegisteredModel(String, Map, String)} without tags or description. */
  public RegisteredModel createRegisteredModel(String name) {
    return createRegisteredModel(name, Map.of(), null);
  }

  /**
   * Creates a registered model (create_registered_model).
   *
   * @throws InvalidParameterException if the name or a tag is invalid
   * @throws ResourceAlreadyExistsException if a model of that name exists
   */
  public RegisteredModel createRegisteredModel(String name, Map<String, String> tags, String description) {
    RegistryRules.modelName(name, "name");
    RegistryRules.tags(Objects.requireNonNull(tags, "tags"));
    return log.write(
        s -> {
          if (s.model(name) != null) {
            throw alreadyExists(name);
          }
          return new ModelCreated(clock.millis(), user, name, description, tags);
        },
        s -> s.view(s.model(name)));
  }

  /**
   * The model with its aliases and latest version per stage (get_registered_model).
   *
   * @throws ResourceNotFoundException if there is no such model
   */
  public RegisteredModel getRegisteredModel(String name) {
    return log.read(s -> s.view(model(s, name)));
  }

  /**
   * Renames a model; its versions, tags and aliases follow (MLflow's SQL store; its FileStore loses
   * tags and aliases). The model's and its versions' timestamps become now.
   *
   * @throws InvalidParameterException if {@code newName} is missing or invalid
   * @throws ResourceNotFoundException if there is no model {@code name}
   * @throws ResourceAlreadyExistsException if {@code newName} is taken
   */
  public RegisteredModel renameRegisteredModel(String name, String newName) {
    RegistryRules.modelName(newName, "new_name");
    return log.write(
        s -> {
          model(s, name);
          if (!newName.equals(name) && s.model(newName) != null) {
            throw alreadyExists(newName);
          }
          return new ModelRenamed(clock.millis(), user, name, newName);
        },
        s -> s.view(s.model(newName)));
  }

  /**
   * Sets the model's description (null clears it) and bumps its timestamp (update_registered_model).
   *
   * @throws ResourceNotFoundException if there is no such model
   */
  public RegisteredModel updateRegisteredModel(String name, String description) {
    return log.write(
        s -> {
          model(s, name);
          return new ModelDescriptionSet(clock.millis(), user, name, description);
        },
        s -> s.view(s.model(name)));
  }

  /**
   * Deletes the model for good, with its versions, tags and aliases; a model created later under the
   * same name numbers its versions from 1 again.
   *
   * @throws ResourceNotFoundException if there is no such model
   */
  public void deleteRegisteredModel(String name) {
    write(s -> {
      model(s, name);
      return new ModelDeleted(clock.millis(), user, name);
    });
  }

  /**
   * Sets (or replaces) a model tag; the model's timestamp is not bumped (MLflow's SQL store).
   *
   * @throws InvalidParameterException if the key or value is invalid
   * @throws ResourceNotFoundException if there is no such model
   */
  public void setRegisteredModelTag(String name, String key, String value) {
    RegistryRules.tagKey(key);
    RegistryRules.tagValue(value);
    write(s -> {
      model(s, name);
      return new ModelTagSet(clock.millis(), user, name, key, value);
    });
  }

  /**
   * Removes a model tag; a missing key is a no-op.
   *
   * @throws ResourceNotFoundException if there is no such model
   */
  public void deleteRegisteredModelTag(String name, String key) {
    RegistryRules.tagKey(key);
    write(s -> model(s, name).tags.containsKey(key) ? new ModelTagDeleted(clock.millis(), user, name, key) : null);
  }

  // ---- model versions ---------------------------------------------------------------------------

  /** As {@link #createModelVersion(String, String, String, Map, String, String)} without tags, link or description. */
  public ModelVersion createModelVersion(String name, String source, String runId) {
    return createModelVersion(name, source, runId, Map.of(), null, null);
  }

  /**
   * Creates the next version of a model (create_model_version): numbered one past the highest
   * version ever created for it, soft-deleted ones included, stage None, status READY. Its storage
   * location is {@code source}, or, for a {@code models:/<name>/<version>} source, that version's.
   *
   * @param runId the run that made it, or null (not checked, as in MLflow)
   * @throws InvalidParameterException if {@code source} is missing or a tag is invalid
   * @throws ResourceNotFoundException if there is no such model, or a {@code models:/} source names
   *     no version
   */
  public ModelVersion createModelVersion(
      String name, String source, String runId, Map<String, String> tags, String runLink, String description) {
    if (source == null) {
      throw new InvalidParameterException("Missing value for required parameter 'source'.");
    }
    RegistryRules.tags(Objects.requireNonNull(tags, "tags"));
    int[] created = new int[1];
    return log.write(
        s -> {
          Model m = model(s, name);
          created[0] = m.maxVersion() + 1;
          RegistryState.Logged logged = loggedModel(s, source);
          String run = logged != null && (runId == null || runId.isEmpty()) ? logged.created.sourceRunId() : runId;
          return new VersionCreated(
              clock.millis(), user, name, created[0], source, run, runLink, description, tags, storageLocation(s, source));
        },
        s -> RegistryState.view(s.model(name), s.model(name).versions.get(created[0])));
  }

  /** The logged model a {@code models:/<model_id>} source names, or null (MLflow 3's model URIs, §8). */
  private static RegistryState.Logged loggedModel(RegistryState s, String source) {
    if (!source.startsWith("models:/")) {
      return null;
    }
    RegistryState.Logged l = s.logged(source.substring("models:/".length()));
    return l == null || l.deleted ? null : l;
  }

  /**
   * {@code models:/<name>/<digits>} stands for that version's files, {@code models:/<model_id>} for
   * the logged model's, whose source run is then the version's run unless one is given
   * (sqlalchemy_store.py L723-829).
   */
  private static String storageLocation(RegistryState s, String source) {
    RegistryState.Logged logged = loggedModel(s, source);
    if (logged != null) {
      return logged.created.artifactLocation();
    }
    if (!source.startsWith("models:/")) {
      return source;
    }
    String[] parts = source.substring("models:/".length()).split("/", -1);
    if (parts.length != 2 || parts[1].isEmpty() || !parts[1].chars().allMatch(Character::isDigit)) {
      return source;
    }
    int version = RegistryRules.version(parts[1]);
    Model m = model(s, parts[0]);
    return downloadUri(m, live(m, version));
  }

  /**
   * A live version (get_model_version).
   *
   * @throws ResourceNotFoundException if there is no such model or version
   */
  public ModelVersion getModelVersion(String name, int version) {
    return log.read(s -> {
      Model m = model(s, name);
      return RegistryState.view(m, live(m, version));
    });
  }

  /**
   * Sets a version's description (null clears it); bumps the version's timestamp only.
   *
   * @throws ResourceNotFoundException if there is no such model or version
   */
  public ModelVersion updateModelVersion(String name, int version, String description) {
    return log.write(
        s -> {
          live(model(s, name), version);
          return new VersionDescriptionSet(clock.millis(), user, name, version, description);
        },
        s -> RegistryState.view(s.model(name), s.model(name).live(version)));
  }

  /**
   * Soft-deletes a version: it becomes invisible and its aliases go, but its number is never given
   * again while the model exists.
   *
   * @throws ResourceNotFoundException if there is no such model or version
   */
  public void deleteModelVersion(String name, int version) {
    write(s -> {
      live(model(s, name), version);
      return new VersionDeleted(clock.millis(), user, name, version);
    });
  }

  /**
   * Sets (or replaces) a version tag; timestamps are not bumped.
   *
   * @throws InvalidParameterException if the key or value is invalid
   * @throws ResourceNotFoundException if there is no such model or version
   */
  public void setModelVersionTag(String name, int version, String key, String value) {
    RegistryRules.tagKey(key);
    RegistryRules.tagValue(value);
    write(s -> {
      live(model(s, name), version);
      return new VersionTagSet(clock.millis(), user, name, version, key, value);
    });
  }

  /**
   * Removes a version tag; a missing key is a no-op.
   *
   * @throws ResourceNotFoundException if there is no such model or version
   */
  public void deleteModelVersionTag(String name, int version, String key) {
    RegistryRules.tagKey(key);
    write(s -> live(model(s, name), version).tags.containsKey(key)
        ? new VersionTagDeleted(clock.millis(), user, name, version, key)
        : null);
  }

  /**
   * Moves a version to {@code stage} (any case: {@code none}, {@code Staging}, {@code PRODUCTION},
   * {@code archived}); with {@link ExistingVersions#ARCHIVE} every other live version in that stage
   * moves to Archived. The version's and model's timestamps become now.
   *
   * @throws InvalidParameterException if {@code stage} names no stage
   * @throws InternalErrorException if archiving into a stage other than Staging or Production (MLflow
   *     answers INTERNAL_ERROR)
   * @throws ResourceNotFoundException if there is no such model or version
   */
  public ModelVersion transitionModelVersionStage(String name, int version, String stage, ExistingVersions existing) {
    ModelStage target = ModelStage.parse(stage);
    boolean archive = Objects.requireNonNull(existing, "existing") == ExistingVersions.ARCHIVE;
    if (archive && !ACTIVE_STAGES.contains(target)) {
      throw new InternalErrorException(
          "Model version transition cannot archive existing model versions because '" + stage
              + "' is not an Active stage. Valid stages are ['Staging', 'Production']");
    }
    return log.write(
        s -> {
          live(model(s, name), version);
          return new StageTransitioned(clock.millis(), user, name, version, target, archive);
        },
        s -> RegistryState.view(s.model(name), s.model(name).live(version)));
  }

  /**
   * The highest live version in each stage asked for (get_latest_versions), in the order None,
   * Staging, Production, Archived; {@code stages} null or empty means all four.
   *
   * @throws ResourceNotFoundException if there is no such model
   * @throws InvalidParameterException if a stage is invalid
   */
  public List<ModelVersion> getLatestVersions(String name, List<String> stages) {
    return log.read(s -> {
      Model m = model(s, name);
      Set<ModelStage> wanted = EnumSet.noneOf(ModelStage.class);
      if (stages == null || stages.isEmpty()) {
        wanted.addAll(EnumSet.allOf(ModelStage.class));
      } else {
        stages.forEach(st -> wanted.add(ModelStage.parse(st)));
      }
      List<ModelVersion> out = new ArrayList<>();
      for (ModelStage stage : wanted) {
        Version v = RegistryState.latest(m, stage);
        if (v != null) {
          out.add(RegistryState.view(m, v));
        }
      }
      return List.copyOf(out);
    });
  }

  /**
   * Where a version's files are: its storage location, else its source
   * (get_model_version_download_uri).
   *
   * @throws ResourceNotFoundException if there is no such model or version
   */
  public String getModelVersionDownloadUri(String name, int version) {
    return log.read(s -> {
      Model m = model(s, name);
      return downloadUri(m, live(m, version));
    });
  }

  private static String downloadUri(Model m, Version v) {
    return v.storageLocation != null ? v.storageLocation : v.source;
  }

  // ---- aliases ----------------------------------------------------------------------------------

  /**
   * Points {@code alias} at a live version, moving it if it pointed elsewhere.
   *
   * @throws InvalidParameterException if the alias is empty, invalid, too long or reserved ({@code
   *     latest}, {@code v<digits>})
   * @throws ResourceNotFoundException if there is no such model or version
   */
  public void setRegisteredModelAlias(String name, String alias, int version) {
    RegistryRules.aliasToSet(alias);
    write(s -> {
      live(model(s, name), version);
      return new AliasSet(clock.millis(), user, name, alias, version);
    });
  }

  /**
   * Removes an alias; a missing one is a no-op.
   *
   * @throws ResourceNotFoundException if there is no such model
   */
  public void deleteRegisteredModelAlias(String name, String alias) {
    Objects.requireNonNull(alias, "alias");
    write(s -> model(s, name).aliases.containsKey(alias) ? new AliasDeleted(clock.millis(), user, name, alias) : null);
  }

  /**
   * The version an alias points to; {@code latest} (any case) is the highest live version, as in
   * {@code models:/name/latest}.
   *
   * @throws InvalidParameterException if the model has no such alias (MLflow's code for it)
   * @throws ResourceNotFoundException if there is no such model, or {@code latest} and no version
   */
  public ModelVersion getModelVersionByAlias(String name, String alias) {
    Objects.requireNonNull(alias, "alias");
    return log.read(s -> {
      Model m = model(s, name);
      if (alias.equalsIgnoreCase("latest")) {
        for (Version v : m.versions.descendingMap().values()) {
          if (!v.deleted) {
            return RegistryState.view(m, v);
          }
        }
        throw new ResourceNotFoundException("Latest version not found for model " + name + ".");
      }
      Integer v = m.aliases.get(alias);
      if (v == null) {
        throw new InvalidParameterException("Registered model alias " + alias + " not found.");
      }
      return RegistryState.view(m, live(m, v));
    });
  }

  // ---- import path (docs/FORMAT.md §Model registry log: ModelImported, VersionImported) -------------

  /**
   * Import path: creates a model exactly as given (name, creation and last-updated times,
   * description, tags; its aliases and latest versions are ignored: import its versions, then set
   * the aliases). The change is recorded as made now by this store's user.
   *
   * @throws InvalidParameterException if the name or a tag is invalid
   * @throws ResourceAlreadyExistsException if a model of that name exists
   */
  public RegisteredModel importRegisteredModel(RegisteredModel model) {
    Objects.requireNonNull(model, "model");
    RegistryRules.modelName(model.name(), "name");
    RegistryRules.tags(model.tags());
    return log.write(
        s -> {
          if (s.model(model.name()) != null) {
            throw alreadyExists(model.name());
          }
          return new ModelImported(
              clock.millis(), user, model.name(), model.creationTimestamp(), model.lastUpdatedTimestamp(),
              model.description(), model.tags());
        },
        s -> s.view(s.model(model.name())));
  }

  /**
   * Import path: adds a version exactly as given (number, times, stage, source, run id and link,
   * description, tags, storage location, user id; status and aliases are ignored), live or
   * soft-deleted. Its number must be past every version the model has (gaps are kept); the model's
   * times do not change.
   *
   * @throws InvalidParameterException if the version number is not positive or a tag is invalid
   * @throws ResourceNotFoundException if there is no such model
   * @throws ResourceAlreadyExistsException if the model has a version of that number or a later one
   */
  public void importModelVersion(ModelVersion version, ImportedVersionState state) {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(state, "state");
    if (version.source() == null) {
      throw new InvalidParameterException("Missing value for required parameter 'source'.");
    }
    if (version.version() < 1) {
      throw new InvalidParameterException("Invalid model version number: " + version.version());
    }
    RegistryRules.tags(version.tags());
    write(s -> {
      Model m = model(s, version.name());
      if (version.version() <= m.maxVersion()) {
        throw new ResourceAlreadyExistsException(
            "Model version " + version.version() + " of " + m.name + " cannot be imported: the model has version "
                + m.maxVersion());
      }
      return new VersionImported(
          clock.millis(), user, version.name(), version.version(), version.creationTimestamp(),
          version.lastUpdatedTimestamp(), version.currentStage(), state == ImportedVersionState.DELETED_INTERNAL,
          version.source(), version.runId(), version.runLink(), version.description(), version.tags(),
          version.storageLocation(), version.userId());
    });
  }

  /**
   * Every version the model ever had, soft-deleted ones included (as {@link ImportedVersionState}
   * says), oldest first: what an export writes.
   *
   * @throws ResourceNotFoundException if there is no such model
   */
  public Map<ModelVersion, ImportedVersionState> allVersions(String name) {
    return log.read(s -> {
      Model m = model(s, name);
      Map<ModelVersion, ImportedVersionState> out = new java.util.LinkedHashMap<>();
      for (Version v : m.versions.values()) {
        out.put(RegistryState.view(m, v), v.deleted ? ImportedVersionState.DELETED_INTERNAL : ImportedVersionState.LIVE);
      }
      return out;
    });
  }

  // ---- register_model, history, snapshot --------------------------------------------------------

  /**
   * MLflow's {@code mlflow.register_model}: creates the model if it does not exist, then a version of
   * it. A {@code runs:/<run_id>/<path>} source must name a run of this store; the version's source
   * is then the run's artifact URI plus {@code /<path>}, and its run_id that run. Any other URI is
   * the source as it is.
   *
   * @throws InternalErrorException if a {@code runs:} URI is malformed (MLflow's INTERNAL_ERROR)
   * @throws RunNotFoundException if the run does not exist
   * @throws InvalidParameterException if the name is invalid
   */
  public ModelVersion registerModel(String sourceUri, String name) {
    Objects.requireNonNull(sourceUri, "sourceUri");
    RegistryRules.modelName(name, "name");
    String source = sourceUri;
    String runId = null;
    RunsUri runsUri = RunsUri.parseIfRuns(sourceUri);
    if (runsUri != null) {
      runId = runsUri.runId();
      String root = runs.artifactUri(runId).replaceAll("/+$", "");
      source = runsUri.path().isEmpty() ? root : root + "/" + runsUri.path();
    }
    try {
      createRegisteredModel(name);
    } catch (ResourceAlreadyExistsException e) {
      // register_model adds a version to a model that exists
    }
    return createModelVersion(name, source, runId);
  }

  /**
   * Every change made to the model named {@code name}, oldest first: those made under earlier names
   * (before a rename) and those to its versions included. For a name no model has now, the changes
   * of the last model of that name to be deleted, its deletion last.
   *
   * @throws ResourceNotFoundException if no model ever had that name
   */
  public List<RegistryChange> history(String name) {
    List<RegistryChange> changes = log.read(s -> s.history(name));
    if (changes == null) {
      throw RegistryRules.modelNotFound(name);
    }
    return changes;
  }

  /** The registry as it is now, immutable; the same instance until the registry changes. */
  public RegistrySnapshot snapshot() {
    return log.snapshot();
  }

  /**
   * A version number written as MLflow's REST API takes it: Python's {@code int()} of the text.
   *
   * @throws InvalidParameterException {@code Parameter 'version' must be an integer, got '...'.}
   */
  public static int parseVersion(String text) {
    return RegistryRules.version(text);
  }

  /** Forces the registry log to the storage device (Store.sync). */
  public void sync() {
    log.sync();
  }

  /** Called by the store that made this registry, as it closes; idempotent. */
  @Override
  public void close() {
    log.close();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void write(Function<RegistryState, RegistryEvent> check) {
    log.write(check, s -> null);
  }

  private static Model model(RegistryState s, String name) {
    Model m = name == null ? null : s.model(name);
    if (m == null) {
      throw RegistryRules.modelNotFound(name);
    }
    return m;
  }

  private static Version live(Model m, int version) {
    Version v = m.live(version);
    if (v == null) {
      throw RegistryRules.versionNotFound(m.name, version);
    }
    return v;
  }

  private static ResourceAlreadyExistsException alreadyExists(String name) {
    return new ResourceAlreadyExistsException("Registered Model (name=" + name + ") already exists.");
  }
}
