"""The printable prescription sheet (.docx): real Word file, opened again with python-docx,
holding the texts of the official layout on one A4 page."""

import io

import pytest
from docx import Document
from docx.shared import Cm, Pt

from fupin.techaid.prescription_sheet import build_sheet

from .factories_catalog import make_expert
from .factories_prescriptions import make_measure, make_mission, make_prescription


@pytest.fixture
def prescription(areas):
    mission = make_mission(area_code="510821", name="东河村科技扶贫特派团",
                           leader=make_expert(name="王建国"))
    p = make_prescription(mission=mission, issued=True, measures=0, number="CF-TEST-01")
    for i in range(8):
        make_measure(prescription=p, name=f"措施{i + 1}", inputs="复合肥 30 kg/亩")
    return p


def _texts(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_sheet_holds_the_official_texts(prescription):
    doc = Document(io.BytesIO(build_sheet(prescription)))
    text = _texts(doc)
    assert doc.paragraphs[0].text == "科技扶贫技术处方"
    for expected in ("CF-TEST-01", "东河村科技扶贫特派团", "茶叶", "症状 / 问题", "诊断",
                     "茶园杂草多，病虫害重", "管理粗放，缺少修剪和施肥", "团长（签字）：王建国",
                     "2017年4月1日"):
        assert expected in text, expected
    measures = doc.tables[-1]
    assert [c.text for c in measures.rows[0].cells] == ["序号", "技术措施", "时间",
                                                        "投入品及用量", "预期效果"]
    assert len(measures.rows) == 9 and measures.rows[8].cells[1].text == "措施8"


def test_sheet_is_one_a4_page_at_official_sizes(prescription):
    doc = Document(io.BytesIO(build_sheet(prescription)))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert section.top_margin >= Cm(2) and section.left_margin >= Cm(2)
    sizes = {r.font.size for p in doc.paragraphs for r in p.runs if r.font.size}
    assert max(sizes) == Pt(18) and min(sizes) >= Pt(9)
    # one page: a rough line budget of the printable height (10.5 pt body ≈ 0.55 cm a line)
    lines = len(doc.paragraphs) + sum(len(t.rows) for t in doc.tables) + 4  # problems etc.
    printable = section.page_height - section.top_margin - section.bottom_margin
    assert lines * Cm(0.75) < printable
    assert not any("w:br" in p._p.xml and 'w:type="page"' in p._p.xml for p in doc.paragraphs)


def test_sheet_download_is_scoped(prescription, demo_users, client):
    client.force_login(demo_users["wangcang_county"])
    resp = client.get(f"/techaid/prescriptions/{prescription.pk}/sheet.docx")
    assert resp.status_code == 200
    assert resp["Content-Type"].endswith("wordprocessingml.document")
    assert Document(io.BytesIO(resp.content)).paragraphs[0].text == "科技扶贫技术处方"
    client.force_login(demo_users["lizhou_county"])
    assert client.get(f"/techaid/prescriptions/{prescription.pk}/sheet.docx").status_code == 404


def test_a_draft_sheet_says_it_is_not_issued(areas):
    p = make_prescription(area_code="510821")
    assert "草稿" in _texts(Document(io.BytesIO(build_sheet(p))))
