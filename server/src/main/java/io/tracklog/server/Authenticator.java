package io.tracklog.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tracklog.error.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Checks a request's {@code Authorization} header against the server's {@link Auth}, before the
 * request is read; knows nothing of HTTP libraries. Secrets are compared in constant time ({@link
 * MessageDigest#isEqual} on SHA-256 digests, so not even their lengths leak).
 */
abstract class Authenticator {
  /** Lets every request through. */
  static final Authenticator NONE =
      new Authenticator("") {
        @Override
        boolean allows(String authorization) {
          return true;
        }
      };

  private final String challenge;

  private Authenticator(String challenge) {
    this.challenge = challenge;
  }

  /** The checker for an {@link Auth}; a basic one reads its users file now. */
  static Authenticator of(Auth auth) {
    return switch (auth.kind()) {
      case NONE -> NONE;
      case TOKEN -> new Token(auth.secret());
      case BASIC -> new Basic(PasswordFile.read(auth.usersFile()));
    };
  }

  /** Whether a request with this {@code Authorization} header (null if absent) may be served. */
  abstract boolean allows(String authorization);

  /** The {@code WWW-Authenticate} header of a refusal. */
  String challenge() {
    return challenge;
  }

  /** MLflow's 401 answer. */
  Api.Reply refusal() {
    return new Api.Reply(401, MlflowJson.error(ErrorCode.UNAUTHENTICATED,
        "You are not authenticated. This server takes " + challenge.split(" ", 2)[0] + " authorization."));
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The credentials after a scheme ({@code "Basic "}, case-insensitive), or null. */
  private static String credentials(String authorization, String scheme) {
    if (authorization == null || !authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
      return null;
    }
    return authorization.substring(scheme.length()).strip();
  }

  /** One bearer token. */
  private static final class Token extends Authenticator {
    private final byte[] digest;

    Token(String token) {
      super("Bearer realm=\"mlflow\"");
      this.digest = sha256(token.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    boolean allows(String authorization) {
      String presented = credentials(authorization, "Bearer ");
      return presented != null && MessageDigest.isEqual(digest, sha256(presented.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /**
   * HTTP Basic against a users file. A PBKDF2 check costs a fraction of a second of CPU by design,
   * so the SHA-256 digests of headers that passed are remembered (at most 1024, for 10 minutes): a
   * client pays the hash once, not per request. An unknown user costs the same hash as a wrong
   * password. At most one check per core runs at once; a request that cannot start one within a
   * second is refused, so a flood of wrong passwords cannot hold every request thread.
   */
  private static final class Basic extends Authenticator {
    private final Map<String, PasswordFile.Entry> users;
    /** Checked instead of a user that does not exist, at the file's highest cost. */
    private final PasswordFile.Entry dummy;
    private final Semaphore hashing = new Semaphore(Runtime.getRuntime().availableProcessors());
    private final Cache<ByteBuffer, Boolean> verified =
        Caffeine.newBuilder().maximumSize(1024).expireAfterWrite(Duration.ofMinutes(10)).build();

    Basic(Map<String, PasswordFile.Entry> users) {
      super("Basic realm=\"mlflow\"");
      this.users = Map.copyOf(users);
      int rounds = users.values().stream().mapToInt(PasswordFile.Entry::iterations).max().orElse(PasswordFile.ITERATIONS);
      this.dummy = PasswordFile.hash("nobody", "not-a-password".toCharArray(), rounds);
    }

    @Override
    boolean allows(String authorization) {
      String presented = credentials(authorization, "Basic ");
      if (presented == null) {
        return false;
      }
      ByteBuffer key = ByteBuffer.wrap(sha256(presented.getBytes(StandardCharsets.UTF_8)));
      if (verified.getIfPresent(key) != null) {
        return true;
      }
      char[] userAndPassword = decode(presented);
      if (userAndPassword == null) {
        return false;
      }
      boolean acquired = false;
      try {
        acquired = hashing.tryAcquire(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (!acquired) {
        Arrays.fill(userAndPassword, '\0');
        return false;
      }
      try {
        int colon = indexOf(userAndPassword, ':');
        if (colon < 0) {
          return false;
        }
        PasswordFile.Entry entry = users.get(new String(userAndPassword, 0, colon));
        char[] password = Arrays.copyOfRange(userAndPassword, colon + 1, userAndPassword.length);
        try {
          boolean ok = (entry == null ? dummy : entry).matches(password) && entry != null;
          if (ok) {
            verified.put(key, Boolean.TRUE);
          }
          return ok;
        } finally {
          Arrays.fill(password, '\0');
        }
      } finally {
        hashing.release();
        Arrays.fill(userAndPassword, '\0');
      }
    }

    /** {@code user:password} from base64 of UTF-8, or null if it is not that. */
    private static char[] decode(String base64) {
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(base64);
      } catch (IllegalArgumentException e) {
        return null;
      }
      try {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        char[] out = new char[chars.remaining()];
        chars.get(out);
        return out;
      } catch (CharacterCodingException e) {
        return null;
      } finally {
        Arrays.fill(bytes, (byte) 0);
      }
    }

    private static int indexOf(char[] chars, char c) {
      for (int i = 0; i < chars.length; i++) {
        if (chars[i] == c) {
          return i;
        }
      }
      return -1;
    }
  }
}
