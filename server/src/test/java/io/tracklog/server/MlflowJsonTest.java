package io.tracklog.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracklog.error.ErrorCode;
import io.tracklog.registry.ModelStage;
import io.tracklog.registry.ModelVersion;
import io.tracklog.registry.RegisteredModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The pieces of Python's json.dumps that MLflow's responses go through. Expected strings are what
 * CPython 3 prints ({@code repr(x)}, {@code json.dumps(s)}); the implementation was also checked
 * against CPython on 200,000 random doubles.
 */
class MlflowJsonTest {
  @Test
  void pythonRepr_matchesCPython() {
    Map<Double, String> cases = new LinkedHashMap<>();
    cases.put(0.1, "0.1");
    cases.put(1.0, "1.0");
    cases.put(100.0, "100.0");
    cases.put(1e-5, "1e-05");
    cases.put(1e-4, "0.0001");
    cases.put(1e15, "1000000000000000.0");
    cases.put(1e16, "1e+16");
    cases.put(-0.0, "-0.0");
    cases.put(0.0, "0.0");
    cases.put(Double.MIN_VALUE, "5e-324");
    cases.put(Double.MAX_VALUE, "1.7976931348623157e+308");
    cases.put(123456789.123, "123456789.123");
    cases.put(2.82879384806159e17, "2.82879384806159e+17"); // JDK 17's Double.toString adds digits here
    cases.put(1.0 / 3, "0.3333333333333333");
    cases.put(-2.5e-7, "-2.5e-07");
    cases.put(12345678901234567890.0, "1.2345678901234567e+19");
    cases.forEach((v, expected) -> assertThat(MlflowJson.pythonRepr(v)).as("%s", v).isEqualTo(expected));
  }

  @Test
  void strings_areEscapedAsPythonsEnsureAscii() {
    StringBuilder sb = new StringBuilder();
    MlflowJson.writeString(sb, "a\"b\\c/\n\t\u0001\u007f\u00e9\u20ac\uD83D\uDE00");
    assertThat(sb).hasToString("\"a\\\"b\\\\c/\\n\\t\\u0001\\u007f\\u00e9\\u20ac\\ud83d\\ude00\"");
  }

  @Test
  void dumps_indentsByTwo_andWritesEmptyContainersInline() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("a", List.of(1L, Double.NaN, Double.NEGATIVE_INFINITY));
    doc.put("b", Map.of());
    doc.put("c", List.of());
    assertThat(MlflowJson.dumps(doc))
        .isEqualTo("{\n  \"a\": [\n    1,\n    \"NaN\",\n    \"-Infinity\"\n  ],\n  \"b\": {},\n  \"c\": []\n}");
  }

  @Test
  void error_isOneLineWithPythonsSeparators() {
    assertThat(MlflowJson.error(ErrorCode.RESOURCE_DOES_NOT_EXIST, "Run 'x' not found"))
        .isEqualTo("{\"error_code\": \"RESOURCE_DOES_NOT_EXIST\", \"message\": \"Run 'x' not found\"}");
  }

  @Test
  void registryEntities_areTheirProtosInFieldOrder_nullsUnset_versionsAsStrings_promptTagHidden() {
    ModelVersion v =
        new ModelVersion(
            "m", 2, 10L, 20L, null, ModelStage.PRODUCTION, "d", "s3://b/m", "r1", "http://x/r1", ModelVersion.STATUS_READY,
            null, Map.of("k", "v"), List.of("champion"), "s3://b/m");
    RegisteredModel m =
        new RegisteredModel(
            "m", 5L, 20L, null, Map.of("t", "1", RegisteredModel.PROMPT_TAG, "false"), Map.of("champion", 2), List.of(v));
    String version =
        "{\n  \"name\": \"m\",\n  \"version\": \"2\",\n  \"creation_timestamp\": 10,\n  \"last_updated_timestamp\": 20,\n"
            + "  \"current_stage\": \"Production\",\n  \"description\": \"d\",\n  \"source\": \"s3://b/m\",\n"
            + "  \"run_id\": \"r1\",\n  \"status\": \"READY\",\n  \"tags\": [\n    {\n      \"key\": \"k\",\n"
            + "      \"value\": \"v\"\n    }\n  ],\n  \"run_link\": \"http://x/r1\",\n  \"aliases\": [\n    \"champion\"\n  ]\n}";
    assertThat(MlflowJson.dumps(MlflowJson.modelVersion(v))).isEqualTo(version);
    assertThat(MlflowJson.dumps(MlflowJson.registeredModel(m)))
        .startsWith("{\n  \"name\": \"m\",\n  \"creation_timestamp\": 5,\n  \"last_updated_timestamp\": 20,\n"
            + "  \"latest_versions\": [\n    {\n      \"name\": \"m\",")
        .endsWith("  \"tags\": [\n    {\n      \"key\": \"t\",\n      \"value\": \"1\"\n    }\n  ],\n"
            + "  \"aliases\": [\n    {\n      \"alias\": \"champion\",\n      \"version\": \"2\"\n    }\n  ]\n}")
        .doesNotContain("\n  \"description\"") // unset at the top level: null
        .doesNotContain(RegisteredModel.PROMPT_TAG);
  }
}
