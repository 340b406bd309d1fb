"""The catalog's spreadsheets: wrong headers, bad rows (nothing written), idempotent
re-imports, the 贫困村 list."""

import pytest

from fupin.areas.models import Area
from fupin.core.tabular import importer
from fupin.core.tabular.reader import TabularError
from fupin.core.testing.foreign import model_counts, workbook
from fupin.registry.tests.factories import make_household, make_person
from fupin.techaid.imports.catalog import (
    experts_import,
    groups_import,
    household_industries_import,
    poor_villages_import,
    split_names,
    technicians_import,
)
from fupin.techaid.models import Expert, ExpertGroup, GroupMember, HouseholdIndustry

from .factories_catalog import make_expert, make_industry

pytestmark = pytest.mark.django_db

LIZHOU = "510802"


def commit(spec, rows, actor):
    return importer.commit(spec, importer.load(workbook(spec, rows), "t.xlsx"), actor=actor)


def test_split_names():
    assert split_names("茶叶、核桃，茶叶; 道地中药材") == ["茶叶", "核桃", "道地中药材"]
    assert split_names("") == []


def test_a_file_without_the_required_column_is_refused(demo_users):
    import io

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["户编号", "规模"])
    sheet.write_row(1, 0, ["1", "5 亩"])
    book.close()
    before = model_counts()
    with pytest.raises((TabularError, importer.NeedsMapping)) as exc:
        importer.commit(household_industries_import, importer.load(out.getvalue(), "t.xlsx"),
                        actor=demo_users["village_a"])
    message = exc.value.describe() if hasattr(exc.value, "describe") else str(exc.value)
    assert "产业" in message
    assert model_counts() == before


def test_household_industries_by_number_or_head_and_all_or_nothing(demo_users):
    worker = demo_users["village_a"]
    make_industry("茶叶")
    make_industry("核桃")
    one = make_household(area_code=worker.scope_code)
    two = make_household(area_code=worker.scope_code)
    head = make_person(household=two, name="王五")
    good = [{"household_number": one.number, "industry": "茶叶", "main": "是", "scale": "5 亩"},
            {"head_id_number": head.reveal("id_number"), "head_name": "王五",
             "industry": "核桃", "main": "否"}]
    bad = [*good, {"household_number": one.number, "industry": "苹果"},
           {"household_number": "不存在", "industry": "茶叶"},
           {"head_id_number": head.reveal("id_number"), "head_name": "李四", "industry": "茶叶"},
           {"household_number": one.number, "industry": "茶叶"}]
    before = model_counts()
    report = commit(household_industries_import, bad, worker)
    assert not report.ok
    assert {e.line for e in report.errors} == {4, 5, 6, 7}
    messages = " ".join(e.message for e in report.errors)
    assert "产业目录中没有“苹果”" in messages and "户主姓名" in messages and "重复" in messages
    assert model_counts() == before
    report = commit(household_industries_import, good, worker)
    assert report.ok and report.outcome.created == 2
    rows = HouseholdIndustry.objects.filter(household__in=[one, two]).order_by("household_id")
    assert [(r.industry.name, r.main) for r in rows] == [("茶叶", True), ("核桃", False)]
    again = commit(household_industries_import, good, worker)
    assert (again.outcome.created, again.outcome.updated, again.outcome.unchanged) == (0, 0, 2)
    changed = commit(household_industries_import, [{**good[0], "scale": "8 亩"}], worker)
    assert changed.outcome.updated == 1


def test_household_industries_refused_for_a_role_without_writes(demo_users):
    make_industry("茶叶")
    household = make_household(area_code=demo_users["village_a"].scope_code)
    report = commit(household_industries_import,
                    [{"household_number": household.number, "industry": "茶叶"}],
                    demo_users["leader"])
    assert not report.ok and "无权导入" in report.errors[0].message


def test_experts_import_matches_by_name_and_phone_then_name_and_institution(demo_users):
    county = demo_users["lizhou_county"]
    make_industry("茶叶")
    rows = [{"name": "赵明", "institution": "省农科院", "title": "研究员", "industries": "茶叶",
             "phone": "13712345678", "research_institute": "是"},
            {"name": "赵明", "institution": "市农业局", "title": "农艺师"}]
    report = commit(experts_import, rows, county)  # the officer's county by default
    assert report.ok, report.errors
    assert report.outcome.created == 2
    zhao = Expert.objects.get(name="赵明", institution="省农科院")
    assert (zhao.area_code, zhao.title, zhao.research_institute) == (LIZHOU, "senior", True)
    assert zhao.phone_masked == "137****5678"
    assert list(zhao.industries.values_list("name", flat=True)) == ["茶叶"]
    # the same phone with a new institution: the same expert, updated
    moved = commit(experts_import, [{**rows[0], "institution": "四川农业大学"}], county)
    assert (moved.outcome.created, moved.outcome.updated) == (0, 1)
    zhao.refresh_from_db()
    assert zhao.institution == "四川农业大学"
    again = commit(experts_import, [{**rows[0], "institution": "四川农业大学"}, rows[1]], county)
    assert (again.outcome.created, again.outcome.updated) == (0, 0)


def test_experts_import_bad_rows_write_nothing(demo_users):
    county = demo_users["lizhou_county"]
    rows = [{"name": "甲", "institution": "省农科院", "industries": "没有的产业"},
            {"name": "乙", "institution": "省农科院", "phone": "12345"},
            {"name": "丙", "institution": "省农科院", "title": "院士候选"},
            {"name": "丁", "institution": "省农科院", "area_code": "510821"},
            {"name": "戊", "institution": "省农科院", "username": "village_a"}]
    before = model_counts()
    report = commit(experts_import, rows, county)
    assert not report.ok
    assert {e.line for e in report.errors} == {2, 3, 4, 5, 6}
    assert model_counts() == before


def test_experts_import_needs_a_county_above_the_county(demo_users):
    report = commit(experts_import, [{"name": "甲", "institution": "省农科院"}],
                    demo_users["admin"])
    assert not report.ok and "请填写区县" in report.errors[0].message
    ok = commit(experts_import, [{"name": "甲", "institution": "省农科院", "county": "利州区"}],
                demo_users["admin"])
    assert ok.ok and Expert.objects.get(name="甲").area_code == LIZHOU


def test_groups_import_creates_adds_members_and_is_idempotent(demo_users):
    county = demo_users["lizhou_county"]
    tea = make_industry("茶叶")
    chief = make_expert(area_code=LIZHOU, industries=[tea], name="钱首席")
    member = make_expert(area_code=LIZHOU, industries=[tea], name="孙成员")
    later = make_expert(area_code=LIZHOU, industries=[tea], name="李后来")
    row = {"name": "茶叶产业专家服务组", "industry": "茶叶", "chief": "钱首席", "members": "孙成员"}
    report = commit(groups_import, [row], county)
    assert report.ok, report.errors
    group = ExpertGroup.objects.get()
    assert group.chief == chief
    assert set(GroupMember.objects.filter(group=group).values_list("expert_id", flat=True)) \
        == {chief.pk, member.pk}
    assert commit(groups_import, [row], county).outcome.unchanged == 1
    grown = commit(groups_import, [{**row, "members": "孙成员、李后来"}], county)
    assert grown.outcome.updated == 1
    assert group.members.filter(expert=later, left_on__isnull=True).exists()


def test_groups_import_bad_rows_write_nothing(demo_users):
    county = demo_users["lizhou_county"]
    tea = make_industry("茶叶")
    make_industry("核桃")
    make_expert(area_code=LIZHOU, industries=[make_industry("核桃")], name="核桃专家")
    make_expert(area_code="510821", industries=[tea], name="外县专家")
    rows = [{"name": "组一", "industry": "茶叶", "chief": "核桃专家"},
            {"name": "组二", "industry": "核桃", "chief": "外县专家"},
            {"name": "组三", "industry": "苹果"},
            {"name": "组四", "industry": "茶叶"}]  # the same industry as line 2
    before = model_counts()
    report = commit(groups_import, rows, county)
    assert not report.ok
    assert {e.line for e in report.errors} == {2, 3, 4, 5}
    assert model_counts() == before


def test_technicians_import_by_township_name(demo_users):
    county = demo_users["lizhou_county"]
    make_industry("茶叶")
    township = Area.objects.get(pk=demo_users["lizhou_township"].scope_code)
    rows = [{"name": "郑技术员", "township": township.name, "industries": "茶叶",
             "load_limit": "30", "phone": "13412345678"}]
    report = commit(technicians_import, rows, county)
    assert report.ok, report.errors
    assert commit(technicians_import, rows, county).outcome.unchanged == 1
    bad = commit(technicians_import, [{**rows[0], "load_limit": "900"}], county)
    assert not bad.ok


# --- 贫困村 ---------------------------------------------------------------------------------------

def _villages(township, n=2):
    return list(Area.objects.filter(parent_id=township).order_by("code")[:n])


def test_poor_villages_import(demo_users):
    county = demo_users["lizhou_county"]
    township = Area.objects.get(pk=demo_users["lizhou_township"].scope_code)
    one, two = _villages(township.code)
    rows = [{"area_code": one.code, "identified_year": "2014", "exit_year": "2018"},
            {"township": township.name, "village": two.name, "poor_village": "是",
             "identified_year": "2014"}]
    report = commit(poor_villages_import, rows, county)
    assert report.ok, report.errors
    one.refresh_from_db()
    assert (one.poor_village, one.poor_identified_year, one.poor_exit_year) == (True, 2014, 2018)
    assert one.history.first().history_user == county
    assert commit(poor_villages_import, rows, county).outcome.updated == 0


def test_poor_villages_import_bad_rows_write_nothing(demo_users):
    county = demo_users["lizhou_county"]
    one, two = _villages(demo_users["lizhou_township"].scope_code)
    rows = [{"area_code": one.code, "identified_year": "2016", "exit_year": "2015"},
            {"area_code": two.code, "poor_village": "是"},
            {"area_code": demo_users["lizhou_township"].scope_code, "identified_year": "2014"},
            {"area_code": one.code, "identified_year": "1800"}]
    before = model_counts()
    report = commit(poor_villages_import, rows, county)
    assert not report.ok
    assert {e.line for e in report.errors} == {2, 3, 4, 5}
    assert model_counts() == before
    village = commit(poor_villages_import, [{"area_code": one.code, "identified_year": "2014"}],
                     demo_users["village_a"])
    assert not village.ok and "无权导入" in village.errors[0].message
