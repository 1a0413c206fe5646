package io.tracklog.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable view of the model registry at one point of its log: every registered model and its
 * live versions (soft-deleted versions are invisible, as in MLflow). Searches run over it ({@code
 * StoreReader.searchRegisteredModels}). Thread-safe.
 *
 * <pre>{@code
 * RegistrySnapshot snap = store.registry().snapshot();
 * Optional<ModelVersion> champion = snap.versionByAlias("mnist", "champion");
 * }</pre>
 */
public final class RegistrySnapshot {
  /** The registry of a store that has none yet. */
  public static final RegistrySnapshot EMPTY = new RegistrySnapshot(0, List.of(), Map.of(), List.of());

  private final long position;
  private final List<RegisteredModel> models;
  private final Map<String, Entry> byName;
  private final List<ModelVersion> allVersions;

  private record Entry(RegisteredModel model, List<ModelVersion> versions) {}

  private RegistrySnapshot(long position, List<RegisteredModel> models, Map<String, Entry> byName, List<ModelVersion> all) {
    this.position = position;
    this.models = models;
    this.byName = byName;
    this.allVersions = all;
  }

  /** Takes the state's records (cached per model, so unchanged models cost no copy). */
  static RegistrySnapshot of(RegistryState state) {
    List<RegisteredModel> models = new ArrayList<>(state.size());
    Map<String, Entry> byName = new HashMap<>(state.size() * 2);
    List<ModelVersion> all = new ArrayList<>();
    for (RegistryState.Model m : state.models()) {
      RegisteredModel view = state.view(m);
      List<ModelVersion> versions = state.versionViews(m);
      models.add(view);
      byName.put(m.name, new Entry(view, versions));
      all.addAll(versions);
    }
    models.sort(Comparator.comparing(RegisteredModel::name));
    return new RegistrySnapshot(state.position(), List.copyOf(models), byName, List.copyOf(all));
  }

  /** How many registry events this snapshot has folded: it changes whenever the registry does. */
  public long position() {
    return position;
  }

  /** Every registered model, by name. */
  public List<RegisteredModel> models() {
    return models;
  }

  public Optional<RegisteredModel> model(String name) {
    Entry e = byName.get(name);
    return e == null ? Optional.empty() : Optional.of(e.model());
  }

  /** The model's live versions, oldest first; empty if there is no such model. */
  public List<ModelVersion> versions(String name) {
    Entry e = byName.get(name);
    return e == null ? List.of() : e.versions();
  }

  /** Every live version of every model, grouped by model. */
  public List<ModelVersion> allVersions() {
    return allVersions;
  }

  public Optional<ModelVersion> version(String name, int version) {
    for (ModelVersion v : versions(name)) {
      if (v.version() == version) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** The version an alias of the model points to (not {@code latest}: see {@link ModelRegistry#getModelVersionByAlias}). */
  public Optional<ModelVersion> versionByAlias(String name, String alias) {
    Entry e = byName.get(name);
    Integer v = e == null ? null : e.model().aliases().get(alias);
    return v == null ? Optional.empty() : version(name, v);
  }
}
