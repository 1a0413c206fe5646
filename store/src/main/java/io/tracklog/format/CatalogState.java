package io.tracklog.format;

import io.tracklog.Experiment;
import io.tracklog.LifecycleStage;
import io.tracklog.format.CatalogEvent.ExperimentCreated;
import io.tracklog.format.CatalogEvent.ExperimentDeleted;
import io.tracklog.format.CatalogEvent.ExperimentRenamed;
import io.tracklog.format.CatalogEvent.ExperimentRestored;
import io.tracklog.format.CatalogEvent.ExperimentTagDeleted;
import io.tracklog.format.CatalogEvent.ExperimentTagSet;
import io.tracklog.format.CatalogEvent.RunRegistered;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The catalog folded from its events: experiments by id and by name, and the runs registered in each
 * experiment, in creation order. Not thread-safe; the store guards it.
 */
public final class CatalogState {
  private final Map<String, Experiment> experiments = new LinkedHashMap<>();
  private final Map<String, String> idsByName = new HashMap<>();
  // Runs are only ever added, so snapshots share these instead of copying them (a store of 100k runs
  // would otherwise copy 100k entries per reader snapshot): the lists are append-only and a
  // snapshot keeps a view of their prefix; the tables are append-only too, and a snapshot ignores
  // entries past its own run count or catalog position.
  private final Map<String, AppendOnlyList<String>> runsByExperiment = new HashMap<>();
  private AppendOnlyList<CatalogSnapshot.RunEntry> runs = new AppendOnlyList<>(1024);
  private final SharedStringTable<CatalogSnapshot.RunEntry> runsById =
      new SharedStringTable<>(CatalogSnapshot.RunEntry::runId);
  private final AppendOnlyList<CatalogSnapshot.Reopening> reopenings = new AppendOnlyList<>();
  private final SharedStringTable<CatalogSnapshot.Reopening> lastReopened =
      new SharedStringTable<>(CatalogSnapshot.Reopening::runId);
  // Runs restored from checkpoint parts, read in place: a restore builds no entry and hashes no run
  // id. Runs registered after it are in runsById.
  private RestoredRuns restoredRuns = RestoredRuns.NONE;
  // Purged by `tracklog gc` (CatalogEvent.Purged): immutable sets, replaced whole by each purge (a
  // rare event), so snapshots share them. A purged run keeps its ordinal, its entry in the run lists
  // and tables (lane frames name runs by ordinal), but no lookup finds it.
  private Set<String> purgedRuns = Set.of();
  private Set<String> purgedExperiments = Set.of(); // in purge order
  private long lastPurge = -1; // position of the last Purged event
  // The largest LaneForced token per lane: immutable, replaced whole (one event per lane release).
  private Map<Integer, Long> laneEnds = Map.of();
  private Map<String, Experiment> experimentsView; // immutable copy; null after a change
  private long maxNumericId = -1;
  private long position;
  private CatalogSnapshot lastSnapshot;

  public void apply(CatalogEvent event) {
    long at = position++;
    switch (event.kind()) {
      case EXPERIMENT_CREATED -> {
        ExperimentCreated e = (ExperimentCreated) event;
        if (experiments.containsKey(e.experimentId())) {
          throw new DecodeException("experiment " + e.experimentId() + " created twice");
        }
        if (purgedExperiments.contains(e.experimentId())) { // an import may bring a purged id again
          Set<String> rest = new java.util.LinkedHashSet<>(purgedExperiments);
          rest.remove(e.experimentId());
          purgedExperiments = Collections.unmodifiableSet(rest);
        }
        put(
            new Experiment(
                e.experimentId(),
                e.name(),
                e.artifactLocation(),
                LifecycleStage.ACTIVE,
                e.creationTime(),
                e.lastUpdateTime(),
                e.tags()));
        idsByName.put(e.name(), e.experimentId());
        noteId(e.experimentId());
      }
      case EXPERIMENT_RENAMED -> {
        ExperimentRenamed e = (ExperimentRenamed) event;
        Experiment old = require(e.experimentId());
        idsByName.remove(old.name());
        idsByName.put(e.name(), e.experimentId());
        put(with(old, e.name(), old.lifecycleStage(), Math.max(old.lastUpdateTime(), e.time()), old.tags()));
      }
      case EXPERIMENT_TAG_SET -> {
        ExperimentTagSet e = (ExperimentTagSet) event;
        Experiment old = require(e.experimentId());
        Map<String, String> tags = new TreeMap<>(old.tags());
        tags.put(e.key(), e.value());
        put(with(old, old.name(), old.lifecycleStage(), old.lastUpdateTime(), tags));
      }
      case EXPERIMENT_TAG_DELETED -> {
        ExperimentTagDeleted e = (ExperimentTagDeleted) event;
        Experiment old = require(e.experimentId());
        Map<String, String> tags = new TreeMap<>(old.tags());
        tags.remove(e.key());
        put(with(old, old.name(), old.lifecycleStage(), old.lastUpdateTime(), tags));
      }
      case EXPERIMENT_DELETED -> {
        ExperimentDeleted e = (ExperimentDeleted) event;
        Experiment old = require(e.experimentId());
        put(with(old, old.name(), LifecycleStage.DELETED, Math.max(old.lastUpdateTime(), e.time()), old.tags()));
      }
      case EXPERIMENT_RESTORED -> {
        ExperimentRestored e = (ExperimentRestored) event;
        Experiment old = require(e.experimentId());
        put(with(old, old.name(), LifecycleStage.ACTIVE, Math.max(old.lastUpdateTime(), e.time()), old.tags()));
      }
      case RUN_REGISTERED -> {
        RunRegistered e = (RunRegistered) event;
        String experimentId = require(e.experimentId()).experimentId(); // one String per experiment
        CatalogSnapshot.RunEntry entry = new CatalogSnapshot.RunEntry(e.runId(), experimentId, runs.size(), at, e.lane(), e.laneToken());
        if (purgedRuns.contains(e.runId()) || restoredRuns.find(e.runId()) != null || runsById.putIfAbsent(entry) != null) {
          throw new DecodeException("run " + e.runId() + " registered twice");
        }
        runs.add(entry);
        runsByExperiment.computeIfAbsent(experimentId, k -> new AppendOnlyList<>()).add(entry.runId());
      }
      case EXPERIMENT_REPLACED -> {
        CatalogEvent.ExperimentReplaced e = (CatalogEvent.ExperimentReplaced) event;
        Experiment old = require(e.experimentId());
        AppendOnlyList<String> ofExperiment = runsByExperiment.get(e.experimentId());
        if (ofExperiment != null && ofExperiment.size() > 0) {
          throw new DecodeException("experiment " + e.experimentId() + " replaced after it got runs");
        }
        idsByName.remove(old.name());
        idsByName.put(e.name(), e.experimentId());
        put(
            new Experiment(
                e.experimentId(),
                e.name(),
                e.artifactLocation(),
                LifecycleStage.ACTIVE,
                e.creationTime(),
                e.lastUpdateTime(),
                e.tags()));
      }
      case RUN_REOPENED -> {
        CatalogEvent.RunReopened e = (CatalogEvent.RunReopened) event;
        if (run(e.runId()) == null) {
          throw new DecodeException("reopened unknown run " + e.runId());
        }
        CatalogSnapshot.Reopening r = new CatalogSnapshot.Reopening(e.runId(), at, lastReopened.get(e.runId()), e.lane(), e.laneToken());
        reopenings.add(r);
        lastReopened.put(r);
      }
      case PURGED -> purge((CatalogEvent.Purged) event, at);
      case LANE_FORCED -> {
        CatalogEvent.LaneForced e = (CatalogEvent.LaneForced) event;
        if (e.lastToken() > laneEnd(e.lane())) {
          Map<Integer, Long> ends = new java.util.TreeMap<>(laneEnds);
          ends.put(e.lane(), e.lastToken());
          laneEnds = Collections.unmodifiableMap(ends);
        }
      }
    }
  }

  /** Applies a Purged event at position {@code at}: checks it whole, then drops what it names. */
  private void purge(CatalogEvent.Purged e, long at) {
    Set<String> runsNow = new java.util.HashSet<>(e.runIds());
    if (runsNow.size() != e.runIds().size()) {
      throw new DecodeException("a run purged twice in one event");
    }
    Set<String> affected = new java.util.LinkedHashSet<>();
    for (String runId : e.runIds()) {
      CatalogSnapshot.RunEntry r = run(runId);
      if (r == null) {
        throw new DecodeException("purged unknown run " + runId);
      }
      affected.add(r.experimentId());
    }
    for (String experimentId : e.experimentIds()) {
      Experiment x = require(experimentId);
      if (x.lifecycleStage() != LifecycleStage.DELETED) {
        throw new DecodeException("purged experiment " + experimentId + ", which is not deleted");
      }
      for (String runId : runIds(experimentId)) {
        if (!runsNow.contains(runId)) {
          throw new DecodeException("purged experiment " + experimentId + " but not its run " + runId);
        }
      }
    }
    // checked: now change the state
    Set<String> purged = new java.util.HashSet<>(purgedRuns);
    purged.addAll(e.runIds());
    purgedRuns = Collections.unmodifiableSet(purged);
    for (String experimentId : affected) {
      if (!e.experimentIds().contains(experimentId)) {
        runsByExperiment.put(experimentId, withoutPurged(runIds(experimentId)));
      }
    }
    Set<String> gone = new java.util.LinkedHashSet<>(purgedExperiments);
    for (String experimentId : e.experimentIds()) {
      Experiment old = experiments.remove(experimentId);
      idsByName.remove(old.name(), experimentId);
      runsByExperiment.remove(experimentId);
      gone.add(experimentId);
    }
    purgedExperiments = Collections.unmodifiableSet(gone);
    experimentsView = null;
    lastPurge = at;
  }

  /** A new list of {@code ids} without the purged runs (snapshots keep their views of the old one). */
  private AppendOnlyList<String> withoutPurged(List<String> ids) {
    List<String> kept = new java.util.ArrayList<>(ids.size());
    for (String id : ids) {
      if (!purgedRuns.contains(id)) {
        kept.add(id);
      }
    }
    return AppendOnlyList.withBase(List.copyOf(kept), 8);
  }

  /**
   * An immutable view of the current state; the same instance while no event was applied since. It
   * shares the run lists and maps with this state (nothing per run is copied) and never shows what
   * is applied later.
   */
  public CatalogSnapshot snapshot() {
    CatalogSnapshot last = lastSnapshot;
    if (last == null || last.position() != position) {
      if (experimentsView == null) {
        experimentsView = Collections.unmodifiableMap(new LinkedHashMap<>(experiments));
      }
      Map<String, List<String>> byExperiment = new LinkedHashMap<>();
      for (String id : experiments.keySet()) {
        AppendOnlyList<String> ids = runsByExperiment.get(id);
        if (ids != null) {
          byExperiment.put(id, ids.view());
        }
      }
      last =
          new CatalogSnapshot(
              position,
              experimentsView,
              Collections.unmodifiableMap(byExperiment),
              runs.view(),
              restoredRuns,
              runsById.view(),
              reopenings.view(),
              lastReopened.view(),
              purgedRuns,
              purgedExperiments,
              lastPurge,
              laneEnds);
      lastSnapshot = last;
    }
    return last;
  }

  /** A run's attachments in catalog order (see {@link CatalogSnapshot#attachments}); empty if unknown. */
  public List<CatalogSnapshot.Attachment> attachments(String runId) {
    CatalogSnapshot.RunEntry e = run(runId);
    if (e == null) {
      return List.of();
    }
    CatalogSnapshot.Reopening r = lastReopened.get(runId);
    if (r == null) {
      return List.of(new CatalogSnapshot.Attachment(e.lane(), e.laneToken(), e.position()));
    }
    java.util.ArrayList<CatalogSnapshot.Attachment> out = new java.util.ArrayList<>();
    for (; r != null; r = r.previous()) {
      out.add(new CatalogSnapshot.Attachment(r.lane(), r.laneToken(), r.position()));
    }
    out.add(new CatalogSnapshot.Attachment(e.lane(), e.laneToken(), e.position()));
    java.util.Collections.reverse(out);
    return out;
  }

  /** A registered run, or null. */
  public CatalogSnapshot.RunEntry runEntry(String runId) {
    return run(runId);
  }

  private CatalogSnapshot.RunEntry run(String runId) {
    if (!purgedRuns.isEmpty() && purgedRuns.contains(runId)) {
      return null;
    }
    CatalogSnapshot.RunEntry e = restoredRuns.find(runId);
    return e != null ? e : runsById.get(runId);
  }

  /** See {@link CatalogSnapshot#laneEnd}. */
  public long laneEnd(int lane) {
    Long end = laneEnds.get(lane);
    return end == null ? -1 : end;
  }

  /** Whether a run of this id was purged ({@code tracklog gc}): its id is not given to a new run. */
  public boolean isPurgedRun(String runId) {
    return purgedRuns.contains(runId);
  }

  /**
   * Restores what a chain of checkpoint parts saved, as if their events had been applied; then apply
   * the events that follow. Only on a state that has applied nothing. The parts' runs are not
   * decoded: the state reads them in place.
   *
   * @param chain parts covering the catalog's events from the first, each starting where the one
   *     before it ends, all of one store
   * @throws DecodeException if the parts do not follow one another or contradict each other
   */
  public void restore(List<CatalogCheckpoint> chain) {
    if (position != 0) {
      throw new IllegalStateException("restoring a catalog that already applied " + position + " events");
    }
    if (chain.isEmpty()) {
      return;
    }
    long expectedFrom = 0;
    long expectedOrdinal = 0;
    for (CatalogCheckpoint part : chain) {
      if (part.from() != expectedFrom || part.firstOrdinal() != expectedOrdinal
          || !part.storeId().equals(chain.get(0).storeId())) {
        throw new DecodeException("catalog checkpoint parts do not follow one another at event " + expectedFrom);
      }
      expectedFrom = part.position();
      expectedOrdinal += part.runCount();
    }
    CatalogCheckpoint last = chain.get(chain.size() - 1);
    RestoredRuns restored = new RestoredRuns(chain);
    java.util.Set<String> known = new java.util.HashSet<>();
    for (Experiment e : last.experiments()) {
      known.add(e.experimentId());
    }
    for (String experimentId : restored.countByExperiment().keySet()) {
      if (!known.contains(experimentId)) {
        throw new DecodeException("catalog checkpoint has runs of unknown experiment " + experimentId);
      }
    }
    // What gc purged as of the last part: purged runs keep their ordinals, but no lookup finds them.
    Set<String> purged = new java.util.HashSet<>(last.purgedRuns());
    Set<String> withPurgedRuns = new java.util.HashSet<>();
    for (String runId : purged) {
      CatalogSnapshot.RunEntry run = restored.find(runId);
      if (run == null) {
        throw new DecodeException("catalog checkpoint purges unknown run " + runId);
      }
      withPurgedRuns.add(run.experimentId());
    }
    List<CatalogSnapshot.Reopening> reopened = new java.util.ArrayList<>();
    Map<String, CatalogSnapshot.Reopening> lastOf = new HashMap<>();
    for (CatalogCheckpoint part : chain) {
      for (CatalogCheckpoint.Reopened r : part.reopenings()) {
        CatalogSnapshot.RunEntry run = restored.find(r.runId());
        if (run == null || run.position() >= r.position()) {
          throw new DecodeException("catalog checkpoint reopens run " + r.runId() + " before it was registered");
        }
        CatalogSnapshot.Reopening reopening =
            new CatalogSnapshot.Reopening(r.runId(), r.position(), lastOf.get(r.runId()), r.lane(), r.laneToken());
        lastOf.put(r.runId(), reopening);
        reopened.add(reopening);
      }
    }
    // checked: now change the state
    for (Experiment e : last.experiments()) {
      if (!last.purgedExperiments().contains(e.experimentId())) {
        experiments.put(e.experimentId(), e);
      }
      noteId(e.experimentId());
    }
    idsByName.putAll(last.idsByName());
    purgedRuns = Collections.unmodifiableSet(purged);
    purgedExperiments = last.purgedExperiments();
    lastPurge = last.lastPurge();
    laneEnds = last.laneEnds();
    for (String experimentId : restored.countByExperiment().keySet()) {
      if (!experiments.containsKey(experimentId)) {
        continue; // purged, with all its runs
      }
      List<String> ids = restored.runIds(experimentId);
      runsByExperiment.put(
          experimentId, withPurgedRuns.contains(experimentId) ? withoutPurged(ids) : AppendOnlyList.withBase(ids, 8));
    }
    runs = AppendOnlyList.withBase(restored.list(), 1024);
    restoredRuns = restored;
    for (CatalogSnapshot.Reopening r : reopened) {
      reopenings.add(r);
      lastReopened.put(r);
    }
    position = last.position();
    experimentsView = null;
    lastSnapshot = null;
  }

  /** Experiment ids by current name, a copy (for checkpoints). */
  public Map<String, String> idsByName() {
    return new HashMap<>(idsByName);
  }

  /** How many events have been applied. */
  public long position() {
    return position;
  }

  /** The position of the last RunReopened event of a run, or -1. */
  public long lastReopened(String runId) {
    CatalogSnapshot.Reopening r = lastReopened.get(runId);
    return r == null ? -1 : r.position();
  }

  private void noteId(String id) {
    if (!id.isEmpty() && id.length() < 19 && id.chars().allMatch(c -> c >= '0' && c <= '9')) {
      maxNumericId = Math.max(maxNumericId, Long.parseLong(id));
    }
  }

  private Experiment require(String id) {
    Experiment e = experiments.get(id);
    if (e == null) {
      throw new DecodeException("event for unknown experiment " + id);
    }
    return e;
  }

  private void put(Experiment e) {
    experiments.put(e.experimentId(), e);
    experimentsView = null;
  }

  private static Experiment with(
      Experiment old, String name, LifecycleStage stage, long lastUpdate, Map<String, String> tags) {
    return new Experiment(
        old.experimentId(), name, old.artifactLocation(), stage, old.creationTime(), lastUpdate, tags);
  }

  public Experiment experiment(String id) {
    return experiments.get(id);
  }

  public Experiment experimentByName(String name) {
    String id = idsByName.get(name);
    return id == null ? null : experiments.get(id);
  }

  /** All experiments, active and deleted, in creation order. */
  public Collection<Experiment> experiments() {
    return List.copyOf(experiments.values());
  }

  /** The id the next created experiment gets: one past the largest numeric id so far. */
  public String nextExperimentId() {
    return Long.toString(maxNumericId + 1);
  }

  /** Runs registered in an experiment, in creation order; an immutable view. */
  public List<String> runIds(String experimentId) {
    AppendOnlyList<String> ids = runsByExperiment.get(experimentId);
    return ids == null ? List.of() : ids.view();
  }

  /** The experiment a run was registered in, or null for an unknown run. */
  public String experimentOfRun(String runId) {
    CatalogSnapshot.RunEntry entry = run(runId);
    return entry == null ? null : entry.experimentId();
  }

  public int runCount() {
    return runs.size();
  }
}
