package io.tracklog;

import java.util.List;
import java.util.Objects;

/** A dataset logged as a run's input, with its input tags. */
public record DatasetInput(Dataset dataset, List<InputTag> tags) {
  public DatasetInput {
    Objects.requireNonNull(dataset, "dataset");
    tags = List.copyOf(tags);
  }

  /** A dataset input whose only tag is its context, or none when {@code context} is null. */
  public static DatasetInput of(Dataset dataset, String context) {
    return new DatasetInput(
        dataset, context == null ? List.of() : List.of(new InputTag(InputTag.CONTEXT, context)));
  }

  /** The {@code mlflow.data.context} tag's value, or null. */
  public String context() {
    for (InputTag t : tags) {
      if (t.key().equals(InputTag.CONTEXT)) {
        return t.value();
      }
    }
    return null;
  }
}
