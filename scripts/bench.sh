#!/usr/bin/env bash
# Runs the JMH benchmarks with the JVM flags Chronicle Queue and Arrow need (README, "JVM flags"; docs/BENCHMARKS.md, "Running").
#
#   scripts/bench.sh                       quick run of LogMetricBenchmark, results in target/jmh-result.json
#   scripts/bench.sh LogMetricBenchmark -prof gc
#   scripts/bench.sh -l                    any JMH arguments: list, filter, -p, -prof, -rf ...
#   scripts/bench.sh --main io.tracklog.benchmarks.BytesPerPoint [ARGS]
#                                          a plain main class of benchmarks.jar, with the same flags
#
# The flags come from the parent pom's jvm.allArgs, filtered into the java @argument file
# cli/target/jvm.options. They go on the host JVM's command line: JMH's forks inherit the host's input
# arguments (check the "# VM options:" line), whereas the Add-Opens of a jar manifest reach only the
# host. Set BENCH_REBUILD=1 to force a rebuild; otherwise the jar is built only when missing or older
# than a source or pom file.
# BENCH_JAVA_OPTS adds host JVM options, e.g. BENCH_JAVA_OPTS=-Djmh.ignoreLock=true when another JMH run holds
# /tmp/jmh.lock.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
opts="$root/cli/target/jvm.options"

needs_build() {
  [[ "${BENCH_REBUILD:-0}" == 1 ]] && return 0
  [[ -f "$jar" && -f "$opts" ]] || return 0
  # Any pom or main source newer than the jar means a rebuild.
  [[ -n "$(cd "$root" && find pom.xml store reader server benchmarks cli/pom.xml cli/src/main/jvm \
      \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -print -quit 2>/dev/null)" ]]
}

if needs_build; then
  echo "bench.sh: building $jar and $opts" >&2
  (cd "$root" && mvn -B -q -ntp -pl benchmarks,cli -am package -DskipTests)
fi

java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [[ $# -eq 0 ]]; then
  mkdir -p "$root/target"
  # Quick defaults: short iterations keep disk use bounded (a Chronicle iteration writes ~80 MB/s).
  set -- LogMetricBenchmark -wi 2 -w 2s -i 5 -r 2s -f 1 -rf json -rff "$root/target/jmh-result.json"
fi

if [[ "${1:-}" == --main ]]; then
  [[ $# -ge 2 ]] || { echo "usage: scripts/bench.sh --main CLASS [ARGS]" >&2; exit 2; }
  main="$2"
  shift 2
  exec "$java_bin" "@$opts" ${BENCH_JAVA_OPTS:-} -cp "$jar" "$main" "$@"
fi

exec "$java_bin" "@$opts" ${BENCH_JAVA_OPTS:-} -jar "$jar" "$@"
