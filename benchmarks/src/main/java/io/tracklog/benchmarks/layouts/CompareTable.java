package io.tracklog.benchmarks.layouts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the comparison table of scripts/compare-layouts.sh from JMH JSON results ({@code -rf json})
 * and {@link LayoutBytes} TSV files: per workload, each layout's median (of its measured iterations)
 * and its ratio to Tracklog, as "Tracklog N× better" or "Tracklog N× worse". Markdown, so it goes into
 * docs/BENCHMARKS.md as is.
 *
 * <pre>java -cp benchmarks.jar io.tracklog.benchmarks.layouts.CompareTable RESULT.json[#LABEL]... [BYTES.tsv]</pre>
 *
 * A {@code #LABEL} after a file name is appended to its workloads' names, in parentheses, so that the
 * same benchmark run another way (in a fresh JVM per op, say) gets rows of its own.
 */
public final class CompareTable {
  private CompareTable() {}

  /** One workload row: unit, whether higher is better, and each layout's median. */
  private static final class Row {
    String unit;
    boolean higherIsBetter;
    final Map<String, Double> medians = new LinkedHashMap<>();
  }

  public static void main(String[] args) throws IOException {
    Map<String, Row> rows = new LinkedHashMap<>();
    ObjectMapper mapper = new ObjectMapper();
    for (String arg : args) {
      int hash = arg.indexOf('#');
      String a = hash < 0 ? arg : arg.substring(0, hash);
      String label = hash < 0 ? "" : " (" + arg.substring(hash + 1) + ")";
      Path p = Path.of(a);
      if (!Files.exists(p)) {
        continue;
      }
      if (a.endsWith(".tsv")) {
        for (String line : Files.readAllLines(p)) {
          String[] f = line.split("\t");
          if (f.length == 4) {
            Row row = rows.computeIfAbsent(f[0], k -> new Row());
            row.unit = f[3];
            row.higherIsBetter = false;
            row.medians.put(f[1], Double.parseDouble(f[2]));
          }
        }
        continue;
      }
      for (JsonNode b : mapper.readTree(p.toFile())) {
        String name = b.get("benchmark").asText();
        name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
        String layout = "?";
        StringBuilder params = new StringBuilder();
        JsonNode ps = b.get("params");
        if (ps != null) {
          for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("layout")) {
              layout = e.getValue().asText();
            } else {
              params.append(' ').append(e.getKey()).append('=').append(e.getValue().asText());
            }
          }
        }
        JsonNode pm = b.get("primaryMetric");
        List<Double> raw = new ArrayList<>();
        for (JsonNode fork : pm.get("rawData")) {
          for (JsonNode v : fork) {
            raw.add(v.asDouble());
          }
        }
        double[] values = raw.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(values);
        double median =
            values.length == 0 ? Double.NaN
                : values.length % 2 == 1 ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
        Row row = rows.computeIfAbsent(name + label + params, k -> new Row());
        row.unit = pm.get("scoreUnit").asText();
        row.higherIsBetter = row.unit.endsWith("/s");
        row.medians.put(layout, median);
      }
    }
    List<String> layouts = new ArrayList<>();
    for (Layout l : Layout.values()) {
      layouts.add(l.name());
    }
    StringBuilder out = new StringBuilder();
    out.append("| workload | unit |");
    for (String l : layouts) {
      out.append(' ').append(l).append(" |");
    }
    out.append("\n|---|---|");
    out.append("---|".repeat(layouts.size()));
    out.append('\n');
    for (Map.Entry<String, Row> e : rows.entrySet()) {
      Row row = e.getValue();
      Double t = row.medians.get("TRACKLOG");
      out.append("| ").append(e.getKey()).append(" | ").append(row.unit).append(row.higherIsBetter ? " (higher is better)" : " (lower is better)").append(" |");
      for (String l : layouts) {
        Double v = row.medians.get(l);
        if (v == null) {
          out.append(" – |");
          continue;
        }
        out.append(' ').append(format(v));
        if (t != null && !l.startsWith("TRACKLOG") && v > 0 && t > 0) { // Tracklog variants: no ratio
          double tracklogAdvantage = row.higherIsBetter ? t / v : v / t;
          out.append(tracklogAdvantage >= 1
              ? String.format(Locale.ROOT, " (T %.2g× better)", tracklogAdvantage)
              : String.format(Locale.ROOT, " (**T %.2g× worse**)", 1 / tracklogAdvantage));
        }
        out.append(" |");
      }
      out.append('\n');
    }
    System.out.print(out);
  }

  private static String format(double v) {
    if (v >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2f M", v / 1e6);
    }
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%.1f k", v / 1e3);
    }
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
