package io.tracklog.reader.search;

import io.tracklog.DatasetInput;
import io.tracklog.InputTag;
import io.tracklog.Run;
import io.tracklog.RunInfo;
import io.tracklog.reader.search.Clause.Entity;
import io.tracklog.reader.search.Clause.Op;
import io.tracklog.reader.search.FilterParser.OperandKind;
import io.tracklog.reader.search.FilterParser.RawClause;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed, fully validated search_runs filter: the AND of its {@link Clause}s. {@link #parse}
 * checks every clause (entity, key, value type, comparator) before anything is evaluated, so a bad
 * clause is an error even when no run would reach it. {@link #matches} is the reference evaluation
 * over {@link Run} values: a metric, param, tag or attribute the run lacks fails every comparator,
 * {@code !=} included.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * RunFilter f = RunFilter.parse("metrics.acc > 0.9 AND params.model LIKE 'cnn%'");
 * boolean hit = f.matches(snapshot.getRun(runId));
 * }</pre>
 */
public record RunFilter(List<Clause> clauses) {
  /** Matches every run. */
  public static final RunFilter ALL = new RunFilter(List.of());

  static final Set<Op> NUMERIC_OPS = EnumSet.of(Op.EQ, Op.NE, Op.GT, Op.GE, Op.LT, Op.LE);
  static final Set<Op> KEY_VALUE_OPS = EnumSet.of(Op.EQ, Op.NE, Op.LIKE, Op.ILIKE);
  static final Set<Op> STRING_ATTRIBUTE_OPS = EnumSet.of(Op.EQ, Op.NE, Op.LIKE, Op.ILIKE, Op.IN, Op.NOT_IN);

  /** Searchable run attributes and their aliases → canonical name (mlflow/utils/search_utils.py; docs/SEARCH.md). */
  static final Map<String, String> ATTRIBUTES =
      Map.ofEntries(
          Map.entry("run_id", "run_id"),
          Map.entry("run_name", "run_name"),
          Map.entry("run name", "run_name"),
          Map.entry("Run name", "run_name"),
          Map.entry("Run Name", "run_name"),
          Map.entry("user_id", "user_id"),
          Map.entry("status", "status"),
          Map.entry("artifact_uri", "artifact_uri"),
          Map.entry("start_time", "start_time"),
          Map.entry("created", "start_time"),
          Map.entry("Created", "start_time"),
          Map.entry("end_time", "end_time"));

  static final Set<String> NUMERIC_ATTRIBUTES = Set.of("start_time", "end_time");
  static final Set<String> DATASET_KEYS = Set.of("name", "digest", "context");

  static final String ENTITY_NAMES = "['metric', 'parameter', 'tag', 'attribute', 'dataset']";

  public RunFilter {
    clauses = List.copyOf(clauses);
  }

  /**
   * Parses and validates a search_runs filter; null or "" match everything.
   *
   * @throws InvalidFilterException (MLflow's INVALID_PARAMETER_VALUE) naming the first bad clause
   *     and its position
   */
  public static RunFilter parse(String filter) {
    List<Clause> clauses = new ArrayList<>();
    for (RawClause raw : FilterParser.parse(filter)) {
      clauses.add(resolve(filter, raw));
    }
    return clauses.isEmpty() ? ALL : new RunFilter(clauses);
  }

  /** The entity a run filter or order_by prefix names, after removing backticks; null if none. */
  static Entity runEntity(String prefix) {
    return switch (FilterParser.trimBackticks(prefix)) {
      case "metric", "metrics" -> Entity.METRIC;
      case "parameter", "parameters", "param", "params" -> Entity.PARAM;
      case "tag", "tags" -> Entity.TAG;
      case "attribute", "attributes", "attr", "run" -> Entity.ATTRIBUTE;
      case "dataset", "datasets" -> Entity.DATASET;
      default -> null;
    };
  }

  private static Clause resolve(String filter, RawClause raw) {
    if (raw.left().kind() != OperandKind.IDENTIFIER) {
      throw FilterParser.error(
          filter, raw, "Invalid comparison clause. Expected 'Identifier' found '" + raw.left().text() + "'");
    }
    String identifier = raw.left().text();
    int dot = identifier.indexOf('.');
    Entity entity;
    String key;
    if (dot < 0) {
      entity = Entity.ATTRIBUTE;
      key = identifier;
    } else {
      entity = runEntity(identifier.substring(0, dot));
      if (entity == null) {
        throw FilterParser.error(
            filter,
            raw,
            "Invalid entity type '" + FilterParser.trimBackticks(identifier.substring(0, dot))
                + "'. Valid values are " + ENTITY_NAMES);
      }
      key = identifier.substring(dot + 1);
    }
    key = FilterParser.trimBackticks(FilterParser.stripQuotes(key));
    String writtenKey = key;
    if (entity == Entity.ATTRIBUTE) {
      String canonical = ATTRIBUTES.get(key);
      if (canonical == null) {
        throw FilterParser.error(
            filter,
            raw,
            "Invalid attribute key '" + key + "' specified. Valid keys are '"
                + new java.util.TreeSet<>(ATTRIBUTES.keySet()) + "'");
      }
      key = canonical;
    } else if (entity == Entity.DATASET && !DATASET_KEYS.contains(key)) {
      throw FilterParser.error(
          filter, raw, "Invalid dataset key '" + key + "' specified. Valid keys are '" + DATASET_KEYS + "'");
    }
    Clause.Value value = value(filter, raw, entity, key, writtenKey);
    Op op = Op.of(raw.comparator());
    Set<Op> allowed =
        switch (entity) {
          case METRIC -> NUMERIC_OPS;
          case PARAM, TAG -> KEY_VALUE_OPS;
          case ATTRIBUTE -> NUMERIC_ATTRIBUTES.contains(key) ? NUMERIC_OPS : STRING_ATTRIBUTE_OPS;
          case DATASET -> STRING_ATTRIBUTE_OPS;
        };
    checkComparator(filter, raw, op, allowed, value);
    return new Clause(
        entity, key, op, value, filter.substring(raw.start(), raw.end()), filter.codePointCount(0, raw.start()));
  }

  static void checkComparator(String filter, RawClause raw, Op op, Set<Op> allowed, Clause.Value value) {
    if (op == null || !allowed.contains(op)) {
      List<String> symbols = new ArrayList<>();
      allowed.forEach(o -> symbols.add(o.symbol()));
      throw FilterParser.error(
          filter,
          raw,
          "Invalid comparator '" + raw.comparator().toUpperCase(java.util.Locale.ROOT) + "' not one of '"
              + symbols + "'");
    }
    boolean list = value instanceof Clause.Values;
    if (list != (op == Op.IN || op == Op.NOT_IN)) {
      // MLflow's FileStore compares a list with '=' (always false) and crashes on LIKE; Tracklog
      // refuses both (docs/SEARCH.md).
      throw FilterParser.error(
          filter, raw, "Invalid comparator '" + op.symbol() + "' for a list value: use IN or NOT IN");
    }
  }

  private static Clause.Value value(
      String filter, RawClause raw, Entity entity, String key, String writtenKey) {
    OperandKind kind = raw.right().kind();
    String text = raw.right().text();
    boolean stringLike = kind == OperandKind.STRING || kind == OperandKind.IDENTIFIER;
    switch (entity) {
      case METRIC -> {
        if (kind != OperandKind.NUMBER) {
          throw FilterParser.error(filter, raw, "Expected numeric value type for metric. Found " + text);
        }
        return number(text);
      }
      case PARAM, TAG -> {
        if (!stringLike) {
          throw FilterParser.error(
              filter,
              raw,
              "Expected a quoted string value for " + (entity == Entity.PARAM ? "parameter" : "tag")
                  + " (e.g. 'my-value'). Got value " + text);
        }
        return new Clause.Text(FilterParser.quotedValue(filter, raw));
      }
      case ATTRIBUTE -> {
        if (NUMERIC_ATTRIBUTES.contains(key)) {
          if (kind != OperandKind.NUMBER) {
            throw FilterParser.error(
                filter,
                raw,
                "Expected numeric value type for numeric attribute: " + writtenKey + ". Found " + text);
          }
          return number(text);
        }
        if (stringLike) {
          return new Clause.Text(FilterParser.quotedValue(filter, raw));
        }
        if (kind == OperandKind.LIST) {
          if (!key.equals("run_id")) {
            throw FilterParser.error(
                filter,
                raw,
                "Only the 'run_id' attribute supports comparison with a list of quoted string values.");
          }
          return new Clause.Values(FilterParser.listValue(filter, raw));
        }
        throw FilterParser.error(filter, raw, "Expected a quoted string value for attributes. Got value " + text);
      }
      case DATASET -> {
        if (stringLike) {
          return new Clause.Text(FilterParser.quotedValue(filter, raw));
        }
        if (kind == OperandKind.LIST) {
          return new Clause.Values(FilterParser.listValue(filter, raw));
        }
        throw FilterParser.error(
            filter, raw, "Expected a quoted string value for dataset attributes. Got value " + text);
      }
      default -> throw new IllegalStateException("Unknown entity " + entity);
    }
  }

  static Clause.Number number(String literal) {
    return new Clause.Number(Double.parseDouble(literal), literal);
  }

  /** True if the run satisfies every clause. */
  public boolean matches(Run run) {
    for (Clause c : clauses) {
      if (!matches(run, c)) {
        return false;
      }
    }
    return true;
  }

  /** True if the run satisfies one clause; a missing value satisfies none. */
  public static boolean matches(Run run, Clause c) {
    switch (c.entity()) {
      case METRIC -> {
        Double v = run.metric(c.key());
        return v != null && Compare.compare(v, c.op(), ((Clause.Number) c.value()).value());
      }
      case PARAM -> {
        String v = run.params().get(c.key());
        return v != null && Compare.compare(v, c.op(), c.value());
      }
      case TAG -> {
        String v = run.tags().get(c.key());
        return v != null && Compare.compare(v, c.op(), c.value());
      }
      case ATTRIBUTE -> {
        if (NUMERIC_ATTRIBUTES.contains(c.key())) {
          Long v = numericAttribute(run.info(), c.key());
          return v != null && Compare.compare(v, c.op(), ((Clause.Number) c.value()).value());
        }
        String v = stringAttribute(run.info(), c.key());
        return v != null && Compare.compare(v, c.op(), c.value());
      }
      case DATASET -> {
        return matchesInputs(run.inputs(), c);
      }
      default -> throw new IllegalStateException("Unknown entity " + c.entity());
    }
  }

  /** A dataset clause: each is matched against any of the inputs on its own (mlflow/utils/search_utils.py; docs/SEARCH.md). */
  static boolean matchesInputs(List<DatasetInput> inputs, Clause c) {
    for (DatasetInput input : inputs) {
      if (c.key().equals("context")) {
        for (InputTag tag : input.tags()) {
          if (tag.key().equals(InputTag.CONTEXT) && Compare.compare(tag.value(), c.op(), c.value())) {
            return true;
          }
        }
      } else {
        String v = c.key().equals("name") ? input.dataset().name() : input.dataset().digest();
        if (Compare.compare(v, c.op(), c.value())) {
          return true;
        }
      }
    }
    return false;
  }

  /** start_time or end_time (null while the run has not ended). */
  static Long numericAttribute(RunInfo info, String key) {
    return key.equals("start_time") ? Long.valueOf(info.startTime()) : info.endTime();
  }

  /** A string attribute by canonical name; status by its name ({@code FINISHED}); null if absent. */
  static String stringAttribute(RunInfo info, String key) {
    return switch (key) {
      case "run_id" -> info.runId();
      case "run_name" -> info.runName();
      case "user_id" -> info.userId();
      case "status" -> info.status().name();
      case "artifact_uri" -> info.artifactUri();
      default -> throw new IllegalStateException("Unknown attribute " + key);
    };
  }
}
