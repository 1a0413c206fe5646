package io.tracklog.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Who may call a {@link TrackingServer}: anyone ({@link #none()}), the users of a password file
 * over HTTP Basic, as MLflow's basic-auth app ({@link #basic}; clients set {@code
 * MLFLOW_TRACKING_USERNAME} and {@code MLFLOW_TRACKING_PASSWORD}), or holders of one bearer token
 * ({@link #token}; clients set {@code MLFLOW_TRACKING_TOKEN}). Every request without valid
 * credentials is answered 401 UNAUTHENTICATED with MLflow's error body and a {@code
 * WWW-Authenticate} challenge. There is no TLS: off a loopback address, put a TLS proxy in front.
 */
public final class Auth {
  enum Kind {
    NONE,
    BASIC,
    TOKEN
  }

  private static final Auth NONE = new Auth(Kind.NONE, null, null);

  private final Kind kind;
  private final Path usersFile;
  private final String token;

  private Auth(Kind kind, Path usersFile, String token) {
    this.kind = kind;
    this.usersFile = usersFile;
    this.token = token;
  }

  /** No authentication: every request is served. */
  public static Auth none() {
    return NONE;
  }

  /**
   * HTTP Basic against a users file of salted PBKDF2 hashes, read when the server starts (format:
   * README, "Serving MLflow clients"; write it with {@link #addUser}).
   */
  public static Auth basic(Path usersFile) {
    return new Auth(Kind.BASIC, Objects.requireNonNull(usersFile, "usersFile"), null);
  }

  /** {@code Authorization: Bearer <token>}; the token must have at least 16 characters. */
  public static Auth token(String token) {
    Objects.requireNonNull(token, "token");
    if (token.strip().length() < 16 || !token.strip().equals(token)) {
      throw new IllegalArgumentException("A bearer token needs at least 16 characters and no surrounding blanks");
    }
    return new Auth(Kind.TOKEN, null, token);
  }

  /** Whether this is {@link #none()}. */
  public boolean isNone() {
    return kind == Kind.NONE;
  }

  /**
   * Adds a user to a users file, or replaces the user's password: a fresh salt and a PBKDF2 hash
   * are written, never the password; the file is created if absent and replaced atomically. The
   * caller clears {@code password} afterwards.
   *
   * @throws IllegalArgumentException if the user name has a {@code :} or the password is empty
   */
  public static void addUser(Path usersFile, String user, char[] password) {
    if (password.length == 0) {
      throw new IllegalArgumentException("The password is empty");
    }
    PasswordFile.put(usersFile, PasswordFile.hash(user, password, PasswordFile.ITERATIONS));
  }

  Kind kind() {
    return kind;
  }

  Path usersFile() {
    return usersFile;
  }

  String secret() {
    return token;
  }

  /** "none", "basic (FILE)" or "token"; never the token. */
  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "none";
      case BASIC -> "basic (" + usersFile + ")";
      case TOKEN -> "token";
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Auth a && kind == a.kind && Objects.equals(usersFile, a.usersFile) && Objects.equals(token, a.token);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {kind, usersFile, token});
  }
}
