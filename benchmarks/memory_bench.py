"""Peak memory of a large import: reading and validating (default) or importing (--commit)
a roster of --rows people from .xlsx, measured as the maximum resident set size of a child
process that does only that.

    .venv/bin/python benchmarks/memory_bench.py --rows 1000000
    .venv/bin/python benchmarks/memory_bench.py --rows 1000000 --commit    # > 10 min here

The child reads the file with `reader.read_table` (as `importer.load` does, but with the
50 MB upload cap lifted: a 1M-row roster of this width is ~85 MB), then runs
`importer.validate` (or `importer.commit`) as 利州区经办 on a fresh SQLite database
(var/bench/memory.sqlite3). It reports the resident set after each phase and its peak
(VmHWM); the parent also reports the child's ru_maxrss.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
from pathlib import Path

from _common import Timer, configure, say, user

HERE = Path(__file__).resolve()


def _status() -> dict[str, float]:
    """VmRSS and VmHWM (peak) of this process, in MB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def child(args) -> dict:
    configure(db="sqlite", name="memory")
    from roster import ensure_roster

    from fupin.core.tabular import importer, reader
    from fupin.registry.imports import persons_import

    path = ensure_roster(area=args.area, rows=args.rows, seed=args.seed, fmt=args.format)
    actor = user("lizhou_county" if args.area.startswith("510802") else "admin")
    phases = {"start": _status()}
    timer = Timer()
    data = path.read_bytes()
    table = reader.read_table(data, path.name, max_bytes=len(data) + 1)
    del data
    phases["read"] = {**_status(), "s": round(timer.seconds, 1)}
    if args.commit:
        report = importer.commit(persons_import, table, actor=actor)
    else:
        report, _state = importer.validate(persons_import, table, actor=actor)
        del _state
    phases["validate" if not args.commit else "commit"] = {**_status(),
                                                           "s": round(timer.seconds, 1)}
    assert report.ok, report.errors[:3]
    return {"rows": report.total, "phases": phases,
            "file_mb": round(path.stat().st_size / 1e6, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--area", default="510802")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--commit", action="store_true", help="import, not only validate")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    configure(db="sqlite", name="areas", fresh=False)
    from roster import ensure_roster

    # written before measuring
    ensure_roster(area=args.area, rows=args.rows, seed=args.seed, fmt=args.format)
    cmd = [sys.executable, str(HERE), "--child", "--rows", str(args.rows), "--area", args.area,
           "--seed", str(args.seed), "--format", args.format] + (
        ["--commit"] if args.commit else [])
    say("measuring …")
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    what = "read + import" if args.commit else "read + validate"
    print(f"{what} of {result['rows']:,} rows ({result['file_mb']} MB .{args.format}): "
          f"peak RSS {peak:,.0f} MB")
    for phase, s in result["phases"].items():
        when = f" at {s['s']:>6} s" if "s" in s else ""
        print(f"  after {phase:<9}{when}: RSS {s['VmRSS']:>6,.0f} MB, peak so far "
              f"{s['VmHWM']:>6,.0f} MB")


if __name__ == "__main__":
    main()
