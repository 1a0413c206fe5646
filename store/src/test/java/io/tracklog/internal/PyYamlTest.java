package io.tracklog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected texts are PyYAML 6.0.3's {@code yaml.safe_dump(d, default_flow_style=False)} of the same data. */
class PyYamlTest {
  @Test
  void nestedSequences_floats_folding_escapes_indicators() {
    Map<String, Object> d = Map.of("a", List.of(
        Map.of("b", List.of(1, 2)), List.of(1, List.of(2)), 1e16, 1e-5, Double.NaN, "x".repeat(90) + " y",
        "é ".repeat(50), "- a", "a #b", ":x", "line\nbreak"));
    assertThat(PyYaml.dump(d, true)).isEqualTo(
        "a:\n- b:\n  - 1\n  - 2\n- - 1\n  - - 2\n- 1.0e+16\n- 1.0e-05\n- .nan\n- "
            + "x".repeat(90) + "\n  y\n"
            + "- \"\\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9\\\n"
            + "  \\ \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9\\\n"
            + "  \\ \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9 \\xE9\\\n"
            + "  \\ \\xE9 \\xE9 \"\n"
            + "- '- a'\n- 'a #b'\n- :x\n- 'line\n\n  break'\n");
  }

  @Test
  void condaYaml_asMlflowWritesIt() {
    Map<String, Object> conda = new LinkedHashMap<>();
    conda.put("name", "mlflow-env");
    conda.put("dependencies", List.of("python=3.12.3", "pip<=25.1.1", Map.of("pip", List.of("mlflow==2.22.0", "numpy==2.2.6"))));
    conda.put("channels", List.of("conda-forge"));
    assertThat(PyYaml.dump(conda, true)).isEqualTo("""
        channels:
        - conda-forge
        dependencies:
        - python=3.12.3
        - pip<=25.1.1
        - pip:
          - mlflow==2.22.0
          - numpy==2.2.6
        name: mlflow-env
        """);
  }

  @Test
  void stringsThatWouldReadAsOtherTypes_areQuoted() {
    for (String s : List.of("true", "No", "null", "~", "", "12", "0x1F", "1.5", ".inf", "2026-01-01", "=", "<<", "1:20")) {
      assertThat(PyYaml.resolvesAsString(s)).as(s).isFalse();
    }
    for (String s : List.of("model", "3.6.0", "mlflow.onnx", "x1", "yes please")) {
      assertThat(PyYaml.resolvesAsString(s)).as(s).isTrue();
    }
  }
}
