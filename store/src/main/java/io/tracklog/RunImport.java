package io.tracklog;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A whole run to import exactly as given ({@link Store#importRun}): ids, times, status, lifecycle,
 * tags, params, every metric point in append order, dataset inputs and artifact files. Used by
 * migrations (io.tracklog.mlflow) and archives.
 *
 * @param endTime null when the run has not ended
 * @param deletedTime when a deleted run was deleted; null if unknown (written as 0)
 * @param tags the run's tags as they are, system tags included; nothing is added
 */
public record RunImport(
    String runId,
    String experimentId,
    String runName,
    String userId,
    long startTime,
    Long endTime,
    RunStatus status,
    LifecycleStage lifecycleStage,
    Long deletedTime,
    String artifactUri,
    List<RunTag> tags,
    List<Param> params,
    List<Metric> metrics,
    List<DatasetInput> inputs,
    List<ArtifactFile> artifacts) {

  public RunImport {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(runName, "runName");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(lifecycleStage, "lifecycleStage");
    Objects.requireNonNull(artifactUri, "artifactUri");
    tags = List.copyOf(tags);
    params = List.copyOf(params);
    metrics = List.copyOf(metrics);
    inputs = List.copyOf(inputs);
    artifacts = List.copyOf(artifacts);
  }

  /** A local file to copy into the run's artifact folder at {@code path} (relative, {@code /}-separated). */
  public record ArtifactFile(String path, Path source) {
    public ArtifactFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(source, "source");
    }
  }
}
