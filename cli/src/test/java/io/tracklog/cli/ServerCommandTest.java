package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.server.Auth;
import io.tracklog.server.ServerOptions;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tracklog server}'s auth options and {@code tracklog server add-user}; serving is tested in the server module. */
class ServerCommandTest {
  @TempDir Path dir;

  private static CliRun withStdin(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return CliRun.execute(args);
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void addUserWritesAHashReadFromStdin() throws Exception {
    Path users = dir.resolve("users");
    CliRun run = withStdin("correct horse\n", "server", "add-user", "--users-file", users.toString(), "alice");
    assertThat(run.exitCode()).as(run.err()).isZero();
    String file = Files.readString(users);
    assertThat(file).startsWith("alice:pbkdf2-sha256:600000:").doesNotContain("correct", "horse");

    assertThat(withStdin("", "server", "add-user", "--users-file", users.toString(), "bob").exitCode()).isEqualTo(2);
    CliRun colon = withStdin("pw\n", "server", "add-user", "--users-file", users.toString(), "a:b");
    assertThat(colon.exitCode()).isEqualTo(2);
    assertThat(colon.err()).contains("':'");
    assertThat(Files.readString(users)).isEqualTo(file);
  }

  @Test
  void bindingOffLoopbackWithoutAuthWarnsLoudly() {
    ServerOptions local = ServerOptions.defaults();
    assertThat(ServerCommand.bindWarning(local)).isEmpty();
    assertThat(ServerCommand.bindWarning(local.withHost("0.0.0.0"))).hasSize(2)
        .allSatisfy(line -> assertThat(line).startsWith("WARNING:")).anySatisfy(line -> assertThat(line).contains("WITHOUT AUTHENTICATION"));
    assertThat(ServerCommand.bindWarning(local.withHost("0.0.0.0").withAuth(Auth.token("0123456789abcdef"))))
        .singleElement().asString().contains("without TLS");
  }

  @Test
  void authOptionsAreCheckedBeforeServing() throws Exception {
    String root = dir.resolve("store").toString();
    CliRun noFile = CliRun.execute("server", "--root", root, "--port", "0", "--auth", "basic");
    assertThat(noFile.exitCode()).isEqualTo(2);
    assertThat(noFile.err()).contains("--users-file");

    Path token = Files.writeString(dir.resolve("token"), "short\n");
    CliRun shortToken = CliRun.execute("server", "--root", root, "--port", "0", "--auth", "token", "--token-file", token.toString());
    assertThat(shortToken.exitCode()).isEqualTo(2);
    assertThat(shortToken.err()).contains("16 characters");

    CliRun stray = CliRun.execute("server", "--root", root, "--port", "0", "--token-file", token.toString());
    assertThat(stray.exitCode()).isEqualTo(2);

    Path users = Files.writeString(dir.resolve("users"), "alice:plain\n");
    CliRun bad = CliRun.execute("server", "--root", root, "--port", "0", "--auth", "basic", "--users-file", users.toString());
    assertThat(bad.exitCode()).as("a failure, reported before serving").isEqualTo(1);
    assertThat(bad.err()).contains("users:1");
  }
}
