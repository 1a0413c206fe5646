package io.tracklog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.CorruptFileException;
import io.tracklog.error.UnsupportedFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** store.json: what it says is read back, and anything else is a typed error naming the file. */
class StoreMetadataTest {
  @TempDir Path dir;

  private Path write(String json) throws IOException {
    return Files.writeString(dir.resolve("store.json"), json);
  }

  @Test
  void written_isReadBack_andUnknownFieldsAreIgnored() throws IOException {
    Path file = dir.resolve("store.json");
    StoreMetadata.create("id-1", 1234L).write(file);
    assertThat(StoreMetadata.read(file)).isEqualTo(new StoreMetadata(StoreMetadata.CURRENT_VERSION, "id-1", 1234L, StoreMetadata.CURRENT_VERSION));
    Path other = write("{\"later\": {\"nested\": [1, 2]}, \"format\": \"tracklog\", \"formatVersion\": 2,"
        + " \"storeId\": \"x\", \"createdAt\": 5, \"note\": null}");
    assertThat(StoreMetadata.read(other)).isEqualTo(new StoreMetadata(2, "x", 5L, 0));
  }

  @Test
  void aDamagedField_failsTheChecksum_evenWhenItReadsAsAnotherVersion() throws IOException {
    Path file = dir.resolve("store.json");
    StoreMetadata.create("id-1", 1234L).write(file);
    String json = Files.readString(file);
    int v = StoreMetadata.CURRENT_VERSION;
    for (String[] change : new String[][] {
        {"\"formatVersion\" : " + v, "\"formatVersion\" : " + (v + 1)},
        {"\"formatVersion\" : " + v, "\"formatVersion\" : " + (v - 1)},
        {"id-1", "id-3"}, {"1234", "1235"}, {"\"createdFormat\" : " + v, "\"createdFormat\" : 0"}}) {
      assertThat(json).contains(change[0]);
      Files.writeString(file, json.replace(change[0], change[1]));
      assertThatThrownBy(() -> StoreMetadata.read(file)).as(change[1])
          .isInstanceOf(CorruptFileException.class)
          .hasMessageContaining("checksum");
    }
    Files.writeString(file, json.replaceAll(",\\s*\"checksum\" : \"[0-9a-f]+\"", ""));
    assertThatThrownBy(() -> StoreMetadata.read(file)).isInstanceOf(CorruptFileException.class).hasMessageContaining("no checksum");
  }

  @Test
  void notAStoreFile_isCorruptFileException() throws IOException {
    for (String bad : new String[] {
        "", "{", "[]", "42", "{\"format\": \"mlflow\", \"formatVersion\": 2}", "{\"formatVersion\": 2}",
        "{\"format\": \"tracklog\", \"formatVersion\": 2} trailing", "{\"format\": \"tracklog\",, }"}) {
      Path file = write(bad);
      assertThatThrownBy(() -> StoreMetadata.read(file)).as(bad)
          .isInstanceOf(CorruptFileException.class)
          .hasMessageContaining("store.json");
      assertThat(StoreMetadata.readVersion(file)).as(bad).isEqualTo(-1);
    }
  }

  @Test
  void versionsOutsideTheRange_areUnsupportedFormatException() throws IOException {
    for (int version : new int[] {1, StoreMetadata.CURRENT_VERSION + 1}) {
      Path file = write("{\"format\": \"tracklog\", \"formatVersion\": " + version + ", \"storeId\": \"x\", \"createdAt\": 1}");
      assertThat(StoreMetadata.readVersion(file)).isEqualTo(version);
      assertThatThrownBy(() -> StoreMetadata.read(file)).isInstanceOf(UnsupportedFormatException.class);
    }
  }
}
