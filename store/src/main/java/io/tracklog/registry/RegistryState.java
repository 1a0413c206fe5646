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
import io.tracklog.format.RunEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registry folded from its log (docs/FORMAT.md §Model registry log, folding rules): models by
 * name, each with every version ever created (soft-deleted ones kept, they carry the numbering), and
 * each model's audit trail; apart from them, MLflow 3's logged models by id (tags 17–24). Mutable and not thread-safe: {@link ModelRegistry} guards it. An event
 * that does not fit the state (a version of a model that does not exist) is a {@link
 * IllegalStateException}: writers check every event first, so only damage or a bug makes one.
 */
final class RegistryState {
  static final class Model {
    String name;
    final long lineage; // stays across renames; a re-created name gets a new one
    final long created;
    long updated;
    String description;
    final Map<String, String> tags = new TreeMap<>();
    final Map<String, Integer> aliases = new TreeMap<>();
    final TreeMap<Integer, Version> versions = new TreeMap<>(); // soft-deleted included
    RegisteredModel view; // cached record of the model and its live versions, null when stale
    List<ModelVersion> versionViews;

    Model(String name, long lineage, long created) {
      this.name = name;
      this.lineage = lineage;
      this.created = created;
      this.updated = created;
    }

    int maxVersion() {
      return versions.isEmpty() ? 0 : versions.lastKey();
    }

    /** A live version, or null. */
    Version live(int version) {
      Version v = versions.get(version);
      return v == null || v.deleted ? null : v;
    }
  }

  static final class Version {
    final int number;
    final long created;
    long updated;
    ModelStage stage = ModelStage.NONE;
    boolean deleted;
    String description;
    final String source;
    final String runId;
    final String runLink;
    final String storageLocation;
    final String userId; // set by imports only, as MLflow's stores never set it
    final Map<String, String> tags = new TreeMap<>();

    Version(VersionCreated e) {
      this(e.version(), e.timeMs(), e.timeMs(), e.description(), e.source(), e.runId(), e.runLink(),
          e.storageLocation(), null, e.tags());
    }

    Version(VersionImported e) {
      this(e.version(), e.created(), e.updated(), e.description(), e.source(), e.runId(), e.runLink(),
          e.storageLocation(), e.userId(), e.tags());
      this.stage = e.stage();
      this.deleted = e.deleted();
    }

    private Version(
        int number, long created, long updated, String description, String source, String runId, String runLink,
        String storageLocation, String userId, Map<String, String> tags) {
      this.number = number;
      this.created = created;
      this.updated = updated;
      this.description = description;
      this.source = source;
      this.runId = runId;
      this.runLink = runLink;
      this.storageLocation = storageLocation;
      this.userId = userId;
      this.tags.putAll(tags);
    }
  }

  /** A logged model as folded, soft-deleted ones kept (their ids stay taken), with the files it recorded. */
  static final class Logged {
    final RegistryEvent.LoggedModelCreated created;
    long updated;
    LoggedModel.Status status = LoggedModel.Status.PENDING;
    boolean deleted;
    final Map<String, String> tags = new TreeMap<>();
    final Map<String, String> params = new TreeMap<>();
    /** Every ArtifactWritten per path, oldest first; the last one is the file's. */
    final Map<String, List<RunEvent.ArtifactWritten>> artifacts = new HashMap<>();
    /** The runs it is an output of, with the step, in log order (log_outputs). */
    final List<Map.Entry<String, Long>> outputs = new ArrayList<>();
    LoggedModel view; // cached record, null when stale

    Logged(RegistryEvent.LoggedModelCreated created) {
      this.created = created;
      this.updated = created.timeMs();
      this.tags.putAll(created.tags());
      this.params.putAll(created.params());
    }

    LoggedModel view() {
      if (view == null) {
        view = new LoggedModel(
            created.name(), created.experimentId(), created.modelName(), created.timeMs(), updated,
            created.artifactLocation(), status, created.modelType(), created.sourceRunId(), tags, params);
      }
      return view;
    }
  }

  private final Map<String, Model> models = new HashMap<>();
  private final Map<String, Logged> logged = new HashMap<>();
  private final Map<Long, List<RegistryChange>> changes = new HashMap<>();
  /** The lineage of each name's most recent deleted model, for the history of a deleted model. */
  private final Map<String, Long> deletedLineages = new HashMap<>();
  private long nextLineage;
  private long position;

  /** How many events have been folded. */
  long position() {
    return position;
  }

  /** A model by name, or null. */
  Model model(String name) {
    return models.get(name);
  }

  Iterable<Model> models() {
    return models.values();
  }

  int size() {
    return models.size();
  }

  /** The audit trail of the model named {@code name}, or of the last deleted one of that name; null if neither. */
  List<RegistryChange> history(String name) {
    Model m = models.get(name);
    Long lineage = m != null ? Long.valueOf(m.lineage) : deletedLineages.get(name);
    return lineage == null ? null : List.copyOf(changes.get(lineage));
  }

  /** A logged model by id, soft-deleted or not, or null. */
  Logged logged(String modelId) {
    return logged.get(modelId);
  }

  /** Every logged model, soft-deleted ones included. */
  Iterable<Logged> loggedModels() {
    return logged.values();
  }

  /** Folds one event. */
  void apply(RegistryEvent e) {
    if (e.kind().logged()) {
      applyLogged(e);
      position++;
      return;
    }
    Model m = models.get(e.name());
    if (e.kind() == RegistryEvent.Kind.MODEL_CREATED || e.kind() == RegistryEvent.Kind.MODEL_IMPORTED) {
      if (m != null) {
        throw new IllegalStateException("registered model " + e.name() + " already exists");
      }
      if (e instanceof ModelCreated c) {
        m = new Model(c.name(), nextLineage++, c.timeMs());
        m.description = c.description();
        m.tags.putAll(c.tags());
      } else {
        ModelImported c = (ModelImported) e;
        m = new Model(c.name(), nextLineage++, c.created());
        m.updated = c.updated();
        m.description = c.description();
        m.tags.putAll(c.tags());
      }
      models.put(m.name, m);
      changes.put(m.lineage, new ArrayList<>());
    } else if (m == null) {
      throw new IllegalStateException("registered model " + e.name() + " does not exist");
    }
    record(m, e);
    apply(m, e);
    m.view = null;
    m.versionViews = null;
    position++;
  }

  private void apply(Model m, RegistryEvent e) {
    long t = e.timeMs();
    switch (e.kind()) {
      case MODEL_CREATED, MODEL_IMPORTED -> {}
      case MODEL_RENAMED -> {
        String to = ((ModelRenamed) e).newName();
        if (!to.equals(m.name) && models.containsKey(to)) {
          throw new IllegalStateException("registered model " + to + " already exists");
        }
        models.remove(m.name);
        m.name = to;
        models.put(to, m);
        m.updated = t;
        for (Version v : m.versions.values()) {
          v.updated = t; // as MLflow's SQL store: the versions' rows are written too
        }
      }
      case MODEL_DESCRIPTION_SET -> {
        m.description = ((ModelDescriptionSet) e).description();
        m.updated = t;
      }
      case MODEL_DELETED -> {
        models.remove(m.name);
        deletedLineages.put(m.name, m.lineage);
      }
      case MODEL_TAG_SET -> m.tags.put(((ModelTagSet) e).key(), ((ModelTagSet) e).value());
      case MODEL_TAG_DELETED -> m.tags.remove(((ModelTagDeleted) e).key());
      case VERSION_CREATED -> {
        VersionCreated c = (VersionCreated) e;
        if (c.version() != m.maxVersion() + 1) {
          throw new IllegalStateException(
              "version " + c.version() + " of " + m.name + " does not follow version " + m.maxVersion());
        }
        m.versions.put(c.version(), new Version(c));
        m.updated = t;
      }
      case VERSION_DESCRIPTION_SET -> {
        Version v = live(m, ((VersionDescriptionSet) e).version());
        v.description = ((VersionDescriptionSet) e).description();
        v.updated = t;
      }
      case VERSION_DELETED -> {
        Version v = live(m, ((VersionDeleted) e).version());
        v.deleted = true;
        v.updated = t;
        m.updated = t;
        m.aliases.values().removeIf(n -> n == v.number);
      }
      case VERSION_TAG_SET -> live(m, ((VersionTagSet) e).version()).tags.put(((VersionTagSet) e).key(), ((VersionTagSet) e).value());
      case VERSION_TAG_DELETED -> live(m, ((VersionTagDeleted) e).version()).tags.remove(((VersionTagDeleted) e).key());
      case STAGE_TRANSITIONED -> {
        StageTransitioned s = (StageTransitioned) e;
        Version v = live(m, s.version());
        if (s.archiveExisting()) {
          for (Version other : m.versions.values()) {
            if (other != v && !other.deleted && other.stage == s.stage()) {
              other.stage = ModelStage.ARCHIVED;
              other.updated = t;
            }
          }
        }
        v.stage = s.stage();
        v.updated = t;
        m.updated = t;
      }
      case ALIAS_SET -> {
        AliasSet a = (AliasSet) e;
        live(m, a.version());
        m.aliases.put(a.alias(), a.version());
      }
      case ALIAS_DELETED -> m.aliases.remove(((AliasDeleted) e).alias());
      case VERSION_IMPORTED -> {
        VersionImported c = (VersionImported) e;
        if (c.version() <= m.maxVersion()) {
          throw new IllegalStateException(
              "imported version " + c.version() + " of " + m.name + " does not follow version " + m.maxVersion());
        }
        m.versions.put(c.version(), new Version(c));
      }
    }
  }

  private void applyLogged(RegistryEvent e) {
    Logged l = logged.get(e.name());
    if (e instanceof RegistryEvent.LoggedModelCreated c) {
      if (l != null) {
        throw new IllegalStateException("logged model " + e.name() + " already exists");
      }
      logged.put(c.name(), new Logged(c));
      return;
    }
    if (l == null || l.deleted) {
      throw new IllegalStateException("logged model " + e.name() + " does not exist");
    }
    l.view = null;
    if (e instanceof RegistryEvent.LoggedModelFinalized f) {
      l.status = f.status();
    } else if (e instanceof RegistryEvent.LoggedModelTagsSet t) {
      l.tags.putAll(t.tags());
    } else if (e instanceof RegistryEvent.LoggedModelTagDeleted t) {
      l.tags.remove(t.key());
    } else if (e instanceof RegistryEvent.LoggedModelParamsLogged p) {
      l.params.putAll(p.params());
    } else if (e instanceof RegistryEvent.LoggedModelDeleted) {
      l.deleted = true;
    } else if (e instanceof RegistryEvent.LoggedModelOutputLogged o) {
      l.outputs.add(Map.entry(o.runId(), o.step()));
      return; // MLflow's log_outputs leaves the model's time alone
    } else {
      RegistryEvent.LoggedModelArtifactWritten a = (RegistryEvent.LoggedModelArtifactWritten) e;
      l.artifacts.computeIfAbsent(a.path(), k -> new ArrayList<>()).add(new RunEvent.ArtifactWritten(a.path(), a.size(), a.sha256()));
      return; // files do not change the model's last-updated time
    }
    l.updated = e.timeMs();
  }

  private static Version live(Model m, int version) {
    Version v = m.live(version);
    if (v == null) {
      throw new IllegalStateException("version " + version + " of " + m.name + " does not exist");
    }
    return v;
  }

  private void record(Model m, RegistryEvent e) {
    changes.get(m.lineage).add(RegistryChanges.of(e));
  }

  // ---- records ----------------------------------------------------------------------------------

  /** The model as a record, with MLflow's latest_versions; cached until the model changes. */
  RegisteredModel view(Model m) {
    if (m.view == null) {
      List<ModelVersion> latest = new ArrayList<>();
      for (ModelStage stage : ModelStage.values()) {
        Version v = latest(m, stage);
        if (v != null) {
          latest.add(view(m, v));
        }
      }
      m.view = new RegisteredModel(m.name, m.created, m.updated, m.description, m.tags, m.aliases, latest);
    }
    return m.view;
  }

  /** The model's live versions, oldest first, as records; cached until the model changes. */
  List<ModelVersion> versionViews(Model m) {
    if (m.versionViews == null) {
      List<ModelVersion> out = new ArrayList<>();
      for (Version v : m.versions.values()) {
        if (!v.deleted) {
          out.add(view(m, v));
        }
      }
      m.versionViews = List.copyOf(out);
    }
    return m.versionViews;
  }

  /** The highest live version in {@code stage}, or null. */
  static Version latest(Model m, ModelStage stage) {
    for (Version v : m.versions.descendingMap().values()) {
      if (!v.deleted && v.stage == stage) {
        return v;
      }
    }
    return null;
  }

  static ModelVersion view(Model m, Version v) {
    List<String> aliases = new ArrayList<>();
    for (Map.Entry<String, Integer> a : m.aliases.entrySet()) {
      if (a.getValue() == v.number) {
        aliases.add(a.getKey());
      }
    }
    return new ModelVersion(
        m.name, v.number, v.created, v.updated, v.userId, v.stage, v.description, v.source, v.runId, v.runLink,
        ModelVersion.STATUS_READY, null, v.tags, aliases, v.storageLocation);
  }
}
