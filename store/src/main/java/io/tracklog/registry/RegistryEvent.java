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
    VERSION_IMPORTED
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
}
