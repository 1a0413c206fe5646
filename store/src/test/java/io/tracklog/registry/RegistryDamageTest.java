package io.tracklog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Store;
import io.tracklog.VerifyReport;
import io.tracklog.error.CorruptFileException;
import io.tracklog.registry.ModelRegistry.ExistingVersions;
import io.tracklog.testing.StoreDamage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged registry log (bytes flipped, the file cut short) is a {@link CorruptFileException} naming
 * it, or, cut at an event boundary, an older registry: never another exception, never a different
 * value; {@code Store.verify()} reports it.
 */
class RegistryDamageTest {
  private static final int MODELS = 30;

  @TempDir Path dir;
  private Path registryDir;
  private List<RegisteredModel> pristine;
  private byte[] original;
  private Path cycle;
  private int from;
  private int to;

  @BeforeEach
  void write() throws IOException {
    try (Store store = Store.open(dir)) {
      ModelRegistry r = store.registry();
      for (int i = 0; i < MODELS; i++) {
        String name = String.format("sentinel-%03d", i);
        r.createRegisteredModel(name, Map.of("k", "v" + i), "model " + i);
        r.createModelVersion(name, "s3://b/" + name, "run" + i, Map.of("t", "x".repeat(i * 3)), null, null);
        r.transitionModelVersionStage(name, 1, "Production", ExistingVersions.ARCHIVE);
        r.setRegisteredModelAlias(name, "champion", 1);
      }
      pristine = r.snapshot().models();
    }
    registryDir = dir.resolve("logs").resolve("registry");
    cycle = dir.resolve("logs").resolve("registry.log");
    assertThat(registryDir).doesNotExist(); // a store of format 7 keeps its registry in one file
    original = Files.readAllBytes(cycle);
    from = indexOf(original, "sentinel-000") - 16;
    to = indexOf(original, String.format("sentinel-%03d", MODELS - 1)) + 200;
  }

  private static int indexOf(byte[] bytes, String s) {
    byte[] needle = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i + needle.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    throw new AssertionError(s + " not found");
  }

  /** The models as a registry opened now folds them, or the CorruptFileException it throws. */
  private Object read() {
    try (ModelRegistry r =
        ModelRegistry.open(registryDir, dir.resolve("logs/registry.lock"), io.tracklog.internal.FileOps.DEFAULT, InstantSource.system(), "t", id -> "x")) {
      return r.snapshot().models();
    } catch (CorruptFileException e) {
      assertThat(e.path()).as(e.toString()).isEqualTo(cycle);
      return e;
    }
  }

  @Test
  void aFlippedByteInAnEvent_isCorrupt_andVerifyReportsIt() throws IOException {
    StoreDamage.flip(cycle, indexOf(original, "sentinel-007") + 3);
    assertThat(read()).isInstanceOf(CorruptFileException.class);
    try (Store store = Store.open(dir)) {
      assertThatThrownBy(() -> store.registry().getRegisteredModel("sentinel-001"))
          .isInstanceOf(CorruptFileException.class)
          .hasMessageContaining("registry");
      // every later access fails the same way: nothing is read past the damage
      assertThatThrownBy(() -> store.registry().snapshot()).isInstanceOf(CorruptFileException.class);
      VerifyReport report = store.verify();
      assertThat(report.problems()).anySatisfy(p -> {
        assertThat(p.kind()).isEqualTo(VerifyReport.Kind.LOG);
        assertThat(p.message()).startsWith("registry");
      });
    }
  }

  @Test
  void flippedBytesAnywhereInTheEvents_areCorruptOrChangeNothing() throws IOException {
    Random random = new Random(12);
    for (int i = 0; i < 150; i++) {
      int at = from + random.nextInt(to - from);
      Files.write(cycle, original);
      StoreDamage.flip(cycle, at);
      Object result = read();
      if (!(result instanceof CorruptFileException)) {
        assertThat(result).as("byte %d flipped", at).isEqualTo(pristine);
      }
    }
  }

  /**
   * What a writer killed mid-append leaves (part of an event's bytes, its length still zero) reads
   * as the registry before that event, and the next write cuts the part off and appends after the
   * whole events.
   */
  @Test
  void aPartOfAnEventWithoutItsLength_readsAsBefore_andTheNextWriteReplacesIt() throws IOException {
    int inside = indexOf(original, "sentinel-010");
    int frame = 8; // after the file's header: frames of a 4-byte little-endian length and the excerpt
    while (true) {
      int length = java.nio.ByteBuffer.wrap(original, frame, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
      if (frame + 4 + length > inside) {
        break;
      }
      frame += 4 + length;
    }
    byte[] killed = Arrays.copyOf(original, inside + 2);
    Arrays.fill(killed, frame, frame + 4, (byte) 0);
    Files.write(cycle, killed);
    @SuppressWarnings("unchecked")
    List<RegisteredModel> before = (List<RegisteredModel>) read();
    assertThat(before).isNotEmpty().isEqualTo(pristine.subList(0, before.size()));
    try (Store store = Store.open(dir)) {
      store.registry().createRegisteredModel("after-the-cut");
    }
    @SuppressWarnings("unchecked")
    List<RegisteredModel> after = (List<RegisteredModel>) read();
    assertThat(after).hasSize(before.size() + 1);
    assertThat(after.stream().filter(m -> !m.name().equals("after-the-cut")).toList()).isEqualTo(before);
    try (Store store = Store.open(dir)) {
      assertThat(store.verify().problems()).isEmpty();
    }
  }

  @Test
  void aLogCutShort_isCorruptOrAnOlderRegistry() throws IOException {
    Random random = new Random(7);
    for (int i = 0; i < 60; i++) {
      int length = from + random.nextInt(to - from);
      Files.write(cycle, Arrays.copyOf(original, length));
      Object result = read();
      if (!(result instanceof CorruptFileException)) {
        @SuppressWarnings("unchecked")
        List<RegisteredModel> models = (List<RegisteredModel>) result;
        assertThat(models.size()).as("cut at %d", length).isLessThanOrEqualTo(MODELS);
        assertThat(pristine.subList(0, Math.max(0, models.size() - 1))).isEqualTo(models.subList(0, Math.max(0, models.size() - 1)));
      }
    }
  }
}
