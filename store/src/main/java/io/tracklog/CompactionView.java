package io.tracklog;

import io.tracklog.log.ChronicleEventLog;
import io.tracklog.compact.CompactionSource;
import io.tracklog.compact.Manifest;
import io.tracklog.format.CatalogSnapshot;
import io.tracklog.log.EventReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A store as its {@link io.tracklog.compact.Compactor} sees it: the catalog's experiments and runs,
 * each run's log read through its attachments and sealed when no writer can still append to it,
 * and a catalog checkpoint after each compaction. A class of its own (it was an inner class of
 * {@link Store}) so that the compactor depends on the catalog and the run logs, not on the facade.
 */
final class CompactionView implements CompactionSource {
  private final Catalog catalog;
  private final RunLogs logs;
  private final SegmentCompression compression;

  CompactionView(Catalog catalog, RunLogs logs, SegmentCompression compression) {
    this.catalog = catalog;
    this.logs = logs;
    this.compression = compression;
  }

  @Override
  public SegmentCompression compression() {
    return compression;
  }

  @Override
  public String storeId() {
    return catalog.metadata().storeId();
  }

  @Override
  public void compactionFinished() {
    catalog.checkpointIfDue();
  }

  @Override
  public Path root() {
    return logs.layout().root();
  }

  @Override
  public long catalogPosition() {
    return catalog.position();
  }

  @Override
  public void forceLogs() {
    ChronicleEventLog.force(logs.layout().logsDir());
  }

  @Override
  public Map<String, Manifest.ExperimentEntry> experiments() {
    Map<String, Manifest.ExperimentEntry> map = new LinkedHashMap<>();
    for (Experiment e : catalog.read(cat -> List.copyOf(cat.experiments()))) {
      map.put(e.experimentId(), new Manifest.ExperimentEntry(e.name(), e.lifecycleStage().mlflowName()));
    }
    return map;
  }

  @Override
  public List<RunRef> runs() {
    return catalog.read(
        cat -> {
          List<RunRef> refs = new ArrayList<>();
          for (Experiment e : cat.experiments()) {
            for (String runId : cat.runIds(e.experimentId())) {
              refs.add(new RunRef(runId, e.experimentId(), cat.lastReopened(runId)));
            }
          }
          return refs;
        });
  }

  @Override
  public <T> Read<T> readRun(String runId, Function<EventReader, T> read) {
    CatalogSnapshot snap = catalog.snapshot();
    try (RunStream stream = logs.stream(snap, runId, false)) {
      T value = read.apply(stream);
      // Sealed: every attachment ended, so any later append first registers a new attachment
      // (a RunReopened past this compaction's catalog position).
      return new Read<>(value, Orphans.sealOpenLanes(logs.layout(), stream));
    }
  }
}
