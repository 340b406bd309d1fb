"""The missions and prescriptions imports: bad headers and bad rows write nothing, a valid
file writes through the services, and importing it again changes nothing."""

import pytest

from fupin.core.tabular import importer
from fupin.core.tabular.reader import TabularError
from fupin.core.testing.foreign import model_counts, workbook
from fupin.techaid.imports.prescriptions import missions_import, parse_members, prescriptions_import
from fupin.techaid.models import Mission, Prescription

from .factories_catalog import make_expert, make_industry, make_technician
from .factories_prescriptions import make_mission, make_poor_village


@pytest.fixture
def county(demo_users):
    return demo_users["wangcang_county"]


def _commit(spec, rows, actor):
    return importer.commit(spec, importer.load(workbook(spec, rows), "t.xlsx"), actor=actor)


def test_members_cell_is_read_with_either_separator():
    assert parse_members("张三:茶叶、李四：核桃，王五") == [("张三", "茶叶"), ("李四", "核桃"),
                                                       ("王五", "")]


def test_mission_import_forms_updates_and_is_idempotent(county):
    village = make_poor_village("510821")
    make_expert(area_code="510821", name="李团长")
    make_technician(area_code=village[:9], name="张技术")
    make_technician(area_code=village[:9], name="赵技术")
    make_industry("茶叶"), make_industry("核桃")
    rows = [{"area_code": village, "name": "特派团", "leader": "李团长",
             "members": "张技术:茶叶、赵技术:核桃", "formed_on": "2017年3月1日"}]
    report = _commit(missions_import, rows, county)
    assert report.ok and report.outcome.created == 1, report.errors
    mission = Mission.objects.get(area_code=village)
    assert sorted(m.technician.name for m in mission.members.all()) == ["张技术", "赵技术"]
    counts = model_counts()
    again = _commit(missions_import, rows, county)
    assert again.ok and (again.outcome.created, again.outcome.updated) == (0, 0)
    assert model_counts() == counts
    # a member left out leaves; a changed name updates
    rows[0].update(members="张技术:茶叶", name="新特派团")
    changed = _commit(missions_import, rows, county)
    assert changed.ok and changed.outcome.updated == 1
    mission.refresh_from_db()
    assert mission.name == "新特派团"
    assert [m.technician.name for m in mission.members.filter(left_on__isnull=True)] == \
        ["张技术"]
    assert mission.members.count() == 2  # the one who left is kept


def test_mission_import_bad_rows_write_nothing(county):
    from fupin.areas.models import Area

    poor, not_poor = Area.objects.filter(level="village", code__startswith="510821") \
        .order_by("code").values_list("code", flat=True)[:2]
    Area.objects.filter(pk=poor).update(poor_village=True)
    make_expert(area_code="510821", name="李团长")
    make_expert(area_code="510821", name="农业局专家", research_institute=False)
    rows = [
        {"area_code": poor, "name": "甲", "leader": "李团长", "formed_on": "2017-03-01"},
        {"area_code": not_poor, "name": "乙", "leader": "李团长", "formed_on": "2017-03-01"},
        {"area_code": poor, "name": "丙", "leader": "农业局专家", "formed_on": "2017-03-01"},
        {"area_code": poor, "name": "丁", "leader": "没有这个人", "formed_on": "2017-13-01"},
    ]
    before = model_counts()
    report = _commit(missions_import, rows, county)
    assert not report.ok
    messages = " ".join(e.message for e in report.errors)
    for text in ("不是贫困村", "科研院所专家", "没有名为“没有这个人”", "同一个村"):
        assert text in messages, text
    assert {e.line for e in report.errors} == {3, 4, 5}
    assert model_counts() == before


def test_import_with_a_wrong_header_is_refused(county):
    import io

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["甲", "乙", "丙"])
    sheet.write_row(1, 0, ["1", "2", "3"])
    book.close()
    before = model_counts()
    with pytest.raises(TabularError, match="找不到表头"):
        importer.commit(missions_import, importer.load(out.getvalue(), "t.xlsx"), actor=county)
    assert model_counts() == before


def test_a_header_missing_a_required_column_asks_for_mapping(county):
    rows = [{"area_code": "x"}]
    table = importer.load(workbook(missions_import, rows), "t.xlsx")
    table.rows[0] = [c if c != "团长" else "领导" for c in table.rows[0]]
    with pytest.raises(importer.NeedsMapping):
        importer.commit(missions_import, table, actor=county)


# --- prescriptions ----------------------------------------------------------------------------

def _measure_rows(village, **kw):
    base = {"area_code": village, "industry": "茶叶", "year": "2017",
            "problems": "杂草多", "diagnosis": "管理粗放"}
    return [{**base, "order": "2", "measure": "测土配方施肥", "timing": "4月", **kw},
            {**base, "order": "1", "measure": "春季修剪", "timing": "3月", **kw},
            {**base, "industry": "核桃", "problems": "结果少", "diagnosis": "树形乱",
             "order": "1", "measure": "冬季修剪", **kw}]


def test_prescription_rows_group_into_prescriptions_and_reimport_changes_nothing(county):
    mission = make_mission(area_code="510821")
    make_industry("茶叶"), make_industry("核桃")
    rows = _measure_rows(mission.area_code)
    report = _commit(prescriptions_import, rows, county)
    assert report.ok and report.outcome.created == 2, report.errors
    tea = Prescription.objects.get(industry__name="茶叶")
    assert [m.name for m in tea.measures.all()] == ["春季修剪", "测土配方施肥"]
    assert tea.status == Prescription.Status.DRAFT and tea.mission == mission
    counts = model_counts()
    again = _commit(prescriptions_import, rows, county)
    assert again.ok and (again.outcome.created, again.outcome.updated) == (0, 0)
    assert model_counts() == counts
    rows[0]["timing"] = "4月中旬"
    changed = _commit(prescriptions_import, rows, county)
    assert changed.ok and changed.outcome.updated == 1
    assert tea.measures.get(order=2).timing == "4月中旬"


def test_prescription_import_records_issued_ones_and_never_edits_them(county):
    mission = make_mission(area_code="510821")
    make_industry("茶叶"), make_industry("核桃")
    rows = _measure_rows(mission.area_code, issued_on="2017-04-01")
    assert _commit(prescriptions_import, rows, county).ok
    tea = Prescription.objects.get(industry__name="茶叶")
    assert (tea.status, str(tea.issued_on), tea.signed_by) == \
        ("issued", "2017-04-01", mission.leader)
    rows[0]["measure"] = "改过的措施"
    before = model_counts()
    report = _commit(prescriptions_import, rows, county)
    assert not report.ok and "已签发，不能修改" in report.errors[0].message
    assert model_counts() == before


def test_prescription_bad_rows_write_nothing(county):
    mission = make_mission(area_code="510821")
    from fupin.areas.models import Area

    no_mission = Area.objects.filter(level="village", code__startswith="510821").exclude(
        pk=mission.area_code).order_by("code").values_list("code", flat=True).first()
    Area.objects.filter(pk=no_mission).update(poor_village=True)
    make_industry("茶叶")
    rows = [
        {"area_code": mission.area_code, "industry": "茶叶", "year": "2017",
         "problems": "甲", "diagnosis": "乙", "measure": "修剪"},
        {"area_code": mission.area_code, "industry": "茶叶", "year": "2017",
         "problems": "不同的症状", "diagnosis": "乙", "measure": "施肥"},
        {"area_code": no_mission, "industry": "茶叶", "year": "2017", "problems": "甲",
         "diagnosis": "乙", "measure": "修剪"},
        {"area_code": mission.area_code, "industry": "没有的产业", "year": "2017",
         "problems": "甲", "diagnosis": "乙", "measure": "修剪"},
        {"area_code": mission.area_code, "industry": "茶叶", "year": "2018",
         "problems": "甲", "measure": "", "timing": "3月"},
    ]
    before = model_counts()
    report = _commit(prescriptions_import, rows, county)
    assert not report.ok
    messages = " ".join(e.message for e in report.errors)
    for text in ("前面各行的内容不同", "还没有科技扶贫特派团", "不存在或已停用", "请填写技术措施",
                 "缺少诊断"):
        assert text in messages, text
    assert model_counts() == before


def test_an_expert_who_does_not_lead_the_mission_cannot_import_its_prescriptions(demo_users):
    mission = make_mission(area_code="510821")
    make_expert(area_code="510821", user=demo_users["expert"])  # leads nothing
    make_industry("茶叶")
    before = model_counts()
    report = _commit(prescriptions_import, _measure_rows(mission.area_code)[:2],
                     demo_users["expert"])
    assert not report.ok and "团长" in report.errors[0].message
    assert model_counts() == before


@pytest.mark.parametrize("spec", ["missions", "prescriptions"])
def test_the_import_pages_serve_the_template_and_take_an_upload(spec, county, client):
    import io

    from python_calamine import CalamineWorkbook

    client.force_login(county)
    resp = client.get(f"/imports/{spec}/template/")
    assert resp.status_code == 200
    content = resp.content if not resp.streaming else b"".join(resp.streaming_content)
    header = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0) \
        .to_python()
    assert "区划代码" in [str(c) for row in header[:3] for c in row]
    assert client.get(f"/imports/{spec}/upload/").status_code == 200
