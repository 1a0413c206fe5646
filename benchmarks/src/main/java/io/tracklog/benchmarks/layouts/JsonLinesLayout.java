package io.tracklog.benchmarks.layouts;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tracklog.Metric;
import io.tracklog.Param;
import io.tracklog.RunTag;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The layout people write by hand: {@code <root>/experiments.jsonl} and a JSON-lines file per run,
 * {@code <root>/<exp>/<run>.jsonl}, one line per event ({@code start}, {@code metric}, {@code param},
 * {@code tag}, {@code end}), written with Jackson's streaming generator and appended with one
 * {@code write} per call to a file kept open for the run (page cache, nothing fsynced; a process killed
 * mid-write can leave a torn last line, which this reader would reject). No index: a search parses
 * every line of every run, a history every line of the run.
 */
final class JsonLinesLayout implements StorageLayout {
  private static final JsonFactory JSON = new JsonFactory();

  private static JsonGenerator gen(ByteArrayOutputStream buf) throws IOException {
    JsonGenerator g = JSON.createGenerator(buf);
    g.setRootValueSeparator(null);
    return g;
  }
  private final Path root;

  JsonLinesLayout(Path root) {
    this.root = root;
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Path root() {
    return root;
  }

  @Override
  public synchronized String createExperiment(String name) {
    Path file = root.resolve("experiments.jsonl");
    try {
      long n = Files.exists(file) ? Files.readAllLines(file).size() : 0;
      String id = Long.toString(n);
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (JsonGenerator g = gen(buf)) {
        g.writeStartObject();
        g.writeStringField("experiment_id", id);
        g.writeStringField("name", name);
        g.writeNumberField("creation_time", System.currentTimeMillis());
        g.writeEndObject();
      }
      buf.write('\n');
      Files.write(file, buf.toByteArray(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      Files.createDirectories(root.resolve(id));
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String experimentId(String name) {
    try (JsonParser p = JSON.createParser(root.resolve("experiments.jsonl").toFile())) {
      String id = null;
      String n = null;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          p.nextToken();
          if (f.equals("experiment_id")) {
            id = p.getText();
          } else if (f.equals("name")) {
            n = p.getText();
          }
        } else if (t == JsonToken.END_OBJECT && name.equals(n)) {
          return id;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("No experiment " + name);
  }

  @Override
  public LayoutRun startRun(String experimentId, String runId, String runName, long startTimeMs) {
    String id = runId != null ? runId : UUID.randomUUID().toString().replace("-", "");
    try {
      JsonRun run = new JsonRun(id, new FileOutputStream(root.resolve(experimentId).resolve(id + ".jsonl").toFile(), true));
      run.event(
          g -> {
            g.writeStringField("event", "start");
            g.writeStringField("run_id", id);
            g.writeStringField("experiment_id", experimentId);
            g.writeStringField("name", runName != null ? runName : "run-" + id.substring(0, 8));
            g.writeNumberField("start_time", startTimeMs);
          });
      return run;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static final class JsonRun implements LayoutRun {
    private final String runId;
    private final FileOutputStream out;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream(256);

    JsonRun(String runId, FileOutputStream out) {
      this.runId = runId;
      this.out = out;
    }

    @Override
    public String runId() {
      return runId;
    }

    private void line(JsonGenerator g, Fields fields) throws IOException {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
      g.flush();
      buf.write('\n');
    }

    /** One event, one write call. */
    synchronized void event(Fields fields) {
      try {
        buf.reset();
        try (JsonGenerator g = gen(buf)) {
          line(g, fields);
        }
        buf.writeTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static void metric(JsonGenerator g, String key, double value, long ts, long step) throws IOException {
      g.writeStringField("event", "metric");
      g.writeStringField("key", key);
      g.writeNumberField("value", value);
      g.writeNumberField("timestamp", ts);
      g.writeNumberField("step", step);
    }

    @Override
    public void logMetric(String key, double value, long timestampMs, long step) {
      event(g -> metric(g, key, value, timestampMs, step));
    }

    @Override
    public synchronized void logBatch(List<Metric> metrics, List<Param> params, List<RunTag> tags) {
      try {
        buf.reset();
        try (JsonGenerator g = gen(buf)) {
          for (Param p : params) {
            line(g, x -> {
              x.writeStringField("event", "param");
              x.writeStringField("key", p.key());
              x.writeStringField("value", p.value());
            });
          }
          for (Metric m : metrics) {
            line(g, x -> metric(x, m.key(), m.value(), m.timestampMs(), m.step()));
          }
          for (RunTag t : tags) {
            line(g, x -> {
              x.writeStringField("event", "tag");
              x.writeStringField("key", t.key());
              x.writeStringField("value", t.value());
            });
          }
        }
        buf.writeTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void end(long endTimeMs) {
      event(
          g -> {
            g.writeStringField("event", "end");
            g.writeStringField("status", "FINISHED");
            g.writeNumberField("end_time", endTimeMs);
          });
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // ---- reading: parse every line --------------------------------------------------------------

  /** What a scan of one run file keeps. */
  private static final class RunScan {
    long startTime;
    String param;
    boolean hasMetric;
    long mStep;
    long mTs;
    double mValue;
    boolean hasOrder;
    long oStep;
    long oTs;
    double oValue;
  }

  private static RunScan scan(Path file, RunQuery q) throws IOException {
    RunScan s = new RunScan();
    try (JsonParser p = JSON.createParser(Files.readAllBytes(file))) {
      String event = null;
      String key = null;
      String text = null;
      double value = 0;
      long ts = 0;
      long step = 0;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          JsonToken v = p.nextToken();
          switch (f) {
            case "event" -> event = p.getText();
            case "key" -> key = p.getText();
            case "value" -> {
              if (v == JsonToken.VALUE_STRING) {
                text = p.getText();
                value = "NaN".equals(text) ? Double.NaN : 0;
              } else {
                value = p.getDoubleValue();
              }
            }
            case "timestamp" -> ts = p.getLongValue();
            case "step" -> step = p.getLongValue();
            case "start_time" -> s.startTime = p.getLongValue();
            default -> {}
          }
        } else if (t == JsonToken.END_OBJECT) {
          if ("metric".equals(event)) {
            if (key.equals(q.metricKey())
                && (!s.hasMetric || SearchHit.newer(step, ts, value, s.mStep, s.mTs, s.mValue))) {
              s.hasMetric = true;
              s.mStep = step;
              s.mTs = ts;
              s.mValue = value;
            }
            if (key.equals(q.orderMetric())
                && (!s.hasOrder || SearchHit.newer(step, ts, value, s.oStep, s.oTs, s.oValue))) {
              s.hasOrder = true;
              s.oStep = step;
              s.oTs = ts;
              s.oValue = value;
            }
          } else if ("param".equals(event) && key.equals(q.paramKey())) {
            s.param = text;
          }
          event = null;
          key = null;
          text = null;
        }
      }
    }
    return s;
  }

  @Override
  public List<String> search(RunQuery q) {
    List<SearchHit> hits = new ArrayList<>();
    try {
      for (String exp : q.experimentIds()) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve(exp), "*.jsonl")) {
          for (Path f : ds) {
            RunScan s = scan(f, q);
            if (s.param != null && s.param.startsWith(q.paramPrefix()) && s.hasMetric && s.mValue > q.metricAbove()) {
              String name = f.getFileName().toString();
              hits.add(new SearchHit(name.substring(0, name.length() - 6), s.startTime, s.oValue, s.hasOrder));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return SearchHit.top(hits, q);
  }

  @Override
  public List<Metric> metricHistory(String runId, String wanted) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, Files::isDirectory)) {
      for (Path exp : ds) {
        Path f = exp.resolve(runId + ".jsonl");
        if (Files.exists(f)) {
          return history(f, wanted);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalArgumentException("No run " + runId);
  }

  private static List<Metric> history(Path file, String wanted) throws IOException {
    List<Metric> out = new ArrayList<>();
    try (JsonParser p = JSON.createParser(file.toFile())) {
      String event = null;
      String key = null;
      double value = 0;
      long ts = 0;
      long step = 0;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.FIELD_NAME) {
          String f = p.currentName();
          JsonToken v = p.nextToken();
          switch (f) {
            case "event" -> event = p.getText();
            case "key" -> key = p.getText();
            case "value" -> value = v != JsonToken.VALUE_STRING ? p.getDoubleValue() : "metric".equals(event) ? Double.parseDouble(p.getText()) : 0;
            case "timestamp" -> ts = p.getLongValue();
            case "step" -> step = p.getLongValue();
            default -> {}
          }
        } else if (t == JsonToken.END_OBJECT) {
          if ("metric".equals(event) && wanted.equals(key)) {
            out.add(new Metric(wanted, value, ts, step));
          }
          event = null;
          key = null;
        }
      }
    }
    return out;
  }

  @Override
  public void close() {}
}
