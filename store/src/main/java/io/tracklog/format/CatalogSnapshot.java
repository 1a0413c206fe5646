package io.tracklog.format;

import io.tracklog.Experiment;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The catalog after {@code position} events, immutable: what a reader's snapshot pins.
 *
 * <p>Taking one copies nothing per run: it shares the append-only run lists and run and reopening
 * tables of the {@link CatalogState} it came from, and hides what that state applies later (runs
 * past its run count, reopenings at or past its position). Thread-safe.
 */
public final class CatalogSnapshot {
  /**
   * A registered run.
   *
   * @param ordinal how many runs were registered before it
   * @param position the catalog position of its RunRegistered event
   * @param lane the lane holding its first events, or -1 (a store of format 1)
   * @param laneToken the token of its RunStarted frame in that lane
   */
  public record RunEntry(String runId, String experimentId, int ordinal, long position, int lane, long laneToken) {
    public RunEntry(String runId, String experimentId, int ordinal, long position) {
      this(runId, experimentId, ordinal, position, -1, -1);
    }
  }

  /**
   * A RunReopened event of a run (where its new appends begin), and the one before it (null if
   * none): a run's reopenings, newest first.
   */
  public record Reopening(String runId, long position, Reopening previous, int lane, long laneToken) {
    public Reopening(String runId, long position, Reopening previous) {
      this(runId, position, previous, -1, -1);
    }
  }

  /**
   * Where a run's events are: its registration's lane and token, then each reopening's, in catalog
   * order ({@code position} is the catalog event's).
   */
  public record Attachment(int lane, long laneToken, long position) {}

  /** A run's attachments in catalog order, as of this snapshot; empty for an unknown run. */
  public List<Attachment> attachments(String runId) {
    RunEntry e = run(runId);
    if (e == null) {
      return List.of();
    }
    java.util.ArrayList<Attachment> out = new java.util.ArrayList<>(2);
    for (Reopening r = lastReopened.get(runId); r != null; r = r.previous()) {
      if (r.position() < position) {
        out.add(new Attachment(r.lane(), r.laneToken(), r.position()));
      }
    }
    out.add(new Attachment(e.lane(), e.laneToken(), e.position()));
    java.util.Collections.reverse(out);
    return out;
  }

  private final long position;
  private final Map<String, Experiment> experiments;
  private final Map<String, List<String>> runsByExperiment;
  private final List<RunEntry> runs;
  private final RestoredRuns restoredRuns; // never changed: runs checkpoint parts restored
  private final SharedStringTable.View<RunEntry> runsById; // entries past runs.size() are hidden
  private final List<Reopening> reopenings;
  private final SharedStringTable.View<Reopening> lastReopened; // positions ≥ position are hidden
  private final Set<String> purgedRuns; // immutable
  private final Set<String> purgedExperiments; // immutable
  private final long lastPurge;
  private final Map<Integer, Long> laneEnds; // immutable

  CatalogSnapshot(
      long position,
      Map<String, Experiment> experiments,
      Map<String, List<String>> runsByExperiment,
      List<RunEntry> runs,
      RestoredRuns restoredRuns,
      SharedStringTable.View<RunEntry> runsById,
      List<Reopening> reopenings,
      SharedStringTable.View<Reopening> lastReopened,
      Set<String> purgedRuns,
      Set<String> purgedExperiments,
      long lastPurge,
      Map<Integer, Long> laneEnds) {
    this.laneEnds = laneEnds;
    this.purgedRuns = purgedRuns;
    this.purgedExperiments = purgedExperiments;
    this.lastPurge = lastPurge;
    this.position = position;
    this.experiments = experiments;
    this.runsByExperiment = runsByExperiment;
    this.runs = runs;
    this.restoredRuns = restoredRuns;
    this.runsById = runsById;
    this.reopenings = reopenings;
    this.lastReopened = lastReopened;
  }

  /** How many catalog events this snapshot has folded. */
  public long position() {
    return position;
  }

  /** Experiments by id, in creation order; unmodifiable. */
  public Map<String, Experiment> experiments() {
    return experiments;
  }

  public Experiment experiment(String id) {
    return experiments.get(id);
  }

  /** Run ids per experiment, in creation order (experiments without runs are absent); unmodifiable. */
  public Map<String, List<String>> runsByExperiment() {
    return runsByExperiment;
  }

  /** The runs of an experiment, in creation order; unmodifiable. */
  public List<String> runIds(String experimentId) {
    return runsByExperiment.getOrDefault(experimentId, List.of());
  }

  /** How many runs are registered. */
  public int runCount() {
    return runs.size();
  }

  /**
   * Every registered run, in registration order (the index is the run's ordinal); unmodifiable.
   * Purged runs keep their place: skip the entries {@link #isPurged} names.
   */
  public List<RunEntry> runs() {
    return runs;
  }

  /** Whether a run of this id was purged by {@code tracklog gc} (it is unknown: {@link #run} is null). */
  public boolean isPurged(String runId) {
    return !purgedRuns.isEmpty() && purgedRuns.contains(runId);
  }

  /** The runs purged by {@code tracklog gc} as of this snapshot; unmodifiable. */
  public Set<String> purgedRuns() {
    return purgedRuns;
  }

  /** The experiments purged by {@code tracklog gc} as of this snapshot (ids, in purge order); unmodifiable. */
  public Set<String> purgedExperiments() {
    return purgedExperiments;
  }

  /** The catalog position of the last Purged event in this snapshot, or -1 if none. */
  public long lastPurge() {
    return lastPurge;
  }

  /**
   * The last frame lane {@code lane} is known to hold on the device (the largest LaneForced token),
   * or -1 if none is recorded: a lane that ends before it was damaged.
   */
  public long laneEnd(int lane) {
    Long end = laneEnds.get(lane);
    return end == null ? -1 : end;
  }

  /** Every lane's recorded end (see {@link #laneEnd}); unmodifiable. */
  public Map<Integer, Long> laneEnds() {
    return laneEnds;
  }

  /** How many runs registered before {@code catalogPosition} are not purged. */
  public int unpurgedRunCountBefore(long catalogPosition) {
    int before = runCountBefore(catalogPosition);
    if (purgedRuns.isEmpty()) {
      return before;
    }
    int purged = 0;
    for (String runId : purgedRuns) {
      RunEntry e = registration(runId);
      if (e != null && e.ordinal() < before) {
        purged++;
      }
    }
    return before - purged;
  }

  /** A run's registration, or null if this snapshot has no such run. */
  public RunEntry run(String runId) {
    if (isPurged(runId)) {
      return null;
    }
    return registration(runId);
  }

  /** A run's registration, purged or not. */
  private RunEntry registration(String runId) {
    RunEntry e = restoredRuns.find(runId);
    if (e == null) {
      e = runsById.get(runId);
    }
    return e == null || e.ordinal() >= runs.size() ? null : e;
  }

  public boolean containsRun(String runId) {
    return run(runId) != null;
  }

  /** The experiment a run was registered in, or null if this snapshot has no such run. */
  public String experimentOfRun(String runId) {
    RunEntry e = run(runId);
    return e == null ? null : e.experimentId();
  }

  /** How many runs were registered by catalog events before {@code catalogPosition}. */
  public int runCountBefore(long catalogPosition) {
    int lo = 0;
    int hi = runs.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (runs.get(mid).position() < catalogPosition) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Each run's experiment, as an unmodifiable map view (iterates in registration order). */
  public Map<String, String> experimentByRun() {
    return new ExperimentByRun();
  }

  /** The catalog position of a run's last RunReopened event in this snapshot, or -1. */
  public long lastReopened(String runId) {
    for (Reopening r = lastReopened.get(runId); r != null; r = r.previous()) {
      if (r.position() < position) {
        return r.position();
      }
    }
    return -1;
  }

  /** Every RunReopened event, in catalog order; unmodifiable. */
  public List<Reopening> reopenings() {
    return reopenings;
  }

  /** True if any run was ever reopened in this snapshot. */
  public boolean anyReopened() {
    return !reopenings.isEmpty();
  }

  /** Runs with a RunReopened event at a position ≥ {@code fromPosition} in this snapshot. */
  public Set<String> reopenedSince(long fromPosition) {
    Set<String> out = new LinkedHashSet<>();
    for (int i = reopenings.size() - 1; i >= 0 && reopenings.get(i).position() >= fromPosition; i--) {
      out.add(reopenings.get(i).runId());
    }
    return out;
  }

  @Override
  public String toString() {
    return "CatalogSnapshot[position=" + position + ", experiments=" + experiments.size() + ", runs=" + runs.size() + "]";
  }

  private final class ExperimentByRun extends AbstractMap<String, String> {
    @Override
    public String get(Object key) {
      return key instanceof String s ? experimentOfRun(s) : null;
    }

    @Override
    public boolean containsKey(Object key) {
      return key instanceof String s && containsRun(s);
    }

    @Override
    public int size() {
      return runs.size() - purgedRuns.size();
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, String>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              while (next < runs.size() && isPurged(runs.get(next).runId())) {
                next++;
              }
              return next < runs.size();
            }

            @Override
            public Entry<String, String> next() {
              if (!hasNext()) {
                throw new NoSuchElementException();
              }
              RunEntry e = runs.get(next++);
              return Map.entry(e.runId(), e.experimentId());
            }
          };
        }

        @Override
        public int size() {
          return ExperimentByRun.this.size();
        }
      };
    }
  }
}
