package io.tracklog.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Experiment;
import io.tracklog.testing.Choices;
import io.tracklog.testing.Property;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint parts (format version 3): a catalog restored from any chain of parts, cut at any
 * positions, answers exactly as the catalog that applied every event, for random event streams with
 * run ids of every shape; parts that do not follow one another, or damaged bytes, are refused with a
 * DecodeException and leave the state untouched.
 */
class CatalogCheckpointPartsTest {

  /** A random catalog stream; returns the states' snapshots after each event (index = position). */
  private static List<CatalogSnapshot> randomStream(Random rnd, CatalogState s, int events, List<String> runIds) {
    return stream(
        new Draws() {
          @Override
          public int index(int n) {
            return rnd.nextInt(n);
          }

          @Override
          public long bits() {
            return rnd.nextLong();
          }
        },
        s, events, runIds);
  }

  /** Where a stream's choices come from: a Random for the example tests, a property's choices for the property. */
  private interface Draws {
    int index(int n);

    long bits();
  }

  private static Draws draws(Choices c) {
    return new Draws() {
      @Override
      public int index(int n) {
        return c.index(n);
      }

      @Override
      public long bits() {
        return c.below(Long.MAX_VALUE);
      }
    };
  }

  /**
   * Up to {@code events} catalog events (a property's list ends earlier when its choices say so):
   * experiments created, renamed, tagged, deleted and restored; runs registered (most events) and
   * reopened. Returns the snapshots after each event (index = position).
   */
  private static List<CatalogSnapshot> stream(Draws d, CatalogState s, int events, List<String> runIds) {
    List<CatalogSnapshot> snaps = new ArrayList<>();
    snaps.add(s.snapshot());
    List<String> experiments = new ArrayList<>();
    int names = 0;
    for (int i = 0; i < events; i++) {
      if (d instanceof More more && !more.another()) {
        break;
      }
      // 0 (the simplest choice) registers a run, once an experiment exists
      int kind = experiments.isEmpty() ? 19 : 19 - d.index(20);
      String exp = experiments.isEmpty() ? null : experiments.get(d.index(experiments.size()));
      if (kind == 0) {
        s.apply(d.index(2) == 0 ? new CatalogEvent.ExperimentDeleted(exp, i) : new CatalogEvent.ExperimentRestored(exp, i));
      } else if (kind == 1) {
        s.apply(new CatalogEvent.ExperimentTagSet(exp, "k" + d.index(3), "v" + i));
      } else if (kind == 2) {
        s.apply(new CatalogEvent.ExperimentRenamed(exp, "renamed-" + names++, i));
      } else if (kind == 19) {
        String id = Integer.toString(experiments.size() * 3);
        s.apply(new CatalogEvent.ExperimentCreated(id, "exp-" + names++, "file:/x/" + id, i, i, Map.of("t", "v" + i)));
        experiments.add(id);
      } else if (kind >= 17 && !runIds.isEmpty()) {
        s.apply(new CatalogEvent.RunReopened(runIds.get(d.index(runIds.size())), i, d.index(4), d.bits() & 0xFFFFFFFFFFL));
      } else {
        String runId = runId(d.index(4), d.bits(), runIds.size());
        s.apply(new CatalogEvent.RunRegistered(runId, exp, i, d.index(4), d.bits() & 0xFFFFFFFFFFL));
        runIds.add(runId);
      }
      snaps.add(s.snapshot());
    }
    return snaps;
  }

  /** Draws whose stream stops when the property's choices say so (a shorter stream shrinks better). */
  private interface More extends Draws {
    boolean another();
  }

  private static More drawsUntilStop(Choices c, double averageLength) {
    Draws d = draws(c);
    return new More() {
      @Override
      public boolean another() {
        return c.weighted(1 - 1 / (1 + averageLength));
      }

      @Override
      public int index(int n) {
        return d.index(n);
      }

      @Override
      public long bits() {
        return d.bits();
      }
    };
  }

  private static String runId(Random rnd, int n) {
    return runId(rnd.nextInt(4), rnd.nextLong(), n);
  }

  /** A run id of one of four shapes: hex, ASCII, bytes ≥ 0x80 (sorted as unsigned UTF-8), 4-byte UTF-8. */
  private static String runId(int shape, long bits, int n) {
    switch (shape) {
      case 0:
        return "run-" + n;
      case 1:
        return String.format("%032x", bits & Long.MAX_VALUE).substring(0, 16) + String.format("%016x", n);
      case 2:
        return "ü" + n + "-\u4e2d";
      default:
        return "\uD83D\uDE00" + n;
    }
  }

  private static Map<String, String> names(CatalogSnapshot snap) {
    Map<String, String> names = new HashMap<>();
    for (Experiment e : snap.experiments().values()) {
      names.put(e.name(), e.experimentId());
    }
    return names;
  }

  private static CatalogCheckpoint part(List<CatalogSnapshot> snaps, long from, long to) {
    CatalogSnapshot at = snaps.get((int) to);
    byte[] bytes = CatalogCheckpoint.encode("store", from, new CatalogCheckpoint.Anchor(to, to * 10, 5, 7), at, names(at));
    return CatalogCheckpoint.decode(bytes);
  }

  private static void assertSameCatalog(CatalogState restored, CatalogSnapshot expected, List<String> runIds) {
    CatalogSnapshot got = restored.snapshot();
    assertThat(got.position()).isEqualTo(expected.position());
    assertThat(got.experiments()).isEqualTo(expected.experiments());
    assertThat(got.runs()).isEqualTo(expected.runs());
    assertThat(got.runsByExperiment()).isEqualTo(expected.runsByExperiment());
    assertThat(got.reopenings()).isEqualTo(expected.reopenings());
    for (String id : runIds) {
      assertThat(got.run(id)).isEqualTo(expected.run(id));
      assertThat(got.attachments(id)).isEqualTo(expected.attachments(id));
      assertThat(restored.runEntry(id)).isEqualTo(expected.run(id));
    }
    for (int i = 0; i < 20; i++) {
      String absent = runId(i % 4, i * 0x9E3779B97F4A7C15L, 1_000_000 + i) + "-absent";
      assertThat(got.run(absent)).isNull();
    }
    for (Experiment e : expected.experiments().values()) {
      assertThat(restored.experimentByName(e.name())).isEqualTo(e);
    }
  }

  /**
   * For a stream of up to 1,200 events, up to six restores each: a random position, reached by a
   * chain of parts cut at random positions, restores exactly the catalog that applied every event
   * up to it.
   */
  @Test
  void anyChainOfParts_restoresExactlyTheCatalogThatAppliedEveryEvent() {
    Property.drawing().tries(16).check(c -> {
      CatalogState full = new CatalogState();
      List<String> runIds = new ArrayList<>();
      List<CatalogSnapshot> snaps = stream(drawsUntilStop(c, 700), full, 1200, runIds);
      long end = full.position();
      c.note("stream of " + end + " events, " + runIds.size() + " runs registered");
      if (end == 0) {
        return;
      }
      for (int trial = 0; trial < 6 && (trial == 0 || c.weighted(0.9)); trial++) {
        long restoreTo = 1 + c.index((int) end);
        List<Long> cuts = new ArrayList<>(List.of(0L));
        while (cuts.get(cuts.size() - 1) < restoreTo) {
          long last = cuts.get(cuts.size() - 1);
          cuts.add(Math.min(restoreTo, last + 1 + c.index((int) Math.max(1, restoreTo / 3))));
        }
        c.note("restore to " + restoreTo + " from parts cut at " + cuts);
        List<CatalogCheckpoint> chain = new ArrayList<>();
        for (int i = 1; i < cuts.size(); i++) {
          chain.add(part(snaps, cuts.get(i - 1), cuts.get(i)));
        }
        CatalogState restored = new CatalogState();
        restored.restore(chain);
        assertSameCatalog(restored, snaps.get((int) restoreTo), runIds);
        assertThat(restored.nextExperimentId()).isEqualTo(nextIdAt(snaps.get((int) restoreTo)));
      }
    });
  }

  private static String nextIdAt(CatalogSnapshot snap) {
    long max = -1;
    for (String id : snap.experiments().keySet()) {
      max = Math.max(max, Long.parseLong(id));
    }
    return Long.toString(max + 1);
  }

  @Test
  void partsThatDoNotFollowOneAnother_areRefused_andLeaveTheStateUntouched() {
    Random rnd = new Random(42);
    CatalogState full = new CatalogState();
    List<String> runIds = new ArrayList<>();
    List<CatalogSnapshot> snaps = randomStream(rnd, full, 200, runIds);
    CatalogCheckpoint a = part(snaps, 0, 80);
    CatalogCheckpoint b = part(snaps, 80, 150);
    CatalogCheckpoint gap = part(snaps, 90, 150);
    CatalogCheckpoint late = part(snaps, 10, 80);
    for (List<CatalogCheckpoint> bad : List.of(List.of(gap), List.of(a, gap), List.of(late), List.of(b, a))) {
      CatalogState s = new CatalogState();
      assertThatThrownBy(() -> s.restore(bad)).isInstanceOf(DecodeException.class);
      assertThat(s.position()).isZero();
      assertThat(s.experiments()).isEmpty();
    }
    CatalogState ok = new CatalogState();
    ok.restore(List.of(a, b));
    assertSameCatalog(ok, snaps.get(150), runIds);
  }

  @Test
  void damagedBytes_failTheirChecks_withADecodeException() {
    Random rnd = new Random(7);
    CatalogState full = new CatalogState();
    List<CatalogSnapshot> snaps = randomStream(rnd, full, 400, new ArrayList<>());
    CatalogSnapshot at = snaps.get(400);
    byte[] good = CatalogCheckpoint.encode("store", 0, new CatalogCheckpoint.Anchor(400, 1, 2, 3), at, names(at));
    for (int i = 0; i < 200; i++) {
      byte[] bad = good.clone();
      bad[rnd.nextInt(bad.length)] ^= (byte) (1 + rnd.nextInt(255));
      assertThatThrownBy(() -> CatalogCheckpoint.decode(bad)).isInstanceOf(DecodeException.class);
    }
    for (int cut = 0; cut < good.length; cut += 1 + good.length / 97) {
      byte[] truncated = java.util.Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> CatalogCheckpoint.decode(truncated)).isInstanceOf(DecodeException.class);
    }
    assertThatThrownBy(() -> CatalogCheckpoint.decode("not a checkpoint".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(DecodeException.class);
  }
}
