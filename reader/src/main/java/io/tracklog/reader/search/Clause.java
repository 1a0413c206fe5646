package io.tracklog.reader.search;

import java.util.List;
import java.util.Objects;

/**
 * One validated comparison of a filter: {@code <entity>.<key> <op> <value>}, with aliases already
 * resolved ({@code created} is {@code start_time}, {@code `Run name`} is {@code run_name}). Made by
 * {@link RunFilter#parse} and {@link ExperimentFilter#parse}; every clause a filter holds has passed
 * MLflow's checks for its entity (comparator allowed, value of the right type).
 *
 * @param entity what the key names
 * @param key the metric, param, tag or dataset key, or the canonical attribute name
 * @param op the comparator
 * @param value a {@link Number} for metrics and numeric attributes, a {@link Text} for strings, a
 *     {@link Values} for IN and NOT IN
 * @param text the clause as written in the filter
 * @param position where the clause starts in the filter, in code points from 0
 */
public record Clause(Entity entity, String key, Op op, Value value, String text, int position) {
  public Clause {
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(text, "text");
  }

  /** What a clause's key names. */
  public enum Entity {
    METRIC,
    PARAM,
    TAG,
    ATTRIBUTE,
    DATASET
  }

  /** A comparator, spelled as MLflow spells it. */
  public enum Op {
    EQ("="),
    NE("!="),
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<="),
    LIKE("LIKE"),
    ILIKE("ILIKE"),
    IN("IN"),
    NOT_IN("NOT IN");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    /** The comparator spelled {@code text} (case-insensitive), or null. */
    static Op of(String text) {
      String upper = text.toUpperCase(java.util.Locale.ROOT);
      for (Op op : values()) {
        if (op.symbol.equals(upper)) {
          return op;
        }
      }
      return null;
    }
  }

  /** A clause's right-hand side. */
  public sealed interface Value permits Number, Text, Values {}

  /**
   * A number literal: {@code value} is Python's {@code float(text)}, which an integer literal also
   * becomes (so {@code metrics.acc = 1} matches 1.0).
   */
  public record Number(double value, String literal) implements Value {}

  /** A quoted string, outer quotes removed, no escapes processed (MLflow's rule). */
  public record Text(String value) implements Value {
    public Text {
      Objects.requireNonNull(value, "value");
    }
  }

  /** The strings of an IN / NOT IN list, after MLflow drops every element not all lower case. */
  public record Values(List<String> values) implements Value {
    public Values {
      values = List.copyOf(values);
    }
  }
}
