"""The printable prescription sheet (科技扶贫技术处方): one A4 page in the layout of a Chinese
official form — the title in 小二号 bold, the number on the right, a header table (village,
industry, mission, date), the problems and the diagnosis, the measures table
(序号 / 技术措施 / 时间 / 投入品及用量 / 预期效果) and the leader's signature line.

Fonts: 宋体 (SimSun) for the body at 10.5 pt (五号), 黑体 for the title; margins 2.5 / 2 cm.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
BODY_SIZE = Pt(10.5)  # 五号
SMALL_SIZE = Pt(9)  # 小五
TITLE_SIZE = Pt(18)  # 小二
A4 = (Cm(21.0), Cm(29.7))
MARGINS = {"top": Cm(2.5), "bottom": Cm(2.0), "left": Cm(2.2), "right": Cm(2.2)}


def _font(run, *, name: str = BODY_FONT, size=BODY_SIZE, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    # East Asian text takes the eastAsia font, not the Latin one
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _para(container, text: str = "", *, align=None, size=BODY_SIZE, bold=False,
          name=BODY_FONT, space_after=None):
    space_after = Pt(2) if space_after is None else space_after
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = space_after
    p.paragraph_format.space_before = Pt(0)
    if text:
        _font(p.add_run(text), size=size, bold=bold, name=name)
    return p


def _cell(cell, text: str, *, bold=False, size=BODY_SIZE, align=None) -> None:
    cell.text = ""
    p = cell.paragraphs[0]
    p.paragraph_format.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    lines = str(text or "").splitlines() or [""]
    for i, line in enumerate(lines):
        run = p.add_run(line)
        _font(run, size=size, bold=bold)
        if i < len(lines) - 1:
            run.add_break()


def _date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "    年  月  日"


def build_sheet(prescription) -> bytes:
    """The sheet of one prescription as .docx bytes."""
    from fupin.core import places

    p = prescription
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = A4
    section.top_margin, section.bottom_margin = MARGINS["top"], MARGINS["bottom"]
    section.left_margin, section.right_margin = MARGINS["left"], MARGINS["right"]
    style = doc.styles["Normal"]
    style.font.name = BODY_FONT
    style.font.size = BODY_SIZE
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    _para(doc, _("科技扶贫技术处方"), align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_SIZE,
          bold=True, name=TITLE_FONT, space_after=Pt(4))
    _para(doc, _("处方编号：%(n)s") % {"n": p.number}, align=WD_ALIGN_PARAGRAPH.RIGHT,
          size=SMALL_SIZE, space_after=Pt(4))

    mission = p.mission
    head = doc.add_table(rows=2, cols=4)
    head.style = "Table Grid"
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = [(_("村（社区）"), places.area_name(p.area_code)), (_("产业"), p.industry.name),
             (_("科技扶贫特派团"), mission.name),
             (_("签发日期"), _date(p.issued_on) if p.issued_on else _("（草稿，未签发）"))]
    for i, (label, value) in enumerate(cells):
        row = head.rows[i // 2]
        _cell(row.cells[(i % 2) * 2], label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(row.cells[(i % 2) * 2 + 1], value)

    _para(doc, space_after=Pt(2))
    body = doc.add_table(rows=2, cols=2)
    body.style = "Table Grid"
    body.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row, (label, value) in zip(body.rows, [(_("症状 / 问题"), p.problems),
                                               (_("诊断"), p.diagnosis)], strict=True):
        _cell(row.cells[0], label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(row.cells[1], value)
        row.cells[0].width = Cm(3)
        row.cells[1].width = Cm(13.6)

    _para(doc, _("技术措施"), bold=True, space_after=Pt(2))
    measures = list(p.measures.order_by("order", "pk"))
    table = doc.add_table(rows=1 + len(measures), cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Cm(1.2), Cm(5.2), Cm(2.8), Cm(4.0), Cm(3.4)]
    headers = [_("序号"), _("技术措施"), _("时间"), _("投入品及用量"), _("预期效果")]
    for i, text in enumerate(headers):
        _cell(table.rows[0].cells[i], text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for r, m in enumerate(measures, start=1):
        values = [str(r), m.name, m.timing, m.inputs, m.expected_effect]
        for i, text in enumerate(values):
            _cell(table.rows[r].cells[i], text, size=SMALL_SIZE,
                  align=WD_ALIGN_PARAGRAPH.CENTER if i == 0 else None)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width

    _para(doc, space_after=Pt(6))
    leader = p.signed_by or mission.leader
    sign = _para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, space_after=Pt(4))
    _font(sign.add_run(_("团长（签字）：%(name)s") % {"name": leader.name}))
    _para(doc, _date(p.issued_on), align=WD_ALIGN_PARAGRAPH.RIGHT)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def sheet_filename(prescription) -> str:
    return f"{prescription.number}.docx"
