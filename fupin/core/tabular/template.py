"""The downloadable .xlsx template of an import spec: Chinese headers, dropdowns for coded
columns, an instructions sheet, and text format for long digit columns (ID, phone, account)."""

from __future__ import annotations

import io

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .spec import ImportSpec

TEMPLATE_ROWS = 5000  # rows that carry the dropdowns and the text format


def build_template(spec: ImportSpec) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    data = book.add_worksheet("数据")
    guide = book.add_worksheet("填写说明")
    options = book.add_worksheet("选项")
    options.hide()
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                            "valign": "vcenter"})
    head_required = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1,
                                     "font_color": "#C00000", "text_wrap": True,
                                     "valign": "vcenter"})
    text = book.add_format({"num_format": "@"})
    data.set_row(0, 30)
    option_col = 0
    for index, col in enumerate(spec.template_columns):
        data.write_string(0, index, col.label, head_required if col.required else head)
        data.set_column(index, index, col.width, text if col.is_text_column else None)
        if col.help:
            data.write_comment(0, index, col.help)
        values = None
        if col.kind == "choice":
            values = list(col.choices().values())
        elif col.kind == "bool":
            values = ["是", "否"]
        if values:
            options.write_string(0, option_col, col.label)
            for i, value in enumerate(values, start=1):
                options.write_string(i, option_col, value)
            letter = xl_col_to_name(option_col)
            data.data_validation(1, index, TEMPLATE_ROWS, index, {
                "validate": "list",
                "source": f"=选项!${letter}$2:${letter}${len(values) + 1}",
                "error_title": "请从下拉选项中选择", "error_message": "、".join(values)[:255],
            })
            option_col += 1
    data.freeze_panes(1, 0)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    bold = book.add_format({"bold": True})
    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 90)
    guide.write_string(0, 0, spec.title, bold)
    row = 2
    for line in spec.instructions:
        guide.write_string(row, 0, "•")
        guide.write_string(row, 1, line, wrap)
        row += 1
    row += 1
    guide.write_string(row, 0, "列", bold)
    guide.write_string(row, 1, "说明", bold)
    for col in spec.columns:
        row += 1
        note = ("必填。" if col.required else "") + (col.help or "")
        if col.synonyms:
            note += f"（也认：{'、'.join(col.synonyms)}）"
        if col.kind == "choice":
            note += " 可选：" + "、".join(col.choices().values())
        guide.write_string(row, 0, col.label)
        guide.write_string(row, 1, note, wrap)
    book.close()
    return out.getvalue()
