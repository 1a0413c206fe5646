package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Dataset;
import io.tracklog.DatasetInput;
import io.tracklog.Experiment;
import io.tracklog.RunSpec;
import io.tracklog.RunStatus;
import io.tracklog.RunWriter;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.compact.Manifest;
import io.tracklog.compact.ManifestFiles;
import io.tracklog.error.CorruptFileException;
import io.tracklog.testing.Choices;
import io.tracklog.testing.Property;
import io.tracklog.testing.TryDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Search files (issue #10): the columns a reader loads from a segment's search file are the columns
 * it would build from the segment's runs and latest files, on random stores (dense and rare keys,
 * unique and repeated values, nulls, NaN and ±Infinity, deleted runs, inputs); and a search file
 * that is damaged, missing, of another table, or not listed (segments written before search files)
 * is ignored: the columns are built from the runs and latest files instead.
 */
public class SearchFileTest {
  private static final double[] NUMBERS = {
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 0.5, 1, 2, -1, 1e300, 0.25
  };
  private static final String[] VALUES = {"a", "b", "cnn", "CNN", "rnn_1", "10", "9", "0.01", "x%y", "Ünï", "", "😀"};

  @TempDir Path dir;

  /**
   * Writes runs of random shapes into experiments "0" and "1", compacted twice (several segments
   * each): dense and rare keys, unique and repeated values, NaN and ±Infinity, deleted runs, inputs.
   */
  public static void randomStore(Path root, long seed) {
    randomStore(root, Choices.random(seed));
  }

  /** As {@link #randomStore(Path, long)}, from a property's choices: loops can end early when shrinking. */
  public static void randomStore(Path root, Choices random) {
    StoreOptions options = StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build();
    try (Store store = Store.open(root, options)) {
      List<String> experiments = List.of(Experiment.DEFAULT_ID, store.createExperiment("e1"));
      for (int round = 0; round < 2; round++) {
        List<String> toDelete = new ArrayList<>();
        for (int i = 0; i < 90 && random.weighted(1.0); i++) {
          String exp = experiments.get(random.index(experiments.size()));
          RunSpec.Builder spec =
              RunSpec.builder(exp)
                  .runName(random.weighted(0.5) ? "run-" + round + "-" + i : pick(random, VALUES))
                  .startTime(1_000 + random.index(5) * 1000L);
          if (random.weighted(0.5)) {
            spec.userId(pick(random, new String[] {"ann", "bob", "Ann"}));
          }
          if (random.index(6) == 0) { // beside the store's default: the search file writes these URIs in full
            spec.artifactLocation(pick(random, new String[] {"s3://bucket/a", "file:///elsewhere"}));
          }
          RunWriter w = store.startRun(spec.build());
          int n = i;
          param(w, random, "lr", 2, () -> pick(random, VALUES));
          param(w, random, "seed", 1, () -> "s" + n + "-" + random.below(Integer.MAX_VALUE)); // unique: stored plain
          param(w, random, "batch size", 3, () -> pick(random, VALUES));
          param(w, random, "rare", 40, () -> pick(random, VALUES)); // fewer than 1 run in 8: a map entry
          tag(w, random, "team", 1, () -> pick(random, VALUES));
          tag(w, random, "note", 30, () -> pick(random, VALUES));
          tag(w, random, "uniq", 2, () -> "u" + random.below(Long.MAX_VALUE));
          for (String key : new String[] {"loss", "acc", "rare.metric", "val loss"}) {
            int every = key.startsWith("rare") ? 30 : key.equals("acc") ? 2 : 1;
            if (random.index(every) == 0) {
              int points = 1 + random.index(3);
              for (int p = 0; p < points; p++) {
                w.logMetric(key, NUMBERS[random.index(NUMBERS.length)], 1_000 + random.index(3), random.index(3));
              }
            }
          }
          if (random.index(8) == 0) {
            w.logInput(DatasetInput.of(new Dataset("mnist", "d" + random.index(3), "local", "/data", null, null), "train"));
          }
          int r = random.index(4);
          if (r < 3) {
            w.end(RunStatus.values()[2 + r]);
          }
          w.close();
          if (random.index(10) == 0) {
            toDelete.add(w.runId());
          }
        }
        for (String runId : toDelete) {
          store.deleteRun(runId);
        }
        store.compact();
      }
    }
  }

  private interface Value {
    String next();
  }

  private static void param(RunWriter w, Choices random, String key, int oneIn, Value value) {
    if (random.index(oneIn) == 0) {
      w.logParam(key, value.next());
    }
  }

  private static void tag(RunWriter w, Choices random, String key, int oneIn, Value value) {
    if (random.index(oneIn) == 0) {
      w.setTag(key, value.next());
    }
  }

  private static String pick(Choices random, String[] values) {
    return values[random.index(values.length)];
  }

  private static Manifest latestManifest(Path root) {
    return ManifestFiles.read(root, ManifestFiles.latestGeneration(root).getAsLong());
  }

  /**
   * On random stores (a {@link Property} over {@link #randomStore(Path, Choices)}), every segment
   * has a search file whose columns, loaded, equal the columns built from its runs and latest
   * files, and the reader uses them.
   */
  @Test
  void searchFile_loadsTheColumnsThatRunsAndLatestFilesBuild_onRandomStores() {
    int[] rareKeys = {0};
    int[] segments = {0};
    Property.drawing().tries(3).shrinkSeconds(300).check(c -> {
      try (TryDir t = TryDir.in(dir)) {
        Path root = t.path();
        randomStore(root, c);
        Manifest m = latestManifest(root);
        c.note(m.segments().size() + " segments");
        try (BufferAllocator allocator = new RootAllocator(); StoreReader reader = StoreReader.open(root)) {
          Snapshot snap = reader.snapshot();
          for (Manifest.Segment seg : m.segments()) {
            assertThat(seg.searchFile()).isNotNull();
            assertThat(seg.searchFile().path()).contains("/search-");
            RunColumns built = SegmentReader.readColumns(root, seg, allocator);
            RunColumns loaded = SearchFileReader.read(root, seg);
            assertSameColumns(loaded, built, seg.searchFile().path());
            RunColumns used = snap.columns(seg);
            assertThat(used.source()).isEqualTo(root.resolve(seg.searchFile().path()));
            assertSameColumns(used, built, "reader's columns");
            for (String key : built.paramKeys()) {
              rareKeys[0] += built.param(key).isDense() ? 0 : 1;
            }
            segments[0]++;
          }
        }
      }
    });
    assertThat(segments[0]).isGreaterThanOrEqualTo(6);
    assertThat(rareKeys[0]).as("some keys are rare enough for the rare_params column").isPositive();
  }

  @Test
  void damagedMissingOrUnlistedSearchFile_columnsAreBuiltFromTheRunsAndLatestFiles() throws IOException {
    randomStore(dir, 7);
    Manifest m = latestManifest(dir);
    Manifest.Segment seg = m.segments().get(0);
    Path search = dir.resolve(seg.searchFile().path());
    byte[] original = Files.readAllBytes(search);
    RunColumns expected;
    try (BufferAllocator allocator = new RootAllocator()) {
      expected = SegmentReader.readColumns(dir, seg, allocator);
    }
    List<String> damages = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      damages.add("flip " + (int) ((long) original.length * k / 6 + k));
    }
    damages.add("truncate " + original.length / 2);
    damages.add("truncate 0");
    for (String damage : damages) {
      int at = Integer.parseInt(damage.substring(damage.indexOf(' ') + 1));
      byte[] bytes = damage.startsWith("flip") ? original.clone() : Arrays.copyOf(original, at);
      if (damage.startsWith("flip")) {
        bytes[at] ^= (byte) 0x10;
      }
      Files.write(search, bytes);
      assertBuiltFromRunsFile(seg, expected, damage);
    }
    Files.delete(search);
    assertBuiltFromRunsFile(seg, expected, "deleted");
    Files.write(search, original);

    // A file that passes its checks but is another table: the manifest names the runs file as search file.
    rewriteManifest(json -> json.replace(quoteEntry(seg.searchFile()), quoteEntry(seg.runsFile())));
    assertThatThrownBy(() -> {
          try (BufferAllocator allocator = new RootAllocator()) {
            SearchFileReader.read(dir, latestManifest(dir).segments().get(0));
          }
        })
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("runs");
    assertBuiltFromRunsFile(latestManifest(dir).segments().get(0), expected, "runs file as search file");

    // Segments written before search files: no search_file in the manifest.
    rewriteManifest(json -> json.replaceAll(",\"search_file\":\\{[^}]*\\}", ""));
    Manifest.Segment old = latestManifest(dir).segments().get(0);
    assertThat(old.searchFile()).isNull();
    assertThat(old.files()).containsExactly(old.runsFile(), old.latestFile(), old.metricsFile(), old.runIndexFile());
    assertBuiltFromRunsFile(old, expected, "no search file listed");
  }

  @Test
  void searchFileThatPassesItsChecksButHasABadIndex_failsWhenTheColumnLoads_andTheSearchAnswersFromTheLogs()
      throws IOException {
    randomStore(dir, 5);
    io.tracklog.reader.search.SearchRequest req =
        io.tracklog.reader.search.SearchRequest.builder("0", "1")
            .filter("params.lr != 'zz'")
            .orderBy("metrics.loss DESC")
            .maxResults(1000)
            .build();
    io.tracklog.reader.search.RunPage intact;
    try (StoreReader reader = StoreReader.open(dir)) {
      intact = io.tracklog.reader.search.RunSearch.search(reader.snapshot(), req);
    }
    assertThat(intact.runs()).hasSizeGreaterThan(10);
    // a row of the first segment's params.lr gets dictionary index 1e6; the manifest gets the new CRC
    Manifest.Segment seg = latestManifest(dir).segments().get(0);
    Path search = dir.resolve(seg.searchFile().path());
    byte[] bytes = Files.readAllBytes(search);
    ArrowFileView view = ArrowFileView.parse(search, java.nio.ByteBuffer.wrap(bytes));
    ArrowFileView.Column lr = view.column("params.lr");
    assertThat(lr.field().getDictionary()).isNotNull();
    int row = 0;
    while (!lr.isValid(row)) {
      row++;
    }
    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(lr.buffer(1).arrayOffset() + 4 * row, 1_000_000);
    Files.write(search, bytes);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(bytes);
    rewriteManifest(json -> json.replace(quoteEntry(seg.searchFile()),
        quoteEntry(new Manifest.FileEntry(seg.searchFile().path(), bytes.length, String.format("%08x", crc.getValue()), seg.searchFile().rows()))));
    try (StoreReader reader = StoreReader.open(dir)) {
      Snapshot snap = reader.snapshot();
      Manifest.Segment damaged = latestManifest(dir).segments().get(0);
      RunColumns cols = snap.columns(damaged);
      assertThat(cols.source()).isEqualTo(search); // it passes its checks
      assertThatThrownBy(() -> cols.param("lr")).isInstanceOf(CorruptFileException.class).hasMessageContaining("dictionary index");
      assertThat(io.tracklog.reader.search.RunSearch.search(snap, req)).isEqualTo(intact);
    }
  }

  private void assertBuiltFromRunsFile(Manifest.Segment seg, RunColumns expected, String why) {
    try (StoreReader reader = StoreReader.open(dir)) {
      RunColumns cols = reader.snapshot().columns(seg);
      assertThat(cols.source()).as(why).isEqualTo(dir.resolve(seg.runsFile().path()));
      assertSameColumns(cols, expected, why);
    }
  }

  private static String quoteEntry(Manifest.FileEntry e) {
    return "{\"path\":\"" + e.path() + "\",\"length\":" + e.length() + ",\"crc32c\":\"" + e.crc32c() + "\",\"rows\":" + e.rows() + "}";
  }

  private void rewriteManifest(java.util.function.UnaryOperator<String> edit) throws IOException {
    Path file = dir.resolve(ManifestFiles.fileName(ManifestFiles.latestGeneration(dir).getAsLong()));
    String json = Files.readString(file);
    String edited = edit.apply(json);
    assertThat(edited).isNotEqualTo(json);
    Files.writeString(file, edited);
  }

  /**
   * Same rows, runs, attributes, keys and values, whatever the representation. Runs are compared
   * before and after the columns are loaded whole: a search file's columns read single rows in place
   * until a filter or an order_by loads them.
   */
  static void assertSameColumns(RunColumns actual, RunColumns expected, String why) {
    assertThat(actual.rows()).as(why).isEqualTo(expected.rows());
    for (int row = 0; row < expected.rows(); row++) {
      assertThat(actual.run(row)).as(why + ", row " + row + " before loading").isEqualTo(expected.run(row));
    }
    assertThat(actual.experimentId()).as(why).isEqualTo(expected.experimentId());
    assertThat(actual.paramKeys()).as(why).isEqualTo(expected.paramKeys());
    assertThat(actual.tagKeys()).as(why).isEqualTo(expected.tagKeys());
    assertThat(actual.metricKeys()).as(why).isEqualTo(expected.metricKeys());
    assertThat(actual.metricStats()).as(why).isEqualTo(expected.metricStats());
    assertThat(actual.weight()).as(why).isEqualTo(expected.weight());
    for (int row = 0; row < expected.rows(); row++) {
      String at = why + ", row " + row;
      assertThat(actual.runId(row)).as(at).isEqualTo(expected.runId(row));
      assertThat(actual.rowOf(expected.runId(row))).as(at).isEqualTo(row);
      assertThat(actual.run(row)).as(at).isEqualTo(expected.run(row));
      assertThat(actual.isDeleted(row)).as(at).isEqualTo(expected.isDeleted(row));
      assertThat(actual.startTime(row)).as(at).isEqualTo(expected.startTime(row));
      assertThat(actual.hasEndTime(row)).as(at).isEqualTo(expected.hasEndTime(row));
      for (String attr : List.of("run_id", "run_name", "user_id", "status", "artifact_uri")) {
        assertThat(actual.attribute(attr).value(row)).as(at + " " + attr).isEqualTo(expected.attribute(attr).value(row));
      }
      for (String key : expected.paramKeys()) {
        assertThat(actual.param(key).value(row)).as(at + " param " + key).isEqualTo(expected.param(key).value(row));
        assertThat(actual.param(key).isDense()).as(at + " param " + key).isEqualTo(expected.param(key).isDense());
      }
      for (String key : expected.tagKeys()) {
        assertThat(actual.tag(key).value(row)).as(at + " tag " + key).isEqualTo(expected.tag(key).value(row));
      }
      for (String key : expected.metricKeys()) {
        RunColumns.MetricColumn a = actual.metric(key);
        RunColumns.MetricColumn e = expected.metric(key);
        assertThat(a.isDense()).as(at + " metric " + key).isEqualTo(e.isDense());
        int ia = a.index(row);
        int ie = e.index(row);
        assertThat(ia < 0).as(at + " metric " + key).isEqualTo(ie < 0);
        if (ie >= 0) {
          assertThat(Double.doubleToLongBits(a.value(ia))).as(at + " metric " + key)
              .isEqualTo(Double.doubleToLongBits(e.value(ie)));
        }
      }
    }
    for (int row = 0; row < expected.rows(); row++) {
      assertThat(actual.run(row)).as(why + ", row " + row + " loaded").isEqualTo(expected.run(row));
      assertThat(actual.inputs(row)).as(why + ", row " + row + " loaded").isEqualTo(expected.inputs(row));
    }
    String beyond = expected.rows() == 0 ? "a" : expected.runId(expected.rows() - 1) + "~";
    assertThat(actual.rowOf(beyond)).as(why).isEqualTo(-1);
    assertThat(actual.rowOf("")).as(why).isEqualTo(-1);
  }
}
