package io.tracklog.compact;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tiered merging, as Lucene merges segments: a segment's tier is {@code floor(log_F(runs))}; when
 * {@code F} segments of one experiment share a tier they merge into one of the next tier. So an
 * experiment with {@code n} compacted runs has at most {@code (F - 1) * (log_F(n) + 1)} segments.
 */
public record MergePolicy(int factor) {
  public static final MergePolicy DEFAULT = new MergePolicy(10);

  public MergePolicy {
    if (factor < 2) {
      throw new IllegalArgumentException("Invalid merge factor " + factor + ": must be at least 2");
    }
  }

  int tier(Manifest.Segment segment) {
    int runs = Math.max(1, segment.runs().size());
    int tier = 0;
    for (long size = factor; size <= runs; size *= factor) {
      tier++;
    }
    return tier;
  }

  /** Groups of one experiment's segments to merge, lowest tier first; empty if none is due. */
  List<List<Manifest.Segment>> merges(List<Manifest.Segment> segmentsOfOneExperiment) {
    Map<Integer, List<Manifest.Segment>> byTier = new TreeMap<>();
    for (Manifest.Segment s : segmentsOfOneExperiment) {
      byTier.computeIfAbsent(tier(s), t -> new ArrayList<>()).add(s);
    }
    List<List<Manifest.Segment>> merges = new ArrayList<>();
    for (List<Manifest.Segment> tier : byTier.values()) {
      if (tier.size() >= factor) {
        merges.add(tier);
      }
    }
    return merges;
  }
}
