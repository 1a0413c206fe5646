package io.tracklog;

import io.tracklog.internal.FileOps;
import io.tracklog.log.ChronicleEventLog;
import java.nio.file.Path;

/**
 * Where each file of a store lives (docs/FORMAT.md §Layout); which log excerpts its readers accept
 * (a store created before format 4 has unchecked ones from then, §Checked frames); and the {@link
 * FileOps} through which the store writes its files (tests inject a failing one).
 */
record StoreLayout(Path root, ChronicleEventLog.Frames frames, FileOps ops) {
  /** The layout of a store created at format 4 or later, writing through the default file operations. */
  StoreLayout(Path root) {
    this(root, ChronicleEventLog.Frames.CHECKED, FileOps.DEFAULT);
  }

  Path storeJson() {
    return root.resolve("store.json");
  }

  /** The event logs of a store of format 2: the catalog and the writer lanes. */
  Path logsDir() {
    return root.resolve("logs");
  }

  Path catalogDir() {
    return logsDir().resolve("catalog");
  }

  /** How many events the catalog log holds, as its writers publish it ({@link CatalogHead}). */
  Path catalogHead() {
    return logsDir().resolve("catalog.head");
  }

  /**
   * The model registry's log as a store of format 6 made it, a Chronicle queue, which such a store
   * keeps (docs/FORMAT.md §Model registry log); since format 7 the log is {@link #registryFile()}.
   */
  Path registryDir() {
    return logsDir().resolve("registry");
  }

  /** The model registry's log since format 7, one plain file; absent until the first registry write. */
  Path registryFile() {
    return logsDir().resolve("registry.log");
  }

  /** Cross-process lock for the registry's check-then-append. */
  Path registryLock() {
    return logsDir().resolve("registry.lock");
  }

  /** Where a store of format 1 kept its catalog (read by the upgrade only). */
  Path legacyCatalogDir() {
    return root.resolve("catalog");
  }

  Path laneDir(int lane) {
    return logsDir().resolve("lane-" + io.tracklog.format.FileNames.zeroPadded(lane, 3));
  }

  Path laneLock(int lane) {
    return logsDir().resolve("lane-" + io.tracklog.format.FileNames.zeroPadded(lane, 3) + ".lock");
  }

  /** Byte-range locks for runs' check-then-act (params, tags, status), striped by run id. */
  Path runStateLocks() {
    return logsDir().resolve("run-state.lock");
  }

  /** The catalog checkpoint's parts (docs/FORMAT.md §Catalog checkpoint). */
  Path catalogCheckpoints() {
    return root.resolve("catalog-checkpoint");
  }

  /** The one-file checkpoint of catalog checkpoint version 2: no longer read, removed by the next checkpoint. */
  Path legacyCatalogCheckpoint() {
    return root.resolve("catalog.checkpoint");
  }

  Path catalogLock() {
    return root.resolve("catalog.lock");
  }

  Path runsDir() {
    return root.resolve("runs");
  }

  Path runDir(String runId) {
    return runsDir().resolve(runId);
  }

  /** A run's own log in a store of format 1 (read by the upgrade only). */
  Path legacyRunEvents(String runId) {
    return runDir(runId).resolve("events");
  }

  /** The files of MLflow 3's logged models: {@code logged-models/<model_id>/artifacts/}. */
  Path loggedModelsDir() {
    return root.resolve("logged-models");
  }

  Path runArtifacts(String runId) {
    return runDir(runId).resolve("artifacts");
  }
}
