package io.tracklog.reader;

import io.tracklog.compact.Manifest;
import io.tracklog.error.CorruptFileException;
import io.tracklog.format.CatalogSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed manifest and what snapshots ask of it, resolved lazily: manifests never change once
 * published, so one is parsed once per generation per reader and shared by its snapshots.
 *
 * <p>Opening a store should not cost anything per compacted run: a manifest of format 3 lists only
 * segments (each segment's run count and unsealed runs, not its runs), a run's segment is found among
 * the few segments of its experiment (each loads its run index file on first use, then answers by
 * binary search), and the store-wide run → segment map is only built for bulk questions that need
 * it. A segment whose runs cannot be read (its run index and runs file both fail their checks)
 * holds no run as far as this index is concerned: its runs are read from their logs. Thread-safe.
 */
final class ManifestIndex {
  private final Manifest manifest;
  private final Fallbacks fallbacks;
  private final Map<String, List<Manifest.Segment>> byExperiment;
  private final List<String> unsealed;
  private final long compactedRuns;
  private volatile Map<String, Manifest.Segment> byRun; // built on first bulk use
  private volatile List<String> uncompactedBefore; // see uncompactedBefore()

  ManifestIndex(Manifest manifest) {
    this(manifest, new Fallbacks());
  }

  /** @param fallbacks where segments whose runs cannot be read are noted */
  ManifestIndex(Manifest manifest, Fallbacks fallbacks) {
    this.manifest = manifest;
    this.fallbacks = fallbacks;
    Map<String, List<Manifest.Segment>> groups = new LinkedHashMap<>();
    List<String> open = new ArrayList<>();
    long runs = 0;
    for (Manifest.Segment s : manifest.segments()) {
      groups.computeIfAbsent(s.experimentId(), k -> new ArrayList<>()).add(s);
      open.addAll(s.runs().unsealed());
      runs += s.runs().size();
    }
    groups.replaceAll((k, v) -> List.copyOf(v));
    this.byExperiment = Collections.unmodifiableMap(groups);
    this.unsealed = List.copyOf(open);
    this.compactedRuns = runs;
  }

  Manifest manifest() {
    return manifest;
  }

  long generation() {
    return manifest.generation();
  }

  /** The segments of an experiment, in manifest order. */
  List<Manifest.Segment> segments(String experimentId) {
    return byExperiment.getOrDefault(experimentId, List.of());
  }

  /** Runs of the manifest that were not sealed when compacted. */
  List<String> unsealed() {
    return unsealed;
  }

  /** How many runs the manifest's segments hold (each run is in exactly one). */
  long compactedRuns() {
    return compactedRuns;
  }

  /**
   * The segment holding a run of {@code experimentId} (the run's experiment in the catalog, which
   * is the experiment of its segment), or null.
   */
  Manifest.Segment segmentOf(String runId, String experimentId) {
    Map<String, Manifest.Segment> all = byRun;
    if (all != null) {
      return all.get(runId);
    }
    if (experimentId == null) {
      return null;
    }
    for (Manifest.Segment s : segments(experimentId)) {
      if (holds(s, runId)) {
        return s;
      }
    }
    return null;
  }

  /** Whether {@code segment} holds the run; false if its runs cannot be read. */
  private boolean holds(Manifest.Segment segment, String runId) {
    try {
      return segment.runs().containsKey(runId);
    } catch (CorruptFileException e) {
      fallbacks.note(e, Fallback.Source.LOGS);
      return false; // its runs are answered from their logs
    }
  }

  /**
   * Run id → segment for every compacted run of the segments whose runs can be read, built on first
   * use; loads every segment's run index.
   */
  Map<String, Manifest.Segment> byRun() {
    Map<String, Manifest.Segment> all = byRun;
    if (all == null) {
      Map<String, Manifest.Segment> map = new HashMap<>();
      for (Manifest.Segment s : manifest.segments()) {
        try {
          for (String runId : s.runs().keySet()) {
            map.put(runId, s);
          }
        } catch (CorruptFileException e) {
          fallbacks.note(e, Fallback.Source.LOGS); // its runs are answered from their logs
        }
      }
      all = Collections.unmodifiableMap(map);
      byRun = all;
    }
    return all;
  }

  /**
   * Runs registered before the manifest's catalog position that no segment holds (started but not
   * compacted yet, or left out of a partial compaction), in registration order. Fixed for a manifest,
   * so computed once: for free when the counts say the manifest holds all of them.
   *
   * @param catalog a catalog at least as new as the manifest (every run of the manifest is in it)
   * @param compactedSince how many runs of the manifest {@code catalog} registered at or after the
   *     manifest's catalog position
   */
  List<String> uncompactedBefore(CatalogSnapshot catalog, long compactedSince) {
    List<String> cached = uncompactedBefore;
    if (cached != null) {
      return cached;
    }
    int before = catalog.runCountBefore(manifest.catalogPosition());
    List<String> out;
    // The manifest's runs are all in the catalog (the compactor took them from it), each once: if
    // as many of them were registered before the position as the catalog has, it holds them all.
    // Runs purged since (tracklog gc) are not counted; a manifest that may still hold some does
    // not take the shortcut.
    boolean mayHoldPurged = catalog.lastPurge() >= manifest.catalogPosition();
    if (!mayHoldPurged && compactedRuns - compactedSince == catalog.unpurgedRunCountBefore(manifest.catalogPosition())) {
      out = List.of();
    } else {
      Map<String, Manifest.Segment> all = byRun();
      List<String> missing = new ArrayList<>();
      for (CatalogSnapshot.RunEntry e : catalog.runs().subList(0, before)) {
        if (!all.containsKey(e.runId()) && !catalog.isPurged(e.runId())) {
          missing.add(e.runId());
        }
      }
      out = List.copyOf(missing);
    }
    uncompactedBefore = out;
    return out;
  }

  /** For tests: whether the store-wide run map was built. */
  boolean builtRunMap() {
    return byRun != null;
  }
}
