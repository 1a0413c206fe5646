package io.tracklog.registry;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A registered model as MLflow returns it (mlflow/entities/model_registry/registered_model.py): its
 * unique name, timestamps (epoch ms), description (null if never set), tags, aliases (alias to
 * version number) and the latest live version per stage ({@link ModelRegistry#latestVersions}).
 * MLflow's {@code user_id} and {@code deployment_job_id} are never set by its stores and are left out.
 *
 * <p>{@code tags} holds every tag, {@code mlflow.prompt.is_prompt} included; MLflow hides that one
 * from its responses ({@link #visibleTags}).
 */
public record RegisteredModel(
    String name,
    long creationTimestamp,
    long lastUpdatedTimestamp,
    String description,
    Map<String, String> tags,
    Map<String, Integer> aliases,
    List<ModelVersion> latestVersions) {
  /** The tag that marks a prompt (MLflow 3), hidden from tags and from searches that do not name it. */
  public static final String PROMPT_TAG = "mlflow.prompt.is_prompt";

  public RegisteredModel {
    Objects.requireNonNull(name, "name");
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    aliases = Collections.unmodifiableSortedMap(new TreeMap<>(aliases));
    latestVersions = List.copyOf(latestVersions);
  }

  /** The tags MLflow shows: all but {@link #PROMPT_TAG}. */
  public Map<String, String> visibleTags() {
    if (!tags.containsKey(PROMPT_TAG)) {
      return tags;
    }
    TreeMap<String, String> visible = new TreeMap<>(tags);
    visible.remove(PROMPT_TAG);
    return Collections.unmodifiableSortedMap(visible);
  }
}
