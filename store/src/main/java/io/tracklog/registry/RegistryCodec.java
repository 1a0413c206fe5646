package io.tracklog.registry;

import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.format.DecodeException;
import io.tracklog.registry.RegistryEvent.AliasDeleted;
import io.tracklog.registry.RegistryEvent.AliasSet;
import io.tracklog.registry.RegistryEvent.LoggedModelArtifactWritten;
import io.tracklog.registry.RegistryEvent.LoggedModelCreated;
import io.tracklog.registry.RegistryEvent.LoggedModelDeleted;
import io.tracklog.registry.RegistryEvent.LoggedModelFinalized;
import io.tracklog.registry.RegistryEvent.LoggedModelParamsLogged;
import io.tracklog.registry.RegistryEvent.LoggedModelTagDeleted;
import io.tracklog.registry.RegistryEvent.LoggedModelTagsSet;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes and decodes registry events: {@code [tag u8][version u8][time varint][user str][name str]}
 * then the event's own fields (docs/FORMAT.md §Model registry log). Bytes that do not decode are a
 * {@link DecodeException}, which the log reader turns into a {@code CorruptFileException}.
 */
final class RegistryCodec {
  /** The version byte every registry event carries. */
  static final int VERSION = 1;

  /** The stage byte of an imported soft-deleted version (MLflow's {@code Deleted_Internal}). */
  private static final int DELETED_INTERNAL = 4;

  private RegistryCodec() {}

  static int tag(RegistryEvent.Kind kind) {
    return switch (kind) {
      case MODEL_CREATED -> 1;
      case MODEL_RENAMED -> 2;
      case MODEL_DESCRIPTION_SET -> 3;
      case MODEL_DELETED -> 4;
      case MODEL_TAG_SET -> 5;
      case MODEL_TAG_DELETED -> 6;
      case VERSION_CREATED -> 7;
      case VERSION_DESCRIPTION_SET -> 8;
      case VERSION_DELETED -> 9;
      case VERSION_TAG_SET -> 10;
      case VERSION_TAG_DELETED -> 11;
      case STAGE_TRANSITIONED -> 12;
      case ALIAS_SET -> 13;
      case ALIAS_DELETED -> 14;
      case MODEL_IMPORTED -> 15;
      case VERSION_IMPORTED -> 16;
      case LOGGED_MODEL_CREATED -> 17;
      case LOGGED_MODEL_FINALIZED -> 18;
      case LOGGED_MODEL_TAGS_SET -> 19;
      case LOGGED_MODEL_TAG_DELETED -> 20;
      case LOGGED_MODEL_PARAMS_LOGGED -> 21;
      case LOGGED_MODEL_DELETED -> 22;
      case LOGGED_MODEL_ARTIFACT_WRITTEN -> 23;
      case LOGGED_MODEL_OUTPUT_LOGGED -> 24;
    };
  }

  static int stageCode(ModelStage stage) {
    return switch (stage) {
      case NONE -> 0;
      case STAGING -> 1;
      case PRODUCTION -> 2;
      case ARCHIVED -> 3;
    };
  }

  static void encode(RegistryEvent e, ByteSink out) {
    out.reset();
    out.writeByte(tag(e.kind()));
    out.writeByte(VERSION);
    out.writeVarLong(e.timeMs());
    out.writeString(e.user());
    out.writeString(e.name());
    switch (e.kind()) {
      case MODEL_CREATED -> {
        ModelCreated m = (ModelCreated) e;
        out.writeNullableString(m.description());
        writeTags(m.tags(), out);
      }
      case MODEL_RENAMED -> out.writeString(((ModelRenamed) e).newName());
      case MODEL_DESCRIPTION_SET -> out.writeNullableString(((ModelDescriptionSet) e).description());
      case MODEL_DELETED -> {}
      case MODEL_TAG_SET -> {
        ModelTagSet t = (ModelTagSet) e;
        out.writeString(t.key());
        out.writeString(t.value());
      }
      case MODEL_TAG_DELETED -> out.writeString(((ModelTagDeleted) e).key());
      case VERSION_CREATED -> {
        VersionCreated v = (VersionCreated) e;
        out.writeVarLong(v.version());
        writeVersionBody(v.source(), v.runId(), v.runLink(), v.description(), v.tags(), v.storageLocation(), out);
      }
      case VERSION_DESCRIPTION_SET -> {
        VersionDescriptionSet d = (VersionDescriptionSet) e;
        out.writeVarLong(d.version());
        out.writeNullableString(d.description());
      }
      case VERSION_DELETED -> out.writeVarLong(((VersionDeleted) e).version());
      case VERSION_TAG_SET -> {
        VersionTagSet t = (VersionTagSet) e;
        out.writeVarLong(t.version());
        out.writeString(t.key());
        out.writeString(t.value());
      }
      case VERSION_TAG_DELETED -> {
        VersionTagDeleted t = (VersionTagDeleted) e;
        out.writeVarLong(t.version());
        out.writeString(t.key());
      }
      case STAGE_TRANSITIONED -> {
        StageTransitioned s = (StageTransitioned) e;
        out.writeVarLong(s.version());
        out.writeByte(stageCode(s.stage()));
        out.writeBoolean(s.archiveExisting());
      }
      case ALIAS_SET -> {
        AliasSet a = (AliasSet) e;
        out.writeString(a.alias());
        out.writeVarLong(a.version());
      }
      case ALIAS_DELETED -> out.writeString(((AliasDeleted) e).alias());
      case MODEL_IMPORTED -> {
        ModelImported m = (ModelImported) e;
        out.writeVarLong(m.created());
        out.writeVarLong(m.updated());
        out.writeNullableString(m.description());
        writeTags(m.tags(), out);
      }
      case VERSION_IMPORTED -> {
        VersionImported v = (VersionImported) e;
        out.writeVarLong(v.version());
        out.writeVarLong(v.created());
        out.writeVarLong(v.updated());
        out.writeByte(v.deleted() ? DELETED_INTERNAL : stageCode(v.stage()));
        writeVersionBody(v.source(), v.runId(), v.runLink(), v.description(), v.tags(), v.storageLocation(), out);
        out.writeNullableString(v.userId());
      }
      case LOGGED_MODEL_CREATED -> {
        LoggedModelCreated c = (LoggedModelCreated) e;
        out.writeString(c.experimentId());
        out.writeString(c.modelName());
        out.writeNullableString(c.modelType());
        out.writeNullableString(c.sourceRunId());
        out.writeString(c.artifactLocation());
        writeTags(c.params(), out);
        writeTags(c.tags(), out);
      }
      case LOGGED_MODEL_FINALIZED -> out.writeByte(((LoggedModelFinalized) e).status().ordinal() + 1);
      case LOGGED_MODEL_TAGS_SET -> writeTags(((LoggedModelTagsSet) e).tags(), out);
      case LOGGED_MODEL_TAG_DELETED -> out.writeString(((LoggedModelTagDeleted) e).key());
      case LOGGED_MODEL_PARAMS_LOGGED -> writeTags(((LoggedModelParamsLogged) e).params(), out);
      case LOGGED_MODEL_DELETED -> {}
      case LOGGED_MODEL_ARTIFACT_WRITTEN -> {
        LoggedModelArtifactWritten a = (LoggedModelArtifactWritten) e;
        out.writeString(a.path());
        out.writeVarLong(a.size());
        out.writeString(a.sha256());
      }
      case LOGGED_MODEL_OUTPUT_LOGGED -> {
        RegistryEvent.LoggedModelOutputLogged o = (RegistryEvent.LoggedModelOutputLogged) e;
        out.writeString(o.runId());
        out.writeZigZag(o.step());
      }
    }
  }

  /** The fields VersionCreated and VersionImported share, in that order. */
  private static void writeVersionBody(
      String source, String runId, String runLink, String description, Map<String, String> tags, String storage,
      ByteSink out) {
    out.writeString(source);
    out.writeNullableString(runId);
    out.writeNullableString(runLink);
    out.writeNullableString(description);
    writeTags(tags, out);
    out.writeNullableString(storage);
  }

  private static void writeTags(Map<String, String> tags, ByteSink out) {
    out.writeVarLong(tags.size());
    for (Map.Entry<String, String> t : tags.entrySet()) {
      out.writeString(t.getKey());
      out.writeString(t.getValue());
    }
  }

  /**
   * Decodes one whole event.
   *
   * @throws DecodeException if the bytes are not one registry event
   * @throws UnsupportedFormatException if the event's version is newer than this code reads
   */
  static RegistryEvent decode(ByteSource in) {
    int tag = in.readByte();
    int version = in.readByte();
    if (tag < 1 || tag > 24) {
      throw new DecodeException("unknown registry event tag " + tag);
    }
    if (version != VERSION) {
      throw UnsupportedFormatException.version("registry event (type tag " + tag + ")", version, VERSION, VERSION);
    }
    long time = in.readVarLong();
    String user = in.readString();
    String name = in.readString();
    RegistryEvent e =
        switch (tag) {
          case 1 -> new ModelCreated(time, user, name, in.readNullableString(), readTags(in));
          case 2 -> new ModelRenamed(time, user, name, in.readString());
          case 3 -> new ModelDescriptionSet(time, user, name, in.readNullableString());
          case 4 -> new ModelDeleted(time, user, name);
          case 5 -> new ModelTagSet(time, user, name, in.readString(), in.readString());
          case 6 -> new ModelTagDeleted(time, user, name, in.readString());
          case 7 -> new VersionCreated(
              time, user, name, readVersion(in), in.readString(), in.readNullableString(), in.readNullableString(),
              in.readNullableString(), readTags(in), in.readNullableString());
          case 8 -> new VersionDescriptionSet(time, user, name, readVersion(in), in.readNullableString());
          case 9 -> new VersionDeleted(time, user, name, readVersion(in));
          case 10 -> new VersionTagSet(time, user, name, readVersion(in), in.readString(), in.readString());
          case 11 -> new VersionTagDeleted(time, user, name, readVersion(in), in.readString());
          case 12 -> new StageTransitioned(time, user, name, readVersion(in), readStage(in), in.readBoolean());
          case 13 -> new AliasSet(time, user, name, in.readString(), readVersion(in));
          case 14 -> new AliasDeleted(time, user, name, in.readString());
          case 15 -> new ModelImported(
              time, user, name, in.readVarLong(), in.readVarLong(), in.readNullableString(), readTags(in));
          case 16 -> readVersionImported(time, user, name, in);
          case 17 -> new LoggedModelCreated(
              time, user, name, in.readString(), in.readString(), in.readNullableString(), in.readNullableString(),
              in.readString(), readTags(in), readTags(in));
          case 18 -> new LoggedModelFinalized(time, user, name, readStatus(in));
          case 19 -> new LoggedModelTagsSet(time, user, name, readTags(in));
          case 20 -> new LoggedModelTagDeleted(time, user, name, in.readString());
          case 21 -> new LoggedModelParamsLogged(time, user, name, readTags(in));
          case 22 -> new LoggedModelDeleted(time, user, name);
          case 23 -> new LoggedModelArtifactWritten(time, user, name, in.readString(), readSize(in), in.readString());
          default -> new RegistryEvent.LoggedModelOutputLogged(time, user, name, in.readString(), in.readZigZag());
        };
    in.expectEnd();
    return e;
  }

  private static VersionImported readVersionImported(long time, String user, String name, ByteSource in) {
    int version = readVersion(in);
    long created = in.readVarLong();
    long updated = in.readVarLong();
    int stage = in.readByte();
    boolean deleted = stage == DELETED_INTERNAL;
    return new VersionImported(
        time, user, name, version, created, updated, deleted ? ModelStage.NONE : stage(stage), deleted, in.readString(),
        in.readNullableString(), in.readNullableString(), in.readNullableString(), readTags(in),
        in.readNullableString(), in.readNullableString());
  }

  private static LoggedModel.Status readStatus(ByteSource in) {
    int code = in.readByte();
    if (code < 1 || code > LoggedModel.Status.values().length) {
      throw new DecodeException("invalid logged model status " + code);
    }
    return LoggedModel.Status.values()[code - 1];
  }

  private static long readSize(ByteSource in) {
    long size = in.readVarLong();
    if (size < 0) {
      throw new DecodeException("invalid artifact size " + size);
    }
    return size;
  }

  private static int readVersion(ByteSource in) {
    long v = in.readVarLong();
    if (v < 1 || v > Integer.MAX_VALUE) {
      throw new DecodeException("invalid model version number " + v);
    }
    return (int) v;
  }

  private static ModelStage readStage(ByteSource in) {
    return stage(in.readByte());
  }

  private static ModelStage stage(int code) {
    return switch (code) {
      case 0 -> ModelStage.NONE;
      case 1 -> ModelStage.STAGING;
      case 2 -> ModelStage.PRODUCTION;
      case 3 -> ModelStage.ARCHIVED;
      default -> throw new DecodeException("invalid stage code " + code);
    };
  }

  private static Map<String, String> readTags(ByteSource in) {
    int n = in.readCount();
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      tags.put(in.readString(), in.readString());
    }
    return tags;
  }
}
