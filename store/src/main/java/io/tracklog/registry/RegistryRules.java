package io.tracklog.registry;

import io.tracklog.error.InvalidParameterException;
import io.tracklog.error.ResourceNotFoundException;
import io.tracklog.format.Validation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * MLflow's registry validation (mlflow/utils/validation.py, cited per rule), with its messages, and
 * the not-found errors of mlflow/store/model_registry/sqlalchemy_store.py. Every failure is an
 * {@link InvalidParameterException} (INVALID_PARAMETER_VALUE) unless said otherwise.
 */
final class RegistryRules {
  /** Tracklog's limit on a model name (docs/DESIGN-NOTES.md §Model registry): MLflow checks none. */
  static final int MAX_NAME_BYTES = 255;
  /** validation.py L62: MAX_ENTITY_KEY_LENGTH. */
  static final int MAX_TAG_KEY_LENGTH = Validation.MAX_KEY_LENGTH;
  /** validation.py L63: MAX_REGISTERED_MODEL_TAG / MODEL_VERSION_TAG value length, in code points. */
  static final int MAX_TAG_VALUE_LENGTH = 100_000;
  /** validation.py L75: MAX_REGISTERED_MODEL_ALIAS_LENGTH. */
  static final int MAX_ALIAS_LENGTH = 255;

  // Python's re with str patterns: \w and \d are Unicode (validation.py L37, L539-549)
  private static final Pattern ALIAS = Pattern.compile("[\\w\\-]*", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern VERSION_ALIAS = Pattern.compile("[vV]\\d+", Pattern.UNICODE_CHARACTER_CLASS);
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+(_\\d+)*");

  private RegistryRules() {}

  /** validation.py L503-505, plus the FileStore's and Tracklog's name rules (file_store.py L82-93). */
  static void modelName(String name, String parameter) {
    if (name == null || name.isEmpty()) {
      throw new InvalidParameterException("Missing value for required parameter '" + parameter + "'.");
    }
    if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
      throw new InvalidParameterException(
          "Invalid name: '" + name + "'. Registered model name cannot contain path separator");
    }
    if (name.indexOf('%') >= 0) {
      throw new InvalidParameterException("Invalid name: '" + name + "'. Registered model name cannot contain '%' character");
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new InvalidParameterException(
          "Invalid name: '" + name + "'. Registered model name exceeds the maximum length of " + MAX_NAME_BYTES
              + " bytes of UTF-8");
    }
  }

  /** _validate_tag_name (validation.py L351-368) with path "key", as for run tags. */
  static void tagKey(String key) {
    if (key == null) {
      throw new InvalidParameterException("Missing value for required parameter 'key'.");
    }
    int length = 0;
    for (int i = 0; i < key.length(); i += Character.charCount(key.codePointAt(i))) {
      if (!Validation.isKeyChar(key.codePointAt(i))) {
        throw new InvalidParameterException(
            "Invalid value \"" + key + "\" for parameter 'key' supplied: Names may only contain alphanumerics,"
                + " underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).");
      }
      length++;
    }
    if (!Validation.isNormalizedPath(key)) {
      throw new InvalidParameterException(
          "Invalid value \"" + key + "\" for parameter 'key' supplied: Names may be treated as files in certain"
              + " cases, and must not resolve to other names when treated as such. This name would resolve to '"
              + Validation.normalizePath(key) + "'");
    }
    if (length > MAX_TAG_KEY_LENGTH) {
      throw new InvalidParameterException("'key' exceeds the maximum length of " + MAX_TAG_KEY_LENGTH + " characters");
    }
  }

  /** validation.py L288-311, L580-582: never truncated. */
  static void tagValue(String value) {
    if (value == null) {
      throw new InvalidParameterException("Tag value cannot be None");
    }
    if (value.codePointCount(0, value.length()) > MAX_TAG_VALUE_LENGTH) {
      throw new InvalidParameterException("'value' exceeds the maximum length of " + MAX_TAG_VALUE_LENGTH + " characters");
    }
  }

  static void tags(Map<String, String> tags) {
    for (Map.Entry<String, String> t : tags.entrySet()) {
      tagKey(t.getKey());
      tagValue(t.getValue());
    }
  }

  /**
   * An alias being set (validation.py L522-549): non-empty, {@code ^[\w\-]*$}, at most 255 code
   * points, and not reserved ({@code latest} in any case, {@code v<digits>}). Python's {@code $} also
   * lets one trailing newline through; Tracklog refuses it (docs/DESIGN-NOTES.md §Model registry).
   */
  static void aliasToSet(String alias) {
    if (alias == null || alias.isEmpty()) {
      throw new InvalidParameterException("Registered model alias name cannot be empty.");
    }
    if (!ALIAS.matcher(alias).matches()) {
      throw new InvalidParameterException(
          "Invalid alias name: '" + alias + "'. Names may only contain alphanumerics, underscores (_), and dashes (-).");
    }
    if (alias.codePointCount(0, alias.length()) > MAX_ALIAS_LENGTH) {
      throw new InvalidParameterException(
          "'Registered model alias name' exceeds the maximum length of " + MAX_ALIAS_LENGTH + " characters");
    }
    if (alias.equalsIgnoreCase("latest")) {
      throw new InvalidParameterException("'latest' alias name (case insensitive) is reserved.");
    }
    if (VERSION_ALIAS.matcher(alias).matches()) {
      throw new InvalidParameterException("Version alias name '" + alias + "' is reserved.");
    }
  }

  /** Python's {@code int(version)} for the version parameter (validation.py L513-519). */
  static int version(String text) {
    String t = text == null ? "" : text.strip();
    if (!INTEGER.matcher(t).matches()) {
      throw new InvalidParameterException("Parameter 'version' must be an integer, got '" + text + "'.");
    }
    try {
      return Integer.parseInt(t.replace("_", ""));
    } catch (NumberFormatException e) {
      return -1; // a number no version has: "not found"
    }
  }

  static ResourceNotFoundException modelNotFound(String name) {
    return new ResourceNotFoundException("Registered Model with name=" + name + " not found");
  }

  static ResourceNotFoundException versionNotFound(String name, int version) {
    return new ResourceNotFoundException("Model Version (name=" + name + ", version=" + version + ") not found");
  }
}
