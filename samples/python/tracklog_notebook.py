#!/usr/bin/env python3
"""Read a Tracklog store's compacted Arrow files from Python, with pyarrow and polars only.

Tracklog's ``Store.compact()`` (run automatically when a run ends) writes plain Arrow IPC files:

    <root>/manifest-<generation>.json                          which files are live (newest wins)
    <root>/compacted/experiment=<id>/runs-<gen>.arrow           one row per run
    <root>/compacted/experiment=<id>/latest-<gen>.arrow         one row per (run, metric key)
    <root>/compacted/experiment=<id>/metrics-<gen>.arrow        one row per (run, metric key) too:
        the series' points as lists step, timestamp, value (sorted by step), plus append_order
    <root>/compacted/experiment=<id>/runs-index-<gen>.bin       the segment's run ids (binary; see
        read_run_index), which the manifest names instead of listing them

Files of older generations can stay on disk for a while, so never glob ``compacted/``: read the
newest manifest and open the files it lists. A run belongs to exactly one live segment (the last
one in the manifest's ``segments`` list whose runs include it); :func:`load` keeps only those rows. Runs that are still being written are not in the Arrow files until they end.

Use it as a module in a notebook::

    import tracklog_notebook as tn
    runs = tn.load(root, "runs")                  # pyarrow.Table, every experiment
    runs_pl = tn.load_polars(root, "runs")        # polars.DataFrame
    pts = tn.points(tn.load(root, "metrics"))     # one row per point (pyarrow); tn.points_polars
    hist = tn.metric_history(root, run_id, "val_loss")   # MLflow's order (append order)

or run it as a script for a tour: ``python3 tracklog_notebook.py --root STORE [--png curve.png]``.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import struct
import sys
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc

TABLES = ("runs", "latest", "metrics")
_MANIFEST = re.compile(r"manifest-(\d{8,19})\.json")
# The manifest names each segment's files by these keys.
_FILE_KEY = {"runs": "runs_file", "latest": "latest_file", "metrics": "metrics_file"}


# ---- the manifest --------------------------------------------------------------------------------


def extract_archive(archive, into) -> Path:
    """Extracts a Tracklog archive's `store/` entries (docs/FORMAT.md §Archives) below `into`, checking
    each one's SHA-256 and that it stays inside `into`, and returns the folder to use as `root`."""
    import hashlib
    import zipfile

    into = Path(into).resolve()
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("tracklog-archive.json"))
        for entry in manifest["entries"]:
            name = entry["path"]
            if not name.startswith("store/"):
                continue
            data = z.read(name)
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise ValueError(f"entry {name} fails its SHA-256")
            target = (into / name).resolve()
            if into not in target.parents:
                raise ValueError(f"entry {name} escapes {into}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    return into / "store"


def find_manifest(root) -> tuple[Path | None, dict]:
    """The newest ``manifest-<generation>.json`` in ``root`` and its content.

    Before the first compaction there is none: returns ``(None, {"generation": 0, "segments": []})``.
    """
    root = Path(root)
    found = [(int(m.group(1)), p) for p in root.glob("manifest-*.json") if (m := _MANIFEST.fullmatch(p.name))]
    if not found:
        return None, {"generation": 0, "segments": []}
    generation, path = max(found)
    manifest = json.loads(path.read_text(encoding="utf-8"))
    # Format 3 names each segment's run index file ("run_index"); format 2 maps each run to its seq
    # ({"<run_id>": 9}), format 1 to {"seq": 9, "sealed": true}. This module only needs the run ids.
    if manifest.get("format_version") not in (1, 2, 3):
        raise ValueError(f"{path}: manifest format {manifest.get('format_version')} is not supported")
    return path, manifest


def read_run_index(data: bytes) -> dict[str, tuple[int, bool]]:
    """A run index file's content (docs/FORMAT.md, Run index): run id -> (seq, sealed), in file order."""
    magic, version, n, h = struct.unpack_from("<4sIII", data)
    if magic != b"TLRI" or version != 1 or len(data) != 20 + 13 * n + h:
        raise ValueError("not a run index of version 1, or truncated")
    seqs = struct.unpack_from(f"<{n}q", data, 16)
    offsets = struct.unpack_from(f"<{n + 1}I", data, 16 + 8 * n)
    flags, heap = data[20 + 12 * n : 20 + 13 * n], data[20 + 13 * n :]
    return {heap[offsets[i] : offsets[i + 1]].decode("utf-8"): (seqs[i], flags[i] == 1) for i in range(n)}


def segment_run_ids(root, seg: dict) -> list[str]:
    """The run ids of a manifest segment: from its run index file (format 3) or its "runs" (1 and 2)."""
    if "run_index" in seg:
        return list(read_run_index((Path(root) / seg["run_index"]["path"]).read_bytes()))
    return list(seg["runs"])


def live_files(root, table: str, manifest: dict | None = None, experiment_id: str | None = None):
    """``[(path, run_ids)]``: the live files of ``table`` and the runs each one is authoritative for."""
    if table not in TABLES:
        raise ValueError(f"table must be one of {TABLES}")
    root = Path(root)
    if manifest is None:
        manifest = find_manifest(root)[1]
    owner = {}  # run_id -> index of the segment that holds it; later segments win
    run_ids = [segment_run_ids(root, seg) for seg in manifest["segments"]]
    for i, ids in enumerate(run_ids):
        for run_id in ids:
            owner[run_id] = i
    files = []
    for i, seg in enumerate(manifest["segments"]):
        if experiment_id is not None and seg["experiment_id"] != experiment_id:
            continue
        runs = sorted(r for r in run_ids[i] if owner[r] == i)
        if runs:
            files.append((root / seg[_FILE_KEY[table]]["path"], runs))
    return files


# ---- pyarrow -------------------------------------------------------------------------------------

# The metrics file: one row per series (run, key), sorted by run_id then key. The points of a series
# are three aligned lists sorted by (step, timestamp); append_order maps MLflow's order onto them.
POINT_LISTS = ("step", "timestamp", "value")
BATCH_INDEX = "tracklog.batch_index"


def java_order(s: str) -> bytes:
    """Sort key for strings in Java ``String`` order (UTF-16 code units), the order of the files' rows.

    It differs from Python's code-point order only for characters beyond U+FFFF versus U+E000-U+FFFF.
    """
    return s.encode("utf-16-be")


def read_ipc(path) -> pa.Table:
    """One Arrow IPC file, memory-mapped: the table's buffers point into the page cache (zero-copy)."""
    with pa.memory_map(str(path)) as source:  # the table keeps the mapping alive after close
        return pa.ipc.open_file(source).read_all()


def load(root, table: str, experiment_id: str | None = None, manifest: dict | None = None) -> pa.Table:
    """Every live row of ``table`` ("runs", "latest" or "metrics") as one pyarrow Table.

    For "metrics" a row is a series (run_id, key) with its points in list columns; :func:`points`
    gives one row per point. The schema metadata of the first file is kept (``tracklog.table``,
    ``tracklog.format_version`` ...).
    """
    parts = []
    for path, runs in live_files(root, table, manifest, experiment_id):
        t = read_ipc(path)
        parts.append(t.filter(pc.is_in(t["run_id"], value_set=pa.array(runs))))
    if not parts:
        raise LookupError(f"no compacted {table!r} files in {root} (nothing compacted yet?)")
    # The files differ only in metadata (generation, experiment id, batch index); concat ignores it.
    return pa.concat_tables(parts)


def points(series: pa.Table) -> pa.Table:
    """Series rows (from :func:`load` ``"metrics"``) as one row per point: run_id, key, step, timestamp, value.

    Within a series the points stay sorted by (step, timestamp). The list values are not copied
    (``list_flatten``); run_id and key are repeated with ``take`` on the list parent indices.
    """
    def flatten(batch: pa.RecordBatch) -> pa.RecordBatch:
        parent = pc.list_parent_indices(batch["step"])  # per batch: indices into this batch's rows
        columns = [batch["run_id"].take(parent), batch["key"].take(parent)]
        columns += [pc.list_flatten(batch[name]) for name in POINT_LISTS]
        return pa.RecordBatch.from_arrays(columns, names=["run_id", "key", *POINT_LISTS])

    schema = pa.schema([("run_id", pa.string()), ("key", pa.string()), ("step", pa.int64()),
                        ("timestamp", pa.int64()), ("value", pa.float64())])
    return pa.Table.from_batches([flatten(b) for b in series.to_batches()], schema=schema)


def batch_index(schema: pa.Schema) -> list[tuple[str, str]]:
    """A metrics file's ``tracklog.batch_index``: the first (run_id, key) of each record batch."""
    return [tuple(e) for e in json.loads(schema.metadata[BATCH_INDEX.encode()])]


def file_of_run(root, table: str, run_id: str, manifest: dict | None = None) -> Path | None:
    """The live file of ``table`` that holds ``run_id``, or None if the run is not compacted (yet)."""
    for path, runs in live_files(root, table, manifest):
        if run_id in runs:
            return path
    return None


def metric_history(root, run_id: str, key: str, manifest: dict | None = None) -> pa.Table:
    """One metric's points (step, timestamp, value) in append order, duplicates kept: MLflow's history.

    Reads a single record batch of a single file, memory-mapped: the manifest says which file holds
    the run, the file's batch index which batch holds the series.
    """
    path = file_of_run(root, "metrics", run_id, manifest)
    if path is None:
        raise LookupError(f"run {run_id} is not in the compacted files (still running, or unknown)")
    with pa.memory_map(str(path)) as source:
        reader = pa.ipc.open_file(source)
        firsts = [(java_order(r), java_order(k)) for r, k in batch_index(reader.schema)]
        i = bisect.bisect_right(firsts, (java_order(run_id), java_order(key))) - 1
        batch = reader.get_batch(max(i, 0))
    row = batch.filter(pc.and_(pc.equal(batch["run_id"], run_id), pc.equal(batch["key"], key)))
    history = pa.table({name: pc.list_flatten(row[name]) for name in POINT_LISTS})
    order = pc.list_flatten(row["append_order"])
    return history.take(order) if len(order) else history  # empty: stored order is append order


def param(runs: pa.Table, name: str) -> pa.ChunkedArray:
    """One param of every run as a string column (null where the run lacks it)."""
    return pc.map_lookup(runs["params"], pa.scalar(name, pa.string()), "first")


# ---- polars --------------------------------------------------------------------------------------


def load_polars(root, table: str, experiment_id: str | None = None, manifest: dict | None = None) -> pl.DataFrame:
    """The same rows as :func:`load`, read by polars itself (memory-mapped)."""
    frames = []
    for path, runs in live_files(root, table, manifest, experiment_id):
        frames.append(pl.scan_ipc(path, memory_map=True).filter(pl.col("run_id").is_in(runs)))
    if not frames:
        raise LookupError(f"no compacted {table!r} files in {root} (nothing compacted yet?)")
    return pl.concat(frames).collect()


def points_polars(series: pl.DataFrame) -> pl.DataFrame:
    """Series rows as one row per point (run_id, key, step, timestamp, value): :func:`points` in polars."""
    lists = series.select("run_id", "key", *POINT_LISTS)
    try:
        return lists.explode(*POINT_LISTS, empty_as_null=False)  # like list_flatten: [] gives no row
    except TypeError:  # polars before 1.3x has no empty_as_null (and series are never empty anyway)
        return lists.explode(*POINT_LISTS)


def append_ordered(series: pl.DataFrame) -> pl.DataFrame:
    """Series rows with their step/timestamp/value lists in append order (MLflow's history order).

    Rows whose ``append_order`` is empty are already in append order; the others gather their
    lists by it. ``points_polars(append_ordered(series))`` is every history, point per row.
    """
    reorder = pl.col("append_order").list.len() > 0
    return series.select(
        "run_id", "key",
        *(pl.when(reorder).then(pl.col(c).list.gather(pl.col("append_order"))).otherwise(pl.col(c)).alias(c)
          for c in POINT_LISTS),
    )


def params_wide(runs: pl.DataFrame, column: str = "params") -> pl.DataFrame:
    """A map column (polars reads map<utf8,utf8> as list<struct<key, value>>) as one column per key."""
    pairs = runs.select("run_id", column).filter(pl.col(column).list.len() > 0)
    try:
        long = pairs.explode(column, empty_as_null=False).unnest(column)
    except TypeError:  # polars before 1.3x has no empty_as_null
        long = pairs.explode(column).unnest(column)
    if long.is_empty():
        return runs.select("run_id")
    wide = long.pivot(on="key", index="run_id", values="value")
    return runs.select("run_id").join(wide, on="run_id", how="left")


# ---- the tour ------------------------------------------------------------------------------------


def plot_curves(points: pl.DataFrame, path: Path, title: str) -> bool:
    """A training curve per (run, key) to a PNG; False if matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(7, 4.5))
    colors = {name: f"C{i}" for i, name in enumerate(sorted(set(points["run_name"])))}
    for (run_name, key), curve in points.sort("run_name", "key", "step", "timestamp").group_by(
        ["run_name", "key"], maintain_order=True
    ):
        ax.plot(curve["step"], curve["value"], marker=".", label=f"{run_name} {key}", color=colors[run_name],
                linestyle="-" if key.startswith("val") else "--")
    ax.set_xlabel("step")
    ax.set_ylabel("value")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def tour(root: Path, png: Path, experiment_id: str, metric: str, curves_id: str) -> None:
    pl.Config.set_tbl_width_chars(120)
    pl.Config.set_fmt_str_lengths(40)
    path, manifest = find_manifest(root)
    if path is None:
        sys.exit(f"{root}: no manifest yet; end a run (or call Store.compact()) first")
    print(f"manifest: {path.name} (generation {manifest['generation']}, {len(manifest['segments'])} segments)")
    names_of = {i: e["name"] for i, e in manifest.get("experiments", {}).items()}
    print(f"  experiments: {names_of}")
    for table in TABLES:
        files = live_files(root, table, manifest)
        print(f"  live {table} files: {len(files)}, e.g. {files[0][0].relative_to(root)}")

    # Zero-copy: the record batches of a memory-mapped file point into the mapping, so reading
    # allocates (almost) nothing on the Arrow heap. The metrics file has one row per series; its
    # lists hold the points, and the schema metadata indexes the first series of every batch.
    first = (live_files(root, "metrics", manifest, curves_id) or live_files(root, "metrics", manifest))[0][0]
    before = pa.total_allocated_bytes()
    with pa.memory_map(str(first)) as source:
        reader = pa.ipc.open_file(source)
        batches = [reader.get_batch(i) for i in range(reader.num_record_batches)]
        allocated = pa.total_allocated_bytes() - before
        meta = {k.decode(): v.decode() for k, v in reader.schema.metadata.items() if k.decode() != BATCH_INDEX}
        index = batch_index(reader.schema)
    n_points = sum(pc.sum(pc.list_value_length(b["step"])).as_py() or 0 for b in batches)
    print(f"\nmemory-mapped {first.relative_to(root)}: {sum(b.num_rows for b in batches)} series, "
          f"{n_points} points in {len(batches)} batch(es), {allocated} bytes allocated by the read")
    print(f"  schema metadata: {meta}")
    print(f"  {BATCH_INDEX} (first series of each batch): {index[:3]}{' ...' if len(index) > 3 else ''}")
    print("  columns: " + ", ".join(f"{f.name}: {f.type}" for f in batches[0].schema))

    # Runs of every experiment: pyarrow and polars.
    runs = load(root, "runs", manifest=manifest)
    runs_pl = load_polars(root, "runs", manifest=manifest)
    print(f"\nruns of every experiment: {runs.num_rows} rows (pyarrow), {runs_pl.height} rows (polars)")
    print(f"  params: {runs.schema.field('params').type} in pyarrow, {runs_pl.schema['params']} in polars")
    print(runs_pl.group_by("experiment_id", maintain_order=True)
          .agg(pl.len().alias("runs"), pl.col("status").unique().sort().alias("status"))
          .with_columns(pl.col("experiment_id").replace_strict(names_of, default=None).alias("name"))
          .sort("experiment_id"))

    # Params and tags are map<utf8, utf8>: look one key up (pyarrow), or spread them into columns (polars).
    names = dict(zip(runs_pl["run_id"].to_list(), runs_pl["run_name"].to_list()))
    exp_runs = runs.filter(pc.equal(runs["experiment_id"], experiment_id))
    print(f"\npyarrow map_lookup(params, 'max_depth') in experiment {experiment_id}: "
          f"{param(exp_runs, 'max_depth').to_pylist()}")
    print(f"tags of {exp_runs['run_name'][0]} as a dict: {dict(exp_runs['tags'][0].as_py())}")

    # Latest metrics: best runs of an experiment by a metric, joined with their params.
    latest = load_polars(root, "latest", experiment_id=experiment_id, manifest=manifest)
    params = params_wide(runs_pl.filter(pl.col("experiment_id") == experiment_id))
    best = (latest.filter(pl.col("key") == metric)
            .join(params, on="run_id")
            .with_columns(pl.col("run_id").replace_strict(names).alias("run_name"))
            .sort("value", descending=True, nulls_last=True)
            .select("run_name", pl.col("value").alias(metric), "count", *params.columns[1:]))
    print(f"\nbest runs of experiment {experiment_id} by latest {metric!r} (polars):")
    print(best.head(5))

    # Metric points: one row per series in the file; flatten the lists to one row per point.
    series = (load_polars(root, "metrics", experiment_id=curves_id, manifest=manifest)
              .filter(pl.col("key").is_in(["train_loss", "val_loss"])))
    if series.is_empty():
        print(f"\nexperiment {curves_id} has no train_loss/val_loss points to plot")
        return
    print(f"\ntrain_loss/val_loss series of experiment {curves_id} (polars, one row per series):")
    print(series.with_columns(pl.col("step").list.len().alias("points")).select("run_id", "key", "points", "step"))
    curves = (points_polars(series)
              .with_columns(pl.col("run_id").replace_strict(names).alias("run_name"))
              .sort("run_name", "key", "step", "timestamp"))
    flat = points(load(root, "metrics", experiment_id=curves_id, manifest=manifest))
    print(f"flattened: {curves.height} points (polars explode); all keys with pyarrow list_flatten: "
          f"{flat.num_rows} points, columns {flat.column_names}")
    some_run = series["run_id"][0]
    history = metric_history(root, some_run, "val_loss", manifest)
    print(f"\nval_loss of {names[some_run]!r} (pyarrow, one batch read, append order): {history.num_rows} points; "
          "first 3:")
    print(pl.from_arrow(history).head(3))
    if plot_curves(curves, png, f"experiment {curves_id}: train (dashed) and validation loss"):
        print(f"\nwrote {png} ({curves.height} points, {curves['run_id'].n_unique()} runs)")
    else:
        print("\nmatplotlib is not installed: skipped the plot")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", type=Path, required=True, help="the store directory")
    ap.add_argument("--png", type=Path, default=Path("training-curves.png"), help="where to draw the curves")
    # The tour takes experiment ids (the Arrow files hold only ids; the manifest's "experiments" names
    # them): in `tracklog demo`'s store 2 is grid-search, 3 training-curves.
    ap.add_argument("--experiment", default="2", help="experiment id to rank runs in (default: 2)")
    ap.add_argument("--metric", default="accuracy", help="metric to rank by (default: accuracy)")
    ap.add_argument("--curves", default="3", help="experiment id whose losses to plot (default: 3)")
    args = ap.parse_args(argv)
    tour(args.root, args.png, args.experiment, args.metric, args.curves)


if __name__ == "__main__":
    main()
