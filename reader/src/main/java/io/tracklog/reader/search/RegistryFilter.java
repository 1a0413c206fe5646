package io.tracklog.reader.search;

import io.tracklog.reader.search.Clause.Entity;
import io.tracklog.reader.search.Clause.Op;
import io.tracklog.reader.search.FilterParser.OperandKind;
import io.tracklog.reader.search.FilterParser.RawClause;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed, fully validated search_registered_models or search_model_versions filter
 * (mlflow/utils/search_utils.py, SearchModelUtils L1172-1216 and SearchModelVersionUtils L1356-1413):
 * the run search's grammar ({@link FilterParser}), prefixes none, {@code attribute.}, {@code tag.}
 * and {@code tags.}; models filter on {@code name}, versions on {@code name}, {@code run_id} ({@code
 * IN} allowed), {@code source_path} (the source) and {@code version_number} (numeric comparators; the
 * value a number or a quoted number); tags with {@code = != LIKE ILIKE}, a missing tag failing every
 * comparator. Unless the filter names {@code mlflow.prompt.is_prompt}, prompts are left out, and for
 * that key a missing tag reads as {@code 'false'} (MLflow's prompt_utils / registry_utils L74-89).
 * Immutable and thread-safe.
 */
public record RegistryFilter(List<Clause> clauses, boolean namesPromptTag) {
  /** Which registry entity a filter searches. */
  enum Target {
    MODELS(Set.of("name")),
    VERSIONS(Set.of("name", "run_id", "source_path", "version_number"));

    final Set<String> attributes;

    Target(Set<String> attributes) {
      this.attributes = attributes;
    }
  }

  private static final Set<Op> IN_ONLY = EnumSet.of(Op.EQ, Op.NE, Op.LIKE, Op.ILIKE, Op.IN);

  public RegistryFilter {
    clauses = List.copyOf(clauses);
  }

  /**
   * Parses and validates a search_registered_models filter; null or "" match every model that is
   * not a prompt.
   *
   * @throws InvalidFilterException (INVALID_PARAMETER_VALUE) naming the first bad clause and its position
   */
  public static RegistryFilter parseForModels(String filter) {
    return parse(filter, Target.MODELS);
  }

  /**
   * Parses and validates a search_model_versions filter.
   *
   * @throws InvalidFilterException (INVALID_PARAMETER_VALUE) naming the first bad clause and its position
   */
  public static RegistryFilter parseForVersions(String filter) {
    return parse(filter, Target.VERSIONS);
  }

  private static RegistryFilter parse(String filter, Target target) {
    List<Clause> clauses = new ArrayList<>();
    boolean prompt = false;
    for (RawClause raw : FilterParser.parse(filter)) {
      Clause c = resolve(filter, raw, target);
      prompt |= c.entity() == Entity.TAG && c.key().equals(RegisteredModel.PROMPT_TAG);
      clauses.add(c);
    }
    return new RegistryFilter(clauses, prompt);
  }

  private static Clause resolve(String filter, RawClause raw, Target target) {
    ExperimentFilter.Key k = ExperimentFilter.key(filter, raw, target.attributes);
    Entity entity = k.entity();
    String key = k.name();
    OperandKind kind = raw.right().kind();
    String text = raw.right().text();
    Clause.Value value;
    Set<Op> allowed;
    if (entity == Entity.TAG) {
      value = ExperimentFilter.tagText(filter, raw);
      allowed = RunFilter.KEY_VALUE_OPS;
    } else if (key.equals("version_number")) {
      value = versionNumber(filter, raw, kind, text);
      allowed = RunFilter.NUMERIC_OPS;
    } else if (kind == OperandKind.LIST) {
      if (!key.equals("run_id")) {
        throw FilterParser.error(
            filter, raw, "Only the 'run_id' attribute supports comparison with a list of quoted string values.");
      }
      value = new Clause.Values(FilterParser.listValue(filter, raw));
      allowed = IN_ONLY;
    } else {
      value = ExperimentFilter.attributeText(filter, raw);
      allowed = key.equals("run_id") ? IN_ONLY : RunFilter.KEY_VALUE_OPS;
    }
    Op op = Op.of(raw.comparator());
    RunFilter.checkComparator(filter, raw, op, allowed, value);
    return new Clause(entity, key, op, value, filter.substring(raw.start(), raw.end()), filter.codePointCount(0, raw.start()));
  }

  /** An integer, a float or a quoted string holding one; compared numerically (MLflow's SQL store). */
  private static Clause.Number versionNumber(String filter, RawClause raw, OperandKind kind, String text) {
    if (kind == OperandKind.NUMBER) {
      return RunFilter.number(text);
    }
    if (kind == OperandKind.STRING || kind == OperandKind.IDENTIFIER) {
      String quoted = FilterParser.quotedValue(filter, raw);
      try {
        return new Clause.Number(Double.parseDouble(quoted.strip()), quoted);
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw FilterParser.error(
        filter, raw, "Expected numeric value type for numeric attribute: version_number. Found " + text);
  }

  /** True if the model satisfies every clause (and is no prompt, unless the filter names the prompt tag). */
  public boolean matches(RegisteredModel m) {
    if (!namesPromptTag && isPrompt(m.tags())) {
      return false;
    }
    for (Clause c : clauses) {
      boolean ok =
          c.entity() == Entity.TAG ? matchesTag(m.tags(), c) : Compare.compare(m.name(), c.op(), c.value());
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * False if a {@code name} clause rules out every version of a model of this name: a versions
   * search then skips the model's versions without looking at them.
   */
  public boolean mayMatchName(String name) {
    for (Clause c : clauses) {
      if (c.entity() != Entity.TAG && c.key().equals("name") && !Compare.compare(name, c.op(), c.value())) {
        return false;
      }
    }
    return true;
  }

  /** True if the version satisfies every clause (and is no prompt, unless the filter names the prompt tag). */
  public boolean matches(ModelVersion v) {
    if (!namesPromptTag && isPrompt(v.tags())) {
      return false;
    }
    for (Clause c : clauses) { // a loop, not a stream: this runs once per version of the registry
      if (!matches(v, c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(ModelVersion v, Clause c) {
    if (c.entity() == Entity.TAG) {
      return matchesTag(v.tags(), c);
    }
    return switch (c.key()) {
      case "name" -> Compare.compare(v.name(), c.op(), c.value());
      case "run_id" -> v.runId() != null && Compare.compare(v.runId(), c.op(), c.value());
      case "source_path" -> v.source() != null && Compare.compare(v.source(), c.op(), c.value());
      case "version_number" -> Compare.compare((long) v.version(), c.op(), ((Clause.Number) c.value()).value());
      default -> throw new IllegalStateException("Unknown attribute " + c.key());
    };
  }

  private static boolean matchesTag(Map<String, String> tags, Clause c) {
    String value = tags.get(c.key());
    if (value == null && c.key().equals(RegisteredModel.PROMPT_TAG)) {
      value = "false";
    }
    return value != null && Compare.compare(value, c.op(), c.value());
  }

  private static boolean isPrompt(Map<String, String> tags) {
    return "true".equals(tags.get(RegisteredModel.PROMPT_TAG));
  }
}
