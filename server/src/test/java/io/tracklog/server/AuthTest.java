package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.Store;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --auth basic} and {@code --auth token} over real HTTP. */
class AuthTest {
  static final String TOKEN = "s3cret-token-0123456789";
  /** Cheap hashes for tests; the file records the count per line, so the server checks with it. */
  static final int TEST_ROUNDS = 1_000;

  @TempDir Path dir;
  TestServer t;
  Store store;
  TrackingServer server;
  Http http;

  @AfterEach
  void close() {
    if (t != null) {
      t.close();
    }
  }

  private void start(Auth auth) {
    t = new TestServer(dir.resolve("store"), ServerOptions.defaults().withAuth(auth));
    store = t.store;
    server = t.server;
    http = t.http;
  }

  private Http.Reply post(String authorization, String path, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b);
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static void assertRefused(Http.Reply r) {
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorCode()).isEqualTo("UNAUTHENTICATED");
    assertThat(r.json().get("message").asText()).contains("not authenticated");
  }

  @Test
  void aBearerTokenIsRequiredOnEveryPathAndNothingIsWrittenWithoutIt() throws Exception {
    start(Auth.token(TOKEN));
    long before = store.catalogPosition();
    for (String header : new String[] {null, "Bearer wrong-token-0123456789", "Bearer " + TOKEN + "x", "Basic " + TOKEN,
        "Bearer", TOKEN}) {
      assertRefused(post(header, "/api/2.0/mlflow/experiments/create", "{\"name\": \"nope\"}"));
    }
    assertRefused(post(null, "/api/2.0/mlflow/no/such/endpoint", "{}"));
    assertRefused(http.get("/api/2.0/mlflow/experiments/search"));
    assertRefused(http.put("/api/2.0/mlflow-artifacts/artifacts/0/x/artifacts/f.txt", new byte[] {1}));
    var refused = http.client().send(HttpRequest.newBuilder(server.uri().resolve("/api/2.0/mlflow/experiments/search")).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"mlflow\"");
    assertThat(store.catalogPosition()).as("nothing of a refused request was written").isEqualTo(before);

    Http.Reply ok = post("Bearer " + TOKEN, "/api/2.0/mlflow/experiments/create", "{\"name\": \"yes\"}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(post("bearer  " + TOKEN, "/api/2.0/mlflow/experiments/create", "{}").status())
        .as("the scheme is case-insensitive; the body is then read and checked").isEqualTo(400);
  }

  @Test
  void basicAuthChecksUsersOfAHashedPasswordFile() throws Exception {
    Path users = dir.resolve("users");
    PasswordFile.put(users, PasswordFile.hash("alice", "wonder land:1".toCharArray(), TEST_ROUNDS));
    PasswordFile.put(users, PasswordFile.hash("bob", "builder".toCharArray(), TEST_ROUNDS));
    assertThat(Files.readString(users)).doesNotContain("wonder", "builder").contains("alice:pbkdf2-sha256:1000:");
    start(Auth.basic(users));

    String path = "/api/2.0/mlflow/experiments/create";
    for (String header : new String[] {null, basic("alice", "wrong"), basic("carol", "builder"), basic("bob", "wonder land:1"),
        "Basic !!notbase64!!", "Basic " + Base64.getEncoder().encodeToString("alice".getBytes(StandardCharsets.UTF_8)),
        "Bearer " + TOKEN, basic("alice", "wonder land:")}) {
      assertRefused(post(header, path, "{\"name\": \"nope\"}"));
    }
    var refused = http.client().send(HttpRequest.newBuilder(server.uri().resolve(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
        java.net.http.HttpResponse.BodyHandlers.discarding());
    assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"mlflow\"");

    assertThat(post(basic("alice", "wonder land:1"), path, "{\"name\": \"a\"}").status()).isEqualTo(200);
    assertThat(post(basic("alice", "wonder land:1"), path, "{\"name\": \"a2\"}").status()).as("remembered").isEqualTo(200);
    assertThat(post(basic("bob", "builder"), path, "{\"name\": \"b\"}").status()).isEqualTo(200);
    assertThat(post(basic("alice", "wonder land:2"), path, "{\"name\": \"c\"}").status()).isEqualTo(401);
  }

  @Test
  void addUserWritesAFullStrengthHashAndReplacesAUsersLine() {
    Path users = dir.resolve("users");
    Auth.addUser(users, "alice", "first".toCharArray());
    Auth.addUser(users, "bob", "second".toCharArray());
    Auth.addUser(users, "alice", "third".toCharArray());
    var read = PasswordFile.read(users);
    assertThat(read).containsOnlyKeys("alice", "bob");
    assertThat(read.get("alice").iterations()).isEqualTo(PasswordFile.ITERATIONS);
    assertThat(read.get("alice").matches("third".toCharArray())).isTrue();
    assertThat(read.get("alice").matches("first".toCharArray())).isFalse();
    assertThatThrownBy(() -> Auth.addUser(users, "a:b", "x".toCharArray())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Auth.addUser(users, "carol", new char[0])).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMalformedUsersFileStopsTheServerFromStarting() throws Exception {
    Path users = dir.resolve("users");
    Files.write(users, List.of("# users", "", "alice:plain-text-password"));
    assertThatThrownBy(() -> start(Auth.basic(users))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("users:3");
    Files.write(users, List.of(PasswordFile.hash("a", "x".toCharArray(), 1).line(), PasswordFile.hash("a", "y".toCharArray(), 1).line()));
    assertThatThrownBy(() -> start(Auth.basic(users))).hasMessageContaining("appears twice");
    assertThatThrownBy(() -> start(Auth.basic(dir.resolve("absent")))).hasMessageContaining("absent");
    assertThatThrownBy(() -> Auth.token("short")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Auth.token(TOKEN).toString()).doesNotContain(TOKEN);
  }
}
