package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A store written by an older format, committed as {@code golden/format-N/store.zip} with what that
 * code's CLI answered then ({@code export.json}, {@code search.json}, {@code experiments.json}; from
 * format 6 also {@code registered-models.json}, {@code model-versions.json} and the logged models,
 * {@code logged-models.json}).
 */
final class GoldenStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String folder;

  GoldenStore(int formatVersion) {
    this.folder = "/golden/format-" + formatVersion + "/";
  }

  /** Unzips the store into {@code dir}; returns its root ({@code dir/store}). */
  Path unzipInto(Path dir) throws IOException {
    try (InputStream in = GoldenStore.class.getResourceAsStream(folder + "store.zip");
        ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        Path target = dir.resolve(e.getName()).normalize();
        assertThat(target.startsWith(dir)).as(e.getName()).isTrue();
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zip, target);
        }
      }
    }
    return dir.resolve("store");
  }

  /** What the old CLI answered. Artifact URIs and locations name where the store was made: they are data. */
  JsonNode expected(String name) throws IOException {
    try (InputStream in = GoldenStore.class.getResourceAsStream(folder + name)) {
      return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** An export without what depends on when compaction ran (generation, runs not yet compacted). */
  static JsonNode withoutCompactionState(JsonNode export) {
    ObjectNode copy = export.deepCopy();
    copy.remove("generation");
    copy.remove("live_run_ids");
    return copy;
  }
}
