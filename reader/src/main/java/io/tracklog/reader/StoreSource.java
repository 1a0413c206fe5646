package io.tracklog.reader;

import io.tracklog.ArtifactInfo;
import io.tracklog.Store;
import io.tracklog.VerifyReport;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.log.EventReader;
import io.tracklog.registry.RegistryChange;
import io.tracklog.registry.RegistrySnapshot;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/** A store as a {@link ReadSource}; closes the store only if it opened it. */
record StoreSource(Store store, boolean ownsStore) implements ReadSource {
  @Override
  public Path root() {
    return store.root();
  }

  @Override
  public String storeId() {
    return store.storeId();
  }

  @Override
  public CatalogSnapshot catalogSnapshot() {
    return store.catalogSnapshot();
  }

  @Override
  public EventReader openRunLog(String runId) {
    return store.openRunLog(runId);
  }

  @Override
  public RegistrySnapshot registry() {
    return store.registry().snapshot();
  }

  @Override
  public List<RegistryChange> modelHistory(String name) {
    return store.registry().history(name);
  }

  @Override
  public List<ArtifactInfo> listArtifacts(String runId, String path) {
    return store.listArtifacts(runId, path);
  }

  @Override
  public InputStream openArtifact(String runId, String path) {
    return store.openArtifact(runId, path);
  }

  @Override
  public VerifyReport verify() {
    return store.verify();
  }

  @Override
  public void close() {
    if (ownsStore) {
      store.close();
    }
  }
}
