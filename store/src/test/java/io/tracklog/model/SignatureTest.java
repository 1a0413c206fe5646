package io.tracklog.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracklog.error.InvalidParameterException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON MLflow writes for each schema element, and infer_signature's rules (the spec's table, row by row). */
class SignatureTest {
  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String json(Object example) {
    return Schema.infer(example).toJson();
  }

  @Test
  void elements_serialisedAsMlflowDicts() {
    assertThat(Schema.of(new ColSpec(DataType.DOUBLE, "x", true), new ColSpec(DataType.STRING, "name", true)).toJson())
        .isEqualTo("[{\"type\": \"double\", \"name\": \"x\", \"required\": true}, "
            + "{\"type\": \"string\", \"name\": \"name\", \"required\": true}]");
    assertThat(Schema.of(TensorSpec.of("float64", -1)).toJson())
        .isEqualTo("[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float64\", \"shape\": [-1]}}]");
    assertThat(Schema.of(new TensorSpec("float32", List.of(-1L, 4L), "img")).toJson())
        .isEqualTo("[{\"name\": \"img\", \"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [-1, 4]}}]");
    assertThat(new ParamSchema(List.of(new ParamSpec("temperature", DataType.DOUBLE, 0.5, null))).toJson())
        .isEqualTo("[{\"name\": \"temperature\", \"default\": 0.5, \"shape\": null, \"type\": \"double\"}]");
    ColType obj = new ColType.ObjectOf(List.of(
        new ColType.Property("b", DataType.LONG, false), new ColType.Property("a", new ColType.MapOf(DataType.STRING), true)));
    assertThat(Schema.of(new ColSpec(new ColType.ArrayOf(obj), "o", true), new ColSpec(new ColType.Any(), "z", false)).toJson())
        .isEqualTo("[{\"type\": \"array\", \"items\": {\"type\": \"object\", \"properties\": {"
            + "\"a\": {\"type\": \"map\", \"values\": {\"type\": \"string\"}, \"required\": true}, "
            + "\"b\": {\"type\": \"long\", \"required\": false}}}, \"name\": \"o\", \"required\": true}, "
            + "{\"type\": \"any\", \"name\": \"z\", \"required\": false}]");
  }

  @Test
  void sparkMlVector_readAndWritten() {
    String json = "[{\"type\": \"sparkml_vector\", \"name\": \"features\", \"required\": true}]";
    assertThat(Schema.fromJson(json)).isEqualTo(Schema.of(ColSpec.of("features", new ColType.SparkMlVector())));
    assertThat(Schema.fromJson(json).toJson()).isEqualTo(json);
  }

  @Test
  void json_readBack_equal_andMissingRequiredFollowsMlflow() {
    Schema s = Schema.of(new ColSpec(new ColType.ArrayOf(DataType.DOUBLE), "x", true), new ColSpec(DataType.STRING, "s", false));
    assertThat(Schema.fromJson(s.toJson())).isEqualTo(s);
    assertThat(Schema.fromJson("[{\"type\": \"long\", \"name\": \"n\"}, {\"type\": \"array\", \"items\": {\"type\": \"long\"}, \"name\": \"a\"}]"))
        .isEqualTo(Schema.of(new ColSpec(DataType.LONG, "n", true), new ColSpec(new ColType.ArrayOf(DataType.LONG), "a", false)));
  }

  @Test
  void schemaRules_enforced() {
    assertThatThrownBy(() -> new Schema(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Schema.of(new ColSpec(DataType.LONG, "a", true), new ColSpec(DataType.LONG, null, true)))
        .hasMessageContaining("all entries are named or none");
    assertThatThrownBy(() -> Schema.of(TensorSpec.of("int32", -1), TensorSpec.of("int32", -1)))
        .hasMessageContaining("several tensors must be named");
    assertThatThrownBy(() -> Schema.of(new ColSpec(DataType.LONG, null, false))).hasMessageContaining("cannot be optional");
    assertThatThrownBy(() -> TensorSpec.of("<U5", -1)).hasMessageContaining("Invalid tensor dtype");
    assertThat(TensorSpec.of("datetime64[ns]", -1).dtype()).isEqualTo("datetime64[ns]");
    assertThatThrownBy(() -> new Signature(null, null, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void infer_mapOfLists_givesArrayColumns() {
    assertThat(json(ordered("x", List.of(1.0, 2.0), "s", List.of("a", "b")))).isEqualTo(
        "[{\"type\": \"array\", \"items\": {\"type\": \"double\"}, \"name\": \"x\", \"required\": true}, "
            + "{\"type\": \"array\", \"items\": {\"type\": \"string\"}, \"name\": \"s\", \"required\": true}]");
  }

  @Test
  void infer_mapOfScalars_nullIsOptionalAny() {
    Map<String, Object> m = ordered("x", 1.5, "n", 3, "s", "a", "b", true, "z", null);
    assertThat(json(m)).isEqualTo("[{\"type\": \"double\", \"name\": \"x\", \"required\": true}, "
        + "{\"type\": \"long\", \"name\": \"n\", \"required\": true}, {\"type\": \"string\", \"name\": \"s\", \"required\": true}, "
        + "{\"type\": \"boolean\", \"name\": \"b\", \"required\": true}, {\"type\": \"any\", \"name\": \"z\", \"required\": false}]");
  }

  @Test
  void infer_rows_oneColumnPerKey_missingIsOptional() {
    Map<String, Object> second = new HashMap<>();
    second.put("x", 2.0);
    second.put("s", null);
    assertThat(json(List.of(ordered("x", 1.0, "s", "a"), Map.of("x", 2.0)))).isEqualTo(
        "[{\"type\": \"double\", \"name\": \"x\", \"required\": true}, {\"type\": \"string\", \"name\": \"s\", \"required\": false}]");
    assertThat(json(List.of(ordered("x", 1.0, "s", "a"), second))).isEqualTo(json(List.of(ordered("x", 1.0, "s", "a"), Map.of("x", 2.0))));
    // pandas: ints with a missing value become float64 with NaN; ints and floats mix into float64
    assertThat(Schema.infer(List.of(Map.of("n", 1), Map.of("m", 2))).elements())
        .containsExactly(new ColSpec(DataType.DOUBLE, "n", false), new ColSpec(DataType.DOUBLE, "m", false));
    assertThat(Schema.infer(List.of(Map.of("n", 1), Map.of("n", 2.5))).elements())
        .containsExactly(new ColSpec(DataType.DOUBLE, "n", true));
    assertThat(Schema.infer(List.of(Map.of("n", 1), Map.of("n", 2L))).elements())
        .containsExactly(new ColSpec(DataType.LONG, "n", true));
    assertThat(Schema.infer(List.of(Map.of("t", Instant.EPOCH, "b", new byte[] {1}, "f", true))).elements())
        .contains(new ColSpec(DataType.DATETIME, "t", true), new ColSpec(DataType.BINARY, "b", true),
            new ColSpec(DataType.BOOLEAN, "f", true));
  }

  @Test
  void infer_2dArrays_giveTensorsWithVariableFirstDimension() {
    assertThat(json(new double[3][4]))
        .isEqualTo("[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float64\", \"shape\": [-1, 4]}}]");
    assertThat(Schema.infer(new float[2][3])).isEqualTo(Schema.of(TensorSpec.of("float32", -1, 3)));
    assertThat(Schema.infer(new long[2][1])).isEqualTo(Schema.of(TensorSpec.of("int64", -1, 1)));
    assertThat(Schema.infer(new int[5][2])).isEqualTo(Schema.of(TensorSpec.of("int32", -1, 2)));
    assertThat(Schema.infer(new double[] {1, 2})).isEqualTo(Schema.of(TensorSpec.of("float64", -1)));
    assertThatThrownBy(() -> Schema.infer(new double[][] {{1, 2}, {3}})).isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void infer_mapOfArrays_givesNamedTensors() {
    assertThat(Schema.infer(ordered("a", new int[2][3], "b", new String[] {"x", "y"})))
        .isEqualTo(Schema.of(new TensorSpec("int32", List.of(-1L, 3L), "a"), new TensorSpec("str", List.of(-1L), "b")));
  }

  @Test
  void infer_listOfLists_isAnArrayColumn_notATensor() {
    assertThat(json(List.of(List.of(1.0, 2.0), List.of(3.0, 4.0))))
        .isEqualTo("[{\"type\": \"array\", \"items\": {\"type\": \"double\"}, \"required\": true}]");
  }

  @Test
  void infer_stringsScalarsAndEmptyList_giveOneStringColumn() {
    String expected = "[{\"type\": \"string\", \"required\": true}]";
    assertThat(json(List.of("a", "b"))).isEqualTo(expected);
    assertThat(json("hello")).isEqualTo(expected);
    assertThat(json(List.of())).isEqualTo(expected);
    assertThat(json(3)).isEqualTo("[{\"type\": \"long\", \"required\": true}]");
  }

  @Test
  void infer_mixedTypes_isInvalidParameter() {
    assertThatThrownBy(() -> Schema.infer(Arrays.asList(1, "a")))
        .isInstanceOf(InvalidParameterException.class).hasMessageContaining("mixes types long and string");
    assertThatThrownBy(() -> Schema.infer(List.of(Map.of("c", 1), Map.of("c", "a")))).isInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> Schema.infer(new Object())).isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void infer_params_typesShapesAndDefaults() {
    Signature s = Signature.infer(List.of("a"), null, ordered("t", 0.5, "n", 2, "f", true, "l", List.of(1, 2)));
    assertThat(s.params().toJson()).isEqualTo("[{\"name\": \"t\", \"default\": 0.5, \"shape\": null, \"type\": \"double\"}, "
        + "{\"name\": \"n\", \"default\": 2, \"shape\": null, \"type\": \"long\"}, "
        + "{\"name\": \"f\", \"default\": true, \"shape\": null, \"type\": \"boolean\"}, "
        + "{\"name\": \"l\", \"default\": [1, 2], \"shape\": [-1], \"type\": \"long\"}]");
    assertThat(s.outputs()).isNull();
  }

  @Test
  void signature_inputsAndOutputs() {
    Signature s = Signature.infer(new double[2][4], new double[] {0.5, 0.7});
    assertThat(s.inputs()).isEqualTo(Schema.of(TensorSpec.of("float64", -1, 4)));
    assertThat(s.outputs()).isEqualTo(Schema.of(TensorSpec.of("float64", -1)));
  }
}
