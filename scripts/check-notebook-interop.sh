#!/usr/bin/env bash
# Checks that notebooks read a Tracklog store's Arrow files exactly as the Java reader answers:
#   1. builds the CLI if it is missing or older than the sources,
#   2. writes a fresh demo store into a temp dir and runs `tracklog export-json` on it,
#   3. in a cached venv with pyarrow and polars, runs samples/python/check_interop.py, which reads
#      the files named by the manifest with pyarrow AND polars and compares every value (doubles
#      bit for bit) with the export, then runs the notebook tour (samples/python/tracklog_notebook.py).
# Exits non-zero on any mismatch. Without python3, or when pip cannot install the packages, it
# prints SKIP and exits 0: the Maven build never depends on Python.
#
# Environment: TRACKLOG_INTEROP_VENV (default ${XDG_CACHE_HOME:-$HOME/.cache}/tracklog-interop-venv),
# KEEP_STORE=1 to keep the temp dir (store, export.json, training-curves.png).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
JAR="$REPO/cli/target/tracklog.jar"
VENV="${TRACKLOG_INTEROP_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/tracklog-interop-venv}"
PY_DIR="$REPO/samples/python"

log() { echo "check-notebook-interop: $*"; }
skip() { log "SKIP: $*"; exit 0; }

# 1. The CLI: rebuild when the jar is missing or any main source or pom is newer.
if [[ ! -f "$JAR" ]] || [[ -n "$(find "$REPO" -path "$REPO/*/target" -prune -o \( -path '*/src/main/*' -o -name pom.xml \) \
      -newer "$JAR" -type f -print -quit)" ]]; then
  log "building the CLI ..."
  (cd "$REPO" && mvn -B -q -ntp -pl cli -am package -DskipTests)
fi

# 2. A fresh demo store and what Java reads from it.
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tracklog-interop.XXXXXX")"
if [[ "${KEEP_STORE:-0}" == 1 ]]; then
  log "keeping $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi
STORE="$WORK/store"
"$REPO/tracklog" demo --root "$STORE" >"$WORK/demo.txt"
"$REPO/tracklog" export-json --root "$STORE" >"$WORK/export.json"
log "demo store written and exported ($(wc -c <"$WORK/export.json") bytes of JSON)"

# 3. Python.
if ! command -v python3 >/dev/null 2>&1; then
  skip "python3 is not installed; nothing to compare against"
fi
if ! "$VENV/bin/python" -c 'import pyarrow, polars' >/dev/null 2>&1; then
  log "creating $VENV with pyarrow and polars ..."
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! python3 -m venv "$VENV" >"$WORK/venv.log" 2>&1; then
    tail -n 5 "$WORK/venv.log" >&2 || true
    rm -rf "$VENV"
    skip "python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
  fi
  if ! "$VENV/bin/python" -m pip install --quiet pyarrow polars >"$WORK/pip.log" 2>&1; then
    grep -E 'ERROR|error:' "$WORK/pip.log" | tail -n 5 >&2 || tail -n 5 "$WORK/pip.log" >&2 || true
    rm -rf "$VENV"
    skip "pip could not install pyarrow and polars (offline, or no wheels for $(python3 --version 2>&1))"
  fi
  # Optional: the notebook tour draws its curve with matplotlib when it is there.
  "$VENV/bin/python" -m pip install --quiet matplotlib >>"$WORK/pip.log" 2>&1 \
    || log "matplotlib not installed; the tour will skip its plot"
fi

status=0
"$VENV/bin/python" "$PY_DIR/check_interop.py" --root "$STORE" --export "$WORK/export.json" || status=$?
if [[ $status -ne 0 ]]; then
  log "FAILED: Python and Java disagree (exit $status)"
  exit "$status"
fi

# The notebook tour must run too (its output is not compared, only that it works).
if ! (cd "$WORK" && "$VENV/bin/python" "$PY_DIR/tracklog_notebook.py" --root "$STORE" \
      --png "$WORK/training-curves.png" >"$WORK/tour.txt" 2>&1); then
  cat "$WORK/tour.txt" >&2
  log "FAILED: samples/python/tracklog_notebook.py"
  exit 1
fi
log "notebook tour ok: $(tail -n 1 "$WORK/tour.txt")"
log "PASS"
