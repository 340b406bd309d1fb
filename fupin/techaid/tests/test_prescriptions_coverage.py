"""Coverage (处方全覆盖, coverage.py): the rules, the page, the gaps export, the indicator
function — and that it is computed in a few queries whatever the number of villages."""

import io

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from fupin.areas.models import Area, Level
from fupin.registry.tests.factories import make_household
from fupin.techaid.coverage import coverage_counts, coverage_table, villages_coverage

from .factories_catalog import make_household_industry, make_industry
from .factories_prescriptions import make_mission, make_poor_village, make_prescription

WANGCANG = "510821"


@pytest.fixture
def world(areas):
    """Two poor Wangcang villages: A with a mission, main industries tea and walnut, a tea
    prescription issued; B without a mission."""
    tea, walnut, pig = make_industry("茶叶"), make_industry("核桃"), make_industry("生猪")
    a = make_mission(area_code=WANGCANG)
    b = make_poor_village(WANGCANG)
    for industry in (tea, walnut):
        make_household_industry(area_code=a.area_code, industry=industry)
    make_household_industry(area_code=a.area_code, industry=pig, main=False)  # not main
    make_household_industry(area_code=b, industry=tea)
    make_prescription(mission=a, industry=tea, issued=True)
    return {"a": a, "b": b, "tea": tea, "walnut": walnut, "pig": pig}


def _village(code):
    return next(v for v in villages_coverage(WANGCANG) if v.code == code)


def test_village_with_mission_but_an_industry_without_prescription_is_a_gap(world):
    a = _village(world["a"].area_code)
    assert a.has_mission and a.missing == ["核桃"] and a.is_gap
    b = _village(world["b"])
    assert not b.has_mission and b.missing == ["茶叶"]


def test_a_non_main_industry_does_not_count(world):
    assert world["pig"].pk not in _village(world["a"].area_code).industries


def test_issuing_the_missing_prescription_covers_the_village(world):
    make_prescription(mission=world["a"], industry=world["walnut"], issued=True)
    assert _village(world["a"].area_code).fully_covered
    assert coverage_counts(WANGCANG) == {"poor_villages": 2, "with_mission": 1,
                                         "fully_covered": 1}


def test_draft_and_retired_prescriptions_do_not_count(world):
    make_prescription(mission=world["a"], industry=world["walnut"])  # a draft
    assert not _village(world["a"].area_code).fully_covered
    p = make_prescription(mission=world["a"], industry=world["walnut"], issued=True)
    assert _village(world["a"].area_code).fully_covered
    type(p).objects.filter(pk=p.pk).update(retired_at=timezone.now())
    assert _village(world["a"].area_code).missing == ["核桃"]


def test_retired_mission_and_retired_household_do_not_count(world):
    make_prescription(mission=world["a"], industry=world["walnut"], issued=True)
    hi = world["a"].area_code
    from fupin.techaid.models import HouseholdIndustry

    walnut = HouseholdIndustry.objects.get(area_code=hi, industry=world["walnut"])
    type(walnut.household).objects.filter(pk=walnut.household_id).update(
        retired_at=timezone.now())
    assert list(_village(hi).industries.values()) == ["茶叶"]
    type(world["a"]).objects.filter(pk=world["a"].pk).update(retired_at=timezone.now())
    assert not _village(hi).has_mission


def test_non_poor_villages_are_not_counted(world):
    Area.objects.filter(pk=world["b"]).update(poor_village=False)
    assert coverage_counts(WANGCANG)["poor_villages"] == 1


def test_as_of_counts_what_existed_then(world):
    import datetime

    counts = coverage_counts(WANGCANG, as_of=datetime.date(2017, 2, 1))  # before forming
    assert counts == {"poor_villages": 2, "with_mission": 0, "fully_covered": 0}


def test_coverage_takes_a_few_queries_whatever_the_villages(world, django_assert_max_num_queries):
    for village in Area.objects.filter(level=Level.VILLAGE, code__startswith=WANGCANG):
        Area.objects.filter(pk=village.pk).update(poor_village=True)
        make_household_industry(area_code=village.code, industry=world["tea"],
                                household=make_household(area_code=village.code))
    with django_assert_max_num_queries(4):
        villages_coverage(WANGCANG)


def test_table_per_township_for_the_county_and_per_village_for_a_township(world, demo_users):
    county = demo_users["wangcang_county"]
    table = coverage_table(WANGCANG, user=county)
    assert [len(r.code) for r in table["rows"]] == [9] * len(table["rows"])
    assert (table["total"].poor_villages, table["total"].with_mission,
            table["total"].fully_covered) == (2, 1, 0)
    township = world["a"].area_code[:9]
    rows = coverage_table(township, user=county)["rows"]
    assert all(len(r.code) == 12 for r in rows)


def test_page_shows_the_gaps_and_drills_down(world, demo_users, client):
    client.force_login(demo_users["wangcang_county"])
    html = client.get("/techaid/coverage/").content.decode()
    assert 'data-testid="poor-villages">2<' in html
    assert f'data-gap="{world["a"].area_code}"' in html and "核桃" in html
    assert f'data-gap="{world["b"]}"' in html and "未组建特派团" in html
    township = world["a"].area_code[:9]
    assert f'href="?area={township}"' in html
    assert client.get(f"/techaid/coverage/?area={township}").status_code == 200


def test_page_is_scoped_and_kept_for_officers_and_leaders(world, demo_users, client):
    client.force_login(demo_users["wangcang_county"])
    assert client.get("/techaid/coverage/?area=510802").status_code == 404
    client.force_login(demo_users["lizhou_county"])
    html = client.get("/techaid/coverage/").content.decode()
    assert world["b"] not in html
    client.force_login(demo_users["leader"])
    assert client.get(f"/techaid/coverage/?area={WANGCANG}").status_code == 200
    client.force_login(demo_users["village_a"])
    assert client.get("/techaid/coverage/").status_code == 403


def test_gaps_export_lists_the_gaps_and_is_logged(world, demo_users, client):
    from fupin.core.models import AccessLog

    client.force_login(demo_users["wangcang_county"])
    resp = client.get("/techaid/coverage/gaps.xlsx")
    assert resp.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(resp.streaming_content))) \
        .get_sheet_by_index(0).to_python()
    assert rows[0][0] == "区划代码" and len(rows) == 3
    by_code = {str(r[0]): r for r in rows[1:]}
    assert by_code[world["a"].area_code][4] == "核桃"
    assert by_code[world["b"]][2] == "未组建"
    assert AccessLog.objects.filter(action="export", rows=2).exists()


def test_as_of_counts_the_villages_poor_that_year(world):
    import datetime

    Area.objects.filter(pk=world["b"]).update(poor_identified_year=2014, poor_exit_year=2016)
    assert coverage_counts(WANGCANG, as_of=datetime.date(2017, 6, 30))["poor_villages"] == 1
    assert coverage_counts(WANGCANG, as_of=datetime.date(2016, 6, 30))["poor_villages"] == 2
    Area.objects.filter(pk=world["b"]).update(poor_identified_year=2018, poor_exit_year=None)
    assert coverage_counts(WANGCANG, as_of=datetime.date(2017, 6, 30))["poor_villages"] == 1
    assert coverage_counts(WANGCANG)["poor_villages"] == 2  # today: the flag


def test_village_prescriptions_for_the_household_section(world, demo_users):
    from fupin.techaid.prescription_selectors import village_mission, village_prescriptions

    a = world["a"]
    make_prescription(mission=a, industry=world["walnut"])  # a draft: not shown by default
    county, other = demo_users["wangcang_county"], demo_users["lizhou_county"]
    shown = village_prescriptions(user=county, area_code=a.area_code)
    assert [p.industry.name for p in shown] == ["茶叶"]
    assert len(village_prescriptions(user=county, area_code=a.area_code,
                                     industry_ids=[world["walnut"].pk],
                                     issued_only=False)) == 1
    assert not village_prescriptions(user=other, area_code=a.area_code).exists()
    assert village_mission(user=county, area_code=a.area_code) == a
    assert village_mission(user=other, area_code=a.area_code) is None


def test_a_village_with_a_mission_but_no_main_industry_recorded_is_a_gap(world, demo_users,
                                                                         client):
    """One rule for the page and the indicator (coverage.village_covered_q): nothing can be
    prescribed for a village whose industries are not registered."""
    import datetime

    from fupin.techaid.coverage import village_covered_q
    from fupin.techaid.models import HouseholdIndustry

    code = world["a"].area_code
    make_prescription(mission=world["a"], industry=world["walnut"], issued=True)
    assert _village(code).fully_covered
    HouseholdIndustry.objects.filter(area_code=code).update(main=False)
    village = _village(code)
    assert village.industries == {} and village.is_gap and not village.fully_covered
    as_of = datetime.date.today()
    assert not Area.objects.filter(village_covered_q(as_of), code=code).exists()
    client.force_login(demo_users["wangcang_county"])
    page = client.get("/techaid/coverage/").content.decode()
    assert f'data-gap="{code}"' in page and "未登记主导产业" in page
