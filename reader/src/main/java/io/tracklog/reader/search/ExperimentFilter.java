package io.tracklog.reader.search;

import io.tracklog.Experiment;
import io.tracklog.reader.search.Clause.Entity;
import io.tracklog.reader.search.Clause.Op;
import io.tracklog.reader.search.FilterParser.OperandKind;
import io.tracklog.reader.search.FilterParser.RawClause;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A parsed, fully validated search_experiments filter (mlflow/utils/search_utils.py; docs/SEARCH.md): {@code name} ({@code =
 * != LIKE ILIKE}), {@code creation_time} and {@code last_update_time} (numeric comparators), and
 * {@code tags.<key>} ({@code = != LIKE ILIKE}; a missing tag fails). Prefixes: none, {@code
 * attribute.}, {@code tag.}, {@code tags.} only. Immutable and thread-safe.
 */
public record ExperimentFilter(List<Clause> clauses) {
  /** Matches every experiment. */
  public static final ExperimentFilter ALL = new ExperimentFilter(List.of());

  static final Set<String> ATTRIBUTES = Set.of("name", "creation_time", "last_update_time");
  static final Set<String> NUMERIC_ATTRIBUTES = Set.of("creation_time", "last_update_time");

  public ExperimentFilter {
    clauses = List.copyOf(clauses);
  }

  /** The entity of an experiment filter prefix, or null: backticks are not removed here. */
  static Entity entity(String prefix) {
    return switch (prefix) {
      case "attribute" -> Entity.ATTRIBUTE;
      case "tag", "tags" -> Entity.TAG;
      default -> null;
    };
  }

  /**
   * Parses and validates a search_experiments filter; null or "" match everything.
   *
   * @throws InvalidFilterException (INVALID_PARAMETER_VALUE) naming the first bad clause and its
   *     position
   */
  public static ExperimentFilter parse(String filter) {
    List<Clause> clauses = new ArrayList<>();
    for (RawClause raw : FilterParser.parse(filter)) {
      clauses.add(resolve(filter, raw));
    }
    return clauses.isEmpty() ? ALL : new ExperimentFilter(clauses);
  }

  /** A filter key: what it names and the key or attribute name, quotes and backticks removed. */
  record Key(Entity entity, String name) {}

  /**
   * The key of an experiment or registry filter clause (prefixes none, {@code attribute.}, {@code
   * tag.}, {@code tags.}; split at the first dot); an attribute must be one of {@code attributes}.
   */
  static Key key(String filter, RawClause raw, Set<String> attributes) {
    if (raw.left().kind() != OperandKind.IDENTIFIER) {
      throw FilterParser.error(
          filter, raw, "Invalid comparison clause. Expected 'Identifier' found '" + raw.left().text() + "'");
    }
    String identifier = raw.left().text();
    int dot = identifier.indexOf('.');
    Entity entity = Entity.ATTRIBUTE;
    String key = identifier;
    if (dot >= 0) {
      entity = entity(identifier.substring(0, dot));
      if (entity == null) {
        throw FilterParser.error(
            filter,
            raw,
            "Invalid entity type '" + identifier.substring(0, dot)
                + "'. Valid entity types are ('attribute', 'tag', 'tags')");
      }
      key = identifier.substring(dot + 1);
    }
    key = FilterParser.trimBackticks(FilterParser.stripQuotes(key));
    if (entity == Entity.ATTRIBUTE && !attributes.contains(key)) {
      throw FilterParser.error(
          filter,
          raw,
          "Invalid attribute key '" + key + "' specified. Valid keys are '" + new java.util.TreeSet<>(attributes)
              + "'");
    }
    return new Key(entity, key);
  }

  /** A string attribute's value: a quoted string. */
  static Clause.Text attributeText(String filter, RawClause raw) {
    OperandKind kind = raw.right().kind();
    if (kind != OperandKind.STRING && kind != OperandKind.IDENTIFIER) {
      throw FilterParser.error(filter, raw, "Expected a quoted string value for attributes. Got value " + raw.right().text());
    }
    return new Clause.Text(FilterParser.quotedValue(filter, raw));
  }

  /** A tag clause's value: a quoted string. */
  static Clause.Text tagText(String filter, RawClause raw) {
    OperandKind kind = raw.right().kind();
    if (kind != OperandKind.STRING && kind != OperandKind.IDENTIFIER) {
      throw FilterParser.error(
          filter, raw, "Expected a quoted string value for tag (e.g. 'my-value'). Got value " + raw.right().text());
    }
    return new Clause.Text(FilterParser.quotedValue(filter, raw));
  }

  private static Clause resolve(String filter, RawClause raw) {
    Key k = key(filter, raw, ATTRIBUTES);
    Entity entity = k.entity();
    String key = k.name();
    OperandKind kind = raw.right().kind();
    String text = raw.right().text();
    Clause.Value value;
    Set<Op> allowed;
    if (entity == Entity.TAG) {
      value = tagText(filter, raw);
      allowed = RunFilter.KEY_VALUE_OPS;
    } else if (NUMERIC_ATTRIBUTES.contains(key)) {
      if (kind != OperandKind.NUMBER) {
        throw FilterParser.error(
            filter, raw, "Expected numeric value type for numeric attribute: " + key + ". Found " + text);
      }
      value = RunFilter.number(text);
      allowed = RunFilter.NUMERIC_OPS;
    } else {
      if (kind == OperandKind.LIST) {
        throw FilterParser.error(
            filter, raw, "Only the 'run_id' attribute supports comparison with a list of quoted string values.");
      }
      value = attributeText(filter, raw);
      allowed = RunFilter.KEY_VALUE_OPS;
    }
    RunFilter.checkComparator(filter, raw, Op.of(raw.comparator()), allowed, value);
    return new Clause(
        entity, key, Op.of(raw.comparator()), value, filter.substring(raw.start(), raw.end()),
        filter.codePointCount(0, raw.start()));
  }

  /** True if the experiment satisfies every clause. */
  public boolean matches(Experiment e) {
    for (Clause c : clauses) {
      if (!matches(e, c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(Experiment e, Clause c) {
    if (c.entity() == Entity.TAG) {
      String v = e.tags().get(c.key());
      return v != null && Compare.compare(v, c.op(), c.value());
    }
    double literal = c.value() instanceof Clause.Number n ? n.value() : 0;
    return switch (c.key()) {
      case "name" -> Compare.compare(e.name(), c.op(), c.value());
      case "creation_time" -> Compare.compare(e.creationTime(), c.op(), literal);
      case "last_update_time" -> Compare.compare(e.lastUpdateTime(), c.op(), literal);
      default -> throw new IllegalStateException("Unknown attribute " + c.key());
    };
  }
}
