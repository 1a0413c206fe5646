package io.tracklog.reader;

import io.tracklog.Experiment;
import io.tracklog.Metric;
import io.tracklog.Run;
import io.tracklog.compact.Manifest;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.ExperimentNotFoundException;
import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.RunNotFoundException;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.format.Validation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One consistent, point-in-time view of a store: one manifest generation, the catalog at one
 * position, and the log tail of every run that was live then. Every answer comes from that view,
 * however much is written meanwhile; {@link StoreReader#refresh} gives the next one.
 *
 * <p>Immutable and thread-safe. Compacted runs are answered from Arrow files, live runs from their
 * compacted prefix plus the log tail read when the snapshot was taken.
 */
public final class Snapshot {
  private final StoreReader reader;
  private final Manifest manifest;
  private final ManifestIndex index;
  private final CatalogSnapshot catalog;
  private final Map<String, LiveRun.View> live;

  Snapshot(StoreReader reader, ManifestIndex index, CatalogSnapshot catalog, Map<String, LiveRun.View> live) {
    this.reader = reader;
    this.manifest = index.manifest();
    this.index = index;
    this.catalog = catalog;
    this.live = Map.copyOf(live);
  }

  /** The segment holding a run of this snapshot's catalog, or null. */
  private Manifest.Segment segmentOfRun(String runId) {
    return index.segmentOf(runId, catalog.experimentOfRun(runId));
  }

  /** The manifest generation this snapshot reads (0 before any compaction). */
  public long generation() {
    return manifest.generation();
  }

  /** The catalog position this snapshot reads. */
  public long catalogPosition() {
    return catalog.position();
  }

  Manifest manifest() {
    return manifest;
  }

  CatalogSnapshot catalog() {
    return catalog;
  }

  Map<String, LiveRun.View> live() {
    return live;
  }

  /** Run ids answered from log tails rather than only from Arrow files. */
  public List<String> liveRunIds() {
    return List.copyOf(live.keySet());
  }

  // ---- experiments -----------------------------------------------------------------------------

  /**
   * The experiment with this id, active or deleted.
   *
   * @throws ExperimentNotFoundException if there is none
   */
  public Experiment getExperiment(String experimentId) {
    Validation.experimentId(experimentId);
    Experiment e = catalog.experiment(experimentId);
    if (e == null) {
      throw ExperimentNotFoundException.withId(experimentId);
    }
    return e;
  }

  /** The experiment with this name in any lifecycle stage (MLflow searches all views), if any. */
  public Optional<Experiment> getExperimentByName(String name) {
    Objects.requireNonNull(name, "name");
    for (Experiment e : catalog.experiments().values()) {
      if (e.name().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Experiments in the view, in creation order. */
  public List<Experiment> listExperiments(ViewType view) {
    List<Experiment> list = new ArrayList<>();
    for (Experiment e : catalog.experiments().values()) {
      if (view.includes(e.lifecycleStage())) {
        list.add(e);
      }
    }
    return list;
  }

  // ---- runs ------------------------------------------------------------------------------------

  /** Every run of an experiment in this snapshot, any lifecycle stage, in creation order. */
  public List<String> runIds(String experimentId) {
    return catalog.runIds(experimentId);
  }

  /**
   * The run as of this snapshot: attributes, latest metrics, params, tags, inputs.
   *
   * @throws RunNotFoundException if the snapshot has no such run
   */
  public Run getRun(String runId) {
    requireRun(runId);
    LiveRun.View view = live.get(runId);
    if (view != null) {
      return view.run();
    }
    return reader.compactedRun(manifest, segmentOfRun(runId), runId);
  }

  /** The runs of an experiment in the view, in creation order. */
  public List<Run> runs(String experimentId, ViewType view) {
    List<Run> runs = new ArrayList<>();
    for (String runId : catalog.runIds(experimentId)) {
      Run run = listedRun(runId);
      if (view.includes(run.info().lifecycleStage())) {
        runs.add(run);
      }
    }
    return runs;
  }

  /** A run for a listing: compacted runs come from their whole segment, decoded once per reader. */
  private Run listedRun(String runId) {
    LiveRun.View view = live.get(runId);
    if (view != null) {
      return view.run();
    }
    Manifest.Segment segment = segmentOfRun(runId);
    if (segment == null) {
      return getRun(runId);
    }
    try {
      SegmentReader.CompactedRun run = reader.decodedSegment(segment).get(runId);
      if (run != null) {
        return run.run();
      }
    } catch (CorruptFileException e) {
      reader.fellBack(e); // answered from the log below
    }
    return reader.compactedRun(manifest, segment, runId);
  }

  private void requireRun(String runId) {
    Validation.runId(runId);
    if (!catalog.containsRun(runId)) {
      throw new RunNotFoundException(runId);
    }
  }

  // ---- search support (issue #4) ---------------------------------------------------------------

  /** The compacted segments of an experiment in this snapshot's manifest, for search. */
  public List<Manifest.Segment> segments(String experimentId) {
    return index.segments(experimentId);
  }

  /**
   * A segment's runs as search columns, built once per reader. A run of the segment that {@link
   * #isLive} has a newer state than its row.
   *
   * @throws CorruptFileException if the segment's runs or latest file fails its checks (answer
   *     those runs with {@link #getRun}, which falls back to the log)
   */
  public RunColumns columns(Manifest.Segment segment) {
    return reader.searchColumns(segment);
  }

  /**
   * The runs of a segment, for answering them one by one when its files fail: from its run index or
   * runs file, or if neither can be read, every run of its experiment that is in no segment whose
   * runs can be read (a superset: callers skip runs they answered otherwise).
   *
   * @param failure how the segment's files failed: the reader notes it ({@link StoreReader#fallbacks()})
   */
  public List<String> runIdsOf(Manifest.Segment segment, CorruptFileException failure) {
    reader.fellBack(failure);
    try {
      List<String> out = new ArrayList<>();
      for (String runId : segment.runs().keySet()) {
        if (!catalog.isPurged(runId)) {
          out.add(runId);
        }
      }
      return out;
    } catch (CorruptFileException e) {
      reader.fellBack(e);
      List<String> out = new ArrayList<>();
      for (String runId : catalog.runIds(segment.experimentId())) {
        if (index.segmentOf(runId, segment.experimentId()) == null) {
          out.add(runId);
        }
      }
      return out;
    }
  }

  /**
   * Whether this snapshot's manifest may still hold rows of runs its catalog purged (tracklog gc
   * committed the purge, and no compaction since rewrote their segments): searches then skip the
   * rows of {@link #purgedRunIds()}.
   */
  public boolean mayHoldPurged() {
    return catalog.lastPurge() >= manifest.catalogPosition();
  }

  /** The runs purged by tracklog gc as of this snapshot: unknown to every answer. */
  public java.util.Set<String> purgedRunIds() {
    return catalog.purgedRuns();
  }

  /** The segment holding a run's compacted row in this snapshot, or null. */
  public Manifest.Segment segmentOf(String runId) {
    return segmentOfRun(runId);
  }

  /** True if the run is answered from its log tail (its compacted row, if any, is superseded). */
  public boolean isLive(String runId) {
    return live.containsKey(runId);
  }

  /**
   * The runs of an experiment that no segment of this snapshot holds (live or never compacted), in
   * creation order.
   */
  public List<String> runIdsOutsideSegments(String experimentId) {
    List<String> all = catalog.runIds(experimentId);
    long inSegments = 0;
    for (Manifest.Segment s : index.segments(experimentId)) {
      inSegments += s.runs().size();
    }
    // A segment's runs are all in the catalog (the compactor read them from an older catalog),
    // unless tracklog gc purged some since.
    if (all.size() == inSegments && !mayHoldPurged()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    Map<String, Manifest.Segment> byRun = index.byRun();
    for (String runId : all) {
      if (!byRun.containsKey(runId)) {
        out.add(runId);
      }
    }
    return out;
  }

  // ---- metric history --------------------------------------------------------------------------

  /**
   * Every point logged for a metric, in append order, duplicates kept (MLflow FileStore semantics);
   * an unknown key gives an empty list.
   *
   * @throws RunNotFoundException if the snapshot has no such run
   */
  public List<Metric> metricHistory(String runId, String key) {
    requireRun(runId);
    Objects.requireNonNull(key, "key");
    Manifest.Segment segment = segmentOfRun(runId);
    LiveRun.View view = live.get(runId);
    MetricPoints points;
    if (view != null && (segment == null || view.fromStart())) {
      points = MetricPoints.empty(key);
    } else if (segment == null) {
      points = reader.logHistory(runId, key); // its segment's runs cannot be read (ManifestIndex)
    } else {
      points = reader.compactedHistory(manifest, segment, runId, key);
    }
    MetricPoints tail = view == null ? null : view.tails().get(key);
    return tail == null ? points : points.concat(tail);
  }

  /**
   * One page of a metric's history (MLflow's get_metric_history with max_results and page_token).
   *
   * @param maxResults page size, or null for everything from the token on
   * @throws InvalidParameterException if maxResults is below 1 or the token is invalid
   */
  public MetricHistoryPage metricHistory(String runId, String key, Integer maxResults, String pageToken) {
    if (maxResults != null && maxResults < 1) {
      throw new InvalidParameterException(
          "Invalid value " + maxResults + " for parameter 'max_results' supplied: it must be at least 1");
    }
    long offset = PageToken.decode(pageToken);
    List<Metric> all = metricHistory(runId, key);
    int from = (int) Math.min(offset, all.size());
    int to = maxResults == null ? all.size() : (int) Math.min((long) from + maxResults, all.size());
    String next = to < all.size() ? PageToken.encode(to) : null;
    return new MetricHistoryPage(all.subList(from, to), next);
  }

  /**
   * The histories of several metrics of several runs: run id → key → points in append order. Runs
   * or keys without points are absent.
   */
  public Map<String, Map<String, List<Metric>>> metricHistories(List<String> runIds, List<String> keys) {
    Map<String, Map<String, List<Metric>>> out = new LinkedHashMap<>();
    for (String runId : runIds) {
      for (String key : keys) {
        List<Metric> h = metricHistory(runId, key);
        if (!h.isEmpty()) {
          out.computeIfAbsent(runId, k -> new LinkedHashMap<>()).put(key, h);
        }
      }
    }
    return out;
  }
}
