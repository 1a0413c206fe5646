#!/usr/bin/env bash
# Smoke test of `tracklog server` with plain curl: the requests of MLflow's REST API reference
# (https://mlflow.org/docs/latest/rest-api.html: create experiment, create run, log metric, log
# batch, get run, search runs, get metric history, update run, list artifacts; field names and
# shapes as its request structures give them), plus an upload and download through the
# mlflow-artifacts proxy. Starts the server on a fresh store in a temporary directory and a free
# port, checks status codes and key fields with grep, stops the server with SIGTERM, reads the
# store back with the CLI, and removes everything. Exits non-zero on the first failed check.
#
# Needs bash, curl and a JDK; the launcher builds cli/target/tracklog.jar if it is missing.
# Usage: scripts/rest-smoke.sh   (TRACKLOG_SMOKE_KEEP=1 keeps the temporary directory)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/tracklog-smoke.XXXXXX")"
STORE="$TMP/store"
SERVER_PID=""
export TRACKLOG_CDS=0 # the launcher then execs java, so $SERVER_PID is the server itself

cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ "${TRACKLOG_SMOKE_KEEP:-0}" == 1 ]]; then
    echo "kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  if [[ -f "$TMP/body" ]]; then
    echo "--- last response body:" >&2
    cat "$TMP/body" >&2
    echo >&2
  fi
  if [[ -f "$TMP/server.log" ]]; then
    echo "--- server output:" >&2
    tail -n 20 "$TMP/server.log" >&2
  fi
  exit 1
}

ok() {
  echo "ok   $*"
}

# ---- start the server on a free port ---------------------------------------------------------

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The jar may need building first (minutes); a built one starts in seconds.
if [[ -f "$REPO/cli/target/tracklog.jar" ]]; then START_TIMEOUT=60; else START_TIMEOUT=900; fi

start_server() {
  local port=$1
  "$REPO/tracklog" server --root "$STORE" --port "$port" >"$TMP/server.log" 2>&1 &
  SERVER_PID=$!
  local waited=0
  until grep -q '^export MLFLOW_TRACKING_URI=' "$TMP/server.log" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      wait "$SERVER_PID" 2>/dev/null || true
      SERVER_PID=""
      return 1
    fi
    if ((waited >= START_TIMEOUT * 10)); then
      fail "the server did not start within ${START_TIMEOUT}s"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

PORT=""
for _ in 1 2 3 4 5; do
  candidate=$((20000 + RANDOM % 40000))
  port_in_use "$candidate" && continue
  if start_server "$candidate"; then
    PORT=$candidate
    break
  fi
done
[[ -n "$PORT" ]] || fail "could not start the server on a free port"
BASE="http://127.0.0.1:$PORT"
ok "server started: $(sed -n 1p "$TMP/server.log")"

# ---- helpers -----------------------------------------------------------------------------------

# call METHOD PATH [JSON]: the response body goes to $TMP/body, its status to $STATUS.
call() {
  local method=$1 path=$2
  if (($# > 2)); then
    STATUS=$(curl -sS -o "$TMP/body" -w '%{http_code}' -X "$method" "$BASE$path" \
      -H 'Content-Type: application/json' -d "$3")
  else
    STATUS=$(curl -sS -o "$TMP/body" -w '%{http_code}' -X "$method" "$BASE$path")
  fi
}

expect_status() {
  [[ "$STATUS" == "$1" ]] || fail "$2: HTTP $STATUS, expected $1"
}

expect_body() {
  grep -qF -- "$1" "$TMP/body" || fail "$2: the body lacks $1"
}

# field NAME: the first string value of "NAME" in the body.
field() {
  grep -o "\"$1\": \"[^\"]*\"" "$TMP/body" | head -n 1 | cut -d'"' -f4
}

now_ms() {
  echo "$(date +%s)000"
}

# ---- MLflow's REST API ---------------------------------------------------------------------------

call POST /api/2.0/mlflow/experiments/create '{"name": "rest-smoke", "tags": [{"key": "team", "value": "smoke"}]}'
expect_status 200 "experiments/create"
EXP=$(field experiment_id)
[[ -n "$EXP" ]] || fail "experiments/create: no experiment_id"
ok "experiments/create -> $EXP"

call POST /api/2.0/mlflow/experiments/create '{"name": "rest-smoke"}'
expect_status 400 "experiments/create of an existing name"
expect_body '"error_code": "RESOURCE_ALREADY_EXISTS"' "experiments/create of an existing name"
ok "experiments/create again -> 400 RESOURCE_ALREADY_EXISTS"

call POST /api/2.0/mlflow/runs/create "{\"experiment_id\": \"$EXP\", \"run_name\": \"smoke-run\", \"start_time\": $(now_ms), \"tags\": [{\"key\": \"mlflow.user\", \"value\": \"smoke\"}]}"
expect_status 200 "runs/create"
RUN=$(field run_id)
[[ -n "$RUN" ]] || fail "runs/create: no run_id"
expect_body "\"artifact_uri\": \"mlflow-artifacts:/$EXP/$RUN/artifacts\"" "runs/create"
expect_body '"status": "RUNNING"' "runs/create"
ok "runs/create -> $RUN"

call POST /api/2.0/mlflow/runs/log-metric "{\"run_id\": \"$RUN\", \"key\": \"accuracy\", \"value\": 0.92, \"timestamp\": $(now_ms), \"step\": 1}"
expect_status 200 "runs/log-metric"
call POST /api/2.0/mlflow/runs/log-metric "{\"run_id\": \"$RUN\", \"key\": \"accuracy\", \"value\": 0.95, \"timestamp\": \"$(now_ms)\", \"step\": \"2\"}"
expect_status 200 "runs/log-metric with int64 fields as strings"
ok "runs/log-metric (int64 as numbers and as strings)"

call POST /api/2.0/mlflow/runs/log-parameter "{\"run_id\": \"$RUN\", \"key\": \"lr\", \"value\": \"0.01\"}"
expect_status 200 "runs/log-parameter"
ok "runs/log-parameter"

call POST /api/2.0/mlflow/runs/log-batch "{\"run_id\": \"$RUN\", \"metrics\": [{\"key\": \"loss\", \"value\": 0.3, \"timestamp\": $(now_ms), \"step\": 1}, {\"key\": \"loss\", \"value\": 0.2, \"timestamp\": $(now_ms), \"step\": 2}], \"params\": [{\"key\": \"model\", \"value\": \"cnn\"}], \"tags\": [{\"key\": \"stage\", \"value\": \"smoke\"}]}"
expect_status 200 "runs/log-batch"
ok "runs/log-batch"

call POST /api/2.0/mlflow/runs/log-metric "{\"run_id\": \"$RUN\", \"key\": \"accuracy\", \"value\": 1}"
expect_status 400 "runs/log-metric without a timestamp"
expect_body '"error_code": "INVALID_PARAMETER_VALUE"' "runs/log-metric without a timestamp"
ok "runs/log-metric without a timestamp -> 400 INVALID_PARAMETER_VALUE"

call GET "/api/2.0/mlflow/runs/get?run_id=$RUN"
expect_status 200 "runs/get"
expect_body '"key": "lr"' "runs/get"
expect_body '"key": "model"' "runs/get"
expect_body '"key": "stage"' "runs/get"
expect_body '"value": 0.95' "runs/get (the latest accuracy)"
ok "runs/get"

call GET "/api/2.0/mlflow/runs/get?run_id=feedfeedfeedfeedfeedfeedfeedfeed"
expect_status 404 "runs/get of an unknown run"
expect_body '"error_code": "RESOURCE_DOES_NOT_EXIST"' "runs/get of an unknown run"
ok "runs/get of an unknown run -> 404 RESOURCE_DOES_NOT_EXIST"

call POST /api/2.0/mlflow/runs/search "{\"experiment_ids\": [\"$EXP\"], \"filter\": \"metrics.accuracy > 0.9 and params.model = 'cnn'\", \"run_view_type\": \"ACTIVE_ONLY\", \"max_results\": 10, \"order_by\": [\"metrics.accuracy DESC\"]}"
expect_status 200 "runs/search"
expect_body "\"run_id\": \"$RUN\"" "runs/search"
call POST /api/2.0/mlflow/runs/search "{\"experiment_ids\": [\"$EXP\"], \"filter\": \"attributes.run_id in (\\\"$RUN\\\")\"}"
expect_status 200 "runs/search with an IN list"
expect_body "\"run_id\": \"$RUN\"" "runs/search with an IN list"
call POST /api/2.0/mlflow/runs/search "{\"experiment_ids\": [\"$EXP\"], \"filter\": \"metrics.accuracy >\"}"
expect_status 400 "runs/search with a bad filter"
ok "runs/search (filter, order_by, an IN list, a bad filter)"

call GET "/api/2.0/mlflow/metrics/get-history?run_id=$RUN&metric_key=accuracy"
expect_status 200 "metrics/get-history"
[[ $(grep -c '"key": "accuracy"' "$TMP/body") == 2 ]] || fail "metrics/get-history: expected 2 points"
ok "metrics/get-history"

# ---- artifacts through the server -----------------------------------------------------------------

printf 'all good\n' >"$TMP/notes.txt"
STATUS=$(curl -sS -o "$TMP/body" -w '%{http_code}' -X PUT --data-binary @"$TMP/notes.txt" \
  "$BASE/api/2.0/mlflow-artifacts/artifacts/$EXP/$RUN/artifacts/reports/notes.txt")
expect_status 200 "mlflow-artifacts upload"
ok "mlflow-artifacts upload"

call GET "/api/2.0/mlflow/artifacts/list?run_id=$RUN&path=reports"
expect_status 200 "artifacts/list"
expect_body '"path": "reports/notes.txt"' "artifacts/list"
expect_body '"file_size": 9' "artifacts/list"
ok "artifacts/list"

STATUS=$(curl -sS -o "$TMP/download" -w '%{http_code}' \
  "$BASE/api/2.0/mlflow-artifacts/artifacts/$EXP/$RUN/artifacts/reports/notes.txt")
expect_status 200 "mlflow-artifacts download"
cmp -s "$TMP/notes.txt" "$TMP/download" || fail "mlflow-artifacts download: other bytes than uploaded"
ok "mlflow-artifacts download"

STATUS=$(curl -sS -o "$TMP/body" -w '%{http_code}' -X PUT --data-binary @"$TMP/notes.txt" \
  "$BASE/api/2.0/mlflow-artifacts/artifacts/$EXP/$RUN/artifacts/..%2F..%2Fescape.txt")
[[ "$STATUS" == 400 || "$STATUS" == 404 ]] || fail "an upload escaping the run's folder: HTTP $STATUS"
ok "an upload escaping the run's folder -> $STATUS"

# ---- end the run, stop the server, read the store back ---------------------------------------------

call POST /api/2.0/mlflow/runs/update "{\"run_id\": \"$RUN\", \"status\": \"FINISHED\", \"end_time\": $(now_ms)}"
expect_status 200 "runs/update"
expect_body '"status": "FINISHED"' "runs/update"
ok "runs/update -> FINISHED"

kill -TERM "$SERVER_PID"
status=0
wait "$SERVER_PID" || status=$?
SERVER_PID=""
[[ $status == 0 || $status == 143 ]] || fail "the server exited with $status on SIGTERM"
ok "server stopped (exit $status)"

"$REPO/tracklog" search --root "$STORE" --experiment-ids "$EXP" --format json >"$TMP/body" 2>"$TMP/err" \
  || fail "tracklog search after the server stopped: $(cat "$TMP/err")"
expect_body "\"run_id\": \"$RUN\"" "tracklog search after the server stopped"
expect_body '"status": "FINISHED"' "tracklog search after the server stopped"
ok "the CLI reads the run back, FINISHED"

echo "rest-smoke: all checks passed"
