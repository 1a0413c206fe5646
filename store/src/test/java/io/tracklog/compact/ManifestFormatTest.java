package io.tracklog.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.CorruptFileException;
import io.tracklog.internal.FileOps;
import io.tracklog.testing.Gen;
import io.tracklog.testing.Property;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Manifest format 2 (compact, runs as id → seq plus "unsealed") and format 1 are still read, and
 * written when asked for (tests only); format 3 is in {@link RunIndexFileTest}.
 */
class ManifestFormatTest {
  @TempDir Path dir;

  private static final Manifest.FileEntry FILE = new Manifest.FileEntry("compacted/experiment=1/x.arrow", 10, "0000abcd", 3);

  private static Manifest manifest(Map<String, Manifest.RunCoverage> runs) {
    Manifest.Segment seg =
        new Manifest.Segment("1", 1, FILE, FILE, FILE, runs, Map.of("acc", new Manifest.KeyStats(0.5, Double.POSITIVE_INFINITY, 2)));
    return new Manifest(2, 1, "store", 5, 9, Map.of("1", new Manifest.ExperimentEntry("e", "active")), List.of(seg));
  }

  @Test
  void format2_isCompact_listsRunsSortedWithTheirSeq_andUnsealedApart() throws IOException {
    RunCoverages.Builder b = new RunCoverages.Builder(3);
    b.add("a1", 3, true).add("b2", 7, false).add("c3", 1, true);
    Manifest m = manifest(b.build());
    assertThat(ManifestFiles.publish(dir, m, FileOps.DEFAULT)).isTrue();
    String json = Files.readString(dir.resolve(ManifestFiles.fileName(1)));
    assertThat(json).doesNotContain("\n").doesNotContain(" : ");
    assertThat(json).contains("\"format_version\":2");
    assertThat(json).contains("\"runs\":{\"a1\":3,\"b2\":7,\"c3\":1},\"unsealed\":[\"b2\"]");

    Manifest back = ManifestFiles.read(dir, 1);
    assertThat(back).isEqualTo(m);
    RunCoverages runs = back.segments().get(0).runs();
    assertThat(runs.get("b2")).isEqualTo(new Manifest.RunCoverage(7, false));
    assertThat(runs.get("a1")).isEqualTo(new Manifest.RunCoverage(3, true));
    assertThat(runs.get("zz")).isNull();
    assertThat(runs.unsealed()).containsExactly("b2");
    assertThat(back.segmentsByRun()).containsOnlyKeys("a1", "b2", "c3");
  }

  @Test
  void searchFile_isWrittenAndReadWhenPresent_andIsAFileOfItsSegment() throws IOException {
    Manifest.FileEntry search = new Manifest.FileEntry("compacted/experiment=1/search-00000001.arrow", 20, "0000beef", 3);
    RunCoverages.Builder b = new RunCoverages.Builder(1);
    b.add("a1", 3, true);
    Manifest.Segment seg = new Manifest.Segment("1", 1, FILE, FILE, FILE, b.build(), Map.of(), search);
    Manifest m = new Manifest(2, 1, "store", 5, 9, Map.of(), List.of(seg));
    assertThat(ManifestFiles.publish(dir, m, FileOps.DEFAULT)).isTrue();
    String json = Files.readString(dir.resolve(ManifestFiles.fileName(1)));
    assertThat(json).contains("\"search_file\":{\"path\":\"compacted/experiment=1/search-00000001.arrow\"");
    Manifest back = ManifestFiles.read(dir, 1);
    assertThat(back).isEqualTo(m);
    assertThat(back.segments().get(0).files()).containsExactly(FILE, FILE, FILE, search);
    // without one (segments written before search files): three files, and no search_file key
    assertThat(manifest(Map.of("a1", new Manifest.RunCoverage(3, true))).segments().get(0).searchFile()).isNull();
  }

  @Test
  void format1_prettyPrintedWithCoverageObjects_isStillRead() throws IOException {
    String v1 =
        """
        {
          "format_version" : 1,
          "generation" : 1,
          "store_id" : "store",
          "created_at" : 5,
          "catalog_position" : 9,
          "experiments" : { "1" : { "name" : "e", "lifecycle_stage" : "active" } },
          "segments" : [ {
            "experiment_id" : "1",
            "generation" : 1,
            "runs_file" : { "path" : "compacted/experiment=1/x.arrow", "length" : 10, "crc32c" : "0000abcd", "rows" : 3 },
            "latest_file" : { "path" : "compacted/experiment=1/x.arrow", "length" : 10, "crc32c" : "0000abcd", "rows" : 3 },
            "metrics_file" : { "path" : "compacted/experiment=1/x.arrow", "length" : 10, "crc32c" : "0000abcd", "rows" : 3 },
            "runs" : {
              "c3" : { "seq" : 1, "sealed" : true },
              "a1" : { "seq" : 3, "sealed" : true },
              "b2" : { "sealed" : false, "seq" : 7 }
            },
            "metric_stats" : { "acc" : { "min" : 0.5, "max" : Infinity, "runs" : 2 } }
          } ]
        }
        """;
    Files.writeString(dir.resolve(ManifestFiles.fileName(1)), v1, StandardCharsets.UTF_8);
    Manifest m = ManifestFiles.read(dir, 1);
    assertThat(m.formatVersion()).isEqualTo(1);
    Map<String, Manifest.RunCoverage> expected = new LinkedHashMap<>();
    expected.put("a1", new Manifest.RunCoverage(3, true));
    expected.put("b2", new Manifest.RunCoverage(7, false));
    expected.put("c3", new Manifest.RunCoverage(1, true));
    assertThat(m.segments().get(0).runs()).isEqualTo(expected); // unsorted ids: hash-indexed
    assertThat(m.segments().get(0).runs().unsealed()).containsExactly("b2");
    assertThat(m.segments().get(0).runs().keySet()).containsExactly("c3", "a1", "b2");
    assertThat(m.segments().get(0).metricStats().get("acc").max()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(m.segments().get(0).runIndexFile()).isNull();
    assertThat(m.segments().get(0).files()).hasSize(3);
    assertThat(m).isEqualTo(new Manifest(1, 1, "store", 5, 9, m.experiments(), manifest(expected).segments()));
  }

  @Test
  void runCoverages_answerTheSame_byBinarySearch_andByTheHashIndexManyLookupsBuild() {
    RunCoverages.Builder sorted = new RunCoverages.Builder(10);
    Map<String, Manifest.RunCoverage> unsorted = new LinkedHashMap<>();
    for (int i = 0; i < 1_000; i++) {
      String id = String.format("run-%04d", i);
      sorted.add(id, i, i % 7 != 0);
      unsorted.put(String.format("run-%04d", 999 - i), new Manifest.RunCoverage(999 - i, (999 - i) % 7 != 0));
    }
    RunCoverages a = sorted.build();
    RunCoverages b = RunCoverages.of(unsorted);
    assertThat(a).isEqualTo(b);
    assertThat(a.unsealed()).hasSize(143).startsWith("run-0000", "run-0007");
    for (int round = 0; round < 3; round++) { // the first lookups binary-search, later ones hash
      for (int i = 0; i < 1_000; i++) {
        String id = String.format("run-%04d", i);
        Manifest.RunCoverage expected = new Manifest.RunCoverage(i, i % 7 != 0);
        assertThat(a.get(id)).isEqualTo(expected);
        assertThat(b.get(id)).isEqualTo(expected);
      }
      assertThat(a.containsKey("run-1000")).isFalse();
      assertThat(a.containsKey("run-")).isFalse();
      assertThat(b.get("nope")).isNull();
    }
  }

  @Test
  void aRunListedTwice_orAnUnknownUnsealedRun_isCorrupt() throws IOException {
    Manifest m = manifest(Map.of("a1", new Manifest.RunCoverage(3, true)));
    assertThat(ManifestFiles.publish(dir, m, FileOps.DEFAULT)).isTrue();
    Path file = dir.resolve(ManifestFiles.fileName(1));
    String json = Files.readString(file);

    Files.writeString(file, json.replace("\"runs\":{\"a1\":3}", "\"runs\":{\"b\":3,\"a1\":3,\"b\":4}"));
    assertThatThrownBy(() -> ManifestFiles.read(dir, 1)).isInstanceOf(CorruptFileException.class);
    Files.writeString(file, json.replace("\"unsealed\":[]", "\"unsealed\":[\"zz\"]"));
    assertThatThrownBy(() -> ManifestFiles.read(dir, 1)).isInstanceOf(CorruptFileException.class);
    Files.writeString(file, json.replace("\"runs\":{\"a1\":3}", "\"runs\":[1]"));
    assertThatThrownBy(() -> ManifestFiles.read(dir, 1)).isInstanceOf(CorruptFileException.class);
  }

  @Test
  void format3_needsARunIndexForEverySegment_toWriteOrToRead() throws IOException {
    Manifest v2 = manifest(Map.of("a1", new Manifest.RunCoverage(3, true)));
    Manifest v3 = new Manifest(3, 1, "store", 5, 9, Map.of(), v2.segments());
    assertThatThrownBy(() -> ManifestFiles.publish(dir, v3, FileOps.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("run index");
    assertThat(ManifestFiles.publish(dir, v2, FileOps.DEFAULT)).isTrue();
    Path file = dir.resolve(ManifestFiles.fileName(1));
    Files.writeString(file, Files.readString(file).replace("\"format_version\":2", "\"format_version\":3"));
    assertThatThrownBy(() -> ManifestFiles.read(dir, 1))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("run_index");
  }

  @Test
  void crcHexIsEightLowerCaseDigitsOfTheLow32Bits() {
    assertThat(Manifest.FileEntry.crcHex(0)).isEqualTo("00000000");
    assertThat(Manifest.FileEntry.crcHex(0xABCDEFL)).isEqualTo("00abcdef");
    assertThat(Manifest.FileEntry.crcHex(0xFFFF_FFFFL)).isEqualTo("ffffffff");
    Property.forAll(Gen.between(0, 0xFFFF_FFFFL))
        .tries(10_000)
        .check(crc -> assertThat(Manifest.FileEntry.crcHex(crc)).isEqualTo(String.format("%08x", crc)));
  }
}
