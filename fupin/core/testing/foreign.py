"""The generic import scope test (DESIGN §1: an import creates or changes nothing outside the
actor's scope, including what a row reaches through another record).

Each app's tests register, per import spec name, a builder of "foreign" rows — rows of the
actor's own file that name another village's household, head, person, post or course — in
`<app>/tests/foreign_rows.py` (found by `autodiscover()`, as the factories are):

    @foreign_rows("persons")
    def persons_foreign(users):
        ...make records in village_b...
        return [ForeignCase("household joined by a head of village_b", users["village_a"],
                            [{"name": ..., "id_number": ..., "head_id_number": ...}])]

`check_foreign_rows` then imports each case's rows through the shared pipeline and proves
that every row is refused with a Chinese message and that nothing is written (the count of
every model, history included, unchanged). A meta-test fails for a registered ImportSpec
without a builder, so a new spec is covered by registering one.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.utils.module_loading import autodiscover_modules


@dataclass
class ForeignCase:
    what: str  # what the rows reach, for the assertion message
    actor: object  # who imports
    rows: list[dict]  # column key → cell value, one dict a row


_builders: dict[str, Callable[[dict], list[ForeignCase]]] = {}


def foreign_rows(spec_name: str):
    """Decorator: a builder `(users) -> [ForeignCase]` for the spec named `spec_name`;
    `users` are the demo users by username."""

    def deco(fn):
        _builders[spec_name] = fn
        return fn

    return deco


def autodiscover() -> None:
    autodiscover_modules("tests.foreign_rows")


def builder_for(spec_name: str):
    autodiscover()
    return _builders.get(spec_name)


def workbook(spec, rows: list[dict]) -> bytes:
    """An .xlsx with the spec's headers and the rows' cells, every cell as text."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [c.label for c in spec.columns])
    for r, row in enumerate(rows, start=1):
        for c, col in enumerate(spec.columns):
            value = row.get(col.key)
            if value not in (None, ""):
                sheet.write_string(r, c, str(value))
    book.close()
    return out.getvalue()


def model_counts() -> dict[str, int]:
    """The number of rows of every model, history models included."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def check_foreign_rows(spec, cases: list[ForeignCase]) -> None:
    from fupin.core.tabular import importer

    assert cases, f"{spec.name}: the foreign-row builder gave no case"
    for case in cases:
        before = model_counts()
        report = importer.commit(spec, importer.load(workbook(spec, case.rows), "foreign.xlsx"),
                                 actor=case.actor)
        where = f"{spec.name}: {case.what}"
        assert not report.ok, f"{where}: imported (rows outside the scope were written)"
        lines = {e.line for e in report.errors}
        assert lines == set(range(2, 2 + len(case.rows))), \
            f"{where}: not every row was refused: {report.errors}"
        assert all(e.message and not e.message.isascii() for e in report.errors), \
            f"{where}: a message is not in Chinese: {report.errors}"
        after = model_counts()
        changed = {k: (before[k], after[k]) for k in before if before[k] != after.get(k)}
        assert not changed, f"{where}: records were written: {changed}"
