package io.tracklog.compact;

import io.tracklog.format.FileNames;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import io.tracklog.internal.AsideWrite;
import io.tracklog.internal.FileOps;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
  /**
   * For manifests of format 1 and 2, and for writing. Their run ids are field names: tens of
   * thousands of distinct names per manifest, which Jackson's symbol table would canonicalise and
   * String.intern one by one (at the price of Jackson's slower char parser, which it then uses).
   */
  private static final ObjectMapper JSON = mapper(false);

  /**
   * For manifests of format 3, whose field names are few and repeat: canonicalised, they are parsed
   * once, and Jackson uses its UTF-8 byte parser.
   */
  private static final ObjectMapper JSON_FEW_NAMES = mapper(true);

  private static ObjectMapper mapper(boolean canonicalNames) {
    return JsonMapper.builder(
            JsonFactory.builder()
                .configure(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES, canonicalNames)
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER) // metric_stats: exact, and faster
                .build())
        // snake_case like the Arrow columns; ±Infinity as JSON5/Python tokens, which json.loads reads
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
        .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
        // compact: every open reads the manifest
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .addModule(
            new SimpleModule()
                .addDeserializer(StoredSegment.class, new SegmentDeserializer())
                .addSerializer(Manifest.Segment.class, new SegmentSerializer()))
        .build();
  }

  private static Stored parse(byte[] json) throws IOException {
    if (!mayEmbedRuns(json)) {
      try {
        return JSON_FEW_NAMES.readValue(json, Stored.class);
      } catch (IllegalStateException e) {
        // Jackson's symbol table refused a flood of colliding field names: parsed without it below
      }
    }
    return JSON.readValue(json, Stored.class);
  }

  /**
   * Whether a manifest may embed its runs (format 1 or 2): unless it starts with {@code
   * "format_version"} of 3 or more, as every manifest this code writes does.
   */
  private static boolean mayEmbedRuns(byte[] json) {
    try (JsonParser p = JSON_FEW_NAMES.getFactory().createParser(json)) {
      return !(p.nextToken() == JsonToken.START_OBJECT
          && p.nextToken() == JsonToken.FIELD_NAME
          && "format_version".equals(p.currentName())
          && p.nextToken() == JsonToken.VALUE_NUMBER_INT
          && p.getIntValue() >= 3);
    } catch (IOException | RuntimeException e) {
      return true; // the full parse reports it
    }
  }

  private static final JavaType KEY_STATS =
      JSON.getTypeFactory().constructMapType(java.util.LinkedHashMap.class, String.class, Manifest.KeyStats.class);

  /** Serialization attribute: the format version of the manifest being written. */
  private static final String WRITING_VERSION = "tracklog.manifest.format_version";

  /**
   * Writes a segment. Format 3: {@code "run_index"} names the run index file, and {@code "unsealed"}
   * lists the runs that were not sealed. Formats 1 and 2 (written only to test that they are still
   * read): {@code "runs"} maps each run id to its {@code seq} (a bare number, ids in the segment's
   * order: sorted), and {@code "unsealed"} as in format 3.
   */
  private static final class SegmentSerializer extends StdSerializer<Manifest.Segment> {
    SegmentSerializer() {
      super(Manifest.Segment.class);
    }

    @Override
    public void serialize(Manifest.Segment s, JsonGenerator gen, SerializerProvider provider) throws IOException {
      Object version = provider.getAttribute(WRITING_VERSION);
      boolean embedded = version instanceof Integer v && v < 3;
      gen.writeStartObject();
      gen.writeStringField("experiment_id", s.experimentId());
      gen.writeNumberField("generation", s.generation());
      provider.defaultSerializeField("runs_file", s.runsFile(), gen);
      provider.defaultSerializeField("latest_file", s.latestFile(), gen);
      provider.defaultSerializeField("metrics_file", s.metricsFile(), gen);
      if (s.searchFile() != null) {
        provider.defaultSerializeField("search_file", s.searchFile(), gen);
      }
      RunCoverages runs = s.runs();
      if (embedded) {
        gen.writeFieldName("runs");
        gen.writeStartObject();
        for (int i = 0; i < runs.size(); i++) {
          gen.writeNumberField(runs.runId(i), runs.seq(i));
        }
        gen.writeEndObject();
      } else {
        provider.defaultSerializeField("run_index", s.runIndexFile(), gen);
      }
      gen.writeArrayFieldStart("unsealed");
      for (String runId : runs.unsealed()) {
        gen.writeString(runId);
      }
      gen.writeEndArray();
      provider.defaultSerializeField("metric_stats", new java.util.TreeMap<>(s.metricStats()), gen);
      gen.writeEndObject();
    }
  }

  /**
   * A manifest as stored, before its segments' runs are resolved by its format version (which the
   * segments, parsed first, cannot know).
   */
  record Stored(
      int formatVersion,
      long generation,
      String storeId,
      long createdAt,
      long catalogPosition,
      Map<String, Manifest.ExperimentEntry> experiments,
      List<StoredSegment> segments) {}

  /**
   * A segment as stored: {@code runs} (formats 1 and 2) or {@code runIndex} (format 3), either
   * possibly absent.
   */
  record StoredSegment(
      String experimentId,
      long generation,
      Manifest.FileEntry runsFile,
      Manifest.FileEntry latestFile,
      Manifest.FileEntry metricsFile,
      Manifest.FileEntry searchFile,
      Manifest.FileEntry runIndex,
      RunCoverages.Builder runs,
      List<String> unsealed,
      Map<String, Manifest.KeyStats> metricStats) {

    /**
     * The segment as its manifest's format reads it: format 3 from its run index file (loaded
     * later, on first use), formats 1 and 2 from its embedded runs.
     *
     * @throws IllegalArgumentException or NullPointerException if it is invalid
     */
    Manifest.Segment resolve(int formatVersion, Path root) {
      RunCoverages coverage;
      Manifest.FileEntry index = null;
      Objects.requireNonNull(experimentId, "experiment_id");
      Objects.requireNonNull(runsFile, "runs_file");
      Objects.requireNonNull(latestFile, "latest_file");
      Objects.requireNonNull(metricsFile, "metrics_file");
      if (formatVersion >= 3) {
        Objects.requireNonNull(runIndex, "run_index");
        Objects.requireNonNull(runsFile, "runs_file");
        index = runIndex;
        coverage = new LazyRunCoverages(root, runIndex, runsFile, unsealed);
      } else {
        coverage = (runs == null ? new RunCoverages.Builder(0) : runs).unseal(unsealed).build();
      }
      return new Manifest.Segment(
          experimentId,
          generation,
          runsFile,
          latestFile,
          metricsFile,
          coverage,
          metricStats == null ? Map.of() : metricStats,
          searchFile,
          index);
    }
  }

  /**
   * Reads a segment of any format: per run a number ({@code seq}, format 2, sealed unless listed
   * in {@code "unsealed"}) or an object {@code {"seq": N, "sealed": B}} (format 1), or a {@code
   * "run_index"} file entry (format 3). Embedded runs are read straight off the tokens into a
   * {@link RunCoverages.Builder}: a manifest of format 1 or 2 lists every compacted run. Other values
   * go through databind, so coercions and errors stay the same.
   */
  private static final class SegmentDeserializer extends StdDeserializer<StoredSegment> {
    SegmentDeserializer() {
      super(StoredSegment.class);
    }

    @Override
    public StoredSegment deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (!p.isExpectedStartObjectToken()) {
        return (StoredSegment) ctx.handleUnexpectedToken(StoredSegment.class, p);
      }
      String experimentId = null;
      long generation = 0;
      Manifest.FileEntry runsFile = null;
      Manifest.FileEntry latestFile = null;
      Manifest.FileEntry metricsFile = null;
      Manifest.FileEntry searchFile = null;
      Manifest.FileEntry runIndex = null;
      RunCoverages.Builder runs = null;
      List<String> unsealed = List.of();
      Map<String, Manifest.KeyStats> stats = null;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "experiment_id" -> experimentId = ctx.readValue(p, String.class);
          case "generation" -> generation = ctx.readValue(p, Long.TYPE);
          case "runs_file" -> runsFile = readFileEntry(p, ctx);
          case "latest_file" -> latestFile = readFileEntry(p, ctx);
          case "metrics_file" -> metricsFile = readFileEntry(p, ctx);
          case "search_file" -> searchFile = readFileEntry(p, ctx);
          case "run_index" -> runIndex = readFileEntry(p, ctx);
          case "runs" -> runs = readRuns(p, ctx);
          case "unsealed" -> unsealed = readStrings(p, ctx);
          case "metric_stats" -> stats = readStats(p, ctx);
          default -> p.skipChildren();
        }
      }
      return new StoredSegment(
          experimentId, generation, runsFile, latestFile, metricsFile, searchFile, runIndex, runs, unsealed, stats);
    }

    /**
     * A file entry, straight off the tokens (databind binding a record costs more than parsing it:
     * five per segment); anything unusual goes through databind, for its coercions and errors.
     */
    private static Manifest.FileEntry readFileEntry(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        return ctx.readValue(p, Manifest.FileEntry.class);
      }
      String path = null;
      String crc32c = null;
      long length = 0;
      long rows = 0;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "path" -> path = v == JsonToken.VALUE_STRING ? p.getText() : ctx.readValue(p, String.class);
          case "crc32c" -> crc32c = v == JsonToken.VALUE_STRING ? p.getText() : ctx.readValue(p, String.class);
          case "length" -> length = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : ctx.readValue(p, Long.TYPE);
          case "rows" -> rows = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : ctx.readValue(p, Long.TYPE);
          default -> p.skipChildren();
        }
      }
      if (path == null || crc32c == null) {
        throw JsonMappingException.from(p, "file entry without path or crc32c");
      }
      return new Manifest.FileEntry(path, length, crc32c, rows);
    }

    /** {@code metric_stats}: key → {min, max, runs}, the same way. */
    private static Map<String, Manifest.KeyStats> readStats(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        return ctx.readValue(p, KEY_STATS);
      }
      Map<String, Manifest.KeyStats> stats = new java.util.LinkedHashMap<>();
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String key = p.currentName();
        if (p.nextToken() != JsonToken.START_OBJECT) {
          stats.put(key, ctx.readValue(p, Manifest.KeyStats.class));
          continue;
        }
        Double min = null;
        Double max = null;
        long runs = 0;
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
          String field = p.currentName();
          JsonToken v = p.nextToken();
          boolean number = v == JsonToken.VALUE_NUMBER_FLOAT || v == JsonToken.VALUE_NUMBER_INT;
          switch (field) {
            case "min" -> min = number ? (Double) p.getDoubleValue() : ctx.readValue(p, Double.class);
            case "max" -> max = number ? (Double) p.getDoubleValue() : ctx.readValue(p, Double.class);
            case "runs" -> runs = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : ctx.readValue(p, Long.TYPE);
            default -> p.skipChildren();
          }
        }
        stats.put(key, new Manifest.KeyStats(min, max, runs));
      }
      return stats;
    }

    private static RunCoverages.Builder readRuns(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return new RunCoverages.Builder(0);
      }
      if (!p.isExpectedStartObjectToken()) {
        ctx.handleUnexpectedToken(Map.class, p);
      }
      RunCoverages.Builder runs = new RunCoverages.Builder(256);
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String runId = p.currentName();
        JsonToken value = p.nextToken();
        if (value == JsonToken.VALUE_NUMBER_INT) { // format 2
          runs.add(runId, p.getLongValue(), true);
        } else if (value == JsonToken.START_OBJECT) { // format 1
          long seq = 0;
          boolean sealed = false;
          for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
              case "seq" -> seq = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : ctx.readValue(p, Long.TYPE);
              case "sealed" ->
                  sealed = v == JsonToken.VALUE_TRUE || (v != JsonToken.VALUE_FALSE && ctx.readValue(p, Boolean.TYPE));
              default -> p.skipChildren();
            }
          }
          runs.add(runId, seq, sealed);
        } else {
          runs.add(runId, ctx.readValue(p, Long.TYPE), true);
        }
      }
      return runs;
    }

    private static List<String> readStrings(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return List.of();
      }
      if (p.currentToken() != JsonToken.START_ARRAY) {
        ctx.handleUnexpectedToken(List.class, p);
      }
      List<String> out = new ArrayList<>();
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        out.add(t == JsonToken.VALUE_STRING ? p.getText() : ctx.readValue(p, String.class));
      }
      return out;
    }
  }

  private ManifestFiles() {}

  static void deleteQuietly(FileOps ops, Path file) {
    ops.deleteQuietly(file); // a leftover is harmless; the next compaction removes it
  }

  public static String fileName(long generation) {
    return "manifest-" + FileNames.zeroPadded(generation, 8) + ".json";
  }

  /** Generations that have a published manifest in {@code root}, ascending. */
  public static List<Long> generations(Path root) {
    List<Long> gens = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(root) /* NAME filters: no glob to compile */) {
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

  /**
   * The catalog position the newest manifest records, 0 if there is none or it does not read (its
   * readers report that): how many catalog events the store held, at least.
   */
  public static long newestCatalogPosition(Path root) {
    OptionalLong gen = latestGeneration(root);
    if (gen.isEmpty()) {
      return 0;
    }
    try {
      return read(root, gen.getAsLong()).catalogPosition();
    } catch (RuntimeException e) {
      return 0;
    }
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
    Stored stored;
    try {
      stored = parse(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new CorruptFileException(file, "manifest does not parse: " + e.getMessage(), e);
    }
    int version = stored.formatVersion();
    if (version < 1 || version > Manifest.FORMAT_VERSION) {
      throw UnsupportedFormatException.version("manifest format", version, 1, Manifest.FORMAT_VERSION);
    }
    if (stored.generation() != generation) {
      throw new CorruptFileException(file, "holds generation " + stored.generation() + ", not " + generation);
    }
    try {
      List<Manifest.Segment> segments = new ArrayList<>(stored.segments() == null ? 0 : stored.segments().size());
      if (stored.segments() != null) {
        for (StoredSegment s : stored.segments()) {
          segments.add(Objects.requireNonNull(s, "segment").resolve(version, root));
        }
      }
      return new Manifest(
          version,
          stored.generation(),
          stored.storeId(),
          stored.createdAt(),
          stored.catalogPosition(),
          stored.experiments(),
          segments);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new CorruptFileException(file, "invalid manifest: " + e.getMessage(), e);
    }
  }

  /**
   * Publishes {@code manifest}. Returns false, leaving nothing behind, if its generation was already
   * published by someone else.
   */
  public static boolean publish(Path root, Manifest manifest, FileOps ops) throws IOException {
    if (manifest.formatVersion() >= 3) {
      for (Manifest.Segment s : manifest.segments()) {
        if (s.runIndexFile() == null) {
          throw new IllegalArgumentException(
              "segment " + s.runsFile().path() + " has no run index file, which manifest format 3 needs");
        }
      }
    }
    byte[] bytes = JSON.writer().withAttribute(WRITING_VERSION, manifest.formatVersion()).writeValueAsBytes(manifest);
    Path target = root.resolve(fileName(manifest.generation()));
    return AsideWrite.write(ops, target, AsideWrite.tempBeside(target), AsideWrite.Publish.NEW,
        out -> AsideWrite.writeFully(out, ByteBuffer.wrap(bytes)));
  }
}
