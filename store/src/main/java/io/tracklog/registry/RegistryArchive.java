package io.tracklog.registry;

import io.tracklog.error.ResourceAlreadyExistsException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Some registered models as an archive carries them (docs/FORMAT.md §Archives, {@code
 * registry.bin}): every event of each model's history, in registry-log order and encoding, so
 * that the archive answers the registry reads and {@code history} exactly as the store did, and
 * an import appends the same events to another store's registry. Immutable once read; thread-safe.
 *
 * <pre>{@code
 * byte[] bytes = RegistryArchive.export(store.registry(), List.of("mnist"));
 * RegistrySnapshot snap = RegistryArchive.read(bytes).snapshot();
 * }</pre>
 */
public final class RegistryArchive {
  private final List<RegistryEvent> events;
  private final RegistrySnapshot snapshot;
  private final RegistryState state;

  private RegistryArchive(List<RegistryEvent> events, RegistryState state) {
    this.events = events;
    this.state = state;
    this.snapshot = RegistrySnapshot.of(state);
  }

  /**
   * The events of the models now named {@code names} (their whole lineage: earlier names and
   * versions included), encoded: a {@code varint} count, then each event as a {@code varint} length
   * and the registry log's encoding of the event.
   *
   * @throws ResourceNotFoundException if no model has one of the names
   */
  public static byte[] export(ModelRegistry registry, Collection<String> names) {
    Set<Long> lineages = new HashSet<>();
    RegistryLog log = registry.log();
    Set<String> wanted = new HashSet<>(names);
    log.read(s -> {
      for (String name : wanted) {
        RegistryState.Model m = s.model(name);
        if (m == null) {
          throw RegistryRules.modelNotFound(name);
        }
        lineages.add(m.lineage);
      }
      return null;
    });
    List<RegistryEvent> picked = new ArrayList<>();
    log.eachEvent((lineage, e) -> {
      if (lineages.contains(lineage)) {
        picked.add(e);
      }
    });
    ByteSink all = new ByteSink();
    ByteSink one = new ByteSink();
    all.writeVarLong(picked.size());
    for (RegistryEvent e : picked) {
      RegistryCodec.encode(e, one);
      all.writeVarLong(one.length());
      for (int i = 0; i < one.length(); i++) {
        all.writeByte(one.array()[i]);
      }
    }
    return all.toByteArray();
  }

  /**
   * Decodes and folds what {@link #export} wrote.
   *
   * @throws IllegalArgumentException if the bytes do not decode or the events do not fold
   */
  public static RegistryArchive read(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      ByteSource in = ByteSource.of(bytes);
      int n = in.readCount();
      List<RegistryEvent> events = new ArrayList<>(n);
      RegistryState state = new RegistryState();
      for (int i = 0; i < n; i++) {
        int length = in.readCount();
        byte[] event = new byte[length];
        for (int j = 0; j < length; j++) {
          event[j] = (byte) in.readByte();
        }
        ByteSource src = ByteSource.of(event);
        RegistryEvent e = RegistryCodec.decode(src);
        if (src.remaining() != 0) {
          throw new IllegalArgumentException("event " + i + " has trailing bytes");
        }
        state.apply(e);
        events.add(e);
      }
      if (in.remaining() != 0) {
        throw new IllegalArgumentException("trailing bytes after " + n + " events");
      }
      return new RegistryArchive(List.copyOf(events), state);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("registry events do not decode: " + e.getMessage(), e);
    }
  }

  /** The models as the source registry had them. */
  public RegistrySnapshot snapshot() {
    return snapshot;
  }

  /**
   * A model's audit trail, as {@link ModelRegistry#history}.
   *
   * @throws ResourceNotFoundException if no model of the archive ever had that name
   */
  public List<RegistryChange> history(String name) {
    List<RegistryChange> changes = state.history(name);
    if (changes == null) {
      throw RegistryRules.modelNotFound(name);
    }
    return changes;
  }

  /**
   * Appends each model's events to {@code target}'s registry log, under its lock, keeping names,
   * versions, times and users. Idempotent: a model the target has with the same state is skipped.
   *
   * @return the names of the models imported (not skipped)
   * @throws ResourceAlreadyExistsException if the target has a different model under a name one of
   *     them has or had; nothing is appended then
   */
  public List<String> importInto(ModelRegistry target) {
    Map<Long, List<RegistryEvent>> byModel = new LinkedHashMap<>(); // by lineage
    RegistryState replay = new RegistryState();
    for (RegistryEvent e : events) {
      RegistryState.Model before = replay.model(e.name());
      replay.apply(e);
      long lineage = before != null ? before.lineage : replay.model(e.name()).lineage;
      byModel.computeIfAbsent(lineage, k -> new ArrayList<>()).add(e);
    }
    List<String> imported = new ArrayList<>();
    target.log().writeAll(s -> {
      List<RegistryEvent> append = new ArrayList<>();
      for (List<RegistryEvent> lineage : byModel.values()) {
        String finalName = finalName(lineage);
        RegistryState.Model have = s.model(finalName);
        if (have != null && sameModel(s, have, finalName)) {
          continue; // imported before
        }
        for (RegistryEvent e : lineage) {
          String taken = e instanceof RegistryEvent.ModelRenamed r ? r.newName() : e.name();
          if (s.model(e.name()) != null || s.model(taken) != null) {
            throw new ResourceAlreadyExistsException(
                "Cannot import registered model " + finalName + ": the store has another model named " + (s.model(taken) != null ? taken : e.name()));
          }
        }
        append.addAll(lineage);
        imported.add(finalName);
      }
      return append;
    });
    return imported;
  }

  private boolean sameModel(RegistryState s, RegistryState.Model have, String name) {
    return s.view(have).equals(snapshot.model(name).orElse(null)) && s.versionViews(have).equals(snapshot.versions(name));
  }

  private static String finalName(List<RegistryEvent> lineage) {
    String name = lineage.get(0).name();
    for (RegistryEvent e : lineage) {
      if (e instanceof RegistryEvent.ModelRenamed r) {
        name = r.newName();
      }
    }
    return name;
  }
}
