package io.tracklog.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.CorruptFileException;
import io.tracklog.error.InvalidParameterException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MLmodelTest {
  @TempDir Path dir;

  static Stream<Path> fixtureMLmodels() throws Exception {
    Path root = Paths.get(MLmodelTest.class.getResource("/mlflow-fixtures").toURI());
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> p.getFileName().toString().equals(MLmodel.FILE_NAME)).sorted().toList().stream();
    }
  }

  /** Every MLmodel MLflow wrote in the fixtures (1.26 to 3.1), read and written back byte for byte. */
  @ParameterizedTest
  @MethodSource("fixtureMLmodels")
  void fixture_readThenWritten_isByteIdentical(Path file) throws Exception {
    MLmodel m = MLmodel.read(file);
    assertThat(m.toYaml()).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(MLmodel.parse(m.toYaml())).isEqualTo(m);
  }

  @Test
  void fixture_fieldsAndSignature_parsed() throws Exception {
    Path file = fixtureMLmodels()
        .filter(p -> p.toString().contains("cafc15f1d7ba4737a08d936ef647b9c1") && p.toString().contains("/model/"))
        .findFirst().orElseThrow();
    MLmodel m = MLmodel.read(file);
    assertThat(m.artifactPath()).isEqualTo("model");
    assertThat(m.runId()).isEqualTo("cafc15f1d7ba4737a08d936ef647b9c1");
    assertThat(m.mlflowVersion()).isEqualTo("2.22.0");
    assertThat(m.modelSizeBytes()).isEqualTo(1602L);
    assertThat(m.createdAt()).isEqualTo(Instant.parse("2025-05-31T12:57:15.907304Z"));
    assertThat(m.flavors().get("python_function")).containsEntry("loader_module", "mlflow.sklearn");
    assertThat(m.signature().inputs().elements()).hasSize(11).first()
        .isEqualTo(new ColSpec(DataType.DOUBLE, "fixed_acidity", true));
    assertThat(m.signature().outputs()).isEqualTo(Schema.of(new ColSpec(DataType.DOUBLE, null, true)));
    assertThat(m.signature().params()).isNull();
    assertThat(m.savedInputExampleInfo()).containsEntry("type", "dataframe").containsEntry("pandas_orient", "split");
    assertThat(m.otherKeys()).containsOnlyKeys("is_signature_from_type_hint", "prompts", "type_hint_from_example");
  }

  @Test
  void unknownKeys_roundTrip_sortedAmongKnownOnes() {
    String yaml = """
        artifact_path: model
        databricks_runtime: 15.4.x
        flavors:
          jvm:
            data: model.bin
            loader_class: com.example.Loader
            zeta:
              nested:
              - 1
              - 2.5
              - 'yes'
        model_id: null
        model_uuid: 0123456789abcdef0123456789abcdef
        resources:
          api_version: '1'
        utc_time_created: '2026-12-03 13:01:02'
        """;
    MLmodel m = MLmodel.parse(yaml);
    assertThat(m.otherKeys()).containsOnlyKeys("databricks_runtime", "model_id", "resources");
    assertThat(m.toYaml()).isEqualTo(yaml);
  }

  @Test
  void written_asPyYamlDoes_quotingFoldingAndSignatureJson() {
    Map<String, Map<String, Object>> flavors = new LinkedHashMap<>();
    flavors.put("jvm", Map.of("data", "model dir", "loader_class", "a.B"));
    Signature sig = new Signature(
        Schema.of(new ColSpec(DataType.DOUBLE, "x", true), new ColSpec(DataType.STRING, "name", true)),
        Schema.of(TensorSpec.of("float64", -1)),
        new ParamSchema(List.of(new ParamSpec("temperature", DataType.DOUBLE, 0.5, null))));
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("note", "it's: true");
    metadata.put("flag", "true");
    metadata.put("empty", "");
    metadata.put("unicode", "café");
    metadata.put("version", "1.0");
    MLmodel m = new MLmodel("model", flavors, "r1", "u1", MLmodel.formatUtcTime(Instant.parse("2026-01-01T03:32:32.855694Z")),
        "3.6.0", sig, null, 12L, metadata, Map.of());
    // Expected text: yaml.safe_dump(d, default_flow_style=False) of the same dict, PyYAML 6.0.3.
    assertThat(m.toYaml()).isEqualTo("""
        artifact_path: model
        flavors:
          jvm:
            data: model dir
            loader_class: a.B
        metadata:
          empty: ''
          flag: 'true'
          note: 'it''s: true'
          unicode: "caf\\xE9"
          version: '1.0'
        mlflow_version: 3.6.0
        model_size_bytes: 12
        model_uuid: u1
        run_id: r1
        signature:
          inputs: '[{"type": "double", "name": "x", "required": true}, {"type": "string",
            "name": "name", "required": true}]'
          outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'
          params: '[{"name": "temperature", "default": 0.5, "shape": null, "type": "double"}]'
        utc_time_created: '2026-01-01 03:32:32.855694'
        """);
    assertThat(MLmodel.parse(m.toYaml())).isEqualTo(m);
  }

  @Test
  void utcTimeCreated_pythonStr_withoutZeroMicros() {
    assertThat(MLmodel.formatUtcTime(Instant.parse("2026-01-01T03:32:32Z"))).isEqualTo("2026-01-01 03:32:32");
    assertThat(MLmodel.formatUtcTime(Instant.parse("2026-01-01T03:32:32.000100999Z")))
        .isEqualTo("2026-01-01 03:32:32.000100");
  }

  @Test
  void malformedFile_isCorruptFileException_namingIt() throws Exception {
    Path file = dir.resolve("MLmodel");
    Files.writeString(file, "flavors: [a, b]\n");
    assertThatThrownBy(() -> MLmodel.read(file))
        .isInstanceOf(CorruptFileException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("flavors is not a mapping");
    Files.writeString(file, "signature:\n  inputs: '[{\"type\": \"nope\"}]'\n");
    assertThatThrownBy(() -> MLmodel.read(file)).isInstanceOf(CorruptFileException.class)
        .hasMessageContaining("Invalid column type: nope");
    Files.writeString(file, "a: [unclosed\n");
    assertThatThrownBy(() -> MLmodel.read(file)).isInstanceOf(CorruptFileException.class);
    Files.writeString(file, "");
    assertThatThrownBy(() -> MLmodel.read(file)).isInstanceOf(CorruptFileException.class);
  }

  @Test
  void malformedText_isInvalidParameter() {
    assertThatThrownBy(() -> MLmodel.parse("- a\n- b\n")).isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("Invalid MLmodel document");
    assertThatThrownBy(() -> MLmodel.parse("model_size_bytes: big\n")).isInstanceOf(InvalidParameterException.class);
  }
}
