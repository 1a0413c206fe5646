#!/usr/bin/env bash
# Issue #6: Tracklog against MLflow's file layout, MLflow's SQL schema on SQLite, JSON lines and
# RocksDB, side by side; prints a Markdown table (median per layout, ratio to Tracklog).
#
#   scripts/compare-layouts.sh            quick mode (about 10 minutes on 2 cores, fixtures cached)
#   scripts/compare-layouts.sh --quick    the same
#   scripts/compare-layouts.sh --full     publishable: more and longer iterations, search and open at 100 k
#
# Results: target/layouts/*.json (JMH -rf json), target/layouts/bytes.tsv, target/layouts/table.md.
# Fixtures (search/open stores of 10 k and 100 k runs per layout) are built on first use and cached in
# java.io.tmpdir/tracklog-bench-fixtures (docs/BENCHMARKS.md says how long that takes). Another agent's
# JMH lock: BENCH_JAVA_OPTS=-Djmh.ignoreLock=true scripts/compare-layouts.sh (JMH_EXTRA adds JMH options)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:---quick}"
out="$root/target/layouts"
mkdir -p "$out"
rm -f "$out"/*.json "$out"/bytes.tsv

bench() { "$root/scripts/bench.sh" "$@"; }
extra=(${JMH_EXTRA:-})
pkg=io.tracklog.benchmarks.layouts

case "$mode" in
  --quick)
    write=(-wi 1 -w 1s -i 3 -r 1s)
    timed=(-wi 1 -w 1s -i 3 -r 1s)
    single=(-wi 20 -i 10)
    cold=(-f 2 -wi 0 -i 1)
    sizes=10000,100000
    opensizes=10000
    ;;
  --full)
    write=(-wi 3 -w 2s -i 10 -r 2s)
    timed=(-wi 3 -w 2s -i 10 -r 2s)
    single=(-wi 40 -i 30)
    cold=(-f 8 -wi 0 -i 1)
    sizes=10000,100000
    opensizes=10000,100000
    ;;
  *) echo "usage: scripts/compare-layouts.sh [--quick|--full]" >&2; exit 2 ;;
esac

start=$(date +%s)
load() { echo "# load: $(uptime | sed 's/.*load average: //') ($(($(date +%s) - start)) s)"; }

load
bench "$pkg.LayoutWriteBenchmark" "${write[@]}" -f 1 "${extra[@]}" -rf json -rff "$out/write.json"
load
bench "$pkg.LayoutSearchBenchmark" -p runs="$sizes" "${timed[@]}" -f 1 "${extra[@]}" -rf json -rff "$out/search.json" || true
load
bench "$pkg.LayoutHistoryBenchmark" "${timed[@]}" -f 1 "${extra[@]}" -rf json -rff "$out/history.json"
load
bench "$pkg.LayoutOpenBenchmark" -p runs="$opensizes" "${single[@]}" -f 1 "${extra[@]}" -rf json -rff "$out/open.json" || true
load
bench "$pkg.GridSearchBenchmark" "${single[@]}" -f 1 "${extra[@]}" -rf json -rff "$out/grid.json"
load
# The same two in a fresh JVM each (one op per fork, no warm-up): what a short-lived tool pays.
bench "$pkg.LayoutOpenBenchmark" -p runs="$opensizes" "${cold[@]}" "${extra[@]}" -rf json -rff "$out/open-cold.json" || true
load
bench "$pkg.GridSearchBenchmark" "${cold[@]}" "${extra[@]}" -rf json -rff "$out/grid-cold.json"
load
bench --main "$pkg.LayoutBytes" --out "$out/bytes.tsv"
load

echo
echo "## Storage layouts ($mode, $(date -u +%Y-%m-%dT%H:%MZ), load $(uptime | sed 's/.*load average: //'))"
echo
bench --main "$pkg.CompareTable" "$out"/write.json "$out"/search.json "$out"/history.json "$out"/open.json \
  "$out"/grid.json "$out/open-cold.json#cold JVM" "$out/grid-cold.json#cold JVM" "$out"/bytes.tsv | tee "$out/table.md"
echo
echo "Took $(($(date +%s) - start)) s."
