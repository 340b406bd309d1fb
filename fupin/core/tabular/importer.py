"""The shared import pipeline: read → find the header → parse every row → validate every row
(nothing written) → commit all-or-nothing in one transaction. Streams in chunks so that a
large file is validated and written without holding all parsed rows.

Progress goes through `progress(phase, done, total)`; the job runner stores it where a page
can read it while the transaction is still open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .reader import HeaderMatch, Table, TabularError, find_header, read_table
from .spec import ImportSpec, Outcome, ParsedRow

CHUNK = 2000
MAX_ERRORS = 10_000

Progress = Callable[[str, int, int], None]


class NeedsMapping(Exception):
    """The header could not be matched with confidence: the user maps the columns."""

    def __init__(self, header: HeaderMatch, headers: list[str], missing: list[str]):
        self.header = header
        self.headers = headers  # header texts of the file, by column index
        self.missing = missing  # labels of required columns not found
        super().__init__(_("请确认各列对应的字段"))


@dataclass
class RowError:
    line: int
    column: str
    message: str
    raw: list = field(default_factory=list)


@dataclass
class Report:
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_rows: int = 0
    outcome: Outcome | None = None
    header_row: int = 0
    headers: list[str] = field(default_factory=list)
    mapping: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_rows == 0


def _noop(phase: str, done: int, total: int) -> None:
    pass


def locate(spec: ImportSpec, table: Table, mapping: dict[int, str] | None = None
           ) -> tuple[int, dict[int, str], list[str]]:
    """Header row index, column mapping (index → key) and header texts.

    A given `mapping` (from the mapping step) wins. Otherwise the header is found by the
    spec's labels and synonyms; unknown or duplicate headers, or a missing required column,
    ask the user to map (NeedsMapping)."""
    match = find_header(table, spec.matcher())
    headers = ["" if v is None else str(v) for v in table.rows[match.row_index]]
    if mapping is not None:
        return match.row_index, dict(mapping), headers
    unknown = [(i, t) for i, t in match.unknown if not spec.ignored(t)]
    missing = spec.missing_required(match.mapping.values())
    if missing or match.duplicates or (unknown and len(unknown) >= len(match.mapping)):
        raise NeedsMapping(match, headers, [c.label for c in missing])
    return match.row_index, dict(match.mapping), headers


def _body(table: Table, header_row: int):
    for i in range(header_row + 1, len(table.rows)):
        cells = table.rows[i]
        if any(c not in ("", None) for c in cells):
            yield table.row_numbers[i], cells


def _chunks(items, size):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _collect(report: Report, rows: list[ParsedRow]) -> None:
    for row in rows:
        if row.errors:
            report.error_rows += 1
            for column, message in row.errors:
                if len(report.errors) < MAX_ERRORS:
                    report.errors.append(RowError(row.line, column, message, row.raw))


def validate(spec: ImportSpec, table: Table, *, actor, mapping=None,
             progress: Progress = _noop) -> tuple[Report, object]:
    """Parse and check every row; write nothing. Returns the report and the spec's state."""
    header_row, mapping, headers = locate(spec, table, mapping)
    report = Report(header_row=header_row, headers=headers, mapping=mapping)
    total = sum(1 for _ in _body(table, header_row))
    report.total = total
    if total == 0:
        raise TabularError(_("表格只有表头，没有数据行。"))
    state = spec.start(actor=actor)
    compiled = spec.compile(mapping)
    done = 0
    for chunk in _chunks(_body(table, header_row), CHUNK):
        rows = [spec.parse_row(line, cells, mapping, compiled) for line, cells in chunk]
        spec.derive(rows, state)
        spec.check(rows, state)
        _collect(report, rows)
        done += len(rows)
        progress("validate", done, total)
    for line, column, message in spec.finish(state):
        report.error_rows += 1
        if len(report.errors) < MAX_ERRORS:
            report.errors.append(RowError(line, column, message))
    report.errors.sort(key=lambda e: e.line)
    return report, state


def commit(spec: ImportSpec, table: Table, *, actor, mapping=None,
           progress: Progress = _noop) -> Report:
    """Validate everything, then write everything in one transaction (all-or-nothing).
    Rows are re-parsed chunk by chunk for writing, so parsed rows are never all held."""
    report, state = validate(spec, table, actor=actor, mapping=mapping, progress=progress)
    if not report.ok:
        return report
    mapping = report.mapping
    compiled = spec.compile(mapping)
    outcome = Outcome()
    done = 0
    with transaction.atomic():
        for chunk in _chunks(_body(table, report.header_row), CHUNK):
            rows = [spec.parse_row(line, cells, mapping, compiled) for line, cells in chunk]
            spec.derive(rows, state)
            part = spec.write(rows, state)
            outcome.created += part.created
            outcome.updated += part.updated
            outcome.unchanged += part.unchanged
            done += len(rows)
            progress("commit", done, report.total)
        spec.finalize(state)
    report.outcome = outcome
    return report


def load(data: bytes, filename: str) -> Table:
    return read_table(data, filename)
