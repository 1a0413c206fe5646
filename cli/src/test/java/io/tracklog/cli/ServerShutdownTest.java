package io.tracklog.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.Metric;
import io.tracklog.RunStatus;
import io.tracklog.Store;
import io.tracklog.reader.Snapshot;
import io.tracklog.reader.StoreReader;
import io.tracklog.testing.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tracklog server} in its own JVM, stopped with SIGTERM while 8 clients are logging: every
 * request it acknowledged is in the store, the run it was writing is still RUNNING (the server ends
 * no client's run; the store lists it as an orphan), and the store verifies clean.
 */
class ServerShutdownTest {
  @TempDir Path root;

  @Test
  void sigtermFinishesRequestsInFlightAndEndsNoRun() throws Exception {
    try (ChildJvm server = ChildJvm.start(Main.class, "server", "--root", root.toString(), "--port", "0")) {
      String line = server.awaitLine("export MLFLOW_TRACKING_URI=");
      Matcher m = Pattern.compile("MLFLOW_TRACKING_URI=(\\S+)").matcher(line);
      assertThat(m.find()).isTrue();
      URI base = URI.create(m.group(1));
      HttpClient client = HttpClient.newHttpClient();
      String runId = post(client, base, "/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"0\"}")
          .replaceAll("(?s).*\"run_id\": \"([0-9a-f]+)\".*", "$1");
      assertThat(runId).matches("[0-9a-f]{32}");

      Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicLong next = new AtomicLong();
      CountDownLatch logging = new CountDownLatch(200); // SIGTERM once 200 points are in
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        Thread t = new Thread(() -> {
          while (true) {
            long step = next.getAndIncrement();
            try {
              String body = "{\"run_id\": \"" + runId + "\", \"key\": \"loss\", \"value\": 1, \"timestamp\": 1, \"step\": " + step + "}";
              HttpResponse<String> r = client.send(
                  HttpRequest.newBuilder(base.resolve("/api/2.0/mlflow/runs/log-metric"))
                      .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                  HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                acknowledged.add(step);
                logging.countDown();
              } else {
                return; // the server refuses new work while it drains
              }
            } catch (IOException e) {
              return; // refused or cut: the server is gone
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        t.start();
        clients.add(t);
      }
      logging.await();
      ProcessHandle.of(server.pid()).orElseThrow().destroy(); // SIGTERM
      int exit = server.waitForExit();
      for (Thread t : clients) {
        t.join();
      }
      assertThat(exit).as(server.stderr()).isIn(0, 143);
      assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(200);

      try (Store store = Store.open(root); StoreReader reader = StoreReader.of(store)) {
        Snapshot snapshot = reader.snapshot();
        List<Long> steps = snapshot.metricHistory(runId, "loss").stream().map(Metric::step).toList();
        assertThat(steps).as("every acknowledged point").containsAll(acknowledged).doesNotHaveDuplicates();
        assertThat(snapshot.getRun(runId).info().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(store.orphanedRuns()).contains(runId);
        assertThat(store.verify().problems()).isEmpty();
      }
    }
  }

  private static String post(HttpClient client, URI base, String path, String json) throws Exception {
    HttpResponse<String> r = client.send(
        HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }
}
