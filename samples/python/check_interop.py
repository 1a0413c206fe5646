#!/usr/bin/env python3
"""Check that Python reads a Tracklog store's Arrow files exactly as the Java reader answers.

    tracklog export-json --root STORE > export.json
    python3 check_interop.py --root STORE --export export.json

Reads the live files named by the newest manifest twice, with pyarrow (memory-mapped) and with
polars (scan_ipc), and compares every run attribute, param, tag, latest metric (value, step,
timestamp; min, max, count and last_step against the history) and every metric history in append
order (the series' lists gathered by ``append_order``) with ``tracklog export-json``'s document.
Doubles must be bit-identical (NaN equals NaN). Also checks the files' schema metadata, row counts,
CRC32C, the order the format promises (metrics: one row per series sorted by (run_id, key) in Java
String order, points sorted by (step, timestamp), append_order empty or a permutation, manifest rows
= points, the batch index) and the notebook helpers points(), points_polars() and metric_history().
Prints a summary; exits 1 on any mismatch.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tracklog_notebook as tn  # noqa: E402

RUN_FIELDS = ("experiment_id", "run_name", "user_id", "status", "start_time", "end_time",
              "artifact_uri", "lifecycle_stage")


class Mismatches:
    def __init__(self, limit=30):
        self.count = 0
        self.limit = limit

    def __call__(self, where, message):
        self.count += 1
        if self.count <= self.limit:
            print(f"MISMATCH [{where}] {message}", file=sys.stderr)
        elif self.count == self.limit + 1:
            print("... further mismatches not shown", file=sys.stderr)


def json_double(v):
    """export-json writes NaN and the infinities as strings."""
    if isinstance(v, str):
        return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[v]
    return float(v)


def same_double(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) and math.isnan(b):
        return True
    return struct.pack("<d", a) == struct.pack("<d", b)


# ---- CRC32C (Castagnoli), as the manifest records it ----------------------------------------------

_CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0x82F63B78 if _c & 1 else _c >> 1
    _CRC_TABLE.append(_c)


def crc32c(data: bytes) -> str:
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return f"{crc ^ 0xFFFFFFFF:08x}"


# ---- the files themselves -------------------------------------------------------------------------

METRICS_COLUMNS = [("run_id", pa.string()), ("key", pa.string()), ("step", pa.int64()),
                   ("timestamp", pa.int64()), ("value", pa.float64()), ("append_order", pa.int32())]


def check_metrics_file(where: str, reader: pa.ipc.RecordBatchFileReader, t: pa.Table, entry: dict, bad) -> None:
    """The metrics file's promises: one row per series in (run_id, key) order, each series' lists
    aligned and sorted by (step, timestamp) with ties in append order, append_order empty or a
    permutation, manifest rows = points, and a batch index naming the first series of each batch."""
    got = [(f.name, f.type.value_type if pa.types.is_list(f.type) else f.type) for f in t.schema]
    if got != METRICS_COLUMNS:
        bad(where, f"columns {got} != {METRICS_COLUMNS}")
        return
    total = pc.sum(pc.list_value_length(t["step"])).as_py() or 0
    if total != entry["rows"]:
        bad(where, f"{total} points, manifest rows says {entry['rows']}")
    series = list(zip(t["run_id"].to_pylist(), t["key"].to_pylist()))
    order = [(tn.java_order(r), tn.java_order(k)) for r, k in series]
    if any(a >= b for a, b in zip(order, order[1:])):
        bad(where, "series are not sorted and unique by (run_id, key) in Java String order")
    columns = [t[c].to_pylist() for c in ("step", "timestamp", "value", "append_order")]
    for (run_id, key), steps, stamps, values, append_order in zip(series, *columns):
        w = f"{where} {run_id}/{key}"
        n = len(steps)
        if n == 0 or len(stamps) != n or len(values) != n:
            bad(w, f"list lengths step {n}, timestamp {len(stamps)}, value {len(values)}")
            continue
        points = list(zip(steps, stamps))
        if points != sorted(points):
            bad(w, "points are not sorted by (step, timestamp)")
        if not append_order:
            continue
        if sorted(append_order) != list(range(n)):
            bad(w, f"append_order is not a permutation of 0..{n - 1}")
            continue
        if append_order == list(range(n)):
            bad(w, "append_order is the identity: it should be empty")
        rank = [0] * n  # rank[position in the lists] = when the point was logged
        for logged, position in enumerate(append_order):
            rank[position] = logged
        if any(points[i] == points[i + 1] and rank[i] > rank[i + 1] for i in range(n - 1)):
            bad(w, "points with equal (step, timestamp) are not in append order")
    index = tn.batch_index(reader.schema)
    batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
    firsts = [(b["run_id"][0].as_py(), b["key"][0].as_py()) for b in batches if b.num_rows]
    if len(firsts) != len(batches) and not (t.num_rows == 0 and len(batches) == 1):
        bad(where, f"{len(batches) - len(firsts)} empty record batch(es) among {len(batches)}")
    if index != firsts:
        bad(where, f"{tn.BATCH_INDEX} {index[:3]}... != first series of each batch {firsts[:3]}...")


def check_files(root: Path, manifest: dict, bad: Mismatches) -> int:
    """Schema metadata, row counts, lengths and checksums of every live file; the order promised."""
    checked = 0
    for seg in manifest["segments"]:
        for table in tn.TABLES:
            entry = seg[tn._FILE_KEY[table]]
            path = root / entry["path"]
            where = entry["path"]
            data = path.read_bytes()
            if len(data) != entry["length"]:
                bad(where, f"length {len(data)} != manifest {entry['length']}")
            if len(data) <= 64 << 20 and crc32c(data) != entry["crc32c"]:
                bad(where, f"crc32c {crc32c(data)} != manifest {entry['crc32c']}")
            with pa.memory_map(str(path)) as source:
                reader = pa.ipc.open_file(source)
                meta = {k.decode(): v.decode() for k, v in (reader.schema.metadata or {}).items()}
                expected = {"tracklog.format": "tracklog-segment", "tracklog.format_version": "1",
                            "tracklog.table": table, "tracklog.experiment_id": seg["experiment_id"],
                            "tracklog.generation": str(seg["generation"]), "tracklog.store_id": manifest["store_id"]}
                for k, v in expected.items():
                    if meta.get(k) != v:
                        bad(where, f"schema metadata {k}={meta.get(k)!r}, expected {v!r}")
                t = reader.read_all()
                if table == "metrics":
                    check_metrics_file(where, reader, t, entry, bad)
                else:
                    if t.num_rows != entry["rows"]:
                        bad(where, f"{t.num_rows} rows, manifest says {entry['rows']}")
                    ids = t.column("run_id").to_pylist()
                    if table == "latest":
                        sort_key = [(tn.java_order(r), tn.java_order(k)) for r, k in zip(ids, t["key"].to_pylist())]
                    else:
                        sort_key = [tn.java_order(r) for r in ids]
                    if sort_key != sorted(sort_key):
                        bad(where, "rows are not sorted by run_id" + (", key" if table == "latest" else ""))
            checked += 1
        if "run_index" in seg:  # manifest format 3: the run ids and seq, as the runs file has them
            checked += check_run_index(root, seg, bad)
    return checked


def check_run_index(root: Path, seg: dict, bad: Mismatches) -> int:
    """A run index file: length, checksum, layout, order, and the runs file's run ids and seq."""
    entry = seg["run_index"]
    where = entry["path"]
    data = (root / entry["path"]).read_bytes()
    if len(data) != entry["length"]:
        bad(where, f"length {len(data)} != manifest {entry['length']}")
    if crc32c(data) != entry["crc32c"]:
        bad(where, f"crc32c {crc32c(data)} != manifest {entry['crc32c']}")
    index = tn.read_run_index(data)
    ids = list(index)
    if [i.encode() for i in ids] != sorted(i.encode() for i in ids):
        bad(where, "run ids are not sorted by their UTF-8 bytes")
    if len(ids) != entry["rows"]:
        bad(where, f"{len(ids)} runs, manifest says {entry['rows']}")
    unsealed = sorted(i for i, (_, sealed) in index.items() if not sealed)
    if unsealed != sorted(seg.get("unsealed", [])):
        bad(where, f"unsealed runs {unsealed} != manifest {seg.get('unsealed', [])}")
    with pa.memory_map(str(root / seg["runs_file"]["path"])) as source:
        runs = pa.ipc.open_file(source).read_all()
    in_runs_file = dict(zip(runs["run_id"].to_pylist(), runs["seq"].to_pylist()))
    if {i: seq for i, (seq, _) in index.items()} != in_runs_file:
        bad(where, "run ids and seq differ from the runs file's")
    return 1


# ---- one reader's view: runs, latest and history as plain Python values ---------------------------


def model_from_rows(runs_rows, latest_rows, history_rows, map_to_dict):
    """history_rows: one per series, with step/timestamp/value lists already in append order."""
    runs = {}
    for r in runs_rows:
        if r["run_id"] in runs:
            raise ValueError(f"run {r['run_id']} appears twice among the live runs files")
        r = dict(r)
        r["params"] = map_to_dict(r["params"])
        r["tags"] = map_to_dict(r["tags"])
        runs[r["run_id"]] = r
    latest = {(r["run_id"], r["key"]): r for r in latest_rows}
    history = {}
    for r in history_rows:
        series = (r["run_id"], r["key"])
        if series in history:
            raise ValueError(f"series {series} appears twice among the live metrics files")
        history[series] = list(zip(r["step"], r["timestamp"], r["value"]))
    return runs, latest, history


def in_append_order(row: dict) -> dict:
    """A series row (Python values) with its lists gathered by append_order: MLflow's history order."""
    order = row["append_order"]
    if not order:
        return row
    return {**row, **{c: [row[c][i] for i in order] for c in tn.POINT_LISTS}}


def pyarrow_model(root, manifest):
    series = tn.load(root, "metrics", manifest=manifest)
    return model_from_rows(
        tn.load(root, "runs", manifest=manifest).to_pylist(),
        tn.load(root, "latest", manifest=manifest).to_pylist(),
        [in_append_order(r) for r in series.to_pylist()],
        lambda pairs: dict(pairs),  # pyarrow gives a map as [(key, value), ...]
    )


def polars_model(root, manifest):
    series = tn.load_polars(root, "metrics", manifest=manifest)
    return model_from_rows(
        tn.load_polars(root, "runs", manifest=manifest).to_dicts(),
        tn.load_polars(root, "latest", manifest=manifest).to_dicts(),
        tn.append_ordered(series).to_dicts(),  # list.gather by append_order, in polars
        lambda entries: {e["key"]: e["value"] for e in entries},  # polars: [{"key":..., "value":...}]
    )


def same_points(a, b) -> bool:
    """Lists of (step, timestamp, value) with doubles compared bit for bit."""
    return len(a) == len(b) and all(
        s1 == s2 and t1 == t2 and same_double(v1, v2) for (s1, t1, v1), (s2, t2, v2) in zip(a, b))


def check_helpers(root, manifest, models, bad: Mismatches, sample: int = 400) -> int:
    """The notebook helpers agree with the models: points() (pyarrow) and points_polars() give the
    stored points, one per row; metric_history() (one batch read via the batch index) gives the
    history of a sample of series, every reordered one among them."""
    series = tn.load(root, "metrics", manifest=manifest)
    flat = tn.points(series)
    flat_pl = tn.points_polars(tn.load_polars(root, "metrics", manifest=manifest))
    expected = [(r["run_id"], r["key"], s, t, v) for r in series.to_pylist()
                for s, t, v in zip(r["step"], r["timestamp"], r["value"])]
    for name, rows in (("points (pyarrow)", flat.to_pylist()), ("points_polars", flat_pl.to_dicts())):
        got = [tuple(r.values()) for r in rows]
        if len(got) != len(expected) or not all(
                g[:4] == e[:4] and same_double(g[4], e[4]) for g, e in zip(got, expected)):
            bad(name, f"{len(got)} rows do not match the {len(expected)} points of the series lists")
    keys = list(models["pyarrow"][2]) if "pyarrow" in models else []
    reordered = set(zip(*[c.to_pylist() for c in series.filter(
        pc.greater(pc.list_value_length(series["append_order"]), 0)).select(["run_id", "key"]).columns]))
    step = max(1, len(keys) // sample)
    picked = sorted(set(keys[::step]) | set(sorted(reordered)[:sample]))
    for run_id, key in picked:
        h = tn.metric_history(root, run_id, key, manifest)
        got = list(zip(*(h[c].to_pylist() for c in tn.POINT_LISTS)))
        if not same_points(got, models["pyarrow"][2][(run_id, key)]):
            bad(f"metric_history {run_id}/{key}", f"{len(got)} points differ from the series row")
    missing = tn.metric_history(root, picked[0][0], "no such key", manifest) if picked else None
    if missing is not None and missing.num_rows:
        bad("metric_history", "an unknown key has points")
    return len(picked)


def compare(name, model, export, skip, bad: Mismatches):
    runs, latest, history = model
    expected_runs = {r["run_id"]: r for r in export["runs"] if r["run_id"] not in skip}
    missing = sorted(set(expected_runs) - set(runs))
    extra = sorted(set(runs) - set(expected_runs) - skip)
    if missing:
        bad(name, f"runs missing from the Arrow files: {missing[:5]} ({len(missing)})")
    if extra:
        bad(name, f"runs in the Arrow files that export-json does not know: {extra[:5]}")
    points = 0
    latest_rows = 0
    for run_id, exp in expected_runs.items():
        got = runs.get(run_id)
        if got is None:
            continue
        where = f"{name} run {run_id}"
        for f in RUN_FIELDS:
            if got[f] != exp[f]:
                bad(where, f"{f}: {got[f]!r} != {exp[f]!r}")
        for f in ("params", "tags"):
            if got[f] != exp[f]:
                bad(where, f"{f}: {got[f]!r} != {exp[f]!r}")
        keys = {k for (r, k) in latest if r == run_id}
        if keys != set(exp["metrics"]):
            bad(where, f"latest keys {sorted(keys)} != {sorted(exp['metrics'])}")
        hkeys = {k for (r, k) in history if r == run_id}
        if hkeys != set(exp["history"]):
            bad(where, f"history keys {sorted(hkeys)} != {sorted(exp['history'])}")
        for key, m in exp["metrics"].items():
            row = latest.get((run_id, key))
            if row is None:
                continue
            latest_rows += 1
            w = f"{where} latest {key}"
            if not same_double(row["value"], json_double(m["value"])):
                bad(w, f"value {row['value']!r} != {m['value']!r}")
            if row["step"] != m["step"] or row["timestamp"] != m["timestamp"]:
                bad(w, f"step/timestamp {row['step']}/{row['timestamp']} != {m['step']}/{m['timestamp']}")
            h = exp["history"].get(key, [])
            finite = [json_double(p["value"]) for p in h if not math.isnan(json_double(p["value"]))]
            if row["count"] != len(h):
                bad(w, f"count {row['count']} != {len(h)} points")
            if h and row["last_step"] != h[-1]["step"]:
                bad(w, f"last_step {row['last_step']} != {h[-1]['step']}")
            lo, hi = (min(finite), max(finite)) if finite else (None, None)
            if row["min"] != lo or row["max"] != hi:
                bad(w, f"min/max {row['min']!r}/{row['max']!r} != {lo!r}/{hi!r}")
        for key, h in exp["history"].items():
            got_points = history.get((run_id, key), [])
            w = f"{where} history {key}"
            if len(got_points) != len(h):
                bad(w, f"{len(got_points)} points != {len(h)}")
                continue
            for i, ((step, ts, value), p) in enumerate(zip(got_points, h)):
                if step != p["step"] or ts != p["timestamp"] or not same_double(value, json_double(p["value"])):
                    bad(w, f"point {i}: {(step, ts, value)!r} != {(p['step'], p['timestamp'], p['value'])!r}")
                    break
            points += len(h)
    return len(expected_runs), latest_rows, points


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Compare Python's view of a store with tracklog export-json.")
    ap.add_argument("--root", type=Path, required=True)
    ap.add_argument("--export", type=Path, required=True, help="the output of tracklog export-json")
    args = ap.parse_args(argv)

    export = json.loads(args.export.read_text(encoding="utf-8"))
    if export.get("format") != "tracklog-export" or export.get("format_version") != 1:
        print(f"{args.export}: not a tracklog export-json document", file=sys.stderr)
        return 2
    path, manifest = tn.find_manifest(args.root)
    bad = Mismatches()
    if manifest["generation"] != export["generation"]:
        bad("manifest", f"generation {manifest['generation']} != export's {export['generation']}"
            " (was the store written to in between?)")
    # Live runs are answered from their logs by Java; the Arrow files have at most a prefix of them.
    skip = set(export["live_run_ids"])
    if skip:
        print(f"note: {len(skip)} live run(s) not compacted yet, not compared: {sorted(skip)[:5]}")

    files = check_files(args.root, manifest, bad)
    results = {}
    models = {}
    for name, build in (("pyarrow", pyarrow_model), ("polars", polars_model)):
        try:
            model = build(args.root, manifest)
        except Exception as e:  # a reader that cannot load the files is a failure, not a crash
            bad(name, f"cannot load: {type(e).__name__}: {e}")
            continue
        models[name] = model
        results[name] = compare(name, model, export, skip, bad)
    helpers = 0
    if "pyarrow" in models:
        try:
            helpers = check_helpers(args.root, manifest, models, bad)
        except Exception as e:
            bad("helpers", f"{type(e).__name__}: {e}")

    versions = f"pyarrow {pa.__version__}, polars {pl.__version__}"
    print(f"manifest {path.name if path else '-'}: {len(manifest['segments'])} segments, {files} files checked "
          f"(metadata, rows, crc32c, order)")
    print(f"helpers : points() and points_polars() on every point, metric_history() on {helpers} series")
    for name, (runs, latest, points) in results.items():
        print(f"{name:8s}: {runs} runs, {latest} latest metrics, {points} history points compared")
    if bad.count:
        print(f"FAIL: {bad.count} mismatch(es) ({versions})")
        return 1
    print(f"OK: Python reads exactly what the Java reader answers ({versions})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
