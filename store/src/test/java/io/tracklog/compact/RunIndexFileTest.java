package io.tracklog.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tracklog.error.CorruptFileException;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run index file (docs/FORMAT.md §Run index) and manifest format 3, which names one per segment. */
class RunIndexFileTest {
  @TempDir Path dir;

  private static final Manifest.FileEntry FILE = new Manifest.FileEntry("compacted/experiment=1/x.arrow", 10, "0000abcd", 3);

  /** Ids of every kind a run id may take, not only 32 hex digits. */
  private static final List<String> IDS =
      List.of(
          "0123456789abcdef0123456789abcdef",
          "ffffffffffffffffffffffffffffffff",
          "a",
          "ab",
          "abc",
          "a-b",
          "a_b",
          "Z",
          "run-0001",
          "run-001",
          "été",
          "日本語の実行",
          "x\uD835\uDCB3y", // U+1D4B3, beyond U+FFFF: UTF-8 order differs from Java String order
          "x\uFF21y", // U+FF21 (fullwidth A), which Java String order puts after U+1D4B3
          "R".repeat(255));

  private static Map<String, Manifest.RunCoverage> coverage(List<String> ids) {
    Map<String, Manifest.RunCoverage> runs = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      runs.put(ids.get(i), new Manifest.RunCoverage(i * 1_000_000_007L, i % 4 != 1));
    }
    return runs;
  }

  /** Writes a run index of {@code runs} at {@code path} under {@link #dir}; its manifest entry. */
  private Manifest.FileEntry write(String path, Map<String, Manifest.RunCoverage> runs) throws IOException {
    byte[] bytes = RunIndexFile.encode(runs);
    Path file = dir.resolve(path);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    return entry(path, bytes, runs.size());
  }

  private static Manifest.FileEntry entry(String path, byte[] bytes, long rows) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return new Manifest.FileEntry(path, bytes.length, String.format("%08x", crc.getValue()), rows);
  }

  @Test
  void roundTrip_findsEveryId_andNoOther_withoutAssumingHex() throws IOException {
    Map<String, Manifest.RunCoverage> runs = coverage(IDS);
    Manifest.FileEntry e = write("compacted/experiment=1/runs-index-00000001.bin", runs);
    RunIndexFile index = RunIndexFile.load(dir, e);

    assertThat(index).hasSize(IDS.size()).isEqualTo(runs);
    for (String id : IDS) {
      assertThat(index.get(id)).as(id).isEqualTo(runs.get(id));
      assertThat(index.containsKey(id)).isTrue();
    }
    for (String absent : List.of("", "0", "abcd", "a-", "A", "run-01", "été!", "日本", "x\uD835\uDCB3", "R".repeat(254), "zzz")) {
      assertThat(index.get(absent)).as(absent).isNull();
      assertThat(index.containsKey(absent)).isFalse();
    }
    assertThat(index.get(42)).isNull();
    // in the order of their UTF-8 bytes
    List<String> byBytes = new ArrayList<>(IDS);
    byBytes.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
    assertThat(new ArrayList<>(index.keySet())).containsExactlyElementsOf(byBytes);
    assertThat(byBytes).isNotEqualTo(IDS.stream().sorted().toList()); // which Java String order is not
    List<String> unsealed = byBytes.stream().filter(id -> !runs.get(id).sealed()).toList();
    assertThat(index.unsealed()).containsExactlyElementsOf(unsealed).isNotEmpty();
    for (int i = 0; i < index.size(); i++) {
      assertThat(index.seq(i)).isEqualTo(runs.get(index.runId(i)).seq());
      assertThat(index.sealed(i)).isEqualTo(runs.get(index.runId(i)).sealed());
    }
  }

  @Test
  void emptySegment_andOneRun() throws IOException {
    RunIndexFile empty = RunIndexFile.load(dir, write("empty.bin", Map.of()));
    assertThat(empty).isEmpty();
    assertThat(empty.get("a")).isNull();
    assertThat(empty.unsealed()).isEmpty();
    assertThat(Files.size(dir.resolve("empty.bin"))).isEqualTo(20);

    RunIndexFile one = RunIndexFile.load(dir, write("one.bin", Map.of("only", new Manifest.RunCoverage(7, false))));
    assertThat(one).containsExactly(Map.entry("only", new Manifest.RunCoverage(7, false)));
    assertThat(one.get("onl")).isNull();
    assertThat(one.get("only!")).isNull();
    assertThat(one.unsealed()).containsExactly("only");
  }

  @Test
  void layout_isTheDocumentedOne() {
    byte[] bytes = RunIndexFile.encode(Map.of("b", new Manifest.RunCoverage(2, true), "aé", new Manifest.RunCoverage(1, false)));
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("TLRI");
    assertThat(b.getInt(4)).isEqualTo(1); // version
    assertThat(b.getInt(8)).isEqualTo(2); // count
    assertThat(b.getInt(12)).isEqualTo(4); // heap: "aé" (3 bytes) + "b"
    assertThat(b.getLong(16)).isEqualTo(1); // seq of "aé"
    assertThat(b.getLong(24)).isEqualTo(2);
    assertThat(new int[] {b.getInt(32), b.getInt(36), b.getInt(40)}).containsExactly(0, 3, 4); // offsets
    assertThat(new byte[] {bytes[44], bytes[45]}).containsExactly(0, 1); // flags: sealed
    assertThat(new String(bytes, 46, 4, StandardCharsets.UTF_8)).isEqualTo("aéb");
    assertThat(bytes).hasSize(50);
  }

  @Test
  void encode_refusesAnEmptyId_orANegativeSeq() {
    assertThatThrownBy(() -> RunIndexFile.encode(Map.of("", new Manifest.RunCoverage(1, true))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RunIndexFile.encode(Map.of("a", new Manifest.RunCoverage(-1, true))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void damagedIndex_isCorruptFileNamingIt_neverAnotherException() throws IOException {
    List<String> ids = new ArrayList<>(IDS);
    for (int i = 0; i < 200; i++) {
      ids.add(String.format("%032x", i * 7919L));
    }
    String path = "compacted/experiment=1/runs-index-00000002.bin";
    Manifest.FileEntry e = write(path, coverage(ids));
    Path file = dir.resolve(path);
    byte[] original = Files.readAllBytes(file);
    Random random = new Random(20261202L);
    List<byte[]> damaged = new ArrayList<>();
    for (int cut : new int[] {0, 1, 3, 4, 15, 16, 19, 20, 100, original.length / 2, original.length - 1}) {
      damaged.add(Arrays.copyOf(original, cut));
    }
    for (int k = 0; k < 300; k++) {
      byte[] b = original.clone();
      int at = k < 20 ? k : random.nextInt(b.length); // every header byte, then anywhere
      b[at] ^= (byte) (1 << random.nextInt(8));
      damaged.add(b);
    }
    damaged.add(Arrays.copyOf(original, original.length + 1)); // longer
    for (byte[] bytes : damaged) {
      Files.write(file, bytes);
      // as the manifest names it: length and CRC32C catch it
      assertCorrupt(() -> RunIndexFile.load(dir, e), file);
      // and with a manifest entry that matches the damaged bytes: the layout checks catch it, or it
      // still reads as an index (a flipped seq or id byte: the order is the writer's promise)
      Manifest.FileEntry matching = entry(path, bytes, ids.size());
      Throwable t = catchThrowable(() -> RunIndexFile.load(dir, matching).forEach((id, cov) -> {}));
      if (t != null) {
        assertThat(t).isInstanceOf(CorruptFileException.class).hasMessageContaining(file.toString());
        assertThat(((CorruptFileException) t).path()).isEqualTo(file);
      }
    }
    Files.delete(file);
    assertCorrupt(() -> RunIndexFile.load(dir, e), file);
  }

  private static void assertCorrupt(Runnable load, Path file) {
    assertThatThrownBy(load::run)
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(file.toString())
        .satisfies(t -> assertThat(((CorruptFileException) t).path()).isEqualTo(file));
  }

  @Test
  void format3_listsNoRuns_butTheRunIndexAndUnsealed_andLoadsItOnFirstUse() throws IOException {
    Map<String, Manifest.RunCoverage> runs = coverage(IDS);
    Manifest.FileEntry index = write("compacted/experiment=1/runs-index-00000001.bin", runs);
    Manifest.Segment seg =
        new Manifest.Segment("1", 1, FILE, FILE, FILE, RunCoverages.of(runs), Map.of(), null, index);
    Manifest m = new Manifest(Manifest.FORMAT_VERSION, 1, "store", 5, 9, Map.of(), List.of(seg));
    assertThat(ManifestFiles.publish(dir, m, FileOps.DEFAULT)).isTrue();
    String json = Files.readString(dir.resolve(ManifestFiles.fileName(1)));
    assertThat(json).contains("\"format_version\":3").doesNotContain("\"runs\"").doesNotContain(IDS.get(0));
    assertThat(json).contains("\"run_index\":{\"path\":\"compacted/experiment=1/runs-index-00000001.bin\"");
    assertThat(json).contains("\"unsealed\":[\"" + seg.runs().unsealed().get(0) + "\"");

    Manifest back = ManifestFiles.read(dir, 1);
    RunCoverages lazy = back.segments().get(0).runs();
    assertThat(lazy.loaded()).isFalse();
    assertThat(lazy.size()).isEqualTo(IDS.size());
    assertThat(lazy.unsealed()).containsExactlyElementsOf(seg.runs().unsealed());
    assertThat(back.segments().get(0).files()).containsExactly(FILE, FILE, FILE, index);
    assertThat(lazy.loaded()).isFalse();
    assertThat(lazy.get("été")).isEqualTo(runs.get("été"));
    assertThat(lazy.loaded()).isTrue();
    assertThat(lazy.get("ete")).isNull();
    assertThat(back).isEqualTo(m);
    assertThat(back.segmentsByRun()).containsOnlyKeys(IDS.toArray(String[]::new));

    // format_version not first (as no writer puts it): read the same, by the parser for any format
    Path file = dir.resolve(ManifestFiles.fileName(1));
    String moved = json.replace("{\"format_version\":3,", "{");
    Files.writeString(file, moved.substring(0, moved.length() - 1) + ",\"format_version\":3}");
    assertThat(ManifestFiles.read(dir, 1)).isEqualTo(m);
  }

  @Test
  void format3_anIndexThatDisagreesWithTheManifest_isCorrupt_whenLoaded() throws IOException {
    Map<String, Manifest.RunCoverage> runs = coverage(List.of("a", "b", "c"));
    Manifest.FileEntry index = write("compacted/experiment=1/runs-index-00000001.bin", runs);
    Manifest.Segment seg = new Manifest.Segment("1", 1, FILE, FILE, FILE, RunCoverages.of(runs), Map.of(), null, index);
    assertThat(ManifestFiles.publish(dir, new Manifest(3, 1, "store", 5, 9, Map.of(), List.of(seg)), FileOps.DEFAULT)).isTrue();
    Path manifest = dir.resolve(ManifestFiles.fileName(1));
    String json = Files.readString(manifest);
    Path file = dir.resolve(index.path());

    // unsealed runs the index does not mark (the runs file, which would serve instead, is missing)
    Files.writeString(manifest, json.replace("\"unsealed\":[\"b\"]", "\"unsealed\":[\"a\"]"));
    RunCoverages r1 = ManifestFiles.read(dir, 1).segments().get(0).runs();
    assertCorrupt(() -> r1.get("a"), file);
    assertCorrupt(() -> r1.get("a"), file); // and again, without reading it again
    // a row count that is not the index's
    Files.writeString(manifest, json.replace("\"rows\":3}", "\"rows\":4}"));
    RunCoverages r2 = ManifestFiles.read(dir, 1).segments().get(0).runs();
    assertThat(r2.size()).isEqualTo(4);
    assertCorrupt(r2::load, file);
    // more unsealed runs than runs, or one twice: the manifest itself is corrupt
    Files.writeString(manifest, json.replace("\"unsealed\":[\"b\"]", "\"unsealed\":[\"b\",\"b\"]"));
    assertCorrupt(() -> ManifestFiles.read(dir, 1), manifest);
  }
}
