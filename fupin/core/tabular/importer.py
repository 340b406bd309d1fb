"""The shared import pipeline: read → find the header → parse every row → validate every row
(nothing written) → commit all-or-nothing in one transaction. Streams in chunks so that a
large file is validated and written without holding all parsed rows.

Progress goes through `progress(phase, done, total)`; the job runner stores it where a page
can read it while the transaction is still open.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models import Model, signals
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import stamps
from . import ledger, parsers
from .reader import (
    ROW_NUMBER_HEADERS,
    HeaderMatch,
    Table,
    TabularError,
    find_header,
    header_key,
    read_table,
)
from .spec import ImportSpec, Outcome, ParsedRow

CHUNK = 2000
MAX_ERRORS = 10_000
MAX_CAUSES = 10_000  # distinct (column, message) pairs counted for the summary
SUMMARY_MIN_ROWS = 3  # a cause that fails this many rows is said once, before the list
SUMMARY_RANGES = 12  # line ranges written out per cause ("第 4–39、41、45–50 行")
SQLITE_IMPORT_CACHE_KIB = 128 * 1024

Progress = Callable[[str, int, int], None]


class NeedsMapping(Exception):
    """The header could not be matched with confidence: the user maps the columns."""

    def __init__(self, header: HeaderMatch, headers: list[str], missing: list[str],
                 unresolved: list[str] | None = None, duplicates: list[str] | None = None):
        self.header = header
        self.headers = headers  # header texts of the file, by column index
        self.missing = missing  # labels of required columns not found
        self.unresolved = unresolved or []  # header texts that name no field
        self.duplicates = duplicates or []  # "label（header, header）" of fields named twice
        super().__init__(_("请确认各列对应的字段"))

    def describe(self) -> str:
        """The reason in one Chinese sentence, naming every column concerned (the command
        line, which has no mapping page)."""
        parts = []
        if self.missing:
            parts.append(_("缺少必填列：%(cols)s") % {"cols": "、".join(self.missing)})
        if self.duplicates:
            parts.append(_("多列对应同一字段：%(cols)s") % {"cols": "；".join(self.duplicates)})
        if self.unresolved:
            parts.append(_("无法识别的列：%(cols)s")
                         % {"cols": "、".join(f"“{h}”" for h in self.unresolved)})
        return "；".join(parts) or _("请确认各列对应的字段")


@dataclass
class RowError:
    line: int
    column: str
    message: str
    raw: list = field(default_factory=list)


def line_ranges(lines) -> list[tuple[int, int]]:
    """Line numbers as sorted (first, last) runs: 4, 5, 6, 9 → (4, 6), (9, 9)."""
    return merge_runs([(n, n) for n in lines])


def merge_runs(runs) -> list[tuple[int, int]]:
    """(first, last) runs sorted and merged where they touch or overlap."""
    merged: list[list[int]] = []
    for a, b in sorted(runs):
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def format_lines(ranges: list[tuple[int, int]], *, limit: int = SUMMARY_RANGES) -> str:
    """4–39、41、45–50 (and 等 past `limit` runs), for "第 … 行"."""
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in ranges[:limit]]
    text = "、".join(parts)
    return text + _("等") if len(ranges) > limit else text


@dataclass
class Cause:
    """One cause of failure — the same message in the same column — and the rows it fails."""

    column: str
    message: str
    ranges: list[tuple[int, int]]
    count: int

    @property
    def lines(self) -> str:
        return format_lines(self.ranges)

    def text(self) -> str:
        """第 4–39、41 行　村：在您的管辖范围内找不到“…”"""
        where = _("第 %(lines)s 行") % {"lines": self.lines}
        what = f"{self.column}：{self.message}" if self.column else self.message
        return f"{where}\u3000{what}"

    def as_dict(self) -> dict:
        return {"lines": self.lines, "count": self.count, "column": self.column,
                "message": self.message}


class _Causes:
    """Line runs per (column, message), kept as the rows are checked: the summary covers
    every error of the file, not only the first MAX_ERRORS kept for the row-by-row list."""

    def __init__(self):
        self.runs: dict[tuple[str, str], list[list[int]]] = {}

    def note(self, line: int, column: str, message: str) -> None:
        key = (column, message)
        runs = self.runs.get(key)
        if runs is None:
            if len(self.runs) >= MAX_CAUSES:
                return
            runs = self.runs[key] = []
        if runs and runs[-1][0] <= line <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], line)
        else:
            runs.append([line, line])

    def causes(self, min_rows: int) -> list[Cause]:
        out = []
        for (column, message), runs in self.runs.items():
            ranges = merge_runs(runs)
            count = sum(b - a + 1 for a, b in ranges)
            if count >= min_rows:
                out.append(Cause(column, message, ranges, count))
        out.sort(key=lambda c: (-c.count, c.ranges[0][0]))
        return out


@dataclass
class Report:
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_rows: int = 0
    outcome: Outcome | None = None
    header_row: int = 0
    headers: list[str] = field(default_factory=list)
    mapping: dict[int, str] = field(default_factory=dict)
    _causes: _Causes = field(default_factory=_Causes, repr=False)

    @property
    def ok(self) -> bool:
        return self.error_rows == 0

    def add_error(self, line: int, column: str, message: str, raw=None) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(line, column, message, raw or []))
        self._causes.note(line, column, message)

    def summary(self, min_rows: int = SUMMARY_MIN_ROWS) -> list[Cause]:
        """The causes that fail many rows, each said once with the rows it covers (most rows
        first), to show before the row-by-row list: on a phone, 36 rows of one wrong village
        name read as one line."""
        return self._causes.causes(min_rows)

    @property
    def ignored(self) -> list[str]:
        """Header texts of the columns the import does not use (listed, never blocking)."""
        return ignored_columns(self.headers, self.mapping)


def changed_since_check(line: int, message: str) -> TabularError:
    """For a spec's write(): under the import's transaction, a row no longer passes what
    validation allowed (someone changed the records meanwhile). Raised, it rolls the whole
    file back."""
    message = str(message).rstrip("。")
    return TabularError(_("第 %(line)s 行：%(message)s。校验之后数据有变化，未写入任何数据，"
                          "请核对后重新导入。") % {"line": line, "message": message})


def ignored_columns(headers: list[str], mapping: dict) -> list[str]:
    """The file's columns that no field takes: named on the page, in the error report and
    by the command, so that a user sees what was left out. Blank headers and a row-number
    column (序号) are not worth saying."""
    used = {int(i) for i in mapping}
    return [h for i, h in enumerate(headers)
            if i not in used and h and h.strip()
            and header_key(h).casefold() not in ROW_NUMBER_HEADERS]


def _noop(phase: str, done: int, total: int) -> None:
    pass


def locate(spec: ImportSpec, table: Table, mapping: dict[int, str] | None = None
           ) -> tuple[int, dict[int, str], list[str]]:
    """Header row index, column mapping (index → key) and header texts.

    A given `mapping` (from the mapping step) wins. Otherwise the header is found by the
    spec's labels and synonyms. When every required column is found, once, the header is
    resolved: columns the product does not use are ignored (and listed as such in the
    report), never a reason to stop — a national system's export has dozens of them.
    A missing required column or a field named by two columns asks the user (NeedsMapping,
    naming the columns concerned)."""
    match = find_header(table, spec.matcher())
    headers = ["" if v is None else str(v) for v in table.rows[match.row_index]]
    if mapping is not None:
        return match.row_index, dict(mapping), headers
    missing = spec.missing_required(match.mapping.values())
    if missing or match.duplicates:
        unknown = [t for _i, t in match.unknown if not spec.ignored(t)]
        by_key: dict[str, list[str]] = {}
        matcher = spec.matcher()
        for text in headers:
            key = matcher(text) if text else None
            if key in match.duplicates:
                by_key.setdefault(key, []).append(text)
        duplicates = [f"{spec.column(k).label}（{'、'.join(by_key.get(k, []))}）"
                      for k in match.duplicates]
        raise NeedsMapping(match, headers, [c.label for c in missing], unknown, duplicates)
    return match.row_index, dict(match.mapping), headers


def mapping_with(spec: ImportSpec, table: Table, choices: dict[str, str]) -> dict[int, str]:
    """The found header's mapping with the user's choices applied: {header text: field key,
    field label, or "" to ignore the column}. The command line's answer to the mapping page
    (`--map 列名=字段`). Unknown header texts or fields raise TabularError, naming them."""
    match = find_header(table, spec.matcher())
    headers = ["" if v is None else str(v) for v in table.rows[match.row_index]]
    by_text: dict[str, int] = {}
    for i, text in enumerate(headers):
        by_text.setdefault(header_key(text), i)
    fields = {}
    for col in spec.columns:
        fields[col.key] = col.key
        fields[header_key(col.label)] = col.key
    mapping = dict(match.mapping)
    for text, wanted in choices.items():
        index = by_text.get(header_key(text))
        if index is None:
            raise TabularError(_("表头中没有“%(col)s”这一列") % {"col": text})
        mapping.pop(index, None)
        if not wanted.strip():
            continue
        key = fields.get(wanted.strip()) or fields.get(header_key(wanted))
        if key is None:
            raise TabularError(_("“%(field)s”不是可导入的字段，可用：%(fields)s") % {
                "field": wanted, "fields": "、".join(c.label for c in spec.columns)})
        for i in [i for i, k in mapping.items() if k == key]:
            del mapping[i]  # the user's column takes the field
        mapping[index] = key
    return mapping


def _body(table: Table, header_row: int):
    rows, numbers = table.rows, table.row_numbers
    for i in range(header_row + 1, len(rows)):
        cells = rows[i]
        if cells.count("") + cells.count(None) < len(cells):  # not blank (counted in C)
            yield numbers[i], cells


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
                report.add_error(row.line, column, message, row.raw)


@contextmanager
def _bulk_work():
    """Keep the cyclic garbage collector off the table: a big file is a million lists that
    each collection of the oldest generation walks again, while the pipeline makes no
    reference cycles of its own that need collecting before it ends."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _database_tuned_for_import(using: str = DEFAULT_DB_ALIAS):
    """SQLite: a page cache that holds the indexes being filled (the default 2 MB makes
    every insert into the hash and name indexes read and write pages again)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def validate(spec: ImportSpec, table: Table, *, actor, mapping=None, as_of=None,
             progress: Progress = _noop) -> tuple[Report, object]:
    """Parse and check every row; write nothing. Returns the report and the spec's state.
    `as_of`: the date the file speaks of, for a `dated` spec (default: the import's day)."""
    header_row, mapping, headers = locate(spec, table, mapping)
    report = Report(header_row=header_row, headers=headers, mapping=mapping)
    total = sum(1 for _ in _body(table, header_row))
    report.total = total
    if total == 0:
        raise TabularError(_("表格只有表头，没有数据行。"))
    state = spec.start(actor=actor, as_of=as_of) if spec.dated else spec.start(actor=actor)
    compiled = spec.compile(mapping)
    done = 0
    with _bulk_work():
        for chunk in _chunks(_body(table, header_row), CHUNK):
            rows = [spec.parse_row(line, cells, mapping, compiled) for line, cells in chunk]
            spec.derive(rows, state)
            spec.check(rows, state)
            _collect(report, rows)
            done += len(rows)
            progress("validate", done, total)
    for line, column, message in spec.finish(state):
        report.error_rows += 1
        report.add_error(line, column, message)
    report.errors.sort(key=lambda e: e.line)
    return report, state


def commit(spec: ImportSpec, table: Table, *, actor, mapping=None, as_of=None,
           progress: Progress = _noop) -> Report:
    """Validate everything, then write everything in one transaction (all-or-nothing).
    Rows are re-parsed chunk by chunk for writing, so parsed rows are never all held."""
    report, state = validate(spec, table, actor=actor, mapping=mapping, as_of=as_of,
                             progress=progress)
    if not report.ok:
        return report
    mapping = report.mapping
    compiled = spec.compile(mapping)
    outcome = Outcome()
    done = 0
    with _bulk_work(), _database_tuned_for_import(), transaction.atomic(), stamps.deferred(), \
            ledger.recording() as written:
        spec.begin_write(state)
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
        # CONVENTIONS: every row written is visible to the actor, or the import rolls back
        written.verify(actor)
    report.outcome = outcome
    return report


def load(data: bytes, filename: str) -> Table:
    return read_table(data, filename)


# ---------------------------------------------------------------------------------------
# Writing many records: for specs' write()


def instance_factory(model: type[Model]) -> Callable[..., Model]:
    """A constructor of unsaved instances, `make(**values)`, for rows by the thousand.

    Model.__init__ resolves every field's default on every call; here the defaults are taken
    once from a template instance, and only callable defaults (a timestamp, a UUID) are
    called again per instance. Values given by anything but a column's attname ("pk", a
    related object), and models that listen to pre_init/post_init, get the real
    constructor."""
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model
    template = {k: v for k, v in model().__dict__.items() if k != "_state"}
    attnames = frozenset(f.attname for f in model._meta.concrete_fields)
    dynamic = [(f.attname, f.get_default) for f in model._meta.concrete_fields
               if f.has_default() and callable(f.default)]
    new = object.__new__

    def make(**values):
        if not attnames.issuperset(values):
            return model(**values)
        obj = new(model)
        attrs = obj.__dict__
        attrs.update(template)
        for attname, default in dynamic:
            if attname not in values:
                attrs[attname] = default()
        attrs["_state"] = ModelState()
        attrs.update(values)
        return obj

    return make


_PLAIN_TEXT = (models.CharField, models.TextField)
_PLAIN_NUMBER = (models.IntegerField, models.BooleanField, models.AutoField,
                 models.BigAutoField, models.SmallAutoField)


def _column(field, connection) -> tuple[str, tuple[type, ...], Callable]:
    """(attname, types passed as they are, adapter of anything else): the database parameter
    of a value is what field.get_db_prep_save gives. For text, numbers and keys that already
    have their Python type that is the value itself (the ORM's work on them is a no-op that
    costs microseconds per cell); any other value goes through the field, once per distinct
    value."""
    target = field.target_field if field.is_relation else field
    if type(target) in _PLAIN_TEXT:
        return field.attname, (str,), _prepared(field, connection)
    if type(target) in _PLAIN_NUMBER:
        return field.attname, (int, bool), _prepared(field, connection)
    return field.attname, (), _prepared(field, connection)


def _prepared(field, connection) -> Callable:
    known: dict = {}

    def adapt(value):
        key = (value.__class__, value)  # 1 == True == Decimal(1), but not to a field
        try:
            return known[key]
        except KeyError:
            if len(known) > 100_000:
                known.clear()
            adapted = known[key] = field.get_db_prep_save(value, connection)
            return adapted
        except TypeError:  # unhashable
            return field.get_db_prep_save(value, connection)

    return adapt


class BulkWriter:
    """Inserts and updates records of one model, with their history, for an import's write().

    `bulk_create_with_history` builds a second model instance per record and sends both
    through the ORM's insert compiler, which prepares each of 40 cells through several
    calls: far more than the database's own work (≈ 0.5 ms a record on a 2-core server).
    Here each column is adapted by a plain function, primary keys are allocated before the
    insert (so the history rows and other records can refer to them), and rows go in with
    executemany. The rows written are those simple_history writes: the record's tracked
    fields, history_type "+" (created) or "~" (changed), history_user, history_date, no
    change reason. Call inside the import's transaction."""

    HISTORY_FIELDS = ("history_date", "history_change_reason", "history_type",
                      "history_user_id")

    def __init__(self, model: type[Model], *, actor, using: str = DEFAULT_DB_ALIAS):
        self.model = model
        self._handed_out = 0  # SQLite: keys allocated but maybe not inserted yet
        self.actor_id = getattr(actor, "pk", None)
        self.connection = connection = connections[using]
        opts = model._meta
        self.fields = [f for f in opts.concrete_fields if not f.generated]
        self.pk = opts.pk
        self.columns = [_column(f, connection) for f in self.fields]
        self.auto_now = [(i, f) for i, f in enumerate(self.fields)
                         if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        qn = connection.ops.quote_name
        self.table = qn(opts.db_table)
        self.record_columns = [qn(f.column) for f in self.fields]
        history = model.history.model
        self.history_table = qn(history._meta.db_table)
        by_attname = {f.attname: i for i, f in enumerate(self.fields)}
        tracked = [f for f in history._meta.concrete_fields if f.attname in by_attname]
        self.history_columns = [qn(f.column) for f in tracked] + [
            qn(history._meta.get_field(name).column) for name in self.HISTORY_FIELDS]
        self.history_picks = [by_attname[f.attname] for f in tracked]
        expected = {f.attname for f in tracked} | set(self.HISTORY_FIELDS) | {
            history._meta.pk.attname}
        # A history model with fields of its own (extra attributes, a relation back) is
        # written by simple_history itself.
        self.native = ({f.attname for f in history._meta.concrete_fields} == expected
                       and all(not getattr(f, "db_default", None) or
                               f.db_default is models.NOT_PROVIDED for f in self.fields))

    # --- the statements -----------------------------------------------------------------
    def allocate(self, n: int) -> list[int]:
        """n new primary keys, taken from the table's sequence before the rows exist."""
        if n == 0:
            return []
        qn = self.connection.ops.quote_name
        opts = self.model._meta
        if self.connection.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"BulkWriter on {self.connection.vendor}")
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                               "FROM generate_series(1, %s)", [opts.db_table, self.pk.column, n])
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the import's transaction holds the write lock (BEGIN IMMEDIATE), so the
            # keys after the largest ever used (AUTOINCREMENT) and handed out are ours.
            if not self.connection.in_atomic_block:
                raise RuntimeError("BulkWriter needs the import's transaction")
            cursor.execute(f"SELECT MAX({qn(self.pk.column)}) FROM {self.table}")
            top = max(cursor.fetchone()[0] or 0, self._handed_out)
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [opts.db_table])
            row = cursor.fetchone()
            top = max(top, row[0] if row else 0)
            self._handed_out = top + n
            return list(range(top + 1, top + 1 + n))

    def _values(self, obj, add: bool) -> list:
        attrs = obj.__dict__
        # NULL is NULL for every field; plain values pass; the rest is adapted.
        values = [v if (v := attrs[attname]) is None or v.__class__ in types else adapt(v)
                  for attname, types, adapt in self.columns]
        for i, model_field in self.auto_now:
            values[i] = self.columns[i][2](model_field.pre_save(obj, add))
        return values

    def _insert(self, table: str, columns: list[str], rows: list[list]) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                # COPY: the rows stream in one statement (executemany would have the client
                # cursor quote every value into a statement of its own)
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) "
                                        "FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                                   f"VALUES ({', '.join(['%s'] * len(columns))})", rows)

    def _history(self, rows: list[list], history_type: str, when) -> None:
        date = self.connection.ops.adapt_datetimefield_value(when)
        extra = [date, None, history_type, self.actor_id]
        picks = self.history_picks
        self._insert(self.history_table, self.history_columns,
                     [[row[i] for i in picks] + extra for row in rows])

    # --- the operations -----------------------------------------------------------------
    def create(self, objs: list[Model], *, when, allocated: bool = False) -> None:
        """Insert new records and their "+" history; their primary keys are set, or were
        (`allocated`) taken from allocate()."""
        if not objs:
            return
        if not allocated:
            for obj, pk in zip(objs, self.allocate(len(objs)), strict=True):
                obj.pk = pk
        if not self.native:
            stamps.bulk_create_records(objs, self.model, batch_size=500,
                                       default_user=self._actor(), default_date=when)
            return
        for obj in objs:
            obj._state.adding = False
            obj._state.db = self.connection.alias
        rows = [self._values(obj, True) for obj in objs]
        self._insert(self.table, self.record_columns, rows)
        self._history(rows, "+", when)
        stamps.touch_records(self.model, objs)

    def update(self, objs: list[Model], fields: list[str], *, when) -> None:
        """Write `fields` (names or attnames) of changed records and their "~" history."""
        if not objs:
            return
        if not self.native:
            stamps.bulk_update_records(objs, self.model, fields, batch_size=500,
                                       default_user=self._actor(), default_date=when)
            return
        opts = self.model._meta
        names = {opts.get_field(name).attname for name in fields}
        moved = stamps.stored_areas(self.model, [o.pk for o in objs]) \
            if "area_code" in names else set()
        picks = [i for i, f in enumerate(self.fields) if f.attname in names]
        pk_index = self.fields.index(self.pk)
        qn = self.connection.ops.quote_name
        sql = (f"UPDATE {self.table} SET "
               + ", ".join(f"{qn(self.fields[i].column)} = %s" for i in picks)
               + f" WHERE {qn(self.pk.column)} = %s")
        rows = [self._values(obj, False) for obj in objs]
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, [[row[i] for i in picks] + [row[pk_index]] for row in rows])
        self._history(rows, "~", when)
        stamps.touch_records(self.model, objs, moved_from=moved)

    def _actor(self):
        if self.actor_id is None:
            return None
        from django.contrib.auth import get_user_model

        return get_user_model()(pk=self.actor_id)


def upsert_records(model: type[Model], items: list[tuple[Model | None, dict]], *, actor,
                   fields: list[str] | None = None) -> tuple[Outcome, list[Model]]:
    """Write an import chunk's records of `model` with their history: `items` are (the record
    the row names, or None for a new one; its values). A record whose values are unchanged is
    left alone (a re-import changes nothing) — texts compared as the parsers clean them, so a
    value typed on a form with full-width punctuation is not changed by its own export;
    a changed one gets a new version. `fields` are
    the fields an update may write (default: every key of the values). Returns the outcome
    and the records written."""
    now = timezone.now()
    new, changed, outcome = [], [], Outcome()
    for record, values in items:
        if record is None:
            new.append(model(**values, created_at=now, updated_at=now))
            outcome.created += 1
            continue
        diff = {k: v for k, v in values.items()
                if getattr(record, k) != v and not parsers.same_text(getattr(record, k), v)}
        if not diff:
            outcome.unchanged += 1
            continue
        for k, v in diff.items():
            setattr(record, k, v)
        record.version += 1
        record.updated_at = now
        changed.append(record)
        outcome.updated += 1
    if new:
        stamps.bulk_create_records(new, model, batch_size=500, default_user=actor)
    if changed:
        names = fields or sorted({k for _record, values in items for k in values})
        stamps.bulk_update_records(changed, model, [*names, "version", "updated_at"],
                                   batch_size=500, default_user=actor)
    return outcome, new + changed
