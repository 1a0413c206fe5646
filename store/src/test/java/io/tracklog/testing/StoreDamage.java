package io.tracklog.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.compact.ManifestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Damage done to a store's files in tests of verify and of the readers' fallbacks (issue #11). */
public final class StoreDamage {
  private StoreDamage() {}

  /** Flips bit 4 of the byte at {@code at}. */
  public static void flip(Path file, int at) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      bytes[at] ^= 0x10;
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Replaces the one occurrence of {@code from} in a compacted file by {@code to} (as long), and
   * the file's CRC32C in every manifest that lists it: the file passes its checks but says
   * something its runs' logs do not.
   *
   * @param relPath the file as manifests name it, relative to the store root
   */
  public static void rewriteKeepingChecksum(Path root, String relPath, byte[] from, byte[] to) {
    assertThat(to).hasSameSizeAs(from);
    try {
      Path file = root.resolve(relPath);
      byte[] bytes = Files.readAllBytes(file);
      int at = indexOf(bytes, from, 0);
      assertThat(at).as("bytes to replace in %s", file).isNotNegative();
      assertThat(indexOf(bytes, from, at + 1)).as("a second occurrence in %s", file).isNegative();
      String before = crc(bytes);
      System.arraycopy(to, 0, bytes, at, to.length);
      Files.write(file, bytes);
      String after = crc(bytes);
      int manifests = 0;
      for (long gen : ManifestFiles.generations(root)) {
        Path manifest = root.resolve(ManifestFiles.fileName(gen));
        String json = Files.readString(manifest);
        String entry = "\"path\":\"" + relPath + "\"";
        if (json.contains(entry)) {
          assertThat(json).contains("\"crc32c\":\"" + before + "\"");
          Files.writeString(manifest, json.replace("\"crc32c\":\"" + before + "\"", "\"crc32c\":\"" + after + "\""));
          manifests++;
        }
      }
      assertThat(manifests).as("manifests listing %s", relPath).isPositive();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link #rewriteKeepingChecksum} of UTF-8 strings. */
  public static void rewriteKeepingChecksum(Path root, String relPath, String from, String to) {
    rewriteKeepingChecksum(root, relPath, from.getBytes(StandardCharsets.UTF_8), to.getBytes(StandardCharsets.UTF_8));
  }

  private static String crc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    String hex = Long.toHexString(crc.getValue());
    return "00000000".substring(hex.length()) + hex;
  }

  private static int indexOf(byte[] bytes, byte[] needle, int from) {
    for (int i = from; i + needle.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}
