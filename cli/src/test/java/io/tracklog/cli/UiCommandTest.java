package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.server.ServerOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tracklog ui}'s options: loopback, the UI on, read-only unless asked; serving is tested in the browser tests. */
class UiCommandTest {
  private static <T> T parse(Class<T> type, String... args) {
    CommandLine.ParseResult result = new CommandLine(new Main()).parseArgs(args);
    return type.cast(result.subcommand().commandSpec().userObject());
  }

  @Test
  void theUiIsReadOnlyOnLoopbackUnlessAskedOtherwise() {
    ServerOptions plain = parse(UiCommand.class, "ui", "--root", "x").options();
    assertThat(plain.ui()).isTrue();
    assertThat(plain.readOnly()).isTrue();
    assertThat(plain.isLoopback()).isTrue();
    assertThat(plain.port()).isEqualTo(ServerOptions.DEFAULT_PORT);

    ServerOptions edits = parse(UiCommand.class, "ui", "--root", "x", "--allow-edits", "--port", "5077").options();
    assertThat(edits.readOnly()).isFalse();
    assertThat(edits.port()).isEqualTo(5077);
  }

  @Test
  void theServerServesTheUiWritable() {
    ServerOptions server = parse(ServerCommand.class, "server", "--root", "x").options();
    assertThat(server.ui()).isTrue();
    assertThat(server.readOnly()).isFalse();
  }

  @Test
  void aStrayArgumentIsAUsageError() {
    CliRun run = CliRun.execute("ui", "--root", "x", "--allow-edit");
    assertThat(run.exitCode()).isEqualTo(2);
  }
}
