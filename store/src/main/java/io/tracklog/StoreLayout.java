package io.tracklog;

import java.nio.file.Path;

/** Where each file of a store lives (docs/FORMAT.md §Layout). */
record StoreLayout(Path root) {
  Path storeJson() {
    return root.resolve("store.json");
  }

  Path catalogDir() {
    return root.resolve("catalog");
  }

  Path catalogCheckpoint() {
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

  Path runEvents(String runId) {
    return runDir(runId).resolve("events");
  }

  Path runWriterLock(String runId) {
    return runDir(runId).resolve("writer.lock");
  }

  Path runStateLock(String runId) {
    return runDir(runId).resolve("state.lock");
  }

  Path runArtifacts(String runId) {
    return runDir(runId).resolve("artifacts");
  }
}
