package io.tracklog.reader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.RunSpec;
import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.error.CorruptFileException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and damaged archives: each is a {@link CorruptFileException} naming the entry, from
 * {@code StoreReader.open}, {@code Archive.verify} and {@code Archive.importInto}, with nothing
 * imported and nothing written outside the target.
 */
class ArchiveHostileTest {
  @TempDir Path dir;
  Path good;
  Path target;

  @BeforeEach
  void archive() throws IOException {
    good = dir.resolve("good.tlar");
    target = dir.resolve("target");
    try (Store store = Store.open(dir.resolve("store"), StoreOptions.builder().compaction(StoreOptions.CompactionTrigger.MANUAL).build())) {
      String exp = store.createExperiment("e");
      String run = store.run(RunSpec.of(exp, "r"), r -> {
        for (int i = 0; i < 100; i++) {
          r.logMetric("loss", 1.0 / (i + 1), i);
        }
        r.logText("hello", "dir/hello.txt");
      });
      store.registry().registerModel("runs:/" + run + "/dir", "m");
      Archive.create(store, Archive.Selection.ofModel("m/1"), good);
    }
  }

  /** An archive container holding exactly {@code entries}. */
  private Path craft(String name, List<Crafted> entries) throws IOException {
    Path file = dir.resolve(name);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ArchiveZipWriter w = new ArchiveZipWriter(ch);
      for (Crafted e : entries) {
        w.add(e.name(), new ByteArrayInputStream(e.bytes()), e.mode());
      }
      w.finish();
    }
    return file;
  }

  record Crafted(String name, byte[] bytes, int mode) {}

  private static Crafted entry(String name, String content) {
    return new Crafted(name, content.getBytes(StandardCharsets.UTF_8), 0100644);
  }

  /** Every door refuses the file with a CorruptFileException whose message holds {@code naming}. */
  private void assertRefused(Path file, String naming) throws IOException {
    assertThatThrownBy(() -> StoreReader.open(file).close()).isInstanceOf(CorruptFileException.class).hasMessageContaining(naming);
    assertThatThrownBy(() -> Archive.verify(file)).isInstanceOf(CorruptFileException.class).hasMessageContaining(naming);
    try (Store store = Store.open(target)) {
      assertThatThrownBy(() -> Archive.importInto(file, store)).isInstanceOf(CorruptFileException.class).hasMessageContaining(naming);
      assertThat(store.catalogSnapshot().runCount()).isZero();
      assertThat(store.registry().snapshot().models()).isEmpty();
    }
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.equals("evil") || n.startsWith("tracklog-archive-"));
    }
  }

  @Test
  void escapingNames_areRefused() throws IOException {
    for (String name : List.of("store/../../evil", "/tmp/evil", "store/./evil", "store//evil", "store\\..\\evil", "C:/evil", "store/dir/")) {
      Path file = craft("x" + Math.abs(name.hashCode()) + ".tlar", List.of(entry(name, "boom")));
      assertRefused(file, "entry " + name);
    }
  }

  @Test
  void links_duplicates_andUnknownEntries_areRefused() throws IOException {
    Path link = craft("link.tlar", List.of(new Crafted("store/runs/x/artifacts/evil", "/etc/passwd".getBytes(StandardCharsets.UTF_8), 0120777)));
    assertRefused(link, "entry store/runs/x/artifacts/evil is a symbolic link");
    Path dup = craft("dup.tlar", List.of(entry("store/a", "1"), entry("store/a", "2")));
    assertRefused(dup, "entry store/a appears twice");
    byte[] manifest;
    try (ArchiveZip zip = ArchiveZip.open(good)) {
      manifest = zip.readAll(zip.entries().get(ArchiveFormat.MANIFEST), null, 1 << 20);
    }
    Path stray = craft("stray.tlar", List.of(entry("store/evil", "x"), new Crafted(ArchiveFormat.MANIFEST, manifest, 0100644)));
    assertRefused(stray, "entry store/evil is not in tracklog-archive.json");
    assertRefused(craft("nomanifest.tlar", List.of(entry("store/a", "1"))), "has no entry tracklog-archive.json");
  }

  @Test
  void sizeAndRatioBombs_areRefused() throws IOException {
    // a size bomb: the central directory claims 4 GB for an entry of a few bytes
    Path size = copy("size.tlar");
    patchCentral(size, 0, 20, 0xfffffff0); // compressed size
    patchCentral(size, 0, 24, 0xfffffff0); // uncompressed size
    assertRefused(size, "claims 4294967280 bytes");
    // a ratio bomb: a deflated entry claiming to expand 1000-fold
    Path ratio = copy("ratio.tlar");
    patchCentral(ratio, 0, 10, 8); // method: deflate (central directory only: parsing stops there)
    patchCentral(ratio, 0, 24, 1_000_000);
    assertRefused(ratio, "is compressed");
    // overlapping entries: the second entry points at the first one's bytes
    Path overlap = copy("overlap.tlar");
    patchCentral(overlap, 1, 42, 0);
    assertRefused(overlap, "entry ");
  }

  @Test
  void truncatedFiles_areRefused() throws IOException {
    long length = Files.size(good);
    for (long cut : new long[] {0, 10, length / 3, length / 2, length - 23, length - 1}) {
      Path file = copy("cut" + cut + ".tlar");
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(cut);
      }
      assertThatThrownBy(() -> StoreReader.open(file).close()).as("cut at %d", cut).isInstanceOf(CorruptFileException.class);
      assertThatThrownBy(() -> Archive.verify(file)).isInstanceOf(CorruptFileException.class);
    }
  }

  @Test
  void aFlippedByteInAnyEntry_isRefusedNamingIt() throws IOException {
    Map<String, ArchiveZip.Entry> entries;
    try (ArchiveZip zip = ArchiveZip.open(good)) {
      entries = zip.entries();
    }
    assertThat(entries.keySet()).contains(ArchiveFormat.REGISTRY, ArchiveFormat.MANIFEST);
    int n = 0;
    for (ArchiveZip.Entry e : entries.values()) {
      if (e.size() == 0) {
        continue;
      }
      Path file = copy("flip" + n++ + ".tlar");
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.allocate(1);
        long at = e.offset() + e.size() / 2;
        ch.read(b, at);
        b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
        ch.write(b, at);
      }
      assertRefused(file, "entry " + e.name() + " fails its");
    }
  }

  private Path copy(String name) throws IOException {
    return Files.copy(good, dir.resolve(name));
  }

  /** Overwrites a 4-byte (or, at field offsets 10, 2-byte) field of the {@code index}-th central directory header. */
  private static void patchCentral(Path file, int index, int field, int value) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(end, ch.size() - 22);
      long at = end.getInt(16) & 0xffffffffL;
      for (int i = 0; i < index; i++) {
        ByteBuffer h = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(h, at);
        at += 46 + (h.getShort(28) & 0xffff) + (h.getShort(30) & 0xffff) + (h.getShort(32) & 0xffff);
      }
      ByteBuffer v = ByteBuffer.allocate(field == 10 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
      if (field == 10) {
        v.putShort((short) value);
      } else {
        v.putInt(value);
      }
      ch.write(v.flip(), at + field);
    }
  }
}
