package io.tracklog.benchmarks;

import io.tracklog.internal.PythonJson;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Python's {@code repr} of a double, which every number of an MLflow JSON response goes through:
 * {@code schubfach}, the digits of jackson-core's Schubfach (PythonJson.repr now), against {@code
 * bigDecimalSearch}, the former implementation (the shortest of precisions 1..17 whose HALF_EVEN
 * rounding reads back), over the same 1024 metric-like doubles (uniform in [0, 1)).
 */
@Fork(1)
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class PythonReprBenchmark {
  double[] values = new double[1024];

  @Setup
  public void values() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextDouble();
    }
  }

  @Benchmark
  public void schubfach(Blackhole bh) {
    for (double v : values) {
      bh.consume(PythonJson.repr(v));
    }
  }

  @Benchmark
  public void bigDecimalSearch(Blackhole bh) {
    for (double v : values) {
      bh.consume(shortestByPrecision(v));
    }
  }

  /** The former digit search (its notation step left out: it costs the same on both sides). */
  static BigDecimal shortestByPrecision(double v) {
    BigDecimal exact = new BigDecimal(v);
    for (int precision = 1; precision <= 17; precision++) {
      BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == v) {
        return candidate.stripTrailingZeros();
      }
    }
    return exact;
  }
}
