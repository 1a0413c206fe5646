package io.tracklog.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code tracklog} command. Exit codes: 0 ok, 2 for invalid arguments (including a Tracklog
 * {@code INVALID_PARAMETER_VALUE}), 1 for any other failure (including {@code
 * RESOURCE_DOES_NOT_EXIST}), as {@code tracklog --help} lists them.
 *
 * <pre>{@code
 * tracklog demo --root /tmp/store
 * tracklog runs --root /tmp/store --experiment 2
 * tracklog orphans --root /tmp/store --end
 * tracklog compact --root /tmp/store [--rebuild]
 * tracklog export-json --root /tmp/store --experiment 2
 * tracklog import-mlflow ./mlruns --root /tmp/store
 * tracklog export-mlflow --root /tmp/store ./mlruns-out [--experiment-ids 1,2]
 * tracklog search --root /tmp/store --experiment-ids 2 --filter "metrics.accuracy > 0.9" --format json
 * tracklog experiments --root /tmp/store --filter "name LIKE 'grid%'"
 * tracklog history --root /tmp/store --run <run id> --key loss
 * tracklog verify --root /tmp/store [--deep]
 * tracklog gc --root /tmp/store [--older-than 30d] [--run-ids a,b] [--experiment-ids 1,2]
 * tracklog models list --root /tmp/store [--filter "name LIKE 'mnist%'"] [--versions] [--format json]
 * tracklog models show --root /tmp/store mnist [--version 3 | --alias champion]
 * tracklog models register --root /tmp/store --source runs:/<run id>/model --name mnist
 * tracklog models alias --root /tmp/store mnist champion 3        (--delete mnist champion)
 * tracklog models stage --root /tmp/store mnist 3 Production [--archive-existing]
 * tracklog models history --root /tmp/store mnist
 * tracklog archive create --root /tmp/store --model mnist@champion -o mnist.tlar
 * tracklog archive ls|verify mnist.tlar; tracklog archive import mnist.tlar --root /tmp/other
 * }</pre>
 */
@Command(
    name = "tracklog",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Embedded, file-based experiment tracking with MLflow's semantics.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:Success.",
      "1:Failure, e.g. RESOURCE_DOES_NOT_EXIST (an unknown run or experiment), or problems found by verify.",
      "2:Invalid arguments, e.g. INVALID_PARAMETER_VALUE (a bad filter, order_by, max_results, page token or view)."
    },
    footer = {
      "",
      "search, experiments, history and models print a failed request as MLflow's error JSON on stderr:"
          + " {\"error_code\": \"...\", \"message\": \"...\"}."
    },
    subcommands = {
      DemoCommand.class,
      RunsCommand.class,
      OrphansCommand.class,
      CompactCommand.class,
      ExportJsonCommand.class,
      ImportMlflowCommand.class,
      ExportMlflowCommand.class,
      SearchCommand.class,
      ExperimentsCommand.class,
      HistoryCommand.class,
      UpgradeCommand.class,
      VerifyCommand.class,
      GcCommand.class,
      ModelsCommand.class,
      ArchiveCommand.class,
      ServerCommand.class,
      UiCommand.class
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  /** Without a subcommand there is nothing to do: that is a usage error. */
  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: one of " + spec.subcommands().keySet());
  }

  /** The command line with Tracklog's error format ({@code error: <message>} on stderr). */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setParameterExceptionHandler(Main::badArguments);
  }

  /**
   * The logger of the reader's fallback warnings. The commands print those on stderr themselves,
   * once per file, after their output ({@link StoreCommand}), so the JDK's console handler must not
   * print them too. Held in a field so the setting stays: the JDK keeps loggers weakly.
   */
  private static final java.util.logging.Logger READER_LOGGER =
      java.util.logging.Logger.getLogger(io.tracklog.reader.StoreReader.class.getName());

  public static void main(String[] args) {
    READER_LOGGER.setUseParentHandlers(false);
    System.exit(commandLine().execute(args));
  }

  private static int badArguments(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println("error: " + e.getMessage());
    cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  /** The version from the jar's manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"tracklog " + (version == null ? "(development build)" : version)};
    }
  }
}
