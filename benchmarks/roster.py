"""Roster files for the benchmarks: `generator.roster_rows` written as a real .xlsx with
xlsxwriter (shared strings, numbers as numbers, as Excel saves them), cached under var/bench/
so that a re-run does not pay for writing it again."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from _common import BENCH_DIR, Timer, say


def roster_path(*, area: str, rows: int, seed: int, fmt: str = "xlsx") -> Path:
    # The columns are part of the name: a changed spec writes a new file.
    columns = hashlib.sha1("|".join(header()).encode()).hexdigest()[:6]
    return BENCH_DIR / f"roster-{area}-{rows}-s{seed}-{columns}.{fmt}"


def header() -> list[str]:
    from fupin.registry.imports import persons_import

    return [c.label for c in persons_import.columns]


def write_roster(path: Path, rows, *, constant_memory: bool = False) -> int:
    import xlsxwriter

    tmp = path.with_suffix(".tmp")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": constant_memory})
    sheet = book.add_worksheet("花名册")
    text = book.add_format({"num_format": "@"})
    labels = header()
    for c, label in enumerate(labels):
        sheet.write_string(0, c, label)
        sheet.set_column(c, c, 14, text)
    n = 0
    for n, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value == "" or value is None:
                continue
            if isinstance(value, int | float):
                sheet.write_number(n, c, value)
            else:
                sheet.write_string(n, c, value)
    book.close()
    tmp.rename(path)
    return n


def write_csv(path: Path, rows) -> int:
    tmp = path.with_suffix(".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header())
        for row in rows:
            writer.writerow(row)
            n += 1
    tmp.rename(path)
    return n


def ensure_roster(*, area: str, rows: int, seed: int, fmt: str = "xlsx") -> Path:
    """The roster file for (area, rows, seed), written if missing. Needs the area tree in the
    current database (the generator spreads people over its villages)."""
    from fupin.registry.generator import roster_rows

    path = roster_path(area=area, rows=rows, seed=seed, fmt=fmt)
    if path.exists():
        return path
    timer = Timer()
    say(f"writing {path.name} …")
    generated = roster_rows(area=area, persons=rows, seed=seed)
    if fmt == "csv":
        n = write_csv(path, generated)
    else:
        # Shared strings keep the whole workbook in xlsxwriter's memory; past a few hundred
        # thousand rows inline strings (constant_memory) keep the generator small.
        n = write_roster(path, generated, constant_memory=rows > 300_000)
    say(f"  {n:,} rows, {path.stat().st_size / 1e6:.1f} MB in {timer.seconds:.0f} s")
    return path
