package io.tracklog.reader;

import io.tracklog.Experiment;
import java.util.List;
import java.util.Map;

/**
 * What an archive holds, from its manifest (docs/FORMAT.md §Archives): the experiments and runs
 * (with their status when archived), the registered models, and every entry's size. Immutable.
 *
 * @param selection the selection the archive was created from, as given to {@code archive create}
 * @param entries every entry but the manifest, by name, with its size in bytes
 */
public record ArchiveContents(
    int formatVersion,
    String storeId,
    long createdAt,
    String selection,
    List<Experiment> experiments,
    List<RunEntry> runs,
    List<String> models,
    Map<String, Long> entries) {

  public ArchiveContents {
    experiments = List.copyOf(experiments);
    runs = List.copyOf(runs);
    models = List.copyOf(models);
    entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
  }

  /** A run of the archive: its experiment and its status when it was archived. */
  public record RunEntry(String runId, String experimentId, String status) {}

  static ArchiveContents of(ArchiveFormat.Manifest m) {
    Map<String, Long> sizes = new java.util.LinkedHashMap<>();
    m.entries().forEach((k, v) -> sizes.put(k, v.size()));
    return new ArchiveContents(ArchiveFormat.VERSION, m.storeId(), m.createdAt(), m.selection(), m.experiments(),
        m.runs(), m.models(), sizes);
  }
}
