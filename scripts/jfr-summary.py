#!/usr/bin/env python3
"""Where the time goes, from a JMH `-prof jfr` recording (docs/BENCHMARKS.md).

    scripts/bench.sh CompactBenchmark.compact -wi 3 -i 25 -prof jfr:dir=/tmp/jfr
    scripts/jfr-summary.py /tmp/jfr/<benchmark dir>/profile.jfr compact
    scripts/jfr-summary.py /tmp/jfr/<benchmark dir>/profile.jfr history

Takes the jdk.ExecutionSample and jdk.NativeMethodSample events whose stack contains the root frame
(compact: io.tracklog.Store.compact or .rebuild; history: io.tracklog.benchmarks.HistoryBenchmark),
weights native samples x2 (JMH's JFR profiler records with profile.jfc: Java samples every 10 ms,
native every 20 ms), and puts each sample in the category of the innermost frame that matches a rule.
Prints the categories and the top frames. Needs the JDK's `jfr` tool on the PATH.
"""
import collections
import json
import subprocess
import sys

RULES = {
    "compact": (
        ["io.tracklog.Store.compact", "io.tracklog.Store.rebuild"],
        [
            ("fsync (FileChannel.force)", ["FileDispatcherImpl.force0"]),
            ("delete old files (GC of generations)", ["Compactor.collectGarbage"]),
            ("manifest publish", ["ManifestFiles.publish"]),
            ("queue open/close, locks, per run", ["SharedLogs.acquire", "ChronicleEventLog.open", "SharedLogs$Lease.close",
                                                  "ChronicleEventLog.close", "ChronicleEventLog.openReader", "WriterLease",
                                                  "ProcessLock.withLock"]),
            ("Chronicle read (tailer, excerpt)", ["ChronicleEventLog$Reader.next"]),
            ("decode events + digest (RunDigest, EventCodec)", ["RunDigest.read", "EventCodec"]),
            ("sort", [".sort", "TimSort", "DualPivot"]),
            ("Arrow write: write() syscalls", ["FileDispatcherImpl.write0"]),
            ("Arrow write: CRC32C", ["CRC32C"]),
            ("Arrow write: fill vectors, serialize", ["SegmentWriter"]),
        ],
    ),
    "history": (
        ["io.tracklog.benchmarks.HistoryBenchmark"],
        [
            ("CRC32C verify of the metrics file", ["SegmentFiles.verify", "CRC32C"]),
            ("StoreReader.open (Store.open, catalog)", ["StoreReader.open", "Store.<init>", "Store.open"]),
            ("snapshot() (manifest, catalog)", ["StoreReader.snapshot"]),
            ("close reader", ["StoreReader.close"]),
            ("open Arrow file (footer, schema, dictionaries)", ["SegmentFiles.open"]),
            ("Arrow loadRecordBatch (read + copy every column)", ["loadRecordBatch", "ArrowFileReader", "ArrowReader"]),
            ("materialise List<Metric> (History.toMetrics)", ["History.toMetrics"]),
            ("History.add / sortByOrdinal", ["History.add", "sortByOrdinal"]),
            ("copy into the snapshot's list", ["ArrayList.addAll", "ArrayList.grow"]),
            ("benchmark consume()", ["HistoryBenchmark.consume"]),
            ("scan rows (SegmentReader.history: Arrow get(), bounds checks)", ["SegmentReader.history"]),
        ],
    ),
}


def frame_name(frame):
    m = frame["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in RULES:
        sys.exit(__doc__)
    roots, rules = RULES[sys.argv[2]]
    out = subprocess.run(
        ["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", sys.argv[1]],
        capture_output=True, text=True, check=True).stdout
    cats, tops, total = collections.Counter(), collections.Counter(), 0
    for e in json.loads(out)["recording"]["events"]:
        trace = e["values"].get("stackTrace") or {}
        names = [frame_name(f) for f in trace.get("frames", [])]
        if not any(r in n for n in names for r in roots):
            continue
        w = 2 if e["type"] == "jdk.NativeMethodSample" else 1
        total += w
        tops[names[0]] += w
        cat = next((c for n in names for c, pats in rules if any(p in n for p in pats)), "other")
        cats[cat] += w
    if total == 0:
        sys.exit("no samples under " + " or ".join(roots))
    print(f"{total} weighted samples under {' or '.join(roots)}")
    for c, k in cats.most_common():
        print(f"  {100 * k / total:5.1f}%  {c}")
    print("top frames:")
    for t, k in tops.most_common(15):
        print(f"  {100 * k / total:5.1f}%  {t}")


if __name__ == "__main__":
    main()
