package io.tracklog.compact;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads, lists and publishes {@code manifest-<generation>.json} files in a store's root. Publishing
 * is optimistic and atomic: the manifest is written to a temp file, fsynced, then hard-linked to
 * its final name, which fails if another compactor published that generation first (a rename would
 * silently replace it).
 */
public final class ManifestFiles {
  private static final Pattern NAME = Pattern.compile("manifest-(\\d{8,19})\\.json");
  private static final ObjectMapper JSON =
      JsonMapper.builder(
              // Run ids are field names: tens of thousands of distinct names per manifest, which
              // Jackson's symbol table would canonicalise and String.intern one by one.
              JsonFactory.builder()
                  .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                  .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                  .build())
          // snake_case like the Arrow columns; ±Infinity as JSON5/Python tokens, which json.loads reads
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .addModule(new SimpleModule().addDeserializer(Manifest.RunCoverage.class, new CoverageDeserializer()))
          .build();

  /**
   * {@code {"seq": N, "sealed": B}}, one per compacted run: read straight off the tokens, as the
   * bean deserializer would but without its per-object buffers (a manifest lists every run). Other
   * token types go through databind, so coercions and errors stay the same.
   */
  private static final class CoverageDeserializer extends StdDeserializer<Manifest.RunCoverage> {
    CoverageDeserializer() {
      super(Manifest.RunCoverage.class);
    }

    @Override
    public Manifest.RunCoverage deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (!p.isExpectedStartObjectToken()) {
        return (Manifest.RunCoverage) ctx.handleUnexpectedToken(Manifest.RunCoverage.class, p);
      }
      long seq = 0;
      boolean sealed = false;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "seq" -> seq = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : ctx.readValue(p, Long.TYPE);
          case "sealed" ->
              sealed =
                  value == JsonToken.VALUE_TRUE
                      || (value != JsonToken.VALUE_FALSE && ctx.readValue(p, Boolean.TYPE));
          default -> p.skipChildren();
        }
      }
      return new Manifest.RunCoverage(seq, sealed);
    }
  }

  private ManifestFiles() {}

  static void deleteQuietly(FileOps ops, Path file) {
    try {
      ops.delete(file);
    } catch (IOException | RuntimeException ignored) {
      // a leftover temp file is harmless; the next compaction removes it
    }
  }

  public static String fileName(long generation) {
    return String.format("manifest-%08d.json", generation);
  }

  /** Generations that have a published manifest in {@code root}, ascending. */
  public static List<Long> generations(Path root) {
    List<Long> gens = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(root, "manifest-*.json")) {
      for (Path p : dir) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          gens.add(Long.parseLong(m.group(1)));
        }
      }
    } catch (NoSuchFileException e) {
      return gens;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list manifests in " + root, e);
    }
    gens.sort(null);
    return gens;
  }

  public static OptionalLong latestGeneration(Path root) {
    List<Long> gens = generations(root);
    return gens.isEmpty() ? OptionalLong.empty() : OptionalLong.of(gens.get(gens.size() - 1));
  }

  /** The newest manifest, or the empty one if nothing was ever compacted. */
  public static Manifest latest(Path root, String storeId) {
    OptionalLong gen = latestGeneration(root);
    return gen.isPresent() ? read(root, gen.getAsLong()) : Manifest.empty(storeId);
  }

  /**
   * @throws CorruptFileException if the manifest does not parse
   * @throws UnsupportedFormatException if it was written by a newer format
   */
  public static Manifest read(Path root, long generation) {
    Path file = root.resolve(fileName(generation));
    Manifest m;
    try {
      m = JSON.readValue(file.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new CorruptFileException(file, "manifest does not parse: " + e.getMessage(), e);
    }
    if (m.formatVersion() < 1 || m.formatVersion() > Manifest.FORMAT_VERSION) {
      throw UnsupportedFormatException.version("manifest format", m.formatVersion(), 1, Manifest.FORMAT_VERSION);
    }
    if (m.generation() != generation) {
      throw new CorruptFileException(file, "holds generation " + m.generation() + ", not " + generation);
    }
    return m;
  }

  /**
   * Publishes {@code manifest}. Returns false, leaving nothing behind, if its generation was already
   * published by someone else.
   */
  static boolean publish(Path root, Manifest manifest, FileOps ops) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(manifest);
    Path target = root.resolve(fileName(manifest.generation()));
    Path tmp = root.resolve(fileName(manifest.generation()) + "." + ProcessHandle.current().pid() + ".tmp");
    ops.delete(tmp);
    try (FileChannel ch = ops.create(tmp)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ops.write(ch, buf);
      }
      ops.force(ch);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(ops, tmp);
      throw e;
    }
    boolean published;
    try {
      ops.link(target, tmp);
      published = true;
    } catch (java.nio.file.FileAlreadyExistsException e) {
      published = false;
    } catch (IOException | RuntimeException e) {
      deleteQuietly(ops, tmp);
      throw e;
    }
    // Once linked, the commit stands: nothing below may fail it.
    deleteQuietly(ops, tmp);
    if (published) {
      try {
        ops.forceDirectory(root);
      } catch (IOException | RuntimeException ignored) {
        // the link is atomic; only its durability across power loss waits for the next sync
      }
    }
    return published;
  }
}
