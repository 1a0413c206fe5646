package io.tracklog.registry;

import io.tracklog.registry.RegistryEvent.AliasDeleted;
import io.tracklog.registry.RegistryEvent.AliasSet;
import io.tracklog.registry.RegistryEvent.ModelCreated;
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
import java.util.Map;

/** Turns a registry event into its audit-trail entry ({@link RegistryChange}). */
final class RegistryChanges {
  private RegistryChanges() {}

  static RegistryChange of(RegistryEvent e) {
    return switch (e.kind()) {
      case MODEL_CREATED -> {
        ModelCreated c = (ModelCreated) e;
        yield change(e, null, "model created", join("description", c.description()) + tags(c.tags()));
      }
      case MODEL_RENAMED -> change(e, null, "model renamed", "new_name=" + ((ModelRenamed) e).newName());
      case MODEL_DESCRIPTION_SET ->
          change(e, null, "model description set", join("description", ((ModelDescriptionSet) e).description()));
      case MODEL_DELETED -> change(e, null, "model deleted", "");
      case MODEL_TAG_SET -> change(e, null, "model tag set", ((ModelTagSet) e).key() + "=" + ((ModelTagSet) e).value());
      case MODEL_TAG_DELETED -> change(e, null, "model tag deleted", "key=" + ((ModelTagDeleted) e).key());
      case VERSION_CREATED -> {
        VersionCreated c = (VersionCreated) e;
        yield change(
            e, c.version(), "version created",
            "source=" + c.source() + join(" run_id", c.runId()) + join(" run_link", c.runLink())
                + join(" description", c.description()) + tags(c.tags()));
      }
      case VERSION_DESCRIPTION_SET -> {
        VersionDescriptionSet d = (VersionDescriptionSet) e;
        yield change(e, d.version(), "version description set", join("description", d.description()));
      }
      case VERSION_DELETED -> change(e, ((VersionDeleted) e).version(), "version deleted", "");
      case VERSION_TAG_SET -> {
        VersionTagSet t = (VersionTagSet) e;
        yield change(e, t.version(), "version tag set", t.key() + "=" + t.value());
      }
      case VERSION_TAG_DELETED -> {
        VersionTagDeleted t = (VersionTagDeleted) e;
        yield change(e, t.version(), "version tag deleted", "key=" + t.key());
      }
      case STAGE_TRANSITIONED -> {
        StageTransitioned s = (StageTransitioned) e;
        yield change(
            e, s.version(), "stage transitioned",
            "stage=" + s.stage().displayName() + " archive_existing_versions=" + s.archiveExisting());
      }
      case ALIAS_SET -> change(e, ((AliasSet) e).version(), "alias set", "alias=" + ((AliasSet) e).alias());
      case ALIAS_DELETED -> change(e, null, "alias deleted", "alias=" + ((AliasDeleted) e).alias());
      case MODEL_IMPORTED -> {
        ModelImported c = (ModelImported) e;
        yield change(
            e, null, "model imported",
            "creation_timestamp=" + c.created() + " last_updated_timestamp=" + c.updated()
                + join(" description", c.description()) + tags(c.tags()));
      }
      case VERSION_IMPORTED -> {
        VersionImported c = (VersionImported) e;
        yield change(
            e, c.version(), "version imported",
            "source=" + c.source() + " stage=" + (c.deleted() ? "Deleted_Internal" : c.stage().displayName())
                + " creation_timestamp=" + c.created() + " last_updated_timestamp=" + c.updated()
                + join(" run_id", c.runId()) + join(" run_link", c.runLink()) + join(" user_id", c.userId())
                + join(" description", c.description()) + tags(c.tags()));
      }
      default -> throw new IllegalArgumentException("not a registered model's change: " + e.kind());
    };
  }

  private static RegistryChange change(RegistryEvent e, Integer version, String kind, String details) {
    return new RegistryChange(e.timeMs(), e.user(), e.name(), version, kind, details.strip());
  }

  private static String join(String key, String value) {
    return value == null ? "" : key + "=" + value;
  }

  private static String tags(Map<String, String> tags) {
    return tags.isEmpty() ? "" : " tags=" + tags;
  }
}
