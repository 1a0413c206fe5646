package io.tracklog.cli;

import io.tracklog.Experiment;
import io.tracklog.SegmentCompression;
import io.tracklog.Store;
import io.tracklog.reader.Archive;
import io.tracklog.reader.ArchiveContents;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code tracklog archive create|ls|verify|import}: offline archives (docs/FORMAT.md §Archives). An
 * archive also opens read-only wherever a store does for reading ({@code StoreReader.open}).
 */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    description = "Create, list, verify and import offline archives: runs, artifacts and registered models in one checksummed file.",
    subcommands = {
      ArchiveCommand.Create.class,
      ArchiveCommand.Ls.class,
      ArchiveCommand.Verify.class,
      ArchiveCommand.Import.class
    })
final class ArchiveCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: one of " + spec.subcommands().keySet());
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = {
        "Write the selected runs (and the parents of nested runs) as ZSTD Arrow segments, their artifacts,"
            + " and the model's registry entries and history, to one file.",
        "A run still RUNNING is archived as it is now."
      })
  static final class Create extends StoreCommand {
    @Option(names = "--model", paramLabel = "NAME@ALIAS|NAME/VERSION", description = "A model version: its run, and the model's registry entries and history.")
    String model;

    @Option(names = "--run", paramLabel = "ID", split = ",", description = "Runs to archive (repeatable or comma-separated).")
    List<String> runs = List.of();

    @Option(names = "--experiment", paramLabel = "ID", split = ",", description = "Experiments to archive whole.")
    List<String> experiments = List.of();

    @Option(names = "--compression", defaultValue = "ZSTD", description = "Arrow buffer compression: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    SegmentCompression compression;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The archive to write (replaced if it exists).")
    Path output;

    @Override
    int execute() {
      if (model == null && runs.isEmpty() && experiments.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "Missing selection: --model, --run or --experiment");
      }
      try (Store store = openExisting()) {
        ArchiveContents c = Archive.create(store, new Archive.Selection(runs, experiments, model, compression), output);
        long bytes = output.toFile().length();
        out().println("Archived " + c.runs().size() + " run(s) of " + c.experiments().size() + " experiment(s)"
            + (c.models().isEmpty() ? "" : ", model(s) " + String.join(", ", c.models())) + " to " + output + " (" + bytes + " bytes)");
      }
      return 0;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List what an archive holds: experiments, runs, models and entries.")
  static final class Ls extends StoreCommand {
    @Parameters(paramLabel = "FILE", description = "The archive.")
    Path file;

    @Option(names = "--entries", description = "Also list every entry with its size.")
    boolean entries;

    @Override
    int execute() {
      ArchiveContents c = Archive.list(file);
      out().println("archive format " + c.formatVersion() + ", store " + c.storeId() + ", created " + java.time.Instant.ofEpochMilli(c.createdAt())
          + ", selection: " + c.selection());
      for (Experiment e : c.experiments()) {
        out().println("experiment " + e.experimentId() + "\t" + e.name() + "\t" + e.lifecycleStage().mlflowName());
      }
      for (ArchiveContents.RunEntry r : c.runs()) {
        out().println("run " + r.runId() + "\texperiment " + r.experimentId() + "\t" + r.status());
      }
      for (String m : c.models()) {
        out().println("model " + m);
      }
      if (entries) {
        for (Map.Entry<String, Long> e : c.entries().entrySet()) {
          out().println(e.getValue() + "\t" + e.getKey());
        }
      }
      return 0;
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check every entry's CRC-32 and SHA-256; exits 1 on a problem.")
  static final class Verify extends StoreCommand {
    @Parameters(paramLabel = "FILE", description = "The archive.")
    Path file;

    @Override
    int execute() {
      ArchiveContents c = Archive.verify(file);
      out().println("OK: " + file + " (" + (c.entries().size() + 1) + " entries, " + c.runs().size() + " run(s), SHA-256 checked)");
      return 0;
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = "Import an archive into a store (created if absent), keeping ids; runs and models it has are skipped.")
  static final class Import extends StoreCommand {
    @Parameters(paramLabel = "FILE", description = "The archive.")
    Path file;

    @Override
    int execute() {
      try (Store store = Store.open(root())) {
        Archive.ImportResult r = Archive.importInto(file, store);
        out().println("Imported " + r.runsImported().size() + " run(s), " + r.experimentsImported().size() + " experiment(s), "
            + r.modelsImported().size() + " model(s); skipped " + r.runsSkipped().size() + " run(s) the store had");
      }
      return 0;
    }
  }
}
