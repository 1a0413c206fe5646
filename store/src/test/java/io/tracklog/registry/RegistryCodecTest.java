package io.tracklog.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.format.ByteSink;
import io.tracklog.format.ByteSource;
import io.tracklog.format.DecodeException;
import io.tracklog.testing.Gen;
import io.tracklog.testing.Property;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Registry events survive encode/decode, and bytes that are not one event never decode as one. */
class RegistryCodecTest {
  private static final Gen<String> TEXT =
      Gen.oneOf("", "m", "my model", "é☃", "a".repeat(300), "x.y/z", "\u0000", "\uD83D\uDE00");
  private static final Gen<String> MAYBE = TEXT.orNull(0.3);
  private static final Gen<Long> TIME = Gen.between(0, Long.MAX_VALUE);
  private static final Gen<Integer> VERSION = Gen.ints(1, Integer.MAX_VALUE);
  private static final Gen<Map<String, String>> TAGS =
      TEXT.list(4).flatMap(keys -> c -> {
        Map<String, String> tags = new LinkedHashMap<>();
        keys.forEach(k -> tags.put(k, TEXT.next(c)));
        return tags;
      });

  static Gen<RegistryEvent> events() {
    Gen<ModelStage> stage = Gen.oneOf(ModelStage.values());
    return c -> {
      long t = TIME.next(c);
      String user = TEXT.next(c);
      String name = TEXT.next(c);
      return switch (c.index(24)) {
        case 0 -> new RegistryEvent.ModelCreated(t, user, name, MAYBE.next(c), TAGS.next(c));
        case 1 -> new RegistryEvent.ModelRenamed(t, user, name, TEXT.next(c));
        case 2 -> new RegistryEvent.ModelDescriptionSet(t, user, name, MAYBE.next(c));
        case 3 -> new RegistryEvent.ModelDeleted(t, user, name);
        case 4 -> new RegistryEvent.ModelTagSet(t, user, name, TEXT.next(c), TEXT.next(c));
        case 5 -> new RegistryEvent.ModelTagDeleted(t, user, name, TEXT.next(c));
        case 6 -> new RegistryEvent.VersionCreated(
            t, user, name, VERSION.next(c), TEXT.next(c), MAYBE.next(c), MAYBE.next(c), MAYBE.next(c), TAGS.next(c),
            MAYBE.next(c));
        case 7 -> new RegistryEvent.VersionDescriptionSet(t, user, name, VERSION.next(c), MAYBE.next(c));
        case 8 -> new RegistryEvent.VersionDeleted(t, user, name, VERSION.next(c));
        case 9 -> new RegistryEvent.VersionTagSet(t, user, name, VERSION.next(c), TEXT.next(c), TEXT.next(c));
        case 10 -> new RegistryEvent.VersionTagDeleted(t, user, name, VERSION.next(c), TEXT.next(c));
        case 11 -> new RegistryEvent.StageTransitioned(t, user, name, VERSION.next(c), stage.next(c), c.weighted(0.5));
        case 12 -> new RegistryEvent.AliasSet(t, user, name, TEXT.next(c), VERSION.next(c));
        case 13 -> new RegistryEvent.AliasDeleted(t, user, name, TEXT.next(c));
        case 14 -> new RegistryEvent.ModelImported(t, user, name, TIME.next(c), TIME.next(c), MAYBE.next(c), TAGS.next(c));
        case 16 -> new RegistryEvent.LoggedModelCreated(
            t, user, name, TEXT.next(c), TEXT.next(c), MAYBE.next(c), MAYBE.next(c), TEXT.next(c), TAGS.next(c), TAGS.next(c));
        case 17 -> new RegistryEvent.LoggedModelFinalized(t, user, name, Gen.oneOf(LoggedModel.Status.values()).next(c));
        case 18 -> new RegistryEvent.LoggedModelTagsSet(t, user, name, TAGS.next(c));
        case 19 -> new RegistryEvent.LoggedModelTagDeleted(t, user, name, TEXT.next(c));
        case 20 -> new RegistryEvent.LoggedModelParamsLogged(t, user, name, TAGS.next(c));
        case 21 -> new RegistryEvent.LoggedModelDeleted(t, user, name);
        case 22 -> new RegistryEvent.LoggedModelArtifactWritten(t, user, name, TEXT.next(c), TIME.next(c), TEXT.next(c));
        case 23 -> new RegistryEvent.LoggedModelOutputLogged(t, user, name, TEXT.next(c), TIME.next(c) - Long.MAX_VALUE / 2);
        default -> {
          boolean deleted = c.weighted(0.3); // a deleted version's stage is not kept (Deleted_Internal)
          yield new RegistryEvent.VersionImported(
              t, user, name, VERSION.next(c), TIME.next(c), TIME.next(c), deleted ? ModelStage.NONE : stage.next(c),
              deleted, TEXT.next(c), MAYBE.next(c), MAYBE.next(c), MAYBE.next(c), TAGS.next(c), MAYBE.next(c),
              MAYBE.next(c));
        }
      };
    };
  }

  private static byte[] encode(RegistryEvent e) {
    ByteSink sink = new ByteSink();
    RegistryCodec.encode(e, sink);
    return sink.toByteArray();
  }

  @Test
  void everyEvent_roundTrips() {
    Property.forAll(events()).tries(500).check(e -> assertThat(RegistryCodec.decode(ByteSource.of(encode(e)))).isEqualTo(e));
  }

  @Test
  void everyKind_hasItsOwnTag() {
    assertThat(Arrays.stream(RegistryEvent.Kind.values()).map(RegistryCodec::tag).distinct()).hasSize(24);
  }

  @Test
  void aCutShortEvent_neverDecodes() {
    Property.forAll(events()).tries(200).check(e -> {
      byte[] bytes = encode(e);
      for (int len = 0; len < bytes.length; len++) {
        byte[] cut = Arrays.copyOf(bytes, len);
        assertThatThrownBy(() -> RegistryCodec.decode(ByteSource.of(cut))).isInstanceOf(DecodeException.class);
      }
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
      assertThatThrownBy(() -> RegistryCodec.decode(ByteSource.of(longer))).isInstanceOf(DecodeException.class);
    });
  }

  @Test
  void unknownTagsAndVersions_areRefused() {
    byte[] bytes = encode(new RegistryEvent.ModelDeleted(1, "u", "m"));
    for (int tag : List.of(0, 25, 127)) {
      bytes[0] = (byte) tag;
      assertThatThrownBy(() -> RegistryCodec.decode(ByteSource.of(bytes))).isInstanceOf(DecodeException.class);
    }
    bytes[0] = 4;
    bytes[1] = 2;
    assertThatThrownBy(() -> RegistryCodec.decode(ByteSource.of(bytes))).isInstanceOf(UnsupportedFormatException.class);
  }
}
