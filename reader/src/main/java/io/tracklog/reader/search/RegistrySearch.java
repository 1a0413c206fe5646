package io.tracklog.reader.search;

import io.tracklog.error.InvalidParameterException;
import io.tracklog.reader.PageToken;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import io.tracklog.registry.RegistrySnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * MLflow's search_registered_models and search_model_versions over a {@link RegistrySnapshot}
 * (mlflow/store/model_registry/sqlalchemy_store.py L354-370, L1086-1154; docs/DESIGN-NOTES.md §Model
 * registry): filter ({@link RegistryFilter}), order, page. order_by accepts the union of MLflow's two
 * stores' keys; ties are broken by {@code name ASC} (then, for versions, {@code version_number
 * DESC}) unless those keys are given; a page token comes only when more rows remain. Stateless and
 * thread-safe; one pass over the snapshot, then a sort of the hits.
 */
public final class RegistrySearch {
  /** search_registered_models' page size when none is given (model_registry.proto L600). */
  public static final int DEFAULT_MAX_MODELS = 100;
  /** The largest page of models (mlflow/server/handlers.py L1960-1963). */
  public static final int MAX_MODELS = 1_000;
  /** search_model_versions' page size when none is given (the Python client's, model_registry/__init__.py). */
  public static final int DEFAULT_MAX_VERSIONS = 10_000;
  /** The largest page of versions (handlers.py L2362-2365). */
  public static final int MAX_VERSIONS = 200_000;

  static final Map<String, String> MODEL_KEYS =
      Map.of(
          "name", "name",
          "creation_timestamp", "creation_timestamp",
          "last_updated_timestamp", "last_updated_timestamp",
          "timestamp", "last_updated_timestamp");
  static final Map<String, String> VERSION_KEYS =
      Map.of(
          "name", "name",
          "version_number", "version_number",
          "creation_timestamp", "creation_timestamp",
          "last_updated_timestamp", "last_updated_timestamp",
          "timestamp", "last_updated_timestamp");
  static final List<String> DEFAULT_VERSION_ORDER =
      List.of("last_updated_timestamp DESC", "name ASC", "version_number DESC");

  private RegistrySearch() {}

  /**
   * One page of the registered models that match {@code filter}, in order.
   *
   * @param filter null or "" for all models (prompts excepted)
   * @param orderBy order_by elements, most significant first; empty or null for {@code name ASC}
   * @param pageToken null for the first page
   * @throws InvalidFilterException if the filter or an order_by element is invalid
   * @throws InvalidParameterException if {@code maxResults} is not in 1..{@value #MAX_MODELS} or the
   *     page token is invalid
   */
  public static RegisteredModelPage searchModels(
      RegistrySnapshot snapshot, String filter, int maxResults, List<String> orderBy, String pageToken) {
    checkMaxResults(maxResults, MAX_MODELS);
    RegistryFilter parsed = RegistryFilter.parseForModels(filter);
    Comparator<RegisteredModel> order =
        ordering(OrderBy.parseForRegistry(orderBy == null ? List.of() : orderBy, MODEL_KEYS), false, RegisteredModel::name,
            m -> 0, RegisteredModel::creationTimestamp, RegisteredModel::lastUpdatedTimestamp);
    long offset = PageToken.decode(pageToken);
    List<RegisteredModel> hits = new ArrayList<>();
    for (RegisteredModel m : snapshot.models()) {
      if (parsed.matches(m)) {
        hits.add(m);
      }
    }
    hits.sort(order);
    int[] range = page(hits.size(), offset, maxResults);
    return new RegisteredModelPage(hits.subList(range[0], range[1]), token(hits.size(), range[1]));
  }

  /**
   * One page of the live model versions that match {@code filter}, in order.
   *
   * @param orderBy empty or null for {@code last_updated_timestamp DESC, name ASC, version_number DESC}
   * @throws InvalidFilterException if the filter or an order_by element is invalid
   * @throws InvalidParameterException if {@code maxResults} is not in 1..{@value #MAX_VERSIONS} or
   *     the page token is invalid
   */
  public static ModelVersionPage searchVersions(
      RegistrySnapshot snapshot, String filter, int maxResults, List<String> orderBy, String pageToken) {
    checkMaxResults(maxResults, MAX_VERSIONS);
    RegistryFilter parsed = RegistryFilter.parseForVersions(filter);
    Comparator<ModelVersion> order =
        ordering(OrderBy.parseForRegistry(orderBy == null || orderBy.isEmpty() ? DEFAULT_VERSION_ORDER : orderBy, VERSION_KEYS), true,
            ModelVersion::name, ModelVersion::version, ModelVersion::creationTimestamp,
            ModelVersion::lastUpdatedTimestamp);
    long offset = PageToken.decode(pageToken);
    List<ModelVersion> hits = new ArrayList<>();
    for (io.tracklog.registry.RegisteredModel m : snapshot.models()) {
      if (!parsed.mayMatchName(m.name())) {
        continue; // a name clause decides for all its versions at once
      }
      for (ModelVersion v : snapshot.versions(m.name())) {
        if (parsed.matches(v)) {
          hits.add(v);
        }
      }
    }
    hits.sort(order);
    int[] range = page(hits.size(), offset, maxResults);
    return new ModelVersionPage(hits.subList(range[0], range[1]), token(hits.size(), range[1]));
  }

  /** mlflow/server/handlers.py: at most {@code max}; below 1 refused (Tracklog, as MLflow's SQL versions search). */
  static void checkMaxResults(int maxResults, int max) {
    if (maxResults < 1) {
      throw new InvalidParameterException(
          "Invalid value for max_results. It must be a positive integer, but got " + maxResults);
    }
    if (maxResults > max) {
      throw new InvalidParameterException(
          "Invalid value for request parameter max_results. It must be at most " + max + ", but got value " + maxResults);
    }
  }

  /**
   * The order_by keys in turn, then {@code name ASC} and (with {@code versions}) {@code
   * version_number DESC} unless given. Names compare by code point.
   */
  static <T> Comparator<T> ordering(
      List<OrderBy> keys, boolean versions, java.util.function.Function<T, String> name, ToIntFunction<T> version,
      ToLongFunction<T> created, ToLongFunction<T> updated) {
    List<OrderBy> all = new ArrayList<>(keys);
    if (all.stream().noneMatch(k -> k.key().equals("name"))) {
      all.add(new OrderBy(Clause.Entity.ATTRIBUTE, "name", true));
    }
    if (versions && all.stream().noneMatch(k -> k.key().equals("version_number"))) {
      all.add(new OrderBy(Clause.Entity.ATTRIBUTE, "version_number", false));
    }
    return (a, b) -> {
      for (OrderBy key : all) {
        int c =
            switch (key.key()) {
              case "name" -> Compare.compareCodePoints(name.apply(a), name.apply(b));
              case "version_number" -> Integer.compare(version.applyAsInt(a), version.applyAsInt(b));
              case "creation_timestamp" -> Long.compare(created.applyAsLong(a), created.applyAsLong(b));
              case "last_updated_timestamp" -> Long.compare(updated.applyAsLong(a), updated.applyAsLong(b));
              default -> throw new IllegalStateException("Unknown order_by key " + key.key());
            };
        if (c != 0) {
          return key.ascending() ? c : -c;
        }
      }
      return 0;
    };
  }

  private static int[] page(int size, long offset, int maxResults) {
    int from = (int) Math.min(offset, size);
    int to = (int) Math.min((long) from + maxResults, size);
    return new int[] {from, to};
  }

  private static String token(int size, int to) {
    return to < size ? PageToken.encode(to) : null;
  }
}
