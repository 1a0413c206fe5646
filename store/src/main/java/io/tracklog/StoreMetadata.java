package io.tracklog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracklog.error.CorruptFileException;
import io.tracklog.error.StorageException;
import io.tracklog.error.UnsupportedFormatException;
import io.tracklog.internal.AsideWrite;
import io.tracklog.internal.FileOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code store.json}: marks a directory as a Tracklog store and names its format version (docs/FORMAT.md
 * §store.json). Written aside, fsynced and renamed, so it is either absent or whole.
 */
record StoreMetadata(int formatVersion, String storeId, long createdAt, int createdFormat) {
  static final String FORMAT_NAME = "tracklog";
  /** The format since which store.json carries its checksum and every log excerpt its check. */
  static final int CHECKED_SINCE = 4;
  /**
   * Format 7: a store that had no registry queue keeps its registry log in one plain file,
   * logs/registry.log (docs/FORMAT.md §Model registry log), and lanes' new cycle files index every
   * 32nd frame (§Chronicle queues); format 6: logged models (MLflow 3) in the
   * registry log, their files in logged-models/; format 5: lanes' recorded ends (the LaneForced
   * catalog event, docs/FORMAT.md §Lanes); format 4: checked log excerpts and a checksummed
   * store.json (docs/FORMAT.md §Checked frames); format 3: the catalog head (docs/FORMAT.md §Catalog
   * head); format 2 added writer lanes (§Lanes), format 1 had a Chronicle queue per run. A store of
   * format 2 becomes format 3 when it is opened.
   */
  static final int CURRENT_VERSION = 8;
  static final int MIN_SUPPORTED_VERSION = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The format version a store file names, without checking it (-1 if it names none). */
  static int readVersion(Path file) {
    try {
      return readAnyVersion(file).formatVersion();
    } catch (RuntimeException e) {
      return -1; // read() reports what is wrong with the file
    }
  }

  /** Reads the file as {@link #read} does, but accepts any format version (the upgrade reads format 1). */
  static StoreMetadata readAnyVersion(Path file) {
    String format = null;
    int version = -1;
    String storeId = null;
    long createdAt = 0;
    int createdFormat = 0;
    String checksum = null;
    // A streaming read: every open reads this file, and a tree costs more than the rest of it.
    try (JsonParser p = JSON.getFactory().createParser(Files.readAllBytes(file))) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new CorruptFileException(file, "not a Tracklog store file (not a JSON object)");
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        switch (name) {
          case "format" -> format = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "formatVersion" -> version = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
          case "storeId" -> storeId = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "createdAt" -> createdAt = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 0;
          case "createdFormat" -> createdFormat = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
          case "checksum" -> checksum = value == JsonToken.VALUE_STRING ? p.getText() : "";
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new CorruptFileException(file, "not valid JSON: trailing content");
      }
    } catch (IOException e) {
      throw new CorruptFileException(file, "not valid JSON: " + e.getMessage(), e);
    }
    if (!FORMAT_NAME.equals(format)) {
      throw new CorruptFileException(file, "not a Tracklog store file (\"format\" is not \"tracklog\")");
    }
    if (version < 1 || storeId == null || createdFormat < 0) {
      throw new CorruptFileException(file, "no valid formatVersion, storeId or createdFormat");
    }
    StoreMetadata found = new StoreMetadata(version, storeId, createdAt, createdFormat);
    // Every version from 4 on keeps this checksum, so a damaged digit of the version reads as damage.
    if (checksum != null ? !checksum.equals(found.checksum()) : version >= CHECKED_SINCE && version <= CURRENT_VERSION) {
      throw new CorruptFileException(file, checksum == null ? "has no checksum" : "fails its checksum");
    }
    return found;
  }

  /**
   * CRC32C of the fields as {@code format|formatVersion|storeId|createdAt|createdFormat}, 8 hex
   * digits: a damaged digit of the version reads as damage, not as a version from the future.
   */
  String checksum() {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update((FORMAT_NAME + "|" + formatVersion + "|" + storeId + "|" + createdAt + "|" + createdFormat)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return String.format(java.util.Locale.ROOT, "%08x", crc.getValue());
  }

  /** Whether this store's logs hold only checked excerpts: it was created at format 4 or later. */
  io.tracklog.log.ChronicleEventLog.Frames frames() {
    return createdFormat >= CHECKED_SINCE
        ? io.tracklog.log.ChronicleEventLog.Frames.CHECKED
        : io.tracklog.log.ChronicleEventLog.Frames.UNCHECKED_TOO;
  }

  /** This store marked as of the current format, keeping what it was created as. */
  StoreMetadata current() {
    return new StoreMetadata(CURRENT_VERSION, storeId, createdAt, createdFormat);
  }

  /** A new store of the current format. */
  static StoreMetadata create(String storeId, long createdAt) {
    return new StoreMetadata(CURRENT_VERSION, storeId, createdAt, CURRENT_VERSION);
  }

  static StoreMetadata read(Path file) {
    return readAnyVersion(file).checkVersion();
  }

  /** This, if this version reads its format; else throws {@link UnsupportedFormatException}. */
  StoreMetadata checkVersion() {
    if (formatVersion < MIN_SUPPORTED_VERSION || formatVersion > CURRENT_VERSION) {
      throw UnsupportedFormatException.version("store format", formatVersion, MIN_SUPPORTED_VERSION, CURRENT_VERSION);
    }
    return this;
  }

  void write(Path file) {
    write(file, FileOps.DEFAULT);
  }

  /**
   * Writes the file aside and renames it in through {@code ops}.
   *
   * @throws StorageException if it cannot be written; the file is then as it was
   */
  void write(Path file, FileOps ops) {
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT_NAME);
    node.put("formatVersion", formatVersion);
    node.put("storeId", storeId);
    node.put("createdAt", createdAt);
    if (createdFormat > 0) {
      node.put("createdFormat", createdFormat);
    }
    if (formatVersion >= CHECKED_SINCE) {
      node.put("checksum", checksum());
    }
    try {
      AsideWrite.replace(ops, file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    } catch (IOException e) {
      throw StorageException.writing("store file", file, e);
    }
  }
}
