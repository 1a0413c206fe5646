package io.tracklog;

import io.tracklog.error.InvalidStateException;
import io.tracklog.error.StorageException;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogEvent;
import io.tracklog.format.EventCodec;
import io.tracklog.format.RunEvent;
import io.tracklog.internal.FileOps;
import io.tracklog.log.ChronicleEventLog;
import io.tracklog.log.EventReader;
import io.tracklog.log.ProcessLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Converts a store of format 1 (a Chronicle queue per run) to format 2 (writer lanes), in place and
 * crash-safely: {@code tracklog upgrade --root R}. Every catalog event is copied in order and every
 * run's events are copied verbatim into a lane; artifacts stay where they are; the Arrow files are
 * then rebuilt from the new logs.
 *
 * <p>The new logs are written aside ({@code .upgrade/}) and moved into place; rewriting
 * {@code store.json} is the commit point. Before it, the store is still a whole store of format 1
 * (its derived files, manifests and Arrow files, are removed first: format 1 rebuilds them); after it,
 * a whole store of format 2 with leftovers of format 1 that nothing reads. Running the upgrade again
 * after a crash at any point finishes the job. Stop every writer first: the upgrade refuses a store
 * with a run that has a writer.
 */
public final class StoreUpgrade {
  private StoreUpgrade() {}

  /** What an upgrade did. */
  public record Result(int fromVersion, int experiments, int runs, boolean alreadyCurrent) {}

  /**
   * Upgrades the store at {@code root} to the current format; a store already current only has
   * leftovers of an interrupted upgrade removed.
   *
   * @throws InvalidStateException if a run of the store has a writer (in any process)
   * @throws io.tracklog.error.CorruptFileException if {@code store.json} is not a store file
   */
  public static Result upgrade(Path root) {
    Objects.requireNonNull(root, "root");
    StoreLayout layout = new StoreLayout(root.toAbsolutePath().normalize());
    Path json = layout.storeJson();
    if (!Files.isRegularFile(json)) {
      throw new IllegalArgumentException("Cannot upgrade " + root + ": no Tracklog store there");
    }
    int version = StoreMetadata.readVersion(json);
    if (version >= StoreMetadata.MIN_SUPPORTED_VERSION && version <= StoreMetadata.CURRENT_VERSION) {
      StoreMetadata.read(json); // checks the file
      removeFormat1Leftovers(layout);
      if (version == StoreMetadata.CURRENT_VERSION) {
        return new Result(version, 0, 0, true);
      }
      try (Store store = Store.open(root)) { // format 2 becomes 3 as it opens: it gains a catalog head
        return new Result(version, store.experiments().size(), store.catalogSnapshot().runCount(), false);
      }
    }
    if (version != 1) {
      StoreMetadata.read(json); // throws the typed error for what it is
    }
    return ProcessLock.withLock(layout.catalogLock(), () -> convert(layout));
  }

  private static Result convert(StoreLayout layout) {
    Path root = layout.root();
    StoreMetadata old = StoreMetadata.readAnyVersion(layout.storeJson());
    Path aside = root.resolve(".upgrade");
    deleteTree(aside);
    deleteTree(layout.logsDir());
    // Derived files of format 1: format 1 rebuilds them, format 2 must not read them.
    removeDerived(root);

    int experiments = 0;
    int runs = 0;
    StoreMetadata next = StoreMetadata.create(old.storeId(), old.createdAt());
    try (Store target = Store.openBare(aside, next);
        ChronicleEventLog catalog = ChronicleEventLog.open(layout.legacyCatalogDir(), ChronicleEventLog.Frames.UNCHECKED_TOO);
        EventReader events = catalog.openReader()) {
      for (ByteSource src = events.next(); src != null; src = events.next()) {
        CatalogEvent e = events.decode(src, EventCodec::decodeCatalogEvent);
        if (e instanceof CatalogEvent.RunRegistered r) {
          requireNoWriter(layout, r.runId());
          target.importer().importRunEvents(r.runId(), r.experimentId(), legacyEvents(layout, r.runId()));
          runs++;
        } else if (e instanceof CatalogEvent.RunReopened) {
          continue; // the run's whole log was copied where it was registered
        } else {
          if (e instanceof CatalogEvent.ExperimentCreated) {
            experiments++;
          }
          target.importer().importCatalogEvent(e);
        }
      }
      target.sync();
    }
    try {
      FileOps.DEFAULT.move(aside.resolve("logs"), layout.logsDir());
      FileOps.DEFAULT.forceDirectory(root);
    } catch (IOException e) {
      throw StorageException.writing("the upgraded logs into", layout.logsDir(), e);
    }
    next.write(layout.storeJson()); // the commit point
    removeFormat1Leftovers(layout);
    try (Store store = Store.open(root)) {
      store.rebuild();
    }
    return new Result(1, experiments, runs, false);
  }

  private static List<RunEvent> legacyEvents(StoreLayout layout, String runId) {
    Path dir = layout.legacyRunEvents(runId);
    List<RunEvent> out = new ArrayList<>();
    if (!ChronicleEventLog.exists(dir)) {
      throw new io.tracklog.error.CorruptFileException(dir, "run " + runId + " is registered but has no log");
    }
    try (ChronicleEventLog log = ChronicleEventLog.open(dir, ChronicleEventLog.Frames.UNCHECKED_TOO);
        EventReader reader = log.openReader()) {
      for (ByteSource src = reader.next(); src != null; src = reader.next()) {
        out.add(reader.decode(src, EventCodec::decodeRunEvent));
      }
    }
    return out;
  }

  /** A format-1 writer holds {@code runs/<id>/writer.lock} shared while it may append. */
  private static void requireNoWriter(StoreLayout layout, String runId) {
    Path lock = layout.runDir(runId).resolve("writer.lock");
    if (!Files.exists(lock)) {
      return;
    }
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        throw new InvalidStateException(
            "Cannot upgrade: run " + runId + " has a writer in another process; stop it and run the upgrade again");
      }
      l.release();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check " + lock, e);
    }
  }

  private static void removeDerived(Path root) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(root, "manifest-*")) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove manifests of " + root, e);
    }
    deleteTree(root.resolve("compacted"));
    try {
      Files.deleteIfExists(root.resolve("catalog.checkpoint"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything of format 1 that format 2 does not use; artifacts stay. */
  private static void removeFormat1Leftovers(StoreLayout layout) {
    Path root = layout.root();
    SharedLogs.closeIdle(root);
    deleteTree(root.resolve(".upgrade"));
    deleteTree(layout.legacyCatalogDir());
    deleteTree(root.resolve("catalog-blobs"));
    Path runsDir = layout.runsDir();
    if (!Files.isDirectory(runsDir)) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runsDir)) {
      for (Path dir : dirs) {
        deleteTree(dir.resolve("events"));
        deleteTree(dir.resolve("events-blobs"));
        Files.deleteIfExists(dir.resolve("writer.lock"));
        Files.deleteIfExists(dir.resolve("state.lock"));
        try (Stream<Path> left = Files.list(dir)) {
          if (left.findAny().isEmpty()) {
            Files.delete(dir);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove the format-1 logs of " + root, e);
    }
  }

  private static void deleteTree(Path dir) {
    Store.deleteTree(dir);
  }
}
