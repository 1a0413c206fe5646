package io.tracklog.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import io.tracklog.StoreOptions;
import io.tracklog.registry.ModelRegistry.ExistingVersions;
import io.tracklog.testing.Choices;
import io.tracklog.testing.ManualClock;
import io.tracklog.testing.Property;
import io.tracklog.testing.TryDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random registry operations, spread over two stores on one folder, against a reference model of
 * MLflow's rules kept in plain maps: after every step both stores see what the reference says, and
 * a store opened afterwards (replaying the log) folds exactly the registry the others hold.
 */
class RegistryPropertyTest {
  @TempDir Path dir;

  /** The reference: what MLflow's registry holds, written as plainly as possible. */
  private static final class RefVersion {
    ModelStage stage = ModelStage.NONE;
    boolean deleted;
    String description;
    final Map<String, String> tags = new TreeMap<>();
  }

  private static final class RefModel {
    String description;
    final Map<String, String> tags = new TreeMap<>();
    final Map<String, Integer> aliases = new TreeMap<>();
    final TreeMap<Integer, RefVersion> versions = new TreeMap<>();

    RefVersion live(int v) {
      RefVersion r = versions.get(v);
      return r == null || r.deleted ? null : r;
    }
  }

  @Test
  void randomOperations_matchTheReference_andReplayToTheSameState() {
    Property.drawing().tries(15).shrinkSeconds(120).check(c -> {
      try (TryDir t = TryDir.in(dir)) {
        run(t.path(), c);
      }
    });
  }

  private static void run(Path root, Choices c) {
    ManualClock clock = new ManualClock(1_000);
    StoreOptions options = StoreOptions.builder().clock(clock).build();
    Map<String, RefModel> ref = new TreeMap<>();
    RegistrySnapshot last;
    try (Store a = Store.open(root, options);
        Store b = Store.open(root, options)) {
      ModelRegistry[] registries = {a.registry(), b.registry()};
      int ops = 20 + c.index(81);
      for (int i = 0; i < ops; i++) {
        clock.set(clock.millis() + 1);
        ModelRegistry r = registries[c.index(2)];
        String name = "m" + c.index(3);
        int version = 1 + c.index(4);
        String op = step(r, ref, c, name, version);
        c.note(i + ": " + op);
        assertThat(canonical(registries[0].snapshot())).as("after %s", op).isEqualTo(canonical(ref));
        assertThat(canonical(registries[1].snapshot())).isEqualTo(canonical(ref));
      }
      last = a.registry().snapshot();
    }
    try (Store replay = Store.open(root)) {
      RegistrySnapshot again = replay.registry().snapshot();
      assertThat(again.models()).isEqualTo(last.models());
      assertThat(again.allVersions()).containsExactlyInAnyOrderElementsOf(last.allVersions());
      assertThat(again.position()).isEqualTo(last.position());
    }
  }

  /** Applies one random operation to the registry and the reference; returns what it did. */
  private static String step(ModelRegistry r, Map<String, RefModel> ref, Choices c, String name, int version) {
    RefModel m = ref.get(name);
    String key = "k" + c.index(2);
    String alias = "a" + c.index(2);
    switch (c.index(11)) {
      case 0 -> {
        boolean ok = attempt(() -> r.createRegisteredModel(name, Map.of(key, "v"), null));
        assertThat(ok).isEqualTo(m == null);
        if (ok) {
          RefModel n = new RefModel();
          n.tags.put(key, "v");
          ref.put(name, n);
        }
        return "create " + name;
      }
      case 1 -> {
        String to = "m" + c.index(3);
        boolean ok = attempt(() -> r.renameRegisteredModel(name, to));
        assertThat(ok).isEqualTo(m != null && (to.equals(name) || !ref.containsKey(to)));
        if (ok) {
          ref.remove(name);
          ref.put(to, m);
        }
        return "rename " + name + " " + to;
      }
      case 2 -> {
        boolean ok = attempt(() -> r.deleteRegisteredModel(name));
        assertThat(ok).isEqualTo(m != null);
        ref.remove(name);
        return "delete " + name;
      }
      case 3 -> {
        boolean ok = attempt(() -> r.createModelVersion(name, "s", null));
        assertThat(ok).isEqualTo(m != null);
        if (ok) {
          m.versions.put(m.versions.isEmpty() ? 1 : m.versions.lastKey() + 1, new RefVersion());
        }
        return "version " + name;
      }
      case 4 -> {
        boolean ok = attempt(() -> r.deleteModelVersion(name, version));
        assertThat(ok).isEqualTo(m != null && m.live(version) != null);
        if (ok) {
          m.live(version).deleted = true;
          m.aliases.values().removeIf(v -> v == version);
        }
        return "delete version " + name + "/" + version;
      }
      case 5 -> {
        ModelStage stage = ModelStage.values()[c.index(4)];
        boolean archive = c.weighted(0.5) && (stage == ModelStage.STAGING || stage == ModelStage.PRODUCTION);
        boolean ok = attempt(() -> r.transitionModelVersionStage(
            name, version, stage.displayName().toUpperCase(java.util.Locale.ROOT),
            archive ? ExistingVersions.ARCHIVE : ExistingVersions.KEEP));
        assertThat(ok).isEqualTo(m != null && m.live(version) != null);
        if (ok) {
          if (archive) {
            m.versions.values().stream().filter(v -> !v.deleted && v.stage == stage).forEach(v -> v.stage = ModelStage.ARCHIVED);
          }
          m.live(version).stage = stage;
        }
        return "transition " + name + "/" + version + " " + stage + (archive ? " archiving" : "");
      }
      case 6 -> {
        boolean ok = attempt(() -> r.setRegisteredModelAlias(name, alias, version));
        assertThat(ok).isEqualTo(m != null && m.live(version) != null);
        if (ok) {
          m.aliases.put(alias, version);
        }
        return "alias " + name + " " + alias + "->" + version;
      }
      case 7 -> {
        boolean ok = attempt(() -> r.deleteRegisteredModelAlias(name, alias));
        assertThat(ok).isEqualTo(m != null);
        if (ok) {
          m.aliases.remove(alias);
        }
        return "delete alias " + name + " " + alias;
      }
      case 8 -> {
        String value = "v" + c.index(3);
        boolean ok = attempt(() -> r.setModelVersionTag(name, version, key, value));
        assertThat(ok).isEqualTo(m != null && m.live(version) != null);
        if (ok) {
          m.live(version).tags.put(key, value);
        }
        return "version tag " + name + "/" + version + " " + key + "=" + value;
      }
      case 9 -> {
        boolean ok = attempt(() -> r.deleteRegisteredModelTag(name, key));
        assertThat(ok).isEqualTo(m != null);
        if (ok) {
          m.tags.remove(key);
        }
        return "delete tag " + name + " " + key;
      }
      default -> {
        String d = "d" + c.index(3);
        boolean ok = attempt(() -> r.updateModelVersion(name, version, d));
        assertThat(ok).isEqualTo(m != null && m.live(version) != null);
        if (ok) {
          m.live(version).description = d;
        }
        return "describe " + name + "/" + version;
      }
    }
  }

  /** True if the call returned; false if it threw one of MLflow's errors (anything else fails the test). */
  private static boolean attempt(Runnable call) {
    try {
      call.run();
      return true;
    } catch (io.tracklog.error.ResourceNotFoundException | io.tracklog.error.ResourceAlreadyExistsException e) {
      return false;
    }
  }

  private static List<String> canonical(Map<String, RefModel> ref) {
    List<String> out = new ArrayList<>();
    ref.forEach((name, m) -> {
      out.add(name + " " + m.tags + " " + m.aliases);
      m.versions.forEach((n, v) -> {
        if (!v.deleted) {
          out.add(name + "/" + n + " " + v.stage + " " + v.tags + " " + v.description);
        }
      });
    });
    return out;
  }

  private static List<String> canonical(RegistrySnapshot snap) {
    List<String> out = new ArrayList<>();
    for (RegisteredModel m : snap.models()) {
      out.add(m.name() + " " + m.tags() + " " + m.aliases());
      for (ModelVersion v : snap.versions(m.name())) {
        out.add(m.name() + "/" + v.version() + " " + v.currentStage() + " " + v.tags() + " " + v.description());
      }
    }
    return out;
  }
}
