"""Peak memory of a large import: reading and validating (default) or importing (--commit)
a roster of --rows people from .xlsx, measured as the maximum resident set size of a child
process that does only that.

    .venv/bin/python benchmarks/memory_bench.py --rows 1000000
    .venv/bin/python benchmarks/memory_bench.py --rows 1000000 --commit    # > 10 min here
    .venv/bin/python benchmarks/memory_bench.py --bomb                     # 1 MB → 240 MB .xlsx
    .venv/bin/python benchmarks/memory_bench.py --bomb --unguarded         # … with no checks

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


def bomb_xlsx() -> bytes:
    """Issue 8's file: about 1 MB of .xlsx whose one sheet unpacks to 240 MB of XML (rows of
    30 numbers, all alike, so that deflate stores them almost for free)."""
    import io
    import zipfile

    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", f'<Types xmlns="{pkg}/content-types"><Default '
                   'Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                   'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '</Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="{pkg}/relationships"><Relationship '
                   f'Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet '
                   'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{pkg}/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        row = b"<row>" + b"<c><v>1</v></c>" * 30 + b"</row>"
        block = row * (1024 * 1024 // len(row))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f"<worksheet {ns}><sheetData>".encode())
            for _ in range(240):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def bomb_child(args) -> dict:
    configure(db="sqlite", name="memory")
    from fupin.core.tabular import reader

    data = bomb_xlsx()
    phases = {"start": _status()}
    if args.unguarded:  # what the reader did before issue 8: the file passed its checks
        reader._MAX_UNPACK_RATIO = reader._MAX_UNPACKED = 10**12
        reader._scan_zip = lambda data, sheets: None
    timer = Timer()
    try:
        table = reader.read_table(data, "bomb.xlsx")
        outcome = f"read {len(table.rows):,} rows"
    except reader.TabularError as exc:
        outcome = f"refused: {exc.message}"
    phases["read"] = {**_status(), "s": round(timer.seconds, 2)}
    return {"rows": 0, "phases": phases, "file_mb": round(len(data) / 1e6, 2),
            "outcome": outcome}


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
    parser.add_argument("--bomb", action="store_true",
                        help="the 1 MB .xlsx that unpacks to 240 MB, instead of a roster")
    parser.add_argument("--unguarded", action="store_true",
                        help="with --bomb: the reader's size checks off (as before issue 8)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(bomb_child(args) if args.bomb else child(args)))
        return
    if args.bomb:
        cmd = [sys.executable, str(HERE), "--child", "--bomb"] + (
            ["--unguarded"] if args.unguarded else [])
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        read = result["phases"]["read"]
        print(f"bomb .xlsx ({result['file_mb']} MB → 240 MB unpacked"
              f"{', checks off' if args.unguarded else ''}): {result['outcome']}")
        print(f"  peak RSS {peak:,.0f} MB (building the file included); read_table "
              f"{read['s']} s, RSS after {read['VmRSS']:,.0f} MB, peak {read['VmHWM']:,.0f} MB "
              f"(start {result['phases']['start']['VmRSS']:,.0f} MB)")
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
