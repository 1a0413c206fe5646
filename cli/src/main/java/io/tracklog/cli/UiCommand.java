package io.tracklog.cli;

import io.tracklog.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tracklog ui}: the web UI over a store, to look at and compare runs, read-only unless
 * {@code --allow-edits}. The same server as {@code tracklog server} (MLflow's REST API is there
 * too, refusing every change when read-only), bound to 127.0.0.1 unless {@code --host} says
 * otherwise.
 */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the web UI over a store (read-only unless --allow-edits) and print its URL.",
      "Binds 127.0.0.1 unless --host says otherwise."
    })
final class UiCommand extends ServingCommand {
  @Option(names = "--allow-edits",
      description = "Let the UI rename runs, edit tags and notes, delete and restore runs (and MLflow clients write).")
  boolean allowEdits;

  @Override
  int execute() throws InterruptedException {
    return serve(options(), "Tracklog UI");
  }

  /** What the command line asks for: the UI on, read-only unless --allow-edits. */
  ServerOptions options() {
    return listenOptions().withUi(true).withReadOnly(!allowEdits);
  }
}
