"""Reconciliation with the national system (DESIGN §2, issue 8 item 5): each kind of
disagreement, the one-click fixes clearing it, scoping, the page and API, the indicator."""

import datetime

import pytest
from django.utils import timezone

from fupin.core import indicators as ind
from fupin.employment.services import employment_create
from fupin.registry import services
from fupin.registry.models import Household, NationalReport, Person
from fupin.registry.reconciliation import mismatch_counts, page_rows, village_mismatches
from fupin.registry.tests.factories import fake_id
from fupin.registry.tests.test_national import commit, national_file, national_rows

DAY = datetime.date(2017, 10, 31)
VILLAGE_A = "510802001001"  # 翠屏社区 (village_a)
VILLAGE_B = "510802001002"  # 陈家壕社区 (village_b)


def load(demo_users, rows=None):
    report = commit(demo_users["lizhou_county"], national_file(rows), as_of=DAY)
    assert report.ok, report.errors


def kinds(user, village):
    """{name: set of kinds} of a village's list."""
    out = {}
    for p in village_mismatches(user=user, village=village):
        out[p.name] = {k for k in ("working_unrecorded", "employed_unreported",
                                   "size_differs", "not_listed") if getattr(p, f"is_{k}")}
    return out


def test_the_system_says_working_and_no_employment_is_recorded(demo_users):
    load(demo_users)
    county = demo_users["lizhou_county"]
    assert kinds(county, VILLAGE_A) == {"张大山": {"working_unrecorded"}}
    # the fix: record the employment; the derived status now agrees
    head = Person.objects.get(name="张大山")
    employment_create(actor=demo_users["village_a"], data={
        "person": head, "employer": "深圳市华强电子有限公司", "place": "04",
        "start_date": datetime.date(2017, 1, 1)})
    head.refresh_from_db()
    assert head.employment_status == "employed"
    assert kinds(county, VILLAGE_A) == {}


def test_a_record_says_employed_and_the_system_says_not_working(demo_users):
    load(demo_users)
    wife = Person.objects.get(name="李秀英")
    employment_create(actor=demo_users["village_a"], data={
        "person": wife, "employer": "利州区宏达制衣厂", "place": "02",
        "start_date": datetime.date(2017, 3, 1)})
    assert kinds(demo_users["village_a"], VILLAGE_A)["李秀英"] == {"employed_unreported"}
    # the fix: the system's report is outdated (the record is right)
    services.national_report_mark_outdated(actor=demo_users["village_a"], person=wife)
    assert "李秀英" not in kinds(demo_users["village_a"], VILLAGE_A)
    report = NationalReport.objects.get(person=wife)
    assert report.outdated_at is not None and report.history.count() == 2
    # the same file again does not bring her back; a file that says otherwise does
    load(demo_users)
    assert "李秀英" not in kinds(demo_users["village_a"], VILLAGE_A)
    rows = national_rows()
    rows[1][15], rows[1][16] = "未务工", ""
    commit(demo_users["lizhou_county"], national_file(rows), as_of=datetime.date(2018, 3, 1))
    assert "李秀英" in kinds(demo_users["village_a"], VILLAGE_A)


def test_household_size_and_a_member_the_file_did_not_list(demo_users):
    load(demo_users)
    village_a = demo_users["village_a"]
    household = Household.objects.get(number="510802001001000101")
    services.person_register(actor=village_a, household=household, protected={
        "id_number": fake_id(birth=datetime.date(1996, 2, 3))}, data={
        "name": "张小军", "relation": "03", "labour_capacity": "01"})
    found = kinds(village_a, VILLAGE_A)
    assert found["张小军"] == {"not_listed"}
    assert found["张大山"] == {"working_unrecorded", "size_differs"}  # 3 in the file, 4 here
    rows = {p.name: said for p, said in page_rows(
        village_mismatches(user=village_a, village=VILLAGE_A))}
    assert any("家庭人数 3 人，档案在册 4 人" in s for s in rows["张大山"])
    assert any("没有此人" in s for s in rows["张小军"])
    # the member is in the next file: both disagreements go
    later = national_rows()
    extra = list(later[1])
    extra[5], extra[6], extra[7] = "51080200100100010104", "张小军", \
        Person.objects.get(name="张小军").reveal("id_number")
    extra[9], extra[14], extra[15], extra[16] = "之子", "普通劳动力", "未务工", 0
    later.insert(3, extra)
    for row in later[:4]:
        row[8] = 4
    commit(demo_users["lizhou_county"], national_file(later), as_of=datetime.date(2018, 3, 1))
    assert kinds(village_a, VILLAGE_A) == {"张大山": {"working_unrecorded"}}
    # a member who left: retire her, and the household size differs again
    services.person_retire(actor=village_a, person=Person.objects.get(name="张小花"))
    assert kinds(village_a, VILLAGE_A)["张大山"] == {"working_unrecorded", "size_differs"}


def test_a_later_file_that_leaves_a_member_out(demo_users):
    load(demo_users)
    rows = [r for r in national_rows() if r[6] != "张小花"]
    for row in rows[:2]:
        row[8] = 2
    commit(demo_users["lizhou_county"], national_file(rows), as_of=datetime.date(2018, 3, 1))
    found = kinds(demo_users["village_a"], VILLAGE_A)
    assert found["张小花"] == {"not_listed"}
    report = NationalReport.objects.get(person__name="张小花")
    assert (report.listed, report.reported_on) == (False, datetime.date(2018, 3, 1))
    # the same file again changes nothing; an older one does not bring her back
    count = NationalReport.history.count()
    commit(demo_users["lizhou_county"], national_file(rows), as_of=datetime.date(2018, 3, 1))
    assert NationalReport.history.count() == count
    load(demo_users)
    assert kinds(demo_users["village_a"], VILLAGE_A)["张小花"] == {"not_listed"}


def test_marking_a_not_listed_member_outdated(demo_users):
    load(demo_users)
    village_a = demo_users["village_a"]
    household = Household.objects.get(number="510802001001000101")
    member = services.person_register(actor=village_a, household=household, protected={
        "id_number": fake_id(birth=datetime.date(1996, 2, 3))}, data={
        "name": "张小军", "relation": "03", "labour_capacity": "01"})
    services.national_report_mark_outdated(actor=village_a, person=member)
    assert "张小军" not in kinds(village_a, VILLAGE_A)
    report = member.national_report
    assert report.listed is False and report.reported_on == DAY


def test_scoping_another_villages_people_are_invisible(demo_users, client):
    rows = national_rows()
    rows[3][8] = 2  # 王建国's household: 2 in the file, 1 registered
    load(demo_users, rows)
    village_a, village_b = demo_users["village_a"], demo_users["village_b"]
    assert kinds(village_b, VILLAGE_B) == {"王建国": {"size_differs"}}
    assert kinds(village_a, VILLAGE_B) == {}
    assert kinds(village_b, VILLAGE_A) == {}
    total, _children = mismatch_counts(user=village_b, area=VILLAGE_B)
    assert total["total"] == 1
    county_total, children = mismatch_counts(user=demo_users["lizhou_county"], area="510802")
    assert county_total["total"] == 2 and [c["code"] for c in children] == ["510802001"]
    client.force_login(village_b)
    assert client.get(f"/registry/national/?area={VILLAGE_A}").status_code == 404
    wang = Person.objects.get(name="张大山")
    assert client.post(f"/registry/national/{wang.pk}/outdated/").status_code == 404
    assert NationalReport.objects.get(person=wang).outdated_at is None


def test_pages_drill_down_and_one_click_fixes(demo_users, client):
    load(demo_users)
    client.force_login(demo_users["lizhou_county"])
    page = client.get("/registry/national/").content.decode()
    assert "东坝街道" in page and 'href="?area=510802001"' in page
    page = client.get("/registry/national/?area=510802001").content.decode()
    assert f'href="?area={VILLAGE_A}"' in page
    client.force_login(demo_users["village_a"])
    page = client.get("/registry/national/").content.decode()
    assert "张大山" in page and "国办系统（2017-10-31）" in page
    assert "省外务工" in page and "没有在岗的就业记录" in page
    head = Person.objects.get(name="张大山")
    link = (f"/employment/employments/new/?person={head.pk}&amp;place=04"
            "&amp;start_date=2017-01-01")
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="2017-01-01"' in form and 'value="04" selected' in form
    resp = client.post(f"/registry/national/{head.pk}/outdated/")
    assert resp.status_code == 302
    after = client.get("/registry/national/").content.decode()
    assert 'data-testid="national-row"' not in after and "没有不一致" in after
    # the navigation has the page; the person's page shows the report beside the status
    assert 'href="/registry/national/"' in page
    person_page = client.get(f"/registry/persons/{head.pk}/").content.decode()
    assert "国办系统报告" in person_page and "已标记过时" in person_page
    assert "51080200100100010101" in person_page


def test_api_lists_reports_marks_one_outdated_and_counts(demo_users, client):
    load(demo_users)
    client.force_login(demo_users["village_a"])
    body = client.get("/api/v1/national-reports/").json()
    names = {r["person_name"] for r in body["results"]}
    assert names == {"张大山", "李秀英", "张小花"}
    counts = client.get("/api/v1/national-reports/mismatches/").json()
    assert counts["total"]["total"] == 1 and counts["total"]["working_unrecorded"] == 1
    head = NationalReport.objects.get(person__name="张大山")
    resp = client.post(f"/api/v1/national-reports/{head.pk}/outdated/", {"reason": "已返乡"},
                       content_type="application/json")
    assert resp.status_code == 200 and resp.json()["outdated_reason"] == "已返乡"
    assert client.get("/api/v1/national-reports/mismatches/").json()["total"]["total"] == 0
    resp = client.patch(f"/api/v1/national-reports/{head.pk}/", {"version": head.version + 1,
                        "work_status": "09"}, content_type="application/json")
    assert resp.status_code == 405  # the reports are the import's: the API only reads them
    assert client.post("/api/v1/national-reports/", {"person": head.person_id},
                       content_type="application/json").status_code == 405
    assert client.get(f"/api/v1/national-reports/mismatches/?area={VILLAGE_B}").status_code \
        == 404


def test_indicator_counts_the_mismatches(demo_users, client):
    rows = national_rows()
    rows[3][8] = 2
    load(demo_users, rows)
    county = demo_users["lizhou_county"]
    period = ind.Period(timezone.localdate().year)
    total, children = ind.compute_with_children(area="510802", period=period,
                                                keys=["national_mismatch"], user=county,
                                                children=True)
    assert total["national_mismatch"] == 2
    assert children["510802001"]["national_mismatch"] == 2
    # the fix moves the figure (the report's write stamps its area)
    services.national_report_mark_outdated(actor=county, person=Person.objects.get(
        name="王建国"))
    total, _children = ind.compute_with_children(area="510802", period=period,
                                                 keys=["national_mismatch"], user=county,
                                                 children=False)
    assert total["national_mismatch"] == 1
    client.force_login(county)
    page = client.get("/reports/indicators/?area=510802").content.decode()
    assert 'data-indicator="national_mismatch"' in page and "与国办系统不一致人数" in page


def test_reports_are_not_retired_by_hand_and_household_figures_not_typed(demo_users, client):
    """The national system's word comes only from its files: no page or API retires a report,
    and the household's 人数 / 人均纯收入 from the system are read-only in the API."""
    from fupin.core.errors import ServiceError
    from fupin.registry.resources import national_reports

    commit(demo_users["lizhou_county"], national_file(), as_of=datetime.date(2017, 10, 31))
    report = NationalReport.objects.get(person__name="张大山")
    with pytest.raises(ServiceError):
        national_reports.retire(actor=demo_users["village_a"], instance=report)
    client.force_login(demo_users["village_a"])
    household = report.person.household
    resp = client.patch(f"/api/v1/households/{household.pk}/",
                        {"national_size": 9, "version": household.version},
                        content_type="application/json")
    assert resp.status_code == 400 and "national_size" in resp.json()
    report.refresh_from_db()
    household.refresh_from_db()
    assert report.retired_at is None and household.national_size == 3


def test_out_of_range_counts_are_row_errors(demo_users):
    rows = national_rows()
    rows[0][8], rows[1][16] = 500, 99999  # 人数, 务工时间（月）
    report = commit(demo_users["lizhou_county"], national_file(rows))
    assert not report.ok
    assert {(e.line, e.column) for e in report.errors} >= {(3, "人数"), (4, "务工时间（月）")}
    assert not NationalReport.objects.exists()


def test_readers_see_the_list_without_the_fixes_and_bad_bodies_are_refused(demo_users,
                                                                           client):
    commit(demo_users["lizhou_county"], national_file(), as_of=DAY)
    client.force_login(demo_users["leader"])
    html = client.get(f"/registry/national/?area={VILLAGE_A}").content.decode()
    assert "张大山" in html and "国办系统数据已过时" not in html
    client.force_login(demo_users["village_a"])
    html = client.get(f"/registry/national/?area={VILLAGE_A}").content.decode()
    assert "国办系统数据已过时" in html
    head = NationalReport.objects.get(person__name="张大山")
    url = f"/api/v1/national-reports/{head.pk}/outdated/"
    for body in ('["reason"]', '{"reason": "x", "typo": 1}'):
        resp = client.post(url, body, content_type="application/json")
        assert resp.status_code == 400, body
    head.refresh_from_db()
    assert head.outdated_at is None


def test_each_kind_counts_the_same_limited_to_villages_or_over_the_county(demo_users):
    """The figures recomputed for a few villages after a write (their people and households) and
    those of a whole pass (a first refresh) are the village lists' counts, kind by kind."""
    rows = national_rows()
    rows[3][8] = 2  # 王建国's household (village B): 2 in the file, 1 registered
    load(demo_users, rows)
    village_a = demo_users["village_a"]
    household = Household.objects.get(number="510802001001000101")
    services.person_register(actor=village_a, household=household, protected={
        "id_number": fake_id(birth=datetime.date(1996, 2, 3))}, data={
        "name": "张小军", "relation": "03", "labour_capacity": "01"})
    # a retired member does not count: 张大山's household has 3 again (as in the file)…
    services.person_retire(actor=village_a, person=Person.objects.get(name="张小花"))
    period = ind.Period(timezone.localdate().year)
    keys = ["national_mismatch", *ind_kinds()]
    whole = ind.compute_live(period=period, area="510802")
    limited = ind.compute_live(period=period, codes=[VILLAGE_A, VILLAGE_B])
    county = demo_users["lizhou_county"]
    for village in (VILLAGE_A, VILLAGE_B):
        listed = kinds(county, village)
        expected = {f"national_{k}": sum(k in found for found in listed.values())
                    for k in ind_kinds(short=True)}
        expected["national_mismatch"] = len(listed)
        assert {k: whole[village][k] for k in keys} == expected, village
        assert {k: limited[village][k] for k in keys} == expected, village
    # …so only 张小军 (not listed) is left there, and 王建国's household still differs
    assert kinds(county, VILLAGE_A) == {"张大山": {"working_unrecorded"},
                                        "张小军": {"not_listed"}}
    assert kinds(county, VILLAGE_B) == {"王建国": {"size_differs"}}


def ind_kinds(short=False):
    from fupin.registry.reconciliation import KIND_INDICATORS

    return list(KIND_INDICATORS) if short else list(KIND_INDICATORS.values())
