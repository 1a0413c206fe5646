package io.tracklog.reader;

import io.tracklog.ArtifactInfo;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.log.EventReader;
import io.tracklog.registry.RegistryChange;
import io.tracklog.registry.RegistrySnapshot;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link StoreReader} reads from: a store ({@link StoreSource}) or an archive's files
 * ({@link ArchiveSource}). The reader's compacted-file code reads files below {@link #root()}.
 */
interface ReadSource extends AutoCloseable {
  Path root();

  String storeId();

  CatalogSnapshot catalogSnapshot();

  /** A run's log from its first event. */
  EventReader openRunLog(String runId);

  RegistrySnapshot registry();

  List<RegistryChange> modelHistory(String name);

  List<ArtifactInfo> listArtifacts(String runId, String path);

  InputStream openArtifact(String runId, String path);

  /** Makes the compacted file at {@code path} (relative to {@link #root()}) readable; archives extract it. */
  default void prepare(String path) {}

  /** The store's own checks ({@code Store.verify}); an archive has no logs to check against. */
  io.tracklog.VerifyReport verify();

  @Override
  void close();
}
