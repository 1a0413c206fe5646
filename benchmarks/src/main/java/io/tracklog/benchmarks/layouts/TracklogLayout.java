package io.tracklog.benchmarks.layouts;

import io.tracklog.Durability;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.Run;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunTag;
import io.tracklog.RunWriter;
import io.tracklog.SegmentCompression;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.search.RunSearch;
import io.tracklog.reader.search.SearchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tracklog through its public API: {@link Store} and {@link RunWriter} to write, {@link Store#compact()}
 * as the steady-state step, {@link StoreReader} and {@link RunSearch} to read. Durability
 * {@link Durability#PAGE_CACHE} (each call reaches the page cache through the mapped log, as every
 * other layout here; no fsync at run end) and manual compaction, so that a run's end does not compact
 * it in the measured path; the fixtures of the read benchmarks are compacted. A new store is created
 * when the layout opens, as every other layout creates its files (RocksDB's createIfMissing); an
 * existing one is opened on first use, so a read-only use (the open and search fixtures) opens only a
 * {@link StoreReader}. Reads after writes go through {@link StoreReader#of}, as an embedding program
 * that just logged a sweep would read it.
 */
final class TracklogLayout implements StorageLayout {
  private final Path root;
  private final SegmentCompression compression;
  private Store store;
  private StoreReader reader;
  private Snapshot snapshot;

  TracklogLayout(Path root, SegmentCompression compression) {
    this.root = root;
    this.compression = compression;
    if (!Store.exists(root)) {
      store();
    }
  }

  @Override
  public Path root() {
    return root;
  }

  private synchronized Store store() {
    if (store == null) {
      store =
          Store.open(
              root,
              StoreOptions.builder()
                  .durability(Durability.PAGE_CACHE)
                  .compaction(StoreOptions.CompactionTrigger.MANUAL)
                  .segmentCompression(compression)
                  .build());
    }
    return store;
  }

  private synchronized Snapshot snapshot() {
    if (reader == null) {
      reader = store != null ? StoreReader.of(store) : StoreReader.open(root);
      snapshot = reader.snapshot();
    } else {
      snapshot = reader.refresh(snapshot);
    }
    return snapshot;
  }

  @Override
  public String createExperiment(String name) {
    return store().createExperiment(name);
  }

  @Override
  public String experimentId(String name) {
    return snapshot().getExperimentByName(name).orElseThrow().experimentId();
  }

  @Override
  public LayoutRun startRun(String experimentId, String runId, String runName, long startTimeMs) {
    RunSpec.Builder spec = RunSpec.builder(experimentId).startTime(startTimeMs);
    if (runId != null) {
      spec.runId(runId);
    }
    if (runName != null) {
      spec.runName(runName);
    }
    RunWriter writer = store().startRun(spec.build());
    return new LayoutRun() {
      @Override
      public String runId() {
        return writer.runId();
      }

      @Override
      public void logMetric(String key, double value, long timestampMs, long step) {
        writer.logMetric(key, value, timestampMs, step);
      }

      @Override
      public void logBatch(List<Metric> metrics, List<Param> params, List<RunTag> tags) {
        writer.logBatch(metrics, params, tags);
      }

      @Override
      public void logParam(String key, String value) {
        writer.logParam(key, value);
      }

      @Override
      public void setTag(String key, String value) {
        writer.setTag(key, value);
      }

      @Override
      public void end(long endTimeMs) {
        writer.end(RunStatus.FINISHED, endTimeMs);
      }

      @Override
      public void close() {
        writer.close();
      }
    };
  }

  @Override
  public List<String> search(RunQuery q) {
    SearchRequest request =
        SearchRequest.builder(q.experimentIds())
            .filter(q.mlflowFilter())
            .orderBy(q.mlflowOrderBy())
            .maxResults(q.limit())
            .build();
    List<Run> runs = RunSearch.search(snapshot(), request).runs();
    List<String> ids = new ArrayList<>(runs.size());
    for (Run r : runs) {
      ids.add(r.runId());
    }
    return ids;
  }

  @Override
  public List<Metric> metricHistory(String runId, String key) {
    return snapshot().metricHistory(runId, key);
  }

  @Override
  public void compact() {
    store().compact();
  }

  @Override
  public synchronized void close() {
    try {
      if (reader != null) {
        reader.close();
      }
    } finally {
      reader = null;
      if (store != null) {
        store.close();
      }
      store = null;
    }
  }
}
