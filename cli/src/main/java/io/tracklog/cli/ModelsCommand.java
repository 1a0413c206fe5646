package io.tracklog.cli;

import io.tracklog.server.MlflowJson;
import io.tracklog.Store;
import io.tracklog.reader.StoreReader;
import io.tracklog.reader.search.ModelVersionPage;
import io.tracklog.reader.search.RegisteredModelPage;
import io.tracklog.reader.search.RegistrySearch;
import io.tracklog.registry.ModelRegistry;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import io.tracklog.registry.RegistryChange;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tracklog models list|show|register|alias|stage|history}: the store's model registry (issue
 * #12). {@code --format json} prints the response of MLflow's REST call for the same request
 * ({@code registered-models/search}, {@code registered-models/get}, {@code model-versions/get},
 * {@code registered-models/alias}, {@code model-versions/create}, {@code transition-stage}); errors
 * are MLflow's error JSON on stderr, exit 2 for INVALID_PARAMETER_VALUE and 1 otherwise.
 */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "The model registry: list, show, register, alias, stage, history.",
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Show.class,
      ModelsCommand.Register.class,
      ModelsCommand.Alias.class,
      ModelsCommand.Stage.class,
      ModelsCommand.History.class
    })
final class ModelsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing subcommand: one of " + spec.subcommands().keySet());
  }

  /** The subcommands' base: table or json (MLflow's responses have no CSV form). */
  abstract static class Base extends RestCommand {
    @Override
    final int execute() {
      if (format == Format.csv) {
        throw new ParameterException(spec.commandLine(), "--format csv is not supported by models; use table or json");
      }
      return run();
    }

    abstract int run();

    void printVersion(ModelVersion v) {
      if (format == Format.json) {
        printJson(MlflowJson.modelVersionResponse(v));
        return;
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("name", v.name());
      fields.put("version", v.version());
      fields.put("stage", v.currentStage().displayName());
      fields.put("aliases", String.join(", ", v.aliases()));
      fields.put("source", v.source());
      fields.put("run_id", v.runId());
      fields.put("run_link", v.runLink());
      fields.put("description", v.description());
      fields.put("created", time(v.creationTimestamp()));
      fields.put("last_updated", time(v.lastUpdatedTimestamp()));
      fields.put("user_id", v.userId());
      fields.put("status", v.status());
      v.tags().forEach((k, val) -> fields.put("tags." + k, val));
      printFields(fields);
    }

    void printFields(Map<String, Object> fields) {
      Table table = new Table("FIELD", "VALUE");
      fields.forEach((k, v) -> table.row(k, v == null ? "-" : v));
      table.print(out());
    }

    void versionsTable(List<ModelVersion> versions) {
      Table table = new Table("NAME", "VERSION", "STAGE", "ALIASES", "CREATED", "RUN ID", "SOURCE");
      for (ModelVersion v : versions) {
        table.row(
            v.name(), v.version(), v.currentStage().displayName(), v.aliases().isEmpty() ? "-" : String.join(",", v.aliases()),
            time(v.creationTimestamp()), v.runId() == null ? "-" : v.runId(), v.source());
      }
      table.print(out());
    }

    static int version(String text) {
      return ModelRegistry.parseVersion(text);
    }

    static String time(long ms) {
      return Instant.ofEpochMilli(ms).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String aliases(Map<String, Integer> aliases) {
      return aliases.isEmpty()
          ? "-"
          : aliases.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Search registered models (or, with --versions, model versions) with MLflow's filter and order_by.",
        "--format json prints MLflow's registered-models/search (model-versions/search) response."
      })
  static final class ListModels extends Base {
    @Option(names = "--filter", paramLabel = "FILTER", description = "e.g. \"name LIKE 'mnist%'\" or, with --versions, \"run_id = '...'\".")
    String filter;

    @Option(names = "--order-by", paramLabel = "KEY [ASC|DESC]", description = "name, creation_timestamp, last_updated_timestamp (and version_number with --versions); repeatable.")
    List<String> orderBy = new ArrayList<>();

    @Option(names = "--max-results", paramLabel = "N", description = "Page size (default 100 models, 10000 versions).")
    String maxResults;

    @Option(names = "--page-token", paramLabel = "TOKEN", description = "The next_page_token of the previous page.")
    String pageToken;

    @Option(names = "--versions", description = "Search model versions instead of models.")
    boolean versions;

    @Override
    int run() {
      Integer n = maxResults(maxResults);
      try (StoreReader reader = openReader()) {
        if (versions) {
          ModelVersionPage page =
              reader.searchModelVersions(filter, n == null ? RegistrySearch.DEFAULT_MAX_VERSIONS : n, orderBy, pageToken);
          if (format == Format.json) {
            printJson(MlflowJson.modelVersions(page));
          } else if (page.versions().isEmpty()) {
            out().println("No model versions.");
          } else {
            versionsTable(page.versions());
          }
          more(page.nextPageToken(), "versions");
        } else {
          RegisteredModelPage page =
              reader.searchRegisteredModels(filter, n == null ? RegistrySearch.DEFAULT_MAX_MODELS : n, orderBy, pageToken);
          if (format == Format.json) {
            printJson(MlflowJson.registeredModels(page));
          } else if (page.models().isEmpty()) {
            out().println("No registered models.");
          } else {
            Table table = new Table("NAME", "LATEST VERSIONS", "ALIASES", "CREATED", "LAST UPDATE", "DESCRIPTION");
            for (RegisteredModel m : page.models()) {
              String latest =
                  m.latestVersions().stream()
                      .map(v -> v.currentStage().displayName() + ":" + v.version())
                      .collect(Collectors.joining(","));
              table.row(
                  m.name(), latest.isEmpty() ? "-" : latest, aliases(m.aliases()), time(m.creationTimestamp()),
                  time(m.lastUpdatedTimestamp()), m.description() == null ? "-" : m.description());
            }
            table.print(out());
          }
          more(page.nextPageToken(), "models");
        }
      }
      out().flush();
      return 0;
    }

    private void more(String token, String what) {
      if (format != Format.json && token != null) {
        out().println();
        out().println("More " + what + ": --page-token " + token);
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Show a registered model with its latest versions and aliases, or one version (--version or --alias).",
        "--format json prints MLflow's registered-models/get, model-versions/get or registered-models/alias response."
      })
  static final class Show extends Base {
    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.")
    String name;

    @Option(names = "--version", paramLabel = "VERSION", description = "Show this version.")
    String version;

    @Option(names = "--alias", paramLabel = "ALIAS", description = "Show the version this alias points to ('latest': the highest).")
    String alias;

    @Override
    int run() {
      if (version != null && alias != null) {
        throw new ParameterException(spec.commandLine(), "--version and --alias are mutually exclusive");
      }
      try (Store store = openExisting()) {
        ModelRegistry registry = store.registry();
        if (version != null) {
          printVersion(registry.getModelVersion(name, version(version)));
        } else if (alias != null) {
          printVersion(registry.getModelVersionByAlias(name, alias));
        } else {
          printModel(registry.getRegisteredModel(name), registry.snapshot().versions(name));
        }
      }
      return 0;
    }

    private void printModel(RegisteredModel m, List<ModelVersion> all) {
      if (format == Format.json) {
        printJson(MlflowJson.registeredModelResponse(m));
        return;
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("name", m.name());
      fields.put("description", m.description());
      fields.put("created", time(m.creationTimestamp()));
      fields.put("last_updated", time(m.lastUpdatedTimestamp()));
      fields.put("aliases", aliases(m.aliases()));
      m.visibleTags().forEach((k, v) -> fields.put("tags." + k, v));
      printFields(fields);
      out().println();
      if (all.isEmpty()) {
        out().println("No versions.");
        out().flush();
      } else {
        versionsTable(all);
      }
    }
  }

  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Register a model: mlflow.register_model(source, name). Creates the model if needed, then its next version.",
        "--format json prints MLflow's model-versions/create response."
      })
  static final class Register extends Base {
    @Option(names = "--source", required = true, paramLabel = "URI", description = "runs:/<run_id>/<path>, or any model URI.")
    String source;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "The registered model's name.")
    String name;

    @Override
    int run() {
      try (Store store = openExisting()) {
        printVersion(store.registry().registerModel(source, name));
      }
      return 0;
    }
  }

  @Command(
      name = "alias",
      mixinStandardHelpOptions = true,
      description = {
        "Point ALIAS of model NAME at VERSION (moving it if it pointed elsewhere), or remove it with --delete.",
        "--format json prints MLflow's (empty) response: {}."
      })
  static final class Alias extends Base {
    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS", description = "The alias.")
    String alias;

    @Parameters(index = "2", arity = "0..1", paramLabel = "VERSION", description = "The version (not with --delete).")
    String version;

    @Option(names = "--delete", description = "Remove the alias (a missing alias is a no-op).")
    boolean delete;

    @Override
    int run() {
      if (delete == (version != null)) {
        throw new ParameterException(
            spec.commandLine(), delete ? "--delete takes no VERSION" : "Missing required parameter: 'VERSION'");
      }
      try (Store store = openExisting()) {
        if (delete) {
          store.registry().deleteRegisteredModelAlias(name, alias);
        } else {
          store.registry().setRegisteredModelAlias(name, alias, version(version));
        }
      }
      if (format == Format.json) {
        printJson(Map.of());
      } else {
        out().println(delete ? "Deleted alias " + alias + " of " + name + "." : "Alias " + alias + " of " + name + " -> version " + version + ".");
        out().flush();
      }
      return 0;
    }
  }

  @Command(
      name = "stage",
      mixinStandardHelpOptions = true,
      description = {
        "Move VERSION of model NAME to STAGE (None, Staging, Production, Archived; any case).",
        "--format json prints MLflow's model-versions/transition-stage response."
      })
  static final class Stage extends Base {
    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model.")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION", description = "The version.")
    String version;

    @Parameters(index = "2", paramLabel = "STAGE", description = "None, Staging, Production or Archived.")
    String stage;

    @Option(names = "--archive-existing", description = "Archive the other versions in STAGE (Staging or Production only).")
    boolean archiveExisting;

    @Override
    int run() {
      try (Store store = openExisting()) {
        printVersion(
            store.registry().transitionModelVersionStage(
                name, version(version), stage,
                archiveExisting ? ModelRegistry.ExistingVersions.ARCHIVE : ModelRegistry.ExistingVersions.KEEP));
      }
      return 0;
    }
  }

  @Command(
      name = "history",
      mixinStandardHelpOptions = true,
      description = {
        "The audit trail of model NAME: every change, oldest first, with its time, user and values (MLflow has none).",
        "--format json prints {\"changes\": [{\"timestamp\", \"user\", \"name\", \"version\", \"change\", \"details\"}]}."
      })
  static final class History extends Base {
    @Parameters(index = "0", paramLabel = "NAME", description = "The registered model (or the last deleted one of that name).")
    String name;

    @Override
    int run() {
      List<RegistryChange> changes;
      try (Store store = openExisting()) {
        changes = store.registry().history(name);
      }
      if (format == Format.json) {
        List<Object> list = new ArrayList<>();
        for (RegistryChange c : changes) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("timestamp", c.timeMs());
          m.put("user", c.user());
          m.put("name", c.name());
          if (c.version() != null) {
            m.put("version", String.valueOf(c.version()));
          }
          m.put("change", c.kind());
          m.put("details", c.details());
          list.add(m);
        }
        printJson(MlflowJson.page("changes", list, null));
        return 0;
      }
      Table table = new Table("TIME", "USER", "NAME", "VERSION", "CHANGE", "DETAILS");
      for (RegistryChange c : changes) {
        table.row(
            Instant.ofEpochMilli(c.timeMs()).toString(), c.user(), c.name(), c.version() == null ? "-" : c.version(),
            c.kind(), c.details().isEmpty() ? "-" : c.details());
      }
      table.print(out());
      return 0;
    }
  }
}
