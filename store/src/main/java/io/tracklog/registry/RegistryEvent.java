package io.tracklog.registry;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One change to the model registry: the registry's state is a fold of these ({@link RegistryState}),
 * and each is one excerpt of the registry log (docs/FORMAT.md §Model registry log), so a writer killed
 * mid-append leaves it whole or absent. Every event says when, who, and which model (by its name at
 * the time); events are checked against MLflow's rules before they are appended, never when folded.
 */
sealed interface RegistryEvent {
  long timeMs();

  String user();

  String name();

  Kind kind();

  /** On-disk tags are explicit in {@link RegistryCodec}, never {@code ordinal()}. */
  enum Kind {
    MODEL_CREATED,
    MODEL_RENAMED,
    MODEL_DESCRIPTION_SET,
    MODEL_DELETED,
    MODEL_TAG_SET,
    MODEL_TAG_DELETED,
    VERSION_CREATED,
    VERSION_DESCRIPTION_SET,
    VERSION_DELETED,
    VERSION_TAG_SET,
    VERSION_TAG_DELETED,
    STAGE_TRANSITIONED,
    ALIAS_SET,
    ALIAS_DELETED,
    MODEL_IMPORTED,
    VERSION_IMPORTED,
    LOGGED_MODEL_CREATED,
    LOGGED_MODEL_FINALIZED,
    LOGGED_MODEL_TAGS_SET,
    LOGGED_MODEL_TAG_DELETED,
    LOGGED_MODEL_PARAMS_LOGGED,
    LOGGED_MODEL_DELETED,
    LOGGED_MODEL_ARTIFACT_WRITTEN,
    LOGGED_MODEL_OUTPUT_LOGGED;

    /** Whether the event is about a logged model (MLflow 3), its {@code name} the model's id. */
    boolean logged() {
      return ordinal() >= LOGGED_MODEL_CREATED.ordinal();
    }
  }

  private static Map<String, String> sorted(Map<String, String> tags) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(tags));
  }

  record ModelCreated(long timeMs, String user, String name, String description, Map<String, String> tags)
      implements RegistryEvent {
    public ModelCreated {
      Objects.requireNonNull(name, "name");
      tags = sorted(tags);
    }

    @Override
    public Kind kind() {
      return Kind.MODEL_CREATED;
    }
  }

  record ModelRenamed(long timeMs, String user, String name, String newName) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.MODEL_RENAMED;
    }
  }

  /** {@code description} may be null (never set). */
  record ModelDescriptionSet(long timeMs, String user, String name, String description) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.MODEL_DESCRIPTION_SET;
    }
  }

  record ModelDeleted(long timeMs, String user, String name) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.MODEL_DELETED;
    }
  }

  record ModelTagSet(long timeMs, String user, String name, String key, String value) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.MODEL_TAG_SET;
    }
  }

  record ModelTagDeleted(long timeMs, String user, String name, String key) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.MODEL_TAG_DELETED;
    }
  }

  /** A new version, numbered by the writer (max of all versions ever created + 1) under the lock. */
  record VersionCreated(
      long timeMs,
      String user,
      String name,
      int version,
      String source,
      String runId,
      String runLink,
      String description,
      Map<String, String> tags,
      String storageLocation)
      implements RegistryEvent {
    public VersionCreated {
      Objects.requireNonNull(source, "source");
      tags = sorted(tags);
    }

    @Override
    public Kind kind() {
      return Kind.VERSION_CREATED;
    }
  }

  record VersionDescriptionSet(long timeMs, String user, String name, int version, String description)
      implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.VERSION_DESCRIPTION_SET;
    }
  }

  record VersionDeleted(long timeMs, String user, String name, int version) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.VERSION_DELETED;
    }
  }

  record VersionTagSet(long timeMs, String user, String name, int version, String key, String value)
      implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.VERSION_TAG_SET;
    }
  }

  record VersionTagDeleted(long timeMs, String user, String name, int version, String key) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.VERSION_TAG_DELETED;
    }
  }

  /** The fold archives the other versions in {@code stage} when {@code archiveExisting}. */
  record StageTransitioned(long timeMs, String user, String name, int version, ModelStage stage, boolean archiveExisting)
      implements RegistryEvent {
    public StageTransitioned {
      Objects.requireNonNull(stage, "stage");
    }

    @Override
    public Kind kind() {
      return Kind.STAGE_TRANSITIONED;
    }
  }

  /** Sets or moves an alias. */
  record AliasSet(long timeMs, String user, String name, String alias, int version) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.ALIAS_SET;
    }
  }

  record AliasDeleted(long timeMs, String user, String name, String alias) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.ALIAS_DELETED;
    }
  }

  /**
   * A model copied from another registry (an MLflow import) with its own times; {@code timeMs} and
   * {@code user} say when and by whom it was imported.
   */
  record ModelImported(
      long timeMs, String user, String name, long created, long updated, String description, Map<String, String> tags)
      implements RegistryEvent {
    public ModelImported {
      Objects.requireNonNull(name, "name");
      tags = sorted(tags);
    }

    @Override
    public Kind kind() {
      return Kind.MODEL_IMPORTED;
    }
  }

  /**
   * A version copied from another registry with its number (past every version the model has, gaps
   * allowed), times, stage or soft deletion ({@code deleted}: MLflow's {@code Deleted_Internal}) and
   * user id; it does not change the model's times.
   */
  record VersionImported(
      long timeMs,
      String user,
      String name,
      int version,
      long created,
      long updated,
      ModelStage stage,
      boolean deleted,
      String source,
      String runId,
      String runLink,
      String description,
      Map<String, String> tags,
      String storageLocation,
      String userId)
      implements RegistryEvent {
    public VersionImported {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(source, "source");
      tags = sorted(tags);
    }

    @Override
    public Kind kind() {
      return Kind.VERSION_IMPORTED;
    }
  }

  // ---- logged models (MLflow 3's LoggedModel; name() is the model id) --------------------------------

  /** A logged model (mlflow/entities/logged_model.py), status PENDING until finalized. */
  record LoggedModelCreated(
      long timeMs,
      String user,
      String name,
      String experimentId,
      String modelName,
      String modelType,
      String sourceRunId,
      String artifactLocation,
      Map<String, String> params,
      Map<String, String> tags)
      implements RegistryEvent {
    public LoggedModelCreated {
      Objects.requireNonNull(experimentId, "experimentId");
      Objects.requireNonNull(modelName, "modelName");
      Objects.requireNonNull(artifactLocation, "artifactLocation");
      params = sorted(params);
      tags = sorted(tags);
    }

    @Override
    public Kind kind() {
      return Kind.LOGGED_MODEL_CREATED;
    }
  }

  record LoggedModelFinalized(long timeMs, String user, String name, LoggedModel.Status status) implements RegistryEvent {
    public LoggedModelFinalized {
      Objects.requireNonNull(status, "status");
    }

    @Override
    public Kind kind() {
      return Kind.LOGGED_MODEL_FINALIZED;
    }
  }

  /** Sets (or replaces) several tags at once, as set_logged_model_tags does. */
  record LoggedModelTagsSet(long timeMs, String user, String name, Map<String, String> tags) implements RegistryEvent {
    public LoggedModelTagsSet {
      tags = sorted(tags);
    }

    @Override
    public Kind kind() {
      return Kind.LOGGED_MODEL_TAGS_SET;
    }
  }

  record LoggedModelTagDeleted(long timeMs, String user, String name, String key) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.LOGGED_MODEL_TAG_DELETED;
    }
  }

  record LoggedModelParamsLogged(long timeMs, String user, String name, Map<String, String> params)
      implements RegistryEvent {
    public LoggedModelParamsLogged {
      params = sorted(params);
    }

    @Override
    public Kind kind() {
      return Kind.LOGGED_MODEL_PARAMS_LOGGED;
    }
  }

  /** Soft delete: the model is gone for every read, its id stays taken and its files stay. */
  record LoggedModelDeleted(long timeMs, String user, String name) implements RegistryEvent {
    @Override
    public Kind kind() {
      return Kind.LOGGED_MODEL_DELETED;
    }
  }

  /** A file of the model's artifact folder was renamed into place: its path, size and SHA-256. */
  record LoggedModelArtifactWritten(long timeMs, String user, String name, String path, long size, String sha256)
      implements RegistryEvent {
    public LoggedModelArtifactWritten {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(sha256, "sha256");
    }

    @Override
    public Kind kind() {
      return Kind.LOGGED_MODEL_ARTIFACT_WRITTEN;
    }
  }

  /** The model is an output of run {@code runId} at {@code step} (MLflow's log_outputs). */
  record LoggedModelOutputLogged(long timeMs, String user, String name, String runId, long step) implements RegistryEvent {
    public LoggedModelOutputLogged {
      Objects.requireNonNull(runId, "runId");
    }

    @Override
    public Kind kind() {
      return Kind.LOGGED_MODEL_OUTPUT_LOGGED;
    }
  }
}
