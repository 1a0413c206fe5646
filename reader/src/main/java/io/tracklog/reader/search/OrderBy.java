package io.tracklog.reader.search;

import io.tracklog.reader.search.Clause.Entity;
import io.tracklog.reader.search.FilterLexer.Kind;
import io.tracklog.reader.search.FilterLexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One parsed order_by element: {@code <entity>.<key> [ASC|DESC]} (mlflow/utils/search_utils.py; docs/SEARCH.md). Each
 * element holds one key; the element must have no leading or trailing whitespace; the direction is
 * ASC or DESC in any case, ASC by default.
 *
 * @param entity METRIC, PARAM, TAG or ATTRIBUTE (experiments: ATTRIBUTE only)
 * @param key the key, or the canonical attribute name ({@code created} is {@code start_time})
 * @param ascending the direction
 */
public record OrderBy(Entity entity, String key, boolean ascending) {
  /** Run attributes that can be ordered by, and their aliases (the run-name aliases are not). */
  static final java.util.Map<String, String> RUN_ATTRIBUTES =
      java.util.Map.of(
          "run_id", "run_id",
          "run_name", "run_name",
          "user_id", "user_id",
          "status", "status",
          "artifact_uri", "artifact_uri",
          "start_time", "start_time",
          "created", "start_time",
          "Created", "start_time",
          "end_time", "end_time");

  static final Set<String> EXPERIMENT_ATTRIBUTES =
      Set.of("name", "experiment_id", "creation_time", "last_update_time");

  public OrderBy {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(key, "key");
  }

  /**
   * Parses search_runs order_by elements.
   *
   * @throws InvalidFilterException (INVALID_PARAMETER_VALUE) naming the bad element
   */
  public static List<OrderBy> parseForRuns(List<String> orderBy) {
    List<OrderBy> out = new ArrayList<>();
    for (String element : orderBy) {
      String[] parts = split(element);
      String identifier = parts[0].strip();
      int dot = identifier.indexOf('.');
      Entity entity;
      String key;
      if (dot < 0) {
        entity = Entity.ATTRIBUTE;
        key = identifier;
      } else {
        entity = RunFilter.runEntity(identifier.substring(0, dot));
        if (entity == null) {
          throw error(
              element,
              "Invalid entity type '" + FilterParser.trimBackticks(identifier.substring(0, dot))
                  + "'. Valid values are " + RunFilter.ENTITY_NAMES);
        }
        key = identifier.substring(dot + 1);
      }
      key = FilterParser.trimBackticks(FilterParser.stripQuotes(key));
      if (entity == Entity.ATTRIBUTE) {
        String canonical = RUN_ATTRIBUTES.get(key);
        if (canonical == null) {
          throw error(
              element,
              "Invalid attribute key '" + key + "' specified. Valid keys are '"
                  + new java.util.TreeSet<>(RUN_ATTRIBUTES.keySet()) + "'");
        }
        key = canonical;
      } else if (entity == Entity.DATASET) {
        throw error(element, "Invalid order_by entity type 'dataset'");
      }
      out.add(new OrderBy(entity, key, ascending(element, parts)));
    }
    return List.copyOf(out);
  }

  /**
   * Parses search_experiments order_by elements: bare or {@code attribute.}-prefixed {@code name},
   * {@code experiment_id}, {@code creation_time}, {@code last_update_time}.
   *
   * @throws InvalidFilterException (INVALID_PARAMETER_VALUE) naming the bad element
   */
  public static List<OrderBy> parseForExperiments(List<String> orderBy) {
    List<OrderBy> out = new ArrayList<>();
    for (String element : orderBy) {
      String[] parts = split(element);
      String key = attributeKey(element, parts[0]);
      if (!EXPERIMENT_ATTRIBUTES.contains(key)) {
        throw error(
            element,
            "Invalid attribute key '" + key + "' specified. Valid keys are '"
                + new java.util.TreeSet<>(EXPERIMENT_ATTRIBUTES) + "'");
      }
      out.add(new OrderBy(Entity.ATTRIBUTE, key, ascending(element, parts)));
    }
    return List.copyOf(out);
  }

  /**
   * The key of an experiment or registry order_by element, bare or {@code attribute.}-prefixed;
   * other prefixes are refused as MLflow refuses them.
   */
  private static String attributeKey(String element, String part) {
    String identifier = part.strip();
    int dot = identifier.indexOf('.');
    String key = dot < 0 ? identifier : identifier.substring(dot + 1);
    if (dot >= 0) {
      String prefix = identifier.substring(0, dot);
      Entity entity = ExperimentFilter.entity(prefix);
      if (entity == null) {
        throw error(
            element,
            "Invalid entity type '" + prefix + "'. Valid entity types are ('attribute', 'tag', 'tags')");
      }
      if (entity != Entity.ATTRIBUTE) {
        throw error(element, "Invalid order_by entity: tag");
      }
    }
    return FilterParser.trimBackticks(FilterParser.stripQuotes(key));
  }

  /**
   * Parses search_registered_models or search_model_versions order_by elements: bare or {@code
   * attribute.}-prefixed keys of {@code keys} (name as written to canonical name; tags are not
   * orderable). A key given twice is refused (MLflow's SQL store; its FileStore lets the first win).
   *
   * @throws InvalidFilterException (INVALID_PARAMETER_VALUE) naming the bad element
   */
  static List<OrderBy> parseForRegistry(List<String> orderBy, java.util.Map<String, String> keys) {
    List<OrderBy> out = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (String element : orderBy) {
      String[] parts = split(element);
      String key = attributeKey(element, parts[0]);
      String canonical = keys.get(key);
      if (canonical == null) {
        throw error(
            element,
            "Invalid attribute key '" + key + "' specified. Valid keys are '" + new java.util.TreeSet<>(keys.keySet()) + "'");
      }
      if (!seen.add(canonical)) {
        throw error(element, "`order_by` contains duplicate fields: " + orderBy);
      }
      out.add(new OrderBy(Entity.ATTRIBUTE, canonical, ascending(element, parts)));
    }
    return List.copyOf(out);
  }

  private static boolean ascending(String element, String[] parts) {
    if (parts.length == 1) {
      return true;
    }
    String direction = parts[1].toLowerCase(Locale.ROOT);
    if (!direction.equals("asc") && !direction.equals("desc")) {
      throw error(element, "Invalid ordering key in order_by clause '" + element + "'.");
    }
    return direction.equals("asc");
  }

  private static InvalidFilterException error(String element, String detail) {
    return new InvalidFilterException(detail, element, 0);
  }

  private static InvalidFilterException unparsable(String element) {
    return error(element, "Invalid order_by clause '" + element + "'. Could not be parsed.");
  }

  /**
   * MLflow's two steps: the element must lex as one identifier, optionally followed by one or more
   * words (sqlparse's aliasing); then it is split shell-style with backticks read as double quotes,
   * into the key and at most one direction.
   */
  private static String[] split(String element) {
    Objects.requireNonNull(element, "order_by element");
    if (element.isEmpty()
        || FilterLexer.isSpace(element.codePointAt(0))
        || FilterLexer.isSpace(element.codePointBefore(element.length()))) {
      throw unparsable(element);
    }
    List<Token> tokens = new ArrayList<>();
    for (Token t : FilterLexer.tokenize(element)) {
      if (t.kind() != Kind.WS) {
        tokens.add(t);
      }
    }
    // the key: one chain of adjacent parts joined by '.'
    int i = 0;
    if (!startsName(tokens.get(0))) {
      throw unparsable(element);
    }
    int end = tokens.get(0).end();
    i = 1;
    while (i + 1 < tokens.size()
        && tokens.get(i).kind() == Kind.DOT
        && tokens.get(i).start() == end
        && tokens.get(i + 1).start() == tokens.get(i).end()
        && (startsName(tokens.get(i + 1)) || tokens.get(i + 1).kind() == Kind.SQ_STRING)) {
      end = tokens.get(i + 1).end();
      i += 2;
    }
    // then words: directions, or names sqlparse would read as aliases
    for (; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      boolean word =
          t.isWord("ASC") || t.isWord("DESC") || (startsName(t) && tokens.get(i - 1).end() < t.start());
      boolean chained = t.kind() == Kind.DOT || (i > 0 && tokens.get(i - 1).kind() == Kind.DOT);
      if (!word && !chained) {
        throw unparsable(element);
      }
    }
    List<String> parts = Shlex.split(element.replace('`', '"'));
    if (parts == null || parts.isEmpty() || parts.size() > 2) {
      throw unparsable(element);
    }
    return parts.toArray(new String[0]);
  }

  private static boolean startsName(Token t) {
    return (t.kind() == Kind.NAME && !FilterLexer.isKeyword(t))
        || t.kind() == Kind.QNAME
        || t.kind() == Kind.DQ_STRING;
  }
}
