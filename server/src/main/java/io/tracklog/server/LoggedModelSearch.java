package io.tracklog.server;

import io.tracklog.reader.PageToken;
import io.tracklog.registry.LoggedModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * search_logged_models (service.proto {@code SearchLoggedModels}; mlflow/store/tracking/sqlalchemy_store.py)
 * over the store's logged models, for what MLflow's clients ask: a filter of AND-ed comparisons of
 * the attributes {@code name}, {@code model_id}, {@code model_type}, {@code status}, {@code
 * source_run_id} (= and !=), {@code creation_timestamp} and {@code last_updated_timestamp} (also
 * &lt;, &lt;=, &gt;, &gt;=) and {@code tags.<key>} / {@code params.<key>} (= and !=); order by those
 * attributes (default: newest first), ties by model id. Metrics, datasets, LIKE and IN are
 * refused with INVALID_PARAMETER_VALUE rather than answered wrongly.
 */
final class LoggedModelSearch {
  /** service.proto: SearchLoggedModels' default page. */
  static final int DEFAULT_MAX_RESULTS = 50;

  private static final Pattern CLAUSE = Pattern.compile(
      "\\s*(?:(attributes?|tags?|params?)\\.)?(`[^`]+`|[\\w.\\-]+)\\s*(!=|<=|>=|=|<|>)\\s*('([^']*)'|\"([^\"]*)\"|-?\\d+)\\s*");
  private static final Pattern AND = Pattern.compile("(?i)\\s+and\\s+");
  private static final Map<String, Function<LoggedModel, String>> TEXT = Map.of(
      "name", LoggedModel::name,
      "model_id", LoggedModel::modelId,
      "model_type", LoggedModel::modelType,
      "status", m -> m.status().protoName(),
      "source_run_id", LoggedModel::sourceRunId);
  private static final Map<String, Function<LoggedModel, Long>> TIMES = Map.of(
      "creation_timestamp", LoggedModel::creationTimestamp,
      "last_updated_timestamp", LoggedModel::lastUpdatedTimestamp);

  private LoggedModelSearch() {}

  /** One order_by element of the request. */
  record Order(String field, boolean ascending) {}

  /** A page of {@code models} as the request asks; the token of the next page, or null. */
  record Page(List<LoggedModel> models, String nextPageToken) {}

  static Page search(List<LoggedModel> models, String filter, List<Order> orderBy, int maxResults, String pageToken) {
    if (maxResults < 1) {
      throw ApiException.invalid("Invalid value for max_results. It must be a positive integer, but got " + maxResults);
    }
    Predicate<LoggedModel> test = parse(filter);
    List<LoggedModel> hits = new ArrayList<>();
    for (LoggedModel m : models) {
      if (test.test(m)) {
        hits.add(m);
      }
    }
    hits.sort(order(orderBy));
    long offset = PageToken.decode(pageToken);
    int from = (int) Math.min(offset, hits.size());
    int to = (int) Math.min((long) from + maxResults, hits.size());
    return new Page(List.copyOf(hits.subList(from, to)), to < hits.size() ? PageToken.encode(to) : null);
  }

  private static Predicate<LoggedModel> parse(String filter) {
    Predicate<LoggedModel> all = m -> true;
    if (filter == null || filter.isBlank()) {
      return all;
    }
    for (String clause : AND.split(filter.strip())) {
      all = all.and(clause(clause));
    }
    return all;
  }

  private static Predicate<LoggedModel> clause(String text) {
    Matcher m = CLAUSE.matcher(text);
    if (!m.matches()) {
      throw ApiException.invalid("Invalid filter clause '" + text.strip() + "': this server compares attributes, tags"
          + " and params with =, != (and timestamps with <, <=, >, >=) to a quoted value or a number, joined by AND");
    }
    String prefix = m.group(1) == null ? "attribute" : m.group(1).toLowerCase(Locale.ROOT);
    String key = m.group(2).startsWith("`") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2);
    String op = m.group(3);
    String value = m.group(5) != null ? m.group(5) : m.group(6) != null ? m.group(6) : m.group(4);
    if (prefix.startsWith("tag") || prefix.startsWith("param")) {
      Function<LoggedModel, Map<String, String>> of = prefix.startsWith("tag") ? LoggedModel::tags : LoggedModel::params;
      return text(op, text, x -> of.apply(x).get(key), value);
    }
    if (TIMES.containsKey(key)) {
      long v;
      try {
        v = Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw ApiException.invalid("Invalid filter clause '" + text.strip() + "': " + key + " compares to a number");
      }
      Function<LoggedModel, Long> f = TIMES.get(key);
      return x -> compare(op, Long.compare(f.apply(x), v));
    }
    if (!TEXT.containsKey(key)) {
      throw ApiException.invalid("Invalid attribute key '" + key + "' in filter: this server filters on " + String.join(", ",
          new java.util.TreeSet<>(List.of("name", "model_id", "model_type", "status", "source_run_id", "creation_timestamp",
              "last_updated_timestamp"))) + ", tags.<key> and params.<key>");
    }
    return text(op, text, TEXT.get(key), value);
  }

  /** = and != on a text that may be absent: absent matches neither, as in MLflow's searches. */
  private static Predicate<LoggedModel> text(String op, String clause, Function<LoggedModel, String> f, String value) {
    if (!op.equals("=") && !op.equals("!=")) {
      throw ApiException.invalid("Invalid filter clause '" + clause.strip() + "': only = and != compare text here");
    }
    boolean equal = op.equals("=");
    return x -> {
      String v = f.apply(x);
      return v != null && v.equals(value) == equal;
    };
  }

  private static boolean compare(String op, int c) {
    return switch (op) {
      case "=" -> c == 0;
      case "!=" -> c != 0;
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      default -> c >= 0;
    };
  }

  /** The requested order, then model id; newest first when none is asked. */
  private static Comparator<LoggedModel> order(List<Order> orderBy) {
    Comparator<LoggedModel> c = null;
    for (Order o : orderBy.isEmpty() ? List.of(new Order("creation_timestamp", false)) : orderBy) {
      Comparator<LoggedModel> next;
      if (TIMES.containsKey(o.field())) {
        next = Comparator.comparing(TIMES.get(o.field()));
      } else if (TEXT.containsKey(o.field())) {
        Function<LoggedModel, String> f = TEXT.get(o.field());
        next = Comparator.comparing(f, Comparator.nullsLast(Comparator.naturalOrder()));
      } else {
        throw ApiException.invalid("Invalid order_by field_name '" + o.field() + "': this server orders by attributes only");
      }
      next = o.ascending() ? next : next.reversed();
      c = c == null ? next : c.thenComparing(next);
    }
    return c.thenComparing(LoggedModel::modelId);
  }
}
