package io.tracklog.format;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The runs a chain of checkpoint parts restored, read in place: by ordinal (each part holds a
 * contiguous range), by id (a binary search per part, newest first) and per experiment (a list of
 * ordinals, gathered on first use). Immutable and shared by every snapshot of the catalog that
 * restored it; thread-safe.
 */
final class RestoredRuns {
  static final RestoredRuns NONE = new RestoredRuns(List.of());

  private final CatalogCheckpoint[] parts;
  private final int[] firstOrdinals;
  private final int size;
  private final Map<String, Integer> countByExperiment;
  private final List<CatalogSnapshot.RunEntry> list = new Entries();
  private final Map<String, List<String>> idsByExperiment = new HashMap<>(); // guarded by itself

  /** {@code chain}: parts that follow one another from the catalog's start (checked by the caller). */
  RestoredRuns(List<CatalogCheckpoint> chain) {
    this.parts = chain.toArray(new CatalogCheckpoint[0]);
    this.firstOrdinals = new int[parts.length];
    Map<String, Integer> counts = new LinkedHashMap<>();
    int n = 0;
    for (int p = 0; p < parts.length; p++) {
      firstOrdinals[p] = n;
      n += parts[p].runCount();
      CatalogCheckpoint part = parts[p];
      part.runsPerExperiment().forEach((e, c) -> counts.merge(part.experiments().get(e).experimentId(), c, Integer::sum));
    }
    this.size = n;
    this.countByExperiment = counts;
  }

  int size() {
    return size;
  }

  /** Every restored run by ordinal: an immutable list whose entries are built when read. */
  List<CatalogSnapshot.RunEntry> list() {
    return list;
  }

  /** Ids of the experiments that have restored runs, with how many. */
  Map<String, Integer> countByExperiment() {
    return countByExperiment;
  }

  CatalogSnapshot.RunEntry get(int ordinal) {
    int lo = 0;
    int hi = parts.length - 1;
    while (lo < hi) { // the last part whose first ordinal is ≤ ordinal
      int mid = (lo + hi + 1) >>> 1;
      if (firstOrdinals[mid] <= ordinal) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return parts[lo].run(ordinal - firstOrdinals[lo]);
  }

  /** The restored run with this id, or null. */
  CatalogSnapshot.RunEntry find(String runId) {
    if (size == 0) {
      return null;
    }
    byte[] key = runId.getBytes(StandardCharsets.UTF_8);
    for (int p = parts.length - 1; p >= 0; p--) {
      CatalogSnapshot.RunEntry e = parts[p].find(key);
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  /** The restored runs of an experiment, in registration order: an immutable list. */
  List<String> runIds(String experimentId) {
    synchronized (idsByExperiment) {
      return idsByExperiment.computeIfAbsent(experimentId, id -> new IdsOf(id, countByExperiment.getOrDefault(id, 0)));
    }
  }

  private final class Entries extends AbstractList<CatalogSnapshot.RunEntry> implements RandomAccess {
    @Override
    public CatalogSnapshot.RunEntry get(int index) {
      java.util.Objects.checkIndex(index, size);
      return RestoredRuns.this.get(index);
    }

    @Override
    public int size() {
      return size;
    }
  }

  /** One experiment's restored run ids; which ordinals they are is gathered on first read. */
  private final class IdsOf extends AbstractList<String> implements RandomAccess {
    private final String experimentId;
    private final int count;
    private volatile int[] ordinals;

    IdsOf(String experimentId, int count) {
      this.experimentId = experimentId;
      this.count = count;
    }

    @Override
    public String get(int index) {
      java.util.Objects.checkIndex(index, count);
      return RestoredRuns.this.get(ordinals()[index]).runId();
    }

    @Override
    public int size() {
      return count;
    }

    private int[] ordinals() {
      int[] o = ordinals;
      if (o == null) {
        o = new int[count];
        int filled = 0;
        for (int p = 0; p < parts.length; p++) {
          CatalogCheckpoint part = parts[p];
          int want = -1;
          for (int e = 0; e < part.experiments().size(); e++) {
            if (part.experiments().get(e).experimentId().equals(experimentId)) {
              want = e;
            }
          }
          if (want < 0 || !part.runsPerExperiment().containsKey(want)) {
            continue;
          }
          for (int i = 0; i < part.runCount(); i++) {
            if (part.experimentIndex(i) == want) {
              if (filled == count) {
                throw new DecodeException("catalog checkpoint has more runs of experiment " + experimentId + " than it counts");
              }
              o[filled++] = firstOrdinals[p] + i;
            }
          }
        }
        if (filled != count) {
          throw new DecodeException("catalog checkpoint has fewer runs of experiment " + experimentId + " than it counts");
        }
        ordinals = o;
      }
      return o;
    }
  }
}
