package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Store;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies past their limit are refused (400, MLflow's error) after reading at most the limit:
 * a client announcing or streaming gigabytes is not buffered. The bodies here are generated lazily
 * and count what the client was asked for, which bounds what the server read.
 */
class LimitsTest {
  static final long LIMIT = 64 * 1024;
  static final long HUGE = 4L << 30; // 4 GiB: a server that buffered it would run out of heap

  @TempDir Path root;
  TestServer t;
  Store store;
  TrackingServer server;
  Http http;

  @BeforeEach
  void start() {
    t = new TestServer(root, ServerOptions.defaults().withMaxRequestBytes(LIMIT));
    store = t.store;
    server = t.server;
    http = t.http;
  }

  @AfterEach
  void stop() {
    t.close();
  }

  /** A JSON-looking body of {@code size} bytes ({@code {"name": "aaaa...}), produced on demand. */
  static final class Endless extends InputStream {
    final long size;
    final AtomicLong produced = new AtomicLong();

    Endless(long size) {
      this.size = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      long at = produced.get();
      if (at >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - at);
      for (int i = 0; i < n; i++) {
        b[off + i] = at + i < 10 ? (byte) "{\"name\": \"".charAt((int) (at + i)) : (byte) 'a';
      }
      produced.addAndGet(n);
      return n;
    }
  }

  private Http.Reply send(String path, HttpRequest.BodyPublisher body) {
    return http.send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", "application/json").POST(body));
  }

  private static void assertTooLarge(Http.Reply r, String messagePart) {
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(r.json().get("message").asText()).contains(messagePart);
  }

  @Test
  void aHugeChunkedBodyIsRefusedAfterTheLimit() {
    long before = store.catalogPosition();
    Endless body = new Endless(HUGE);
    Http.Reply r = send("/api/2.0/mlflow/experiments/create", HttpRequest.BodyPublishers.ofInputStream(() -> body));
    assertTooLarge(r, "at most " + LIMIT + " bytes; this one has more than " + LIMIT);
    assertThat(body.produced.get()).as("bytes the client was asked for").isLessThan(HUGE / 16);
    assertThat(store.catalogPosition()).isEqualTo(before);
    assertThat(http.ok("/api/2.0/mlflow/experiments/create", "{\"name\": \"after\"}").has("experiment_id"))
        .as("the server still answers").isTrue();
  }

  @Test
  void aHugeContentLengthIsRefusedBeforeReading() {
    Endless body = new Endless(HUGE);
    Http.Reply r = send("/api/2.0/mlflow/experiments/create", HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(() -> body), HUGE));
    assertTooLarge(r, "this one has " + HUGE + ".");
    assertThat(body.produced.get()).isLessThan(HUGE / 16);
  }

  @Test
  void aLogBatchBodyHasMlflowsOneMegabyteLimit() {
    String runId = http.ok("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"0\"}").at("/run/info/run_id").asText();
    StringBuilder sb = new StringBuilder("{\"run_id\": \"" + runId + "\", \"tags\": [");
    for (int i = 0; sb.length() < 1_100_000; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"key\": \"k").append(i).append("\", \"value\": \"").append("v".repeat(200)).append("\"}");
    }
    Http.Reply r = send("/api/2.0/mlflow/runs/log-batch", HttpRequest.BodyPublishers.ofString(sb.append("]}").toString()));
    assertTooLarge(r, "Batched logging API requests must be at most 1 MB in size");
    // MLflow's counts: 100 params, 100 tags a batch
    for (String field : new String[] {"params", "tags"}) {
      StringBuilder b = new StringBuilder("{\"run_id\": \"" + runId + "\", \"" + field + "\": [");
      for (int i = 0; i < 101; i++) {
        b.append(i == 0 ? "" : ",").append("{\"key\": \"k").append(i).append("\", \"value\": \"v\"}");
      }
      Http.Reply many = send("/api/2.0/mlflow/runs/log-batch", HttpRequest.BodyPublishers.ofString(b.append("]}").toString()));
      assertThat(many.status()).as(field).isEqualTo(400);
      assertThat(many.json().get("message").asText()).as(field).contains("100");
    }
    assertThat(http.okGet("/api/2.0/mlflow/runs/get?run_id=" + runId).at("/run/data").has("params")).isFalse();
  }
}
