package io.tracklog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.tracklog.error.InvalidParameterException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** How {@link RunWriter#logDict} serialises: JSON indented by 2, or block-style YAML. */
final class ArtifactFormats {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .setDefaultPrettyPrinter(
              new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
                  .withObjectIndenter(
                      new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n"))
                  .withArrayIndenter(new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n")));
  private static final YAMLMapper YAML =
      new YAMLMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .build());

  private ArtifactFormats() {}

  static byte[] dictBytes(Map<String, ?> map, String artifactFile) {
    String lower = artifactFile.toLowerCase(Locale.ROOT);
    try {
      if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
        return YAML.writeValueAsString(map).getBytes(StandardCharsets.UTF_8);
      }
      return JSON.writeValueAsString(map).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new InvalidParameterException("Cannot serialise the dictionary for '" + artifactFile + "': " + e.getOriginalMessage());
    }
  }
}
