package io.tracklog.model;

/**
 * What resolving a {@code models:/} URI asks of a model registry (MLflow's
 * mlflow/store/artifact/utils/models.py, {@code _get_model_version_from_stage}, {@code
 * get_model_version_by_alias}, {@code get_model_version_download_uri}). The registry implements it;
 * {@link #NONE} stands in until one is wired to {@link Models#load}.
 */
interface RegistryLookup {
  /** The download URI of a version: its {@code storage_location}, else its {@code source}. */
  String sourceOf(String name, String version);

  /** The version an alias points at; unknown alias: the registry's INVALID_PARAMETER_VALUE. */
  String versionOf(String name, String alias);

  /** The highest version in {@code stage} (canonical spelling), or across all stages for null; null if none. */
  String latestVersion(String name, String stage);

  /** No registry: every lookup fails. */
  RegistryLookup NONE = new RegistryLookup() {
    @Override
    public String sourceOf(String name, String version) {
      throw unavailable();
    }

    @Override
    public String versionOf(String name, String alias) {
      throw unavailable();
    }

    @Override
    public String latestVersion(String name, String stage) {
      throw unavailable();
    }

    private UnsupportedOperationException unavailable() {
      return new UnsupportedOperationException("Cannot resolve a models:/ URI: this store has no model registry yet");
    }
  };
}
