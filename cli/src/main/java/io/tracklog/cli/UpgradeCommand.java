package io.tracklog.cli;

import io.tracklog.Store;
import io.tracklog.StoreUpgrade;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/**
 * {@code tracklog upgrade}: converts a store of format 1 (a log per run) to the current format in
 * place, crash-safely; running it again after an interruption finishes the job.
 */
@Command(
    name = "upgrade",
    mixinStandardHelpOptions = true,
    description = "Convert a store of an older format to the current one, in place (stop its writers first).")
final class UpgradeCommand extends StoreCommand {
  @Override
  int execute() {
    if (!Store.exists(root())) {
      throw new ParameterException(spec.commandLine(), "No Tracklog store at " + root().toAbsolutePath().normalize());
    }
    StoreUpgrade.Result r = StoreUpgrade.upgrade(root());
    if (r.alreadyCurrent()) {
      out().printf("The store is already of the current format.%n");
    } else {
      out().printf(
          "Upgraded from format %d: %d experiment(s), %d run(s)%s.%n",
          r.fromVersion(), r.experiments(), r.runs(), r.fromVersion() == 1 ? "; Arrow files rebuilt" : "");
    }
    return 0;
  }
}
