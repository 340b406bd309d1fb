"""Technology aid's indicators (issue 11 item 5): each figure computed from records, for a
village, the areas above it (township, county, the county's children), and empty periods."""

import datetime
from decimal import Decimal

import pytest

from fupin.areas.models import Area
from fupin.core import stamps
from fupin.core.indicators import Period, compute, compute_with_children, medians, registry
from fupin.registry.tests.factories import make_household
from fupin.techaid import coverage as cov
from fupin.techaid.models import Adoption, Consultation
from fupin.techaid.tests.factories_catalog import (
    make_household_industry,
    make_industry,
    make_technician,
)
from fupin.techaid.tests.factories_figures import (
    fig_at,
    fig_consultation,
    fig_mission,
    fig_onsite,
    fig_pairing,
    fig_prescription,
    fig_visit,
)

pytestmark = pytest.mark.django_db
D = datetime.date
S = Consultation.Status
KEYS = [i.key for i in registry.all() if i.key.startswith("techaid_")]


def wangcang_villages():
    villages = sorted(Area.objects.filter(code__startswith="510821", level="village")
                      .values_list("code", flat=True))
    return villages  # two townships × two villages in the test tree


def consultations_world():
    v1, v2, v3 = wangcang_villages()[:3]
    tea = make_industry("茶叶")
    # v1: raised in June 2017; answered after 2 h and 10 h; one solved (5), one unsolved (2)
    fig_consultation(area_code=v1, raised=fig_at(D(2017, 6, 1)), industry=tea,
                     status=S.SOLVED, answer_hours=2, closed_days=2, rating=5)
    fig_consultation(area_code=v1, raised=fig_at(D(2017, 6, 3)), industry=tea,
                     status=S.UNSOLVED, answer_hours=10, closed_days=3, rating=2)
    # v1: answered late (30 h, due 24 h), awaiting the raiser's word
    fig_consultation(area_code=v1, raised=fig_at(D(2017, 7, 1)), status=S.ANSWERED,
                     answer_hours=30)
    # v2 (same township): an on-site case, solved after the visit (4); and one still waiting
    onsite = fig_consultation(area_code=v2, raised=fig_at(D(2017, 8, 1)), status=S.SOLVED,
                              answer_hours=4, closed_days=10, rating=4)
    fig_onsite(onsite, done_on=D(2017, 8, 5))
    fig_onsite(fig_consultation(area_code=v2, raised=fig_at(D(2017, 8, 2)), status=S.ONSITE,
                                answer_hours=1), planned_on=D(2017, 8, 20))
    fig_consultation(area_code=v2, raised=fig_at(D(2017, 12, 30)), status=S.AWAITING)
    # v3 (another township): raised in 2016, answered in 2017 after 40 h and solved
    fig_consultation(area_code=v3, raised=fig_at(D(2016, 12, 31), 20), status=S.SOLVED,
                     answer_hours=40, closed_days=1, rating=3)
    # retired: never counted
    gone = fig_consultation(area_code=v1, raised=fig_at(D(2017, 6, 5)), status=S.SOLVED,
                            answer_hours=1, closed_days=1, rating=1)
    Consultation.objects.filter(pk=gone.pk).update(retired_at=fig_at(D(2017, 6, 9)))
    stamps.touch([v1])
    return v1, v2, v3


def test_consultation_figures_of_a_village_township_and_county(demo_users):
    v1, v2, v3 = consultations_world()
    f = compute(area=v1, period=Period(2017), keys=KEYS)[v1]
    assert (f["techaid_raised"], f["techaid_answered"], f["techaid_solved"],
            f["techaid_unsolved"], f["techaid_closed"]) == (3, 3, 1, 1, 2)
    assert f["techaid_answered_valid"] == 2  # the unsolved one is not a valid answer
    assert f["techaid_answered_on_time"] == 2  # 2 h and 10 h, not 30 h
    assert f["techaid_solved_rate"] == Decimal("50.0")
    assert f["techaid_answer_hours"] == Decimal("10.0")  # median of 2, 10, 30
    assert f["techaid_rating"] == Decimal("3.5")  # (5 + 2) / 2: a mean, not a percentage
    assert f["techaid_onsite_visits"] == 0

    township = v1[:9]
    t = compute(area=township, period=Period(2017), keys=KEYS)[township]
    assert (t["techaid_raised"], t["techaid_answered"], t["techaid_solved"]) == (6, 5, 2)
    assert t["techaid_onsite_visits"] == 1  # the planned one is not done
    assert t["techaid_answer_hours"] == Decimal("4.0")  # median of 1, 2, 4, 10, 30
    assert t["techaid_rating"] == Decimal("3.7")  # (5 + 2 + 4) / 3

    county, children = compute_with_children(area="510821", period=Period(2017), keys=KEYS)
    assert county["techaid_raised"] == 6 and county["techaid_answered"] == 6
    assert county["techaid_answer_hours"] == Decimal("7.0")  # 1, 2, 4, 10, 30, 40
    assert children[v3[:9]]["techaid_answer_hours"] == Decimal("40.0")
    assert children[v3[:9]]["techaid_raised"] == 0  # raised in 2016
    assert children[township]["techaid_answer_hours"] == Decimal("4.0")
    assert county["techaid_solved_rate"] == Decimal("75.0")  # 3 of the 4 closed in 2017


def test_a_month_counts_from_january_and_an_empty_period_shows_no_median(demo_users):
    v1, _v2, _v3 = consultations_world()
    june = compute(area=v1, period=Period(2017, month=6), keys=KEYS)[v1]
    assert june["techaid_raised"] == 2 and june["techaid_answer_hours"] == Decimal("6.0")
    empty = compute(area=v1, period=Period(2015), keys=KEYS)[v1]
    assert empty["techaid_raised"] == 0 and empty["techaid_answered"] == 0
    assert empty["techaid_answer_hours"] is None
    assert empty["techaid_solved_rate"] is None and empty["techaid_rating"] is None
    assert empty["techaid_coverage"] is None and empty["techaid_load"] is None


def test_the_median_sees_only_the_users_scope(demo_users):
    consultations_world()
    county = compute(area="510821", period=Period(2017), keys=["techaid_answer_hours"],
                     user=demo_users["technician"])
    assert demo_users["technician"].scope_code == wangcang_villages()[0][:9]
    # the technician's township only (1, 2, 4, 10, 30 h), not the other one's 40 h
    assert county == {"510821": {"techaid_answer_hours": Decimal("4.0")}}


def test_medians_of_children_group_by_child_code(demo_users):
    consultations_world()
    total, children = medians(registry.get("techaid_answer_hours"), area="510821",
                              period=Period(2017), n=9)
    assert total == Decimal("7.0") and set(children) == {v[:9] for v in wangcang_villages()}


def poor(code, identified=2014, exit_year=None):
    Area.objects.filter(code=code).update(poor_village=True, poor_identified_year=identified,
                                          poor_exit_year=exit_year)
    stamps.touch([code])


def test_coverage_needs_a_mission_and_an_issued_prescription_per_main_industry(demo_users):
    v1, v2, v3, v4 = wangcang_villages()
    tea, walnut, herbs = make_industry("茶叶"), make_industry("核桃"), make_industry("道地中药材")
    for v in (v1, v2, v3, v4):
        poor(v)
    # v1: tea and walnut are main industries, both prescribed: covered
    h1 = make_household(area_code=v1)
    make_household_industry(household=h1, industry=tea)
    make_household_industry(household=h1, industry=walnut)
    make_household_industry(household=make_household(area_code=v1), industry=herbs,
                            main=False)  # not a main industry: needs no prescription
    m1 = fig_mission(area_code=v1)
    fig_prescription(mission=m1, industry=tea)
    fig_prescription(mission=m1, industry=walnut, issued_on=D(2017, 9, 1))
    # v2: a mission, tea prescribed, walnut only drafted: a gap
    h2 = make_household(area_code=v2)
    make_household_industry(household=h2, industry=tea)
    make_household_industry(household=make_household(area_code=v2), industry=walnut)
    m2 = fig_mission(area_code=v2)
    fig_prescription(mission=m2, industry=tea)
    fig_prescription(mission=m2, industry=walnut, issued_on=None)
    # v3: prescriptions but the mission is retired: not covered
    make_household_industry(household=make_household(area_code=v3), industry=tea)
    m3 = fig_mission(area_code=v3)
    fig_prescription(mission=m3, industry=tea)
    type(m3).objects.filter(pk=m3.pk).update(retired_at=fig_at(D(2017, 5, 1)))
    # v4: a mission, no main industry recorded: not covered (nothing prescribed for)
    fig_mission(area_code=v4)
    stamps.touch([v3])

    county = compute(area="510821", period=Period(2017), keys=KEYS)["510821"]
    assert county["techaid_poor_villages"] == 4
    assert county["techaid_villages_covered"] == 1 and county["techaid_coverage"] == Decimal(
        "25.0")
    assert county["techaid_prescriptions"] == 4  # issued in 2017 (the draft is not)
    # as of the end of June, v1's walnut prescription was not issued yet
    june = compute(area="510821", period=Period(2017, month=6), keys=KEYS)["510821"]
    assert june["techaid_villages_covered"] == 0 and june["techaid_prescriptions"] == 3
    # the rule as a queryset, for the coverage page
    covered = cov.poor_villages_covered(Area.objects.all(), year=2017, as_of=D(2017, 12, 31))
    assert list(covered.values_list("code", flat=True)) == [v1]
    gaps = Area.objects.filter(cov.coverage_conditions(D(2017, 12, 31))["prescription_gap"])
    assert list(gaps.values_list("code", flat=True)) == [v2]
    assert list(cov.prescription_gaps(D(2017, 12, 31)).values_list(
        "area_code", "industry__name").distinct()) == [(v2, "核桃")]
    # a retired household's main industry needs nothing
    h2.retired_at = fig_at(D(2017, 1, 1))
    type(h2).objects.filter(pk=h2.pk).update(retired_at=h2.retired_at)
    assert Area.objects.filter(cov.village_covered_q(D(2017, 12, 31))).count() == 1


def test_poor_villages_by_year_identified_and_exit(demo_users):
    v1, v2, v3, _v4 = wangcang_villages()
    poor(v1, 2014, 2017)
    poor(v2, 2014, 2016)  # exited before 2017
    poor(v3, 2018)  # identified later
    assert compute(area="510821", period=Period(2017),
                   keys=["techaid_poor_villages"])["510821"]["techaid_poor_villages"] == 1
    assert compute(area="510821", period=Period(2016),
                   keys=["techaid_poor_villages"])["510821"]["techaid_poor_villages"] == 2


def test_pairings_technicians_load_visits_and_adoption(demo_users):
    v1, v2, v3, _v4 = wangcang_villages()
    tea, walnut = make_industry("茶叶"), make_industry("核桃")
    t1 = make_technician(area_code=v1[:9])
    t2 = make_technician(area_code=v1[:9])
    make_technician(area_code=v1[:9])  # serves nobody: not counted
    h1, h2 = make_household(area_code=v1), make_household(area_code=v2)
    p1 = fig_pairing(household=h1, technician=t1, industry=tea)
    fig_pairing(household=h1, technician=t2, industry=walnut)  # same household, 2nd industry
    fig_pairing(household=h2, technician=t1, industry=tea)
    fig_pairing(household=make_household(area_code=v2), technician=t2, industry=tea,
                ended_on=D(2017, 7, 15))  # ended: counts in June, not at the year's end
    fig_pairing(household=make_household(area_code=v3), industry=tea,
                started_on=D(2018, 1, 10))  # starts later
    m = fig_mission(area_code=v1)
    rx = fig_prescription(mission=m, industry=tea, measures=3)
    a, b, c = rx.measures.all()
    fig_visit(pairing=p1, visited_on=D(2017, 5, 1),
              results=((a, Adoption.ADOPTED), (b, Adoption.PARTLY), (c, Adoption.NOT)))
    fig_visit(pairing=p1, visited_on=D(2017, 9, 1), results=((a, Adoption.ADOPTED),))
    fig_visit(pairing=p1, visited_on=D(2016, 9, 1), results=((b, Adoption.ADOPTED),))

    township = v1[:9]
    f = compute(area=township, period=Period(2017), keys=KEYS)[township]
    assert f["techaid_households_paired"] == 2 and f["techaid_pairings"] == 3
    assert f["techaid_technicians"] == 2 and f["techaid_load"] == Decimal("1.5")
    assert f["techaid_service_visits"] == 2 and f["techaid_measure_results"] == 4
    assert f["techaid_measures_adopted"] == 2 and f["techaid_measures_partly"] == 1
    assert f["techaid_adoption_rate"] == Decimal("50.0")
    june = compute(area=township, period=Period(2017, month=6), keys=KEYS)[township]
    assert june["techaid_households_paired"] == 3 and june["techaid_pairings"] == 4
    # a village: its pairings, but the technicians are counted at their township
    village = compute(area=v1, period=Period(2017), keys=KEYS)[v1]
    assert village["techaid_households_paired"] == 1 and village["techaid_technicians"] == 0
    assert village["techaid_load"] is None
    county = compute(area="510821", period=Period(2018), keys=KEYS)["510821"]
    assert county["techaid_households_paired"] == 3  # h1, h2 and the one paired in 2018
    assert county["techaid_service_visits"] == 0 and county["techaid_adoption_rate"] is None


def test_the_indicators_are_in_the_techaid_group_after_the_followups():
    inds = [registry.get(k) for k in KEYS]
    assert {str(i.group) for i in inds} == {"科技扶贫"}
    assert min(i.order for i in inds) > max(i.order for i in registry.all()
                                           if i.key.startswith("followup_"))
    assert registry.get("techaid_answer_hours").empty is None


def test_the_indicator_api_and_table_carry_them(demo_users, client):
    from fupin.reports.selectors import indicator_table

    v1, _v2, v3 = consultations_world()
    client.force_login(demo_users["wangcang_county"])
    body = client.get("/api/v1/indicators/?area=510821&year=2017").json()
    groups = {i["key"]: i["group"] for i in body["indicators"]}
    assert groups["techaid_answer_hours"] == "科技扶贫"
    assert body["values"]["techaid_answer_hours"] == 7 and body["values"]["techaid_raised"] == 6
    children = {c["area"]: c["values"] for c in body["children"]}
    assert children[v3[:9]]["techaid_rating"] == 3
    # a child area without records: no median (not 0), no rate
    table = indicator_table(user=demo_users["wangcang_county"], area=v1[:9], year=2016)
    quiet = next(r for r in table["rows"] if r["code"] != v1)
    assert quiet["values"]["techaid_answer_hours"] is None
    assert quiet["values"]["techaid_raised"] == 0
