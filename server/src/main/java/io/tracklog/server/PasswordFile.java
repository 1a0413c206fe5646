package io.tracklog.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * The users of {@code --auth basic}: a text file, one user a line, passwords stored only as salted
 * PBKDF2-HMAC-SHA256 hashes (the JDK's own implementation; no dependency):
 *
 * <pre>
 * # comments and blank lines are ignored
 * alice:pbkdf2-sha256:600000:&lt;salt, base64&gt;:&lt;hash, base64&gt;
 * </pre>
 *
 * <p>The salt is 16 random bytes per user, the hash 32 bytes, the iteration count is per line (new
 * lines get {@link #ITERATIONS}, OWASP's figure for this scheme), so it can be raised without
 * invalidating older lines. A user name may not contain {@code :} (HTTP Basic splits on the first).
 */
final class PasswordFile {
  static final String SCHEME = "pbkdf2-sha256";
  static final int ITERATIONS = 600_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One user's stored hash. */
  record Entry(String user, int iterations, byte[] salt, byte[] hash) {
    boolean matches(char[] password) {
      return MessageDigest.isEqual(hash, pbkdf2(password, salt, iterations));
    }

    String line() {
      Base64.Encoder b64 = Base64.getEncoder();
      return user + ":" + SCHEME + ":" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
    }
  }

  private PasswordFile() {}

  /** A new entry for a user: a fresh salt, the password hashed with {@code iterations} rounds. */
  static Entry hash(String user, char[] password, int iterations) {
    checkUser(user);
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be positive");
    }
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return new Entry(user, iterations, salt, pbkdf2(password, salt, iterations));
  }

  /**
   * Reads a users file.
   *
   * @throws IllegalArgumentException naming the line if one is malformed or a user appears twice
   */
  static Map<String, Entry> read(Path file) {
    Map<String, Entry> users = new HashMap<>();
    List<String> lines = lines(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Entry e = parse(line, file, i + 1);
      if (users.put(e.user(), e) != null) {
        throw new IllegalArgumentException(file + ":" + (i + 1) + ": user " + e.user() + " appears twice");
      }
    }
    return users;
  }

  /**
   * Adds a user to the file, or replaces the user's line; the file is created if absent and
   * rewritten atomically (a temp file renamed over it), other lines kept as they were.
   */
  static void put(Path file, Entry entry) {
    List<String> out = new ArrayList<>();
    boolean replaced = false;
    for (String line : Files.exists(file) ? lines(file) : List.<String>of()) {
      String s = line.strip();
      if (!s.isEmpty() && !s.startsWith("#") && s.startsWith(entry.user() + ":")) {
        if (!replaced) {
          out.add(entry.line());
        }
        replaced = true;
      } else {
        out.add(line);
      }
    }
    if (!replaced) {
      out.add(entry.line());
    }
    Path dir = file.toAbsolutePath().getParent();
    try {
      Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp"); // owner-only permissions
      try {
        Files.write(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static void checkUser(String user) {
    if (user == null || user.isEmpty() || user.contains(":") || user.strip().length() != user.length() || user.startsWith("#")) {
      throw new IllegalArgumentException("A user name must be non-empty, without ':', surrounding blanks or a leading '#'");
    }
  }

  private static Entry parse(String line, Path file, int number) {
    String[] f = line.split(":", -1);
    try {
      if (f.length != 5 || !f[1].equals(SCHEME)) {
        throw new IllegalArgumentException("expected user:" + SCHEME + ":iterations:salt:hash");
      }
      checkUser(f[0]);
      Base64.Decoder b64 = Base64.getDecoder();
      Entry e = new Entry(f[0], Integer.parseInt(f[2]), b64.decode(f[3]), b64.decode(f[4]));
      if (e.iterations() < 1 || e.salt().length == 0 || e.hash().length != HASH_BITS / 8) {
        throw new IllegalArgumentException("bad iterations, salt or hash length");
      }
      return e;
    } catch (IllegalArgumentException e) { // NumberFormatException and Base64's errors included
      throw new IllegalArgumentException(file + ":" + number + ": not a users-file line (" + e.getMessage() + ")", e);
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the users file " + file + ": " + e.getMessage(), e);
    }
  }

  static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    } finally {
      spec.clearPassword();
    }
  }
}
