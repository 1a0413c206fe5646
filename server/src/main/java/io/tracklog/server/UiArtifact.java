package io.tracklog.server;

import io.tracklog.reader.StoreReader;
import java.io.InputStream;

/**
 * One artifact file of a run for the web UI's previews and downloads ({@code
 * /api/2.0/tracklog/ui/artifact?run_id=&path=}): its bytes and a content type from its name. The
 * store refuses paths that escape the run's folder. A file is never served as a page of the UI's
 * own origin: HTML goes out as text, and every answer carries {@code Content-Security-Policy:
 * sandbox} and {@code nosniff}, so an uploaded SVG or HTML file cannot run script against the UI.
 */
final class UiArtifact {
  static final String PATH = UiEndpoints.BASE + "artifact";

  /** An opened file; the caller closes {@code in}. */
  record Opened(InputStream in, String contentType, String fileName) {}

  private final StoreReader reader;

  UiArtifact(StoreReader reader) {
    this.reader = reader;
  }

  Opened open(String runId, String path) {
    if (runId == null || runId.isEmpty()) {
      throw ApiException.missing("run_id");
    }
    if (path == null || path.isEmpty()) {
      throw ApiException.missing("path");
    }
    InputStream in = reader.openArtifact(runId, path);
    String type = UiAssets.contentType(path);
    if (type.startsWith("text/html")) {
      type = "text/plain; charset=utf-8";
    }
    return new Opened(in, type, path.substring(path.lastIndexOf('/') + 1));
  }
}
