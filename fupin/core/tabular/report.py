"""The error report: the rows that failed, as they were in the file, with the row number and
what is wrong, as an .xlsx to fix and upload again.

Above the table, a short block says once each cause that fails many rows, with the rows it
covers (importer.Report.summary); the table's header stays within the rows the header finder
reads, so the fixed report uploads again as it is."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils.translation import gettext as _

SUMMARY_LINES = 8  # causes in the top block; the header row stays within the first 15 rows


def build_error_report(*, spec, headers: list[str], errors, summary=(), ignored=()) -> bytes:
    """`ignored`: header texts of the columns the import did not use, listed on a second
    sheet so that the user sees what was left out."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(_("错误"))
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    red = book.add_format({"font_color": "#C00000", "text_wrap": True})
    bold_red = book.add_format({"font_color": "#C00000", "bold": True})
    text = book.add_format({"num_format": "@"})
    top = 0
    if summary:
        sheet.write_string(0, 0, _("错误汇总（同一原因的行只说一次）"), bold_red)
        shown = list(summary)[:SUMMARY_LINES]
        for r, cause in enumerate(shown, start=1):
            sheet.write_string(r, 0, _("第 %(lines)s 行") % {"lines": cause.lines})
            sheet.write_string(r, 1, _("%(what)s（%(n)s 行）") % {
                "what": f"{cause.column}：{cause.message}" if cause.column else cause.message,
                "n": cause.count}, red)
        top = len(shown) + 1
        if len(summary) > len(shown):
            sheet.write_string(top, 1, _("另有 %(n)s 类错误，见下表") % {
                "n": len(summary) - len(shown)})
            top += 1
        top += 1  # a blank row before the table
    columns = [_("行号"), _("错误"), *headers]
    for i, title in enumerate(columns):
        sheet.write_string(top, i, title, head)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 1 + len(headers), 14, text)
    by_line: dict[int, list] = {}
    for e in errors:
        entry = by_line.setdefault(e.line, [[], e.raw])
        entry[0].append(f"{e.column}：{e.message}" if e.column else e.message)
        if e.raw and not entry[1]:
            entry[1] = e.raw
    for r, (line, (messages, raw)) in enumerate(sorted(by_line.items()), start=top + 1):
        sheet.write_number(r, 0, line)
        sheet.write_string(r, 1, "；".join(messages), red)
        for c, value in enumerate(raw or []):
            if value not in (None, ""):
                sheet.write_string(r, 2 + c, str(value))
    sheet.freeze_panes(top + 1, 2)
    if ignored:
        notes = book.add_worksheet(_("已忽略的列"))
        notes.write_string(0, 0, _("未使用、已忽略的列"), head)
        notes.set_column(0, 0, 30)
        for r, title in enumerate(ignored, start=1):
            notes.write_string(r, 0, str(title))
    book.close()
    return out.getvalue()
