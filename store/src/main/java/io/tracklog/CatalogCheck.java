package io.tracklog;

import io.tracklog.VerifyReport.Kind;
import io.tracklog.VerifyReport.Problem;
import io.tracklog.error.CorruptFileException;
import io.tracklog.format.ByteSource;
import io.tracklog.format.CatalogCheckpoint;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.CatalogState;
import io.tracklog.format.EventCodec;
import io.tracklog.log.ChronicleEventLog;
import io.tracklog.log.EventReader;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The catalog part of {@link Store#verify()}: the catalog log decodes from its first event (an open
 * that restored a checkpoint replays only its tail, so nothing else reads the rest), and the
 * checkpoint's parts decode, belong to the store, follow one another, anchor on the log's event and
 * restore exactly the catalog that replaying the log up to that event gives (docs/FORMAT.md §Catalog
 * checkpoint). A store ignores a part that fails and replays the log instead, so such a part costs
 * opening time, not answers; verify reports it.
 */
final class CatalogCheck {
  private final StoreLayout layout;
  private final String storeId;
  private final List<Problem> problems;

  CatalogCheck(StoreLayout layout, String storeId, List<Problem> problems) {
    this.layout = layout;
    this.storeId = storeId;
    this.problems = problems;
  }

  /** Checks the log's first {@code upTo} events (at least as many as the checkpoint covers) and the checkpoint. */
  void check(long upTo) {
    List<CheckpointParts.Part> chain = CheckpointParts.chain(CheckpointParts.list(layout.catalogCheckpoints()));
    List<CatalogCheckpoint> parts = decodeParts(chain);
    CatalogState restored = null;
    Path lastPart = parts.isEmpty() ? null : chain.get(parts.size() - 1).file();
    if (!parts.isEmpty()) {
      try {
        restored = new CatalogState();
        restored.restore(parts);
      } catch (RuntimeException e) {
        problems.add(new Problem(Kind.CHECKPOINT, lastPart, Problem.UNKNOWN_POSITION, "parts do not restore: " + e.getMessage()));
        restored = null;
      }
    }
    CatalogCheckpoint.Anchor anchor = restored == null ? null : parts.get(parts.size() - 1).anchor();
    long target = Math.max(upTo, anchor == null ? 0 : anchor.position());
    CatalogState replayed = new CatalogState();
    Path dir = layout.catalogDir();
    long at = 0;
    long headBefore = headPosition();
    try (SharedLogs.Lease lease = SharedLogs.acquire(layout, dir, ChronicleEventLog.Volume.LOW);
        EventReader log = lease.log().openReader()) {
      for (; at < target; at++) {
        ByteSource src = log.next();
        if (src == null) {
          break;
        }
        if (anchor != null && at == anchor.position() - 1 && (!anchor.matches(src) || log.lastToken() != anchor.logToken())) {
          problems.add(new Problem(Kind.CHECKPOINT, lastPart, Problem.UNKNOWN_POSITION,
              "its last event is not the catalog log's event " + at + " (another log, or the log changed)"));
          restored = null;
        }
        replayed.apply(log.decode(src, EventCodec::decodeCatalogEvent));
        if (restored != null && at + 1 == anchor.position()) {
          String diff = difference(restored.snapshot(), restored.idsByName(), replayed.snapshot(), replayed.idsByName());
          if (diff != null) {
            problems.add(new Problem(Kind.CHECKPOINT, lastPart, Problem.UNKNOWN_POSITION,
                "restores another catalog than the log's first " + anchor.position() + " events: " + diff));
          }
          restored = null;
        }
      }
    } catch (CorruptFileException e) {
      problems.add(new Problem(Kind.LOG, e.path(), at, "catalog event " + at + ": " + e.detail()));
      return;
    } catch (RuntimeException e) { // DecodeException, UnsupportedFormatException, or Chronicle's own
      problems.add(new Problem(Kind.LOG, dir, at, "catalog event " + at + " does not decode: " + e));
      return;
    }
    if (restored != null) {
      problems.add(new Problem(Kind.CHECKPOINT, lastPart, Problem.UNKNOWN_POSITION,
          "covers " + anchor.position() + " catalog events, the log holds " + at));
    }
    checkHead(headBefore);
  }

  /** The head's published position, or {@link CatalogHead#UNKNOWN} (pending, damaged or absent). */
  private long headPosition() {
    try (CatalogHead head = CatalogHead.openIfExists(layout.catalogHead())) {
      return head == null ? CatalogHead.UNKNOWN : head.position();
    } catch (RuntimeException e) {
      return CatalogHead.UNKNOWN;
    }
  }

  /**
   * The head against the log's length: a head that claims more events than the log held when it was
   * read, or fewer than the log holds now (a writer marks the head before it appends), would make
   * readers answer from a wrong catalog. A pending or missing head is no problem: readers read the
   * log, and the next writer repairs it.
   */
  private void checkHead(long before) {
    long length;
    try (SharedLogs.Lease lease = SharedLogs.acquire(layout, layout.catalogDir(), ChronicleEventLog.Volume.LOW);
        EventReader log = lease.log().openReader()) {
      length = 0;
      while (log.next() != null) {
        length++;
      }
    } catch (RuntimeException e) {
      return; // reported above, where the log stopped decoding
    }
    long after = headPosition();
    if (before != CatalogHead.UNKNOWN && before > length) {
      problems.add(new Problem(Kind.LOG, layout.catalogHead(), Problem.UNKNOWN_POSITION,
          "says the catalog log holds " + before + " events; it holds " + length));
    } else if (after != CatalogHead.UNKNOWN && after < length) {
      problems.add(new Problem(Kind.LOG, layout.catalogHead(), Problem.UNKNOWN_POSITION,
          "says the catalog log holds " + after + " events; it holds " + length + " (readers would miss the rest)"));
    }
  }

  /** The chain's parts that decode, from the first, up to the first that does not (reported). */
  private List<CatalogCheckpoint> decodeParts(List<CheckpointParts.Part> chain) {
    List<CatalogCheckpoint> parts = new ArrayList<>();
    for (CheckpointParts.Part p : chain) {
      try {
        CatalogCheckpoint part = CheckpointParts.read(p);
        if (!part.storeId().equals(storeId)) {
          problems.add(new Problem(Kind.CHECKPOINT, p.file(), Problem.UNKNOWN_POSITION,
              "belongs to store " + part.storeId() + ", not " + storeId));
          break;
        }
        parts.add(part);
      } catch (NoSuchFileException e) {
        break; // replaced by a newer part meanwhile: not damage
      } catch (IOException | RuntimeException e) {
        problems.add(new Problem(Kind.CHECKPOINT, p.file(), Problem.UNKNOWN_POSITION, "does not decode: " + e.getMessage()));
        break;
      }
    }
    return parts;
  }

  /** The first way two catalogs at one position differ, or null if they answer alike. */
  static String difference(CatalogSnapshot a, java.util.Map<String, String> namesA, CatalogSnapshot b, java.util.Map<String, String> namesB) {
    if (a.position() != b.position()) {
      return "position " + a.position() + " against " + b.position();
    }
    if (!List.copyOf(a.experiments().values()).equals(List.copyOf(b.experiments().values()))) {
      return "experiments " + a.experiments().values() + " against " + b.experiments().values();
    }
    if (!namesA.equals(namesB)) {
      return "experiment names " + namesA + " against " + namesB;
    }
    if (a.runCount() != b.runCount()) {
      return a.runCount() + " runs against " + b.runCount();
    }
    for (int i = 0; i < a.runCount(); i++) {
      if (!a.runs().get(i).equals(b.runs().get(i))) {
        return "run " + i + ": " + a.runs().get(i) + " against " + b.runs().get(i);
      }
    }
    if (!a.runsByExperiment().equals(b.runsByExperiment())) {
      return "the runs of each experiment";
    }
    if (!a.purgedRuns().equals(b.purgedRuns()) || a.lastPurge() != b.lastPurge()) {
      return "purged runs " + a.purgedRuns().size() + " against " + b.purgedRuns().size();
    }
    if (!List.copyOf(a.purgedExperiments()).equals(List.copyOf(b.purgedExperiments()))) {
      return "purged experiments " + a.purgedExperiments() + " against " + b.purgedExperiments();
    }
    if (!Objects.equals(a.reopenings(), b.reopenings())) {
      return "reopened runs " + a.reopenings().size() + " against " + b.reopenings().size();
    }
    return null;
  }
}
