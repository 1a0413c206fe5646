package io.tracklog.model;

import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelVersion;

/** {@link RegistryLookup} over a store's {@link ModelRegistry}: how {@code models:/} URIs resolve. */
final class RegistryModels implements RegistryLookup {
  private final ModelRegistry registry;

  RegistryModels(ModelRegistry registry) {
    this.registry = registry;
  }

  @Override
  public String sourceOf(String name, String version) {
    return registry.getModelVersionDownloadUri(name, ModelRegistry.parseVersion(version));
  }

  @Override
  public String versionOf(String name, String alias) {
    return Integer.toString(registry.getModelVersionByAlias(name, alias).version());
  }

  /** MLflow's {@code latest}: the highest of the latest versions of every stage. */
  @Override
  public String latestVersion(String name, String stage) {
    int best = -1;
    for (ModelVersion v : registry.getLatestVersions(name, stage == null ? null : java.util.List.of(stage))) {
      best = Math.max(best, v.version());
    }
    return best < 0 ? null : Integer.toString(best);
  }
}
