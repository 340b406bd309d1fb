"""Indicators computed from records, per area and per child area (DESIGN §4)."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from fupin.core.indicators import Period, compute
from fupin.employment.models import Employment, Placement, Venture, WelfarePost
from fupin.registry.tests.factories import make_person
from fupin.training.models import Course, Enrolment

D = datetime.date


def world(demo_users):
    """Two villages of one township: A with a trained, employed family; B with a
    zero-employment household."""
    a = demo_users["village_a"].scope_code
    b = demo_users["village_b"].scope_code
    born = D(1985, 5, 1)
    pa = make_person(area_code=a, name="甲", wants_training=True)
    pa2 = make_person(household=pa.household, name="甲妻", relation="02", wants_training=True)
    pb = make_person(area_code=b, name="乙", wants_training=False)
    old = make_person(area_code=b, name="老人", labour_capacity="05")  # not a labourer
    course = Course.objects.create(area_code=a[:9], name="2017年电焊班", kind="02",
                                   provider="培训中心", start_date=D(2017, 4, 1),
                                   end_date=D(2017, 4, 10), place="镇上", capacity=30,
                                   subsidy_per_person=Decimal(1200))
    Enrolment.objects.create(course=course, person=pa, area_code=a, status="completed",
                             completed_on=D(2017, 4, 10))
    Enrolment.objects.create(course=course, person=pa2, area_code=a, status="dropped")
    Employment.objects.create(person=pa, area_code=a, employer="某厂", place="04",
                              start_date=D(2017, 5, 1))
    post = WelfarePost.objects.create(area_code=a, name="保洁员岗", kind="01", monthly_pay=500,
                                      established=D(2017, 1, 1))
    Placement.objects.create(post=post, person=pa2, area_code=a, start_date=D(2017, 2, 1),
                             end_date=D(2017, 3, 31))
    Venture.objects.create(person=pa2, area_code=a, business="农家乐", start_date=D(2016, 1, 1),
                           end_date=D(2016, 12, 31), college_student=True)
    assert born and old
    return a, b, pa, pb


def test_five_lists_and_coverages_for_a_township(demo_users):
    a, b, pa, pb = world(demo_users)
    values = compute(area=a[:9], period=Period(2017))[a[:9]]
    assert values["registered"] == 4
    assert values["labourers"] == 3
    assert values["trained"] == 1 and values["training_subsidy"] == Decimal(1200)
    assert values["employed"] == 1 and values["placed"] == 1 and values["welfare_posts"] == 1
    assert values["ventures"] == 0 and values["college_ventures"] == 0  # ended in 2016
    # B's household has a labourer and nobody working at the end of 2017
    assert values["zero_employment"] == 1
    assert values["households_with_labourers"] == 2 and values["households_employed"] == 1
    assert values["employment_coverage"] == Decimal("50.0")
    assert values["labourers_wish_training"] == 2 and values["labourers_trained"] == 1
    assert values["training_coverage"] == Decimal("50.0")
    assert values["policy_coverage"] == Decimal("100.0")  # both in programmes benefited
    assert compute(area=a[:9], period=Period(2016))[a[:9]]["ventures"] == 1


def test_drill_down_groups_by_child_area(demo_users):
    a, b, _pa, _pb = world(demo_users)
    rows = compute(area=a[:9], period=Period(2017), by_child=True,
                   keys=["registered", "zero_employment", "employment_coverage"])
    assert rows[a]["registered"] == 2 and rows[b]["registered"] == 2
    assert rows[a]["zero_employment"] == 0 and rows[b]["zero_employment"] == 1
    assert rows[b]["employment_coverage"] == Decimal("0.0")


def test_indicators_respect_the_readers_scope(demo_users):
    a, b, _pa, _pb = world(demo_users)
    seen = compute(area=a[:9], period=Period(2017), user=demo_users["village_a"],
                   keys=["registered"])
    assert seen[a[:9]]["registered"] == 2


def test_page_api_export_and_cli(demo_users, client):
    a, b, _pa, _pb = world(demo_users)
    client.force_login(demo_users["lizhou_township"])
    page = client.get("/reports/indicators/", {"year": 2017})
    html = page.content.decode()
    assert page.status_code == 200 and "四个全覆盖" in html and "chart-data" in html
    assert "统计截至 2017-12-31" in html
    assert f'?area={a}&amp;year=2017' in html or f"?area={a}&year=2017" in html
    xlsx = client.get("/reports/indicators/", {"year": 2017, "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    api = client.get("/api/v1/indicators/", {"year": 2017}).json()
    assert api["as_of"] == "2017-12-31"
    assert api["values"]["trained"] == 1 and len(api["children"]) >= 2
    assert client.get("/api/v1/indicators/", {"year": 2017, "area": "510821"}).status_code == 404
    for bad in ("", "abc", "0", "99999"):
        resp = client.get("/api/v1/indicators/", {"year": bad})
        assert resp.status_code == 400 and "年度" in resp.json()["year"][0]
    out = io.StringIO()
    call_command("report", "indicators", "--area", a[:9], "--year", "2017", "--format",
                 "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["values"]["training_subsidy"] == 1200 and data["values"]["trained"] == 1
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="2000"):
        call_command("report", "indicators", "--area", a[:9], "--year", "0")


def test_every_child_area_is_a_row_even_without_records(demo_users):
    from fupin.areas.models import Area
    from fupin.reports.selectors import indicator_table

    a, b, _pa, _pb = world(demo_users)
    township = a[:9]
    Area.objects.create(code=township + "999", name="新设村", level="village",
                        parent_id=township)  # a village nobody has registered in yet
    table = indicator_table(user=demo_users["lizhou_township"], area=township, year=2017)
    villages = set(Area.objects.filter(parent_id=township).values_list("code", flat=True))
    assert {r["code"] for r in table["rows"]} == villages and len(villages) == 3
    quiet = next(r for r in table["rows"] if r["code"] not in (a, b))
    assert quiet["values"]["registered"] == 0 and quiet["values"]["employment_coverage"] is None
    # a village worker asking for the township sees their own village only
    own = indicator_table(user=demo_users["village_a"], area=township, year=2017)
    assert [r["code"] for r in own["rows"]] == [a]


# the page's indicators, in the page's order (as they were when reports declared them all,
# then the modules added since)
PAGE_KEYS = [
    "registered", "labourers", "trained", "training_subsidy", "employed", "ventures",
    "college_ventures", "welfare_posts", "placed", "zero_employment", "national_mismatch",
    "national_working_unrecorded", "national_employed_unreported", "national_size_differs",
    "national_not_listed", "labourers_complete", "registration_coverage",
    "labourers_wish_training", "labourers_trained", "training_coverage",
    "households_with_labourers", "households_employed", "employment_coverage",
    "labourers_in_programmes", "labourers_benefited", "policy_coverage",
    # follow-up visits (issue 10), after the coverages
    "followup_visits", "followup_visits_due", "followup_on_time", "followup_on_time_rate",
    "followup_overdue", "followup_visited_quarter", "followup_needs_raised",
    "followup_needs_met",
    # technology aid (issue 11)
    "techaid_raised", "techaid_answered", "techaid_answered_valid", "techaid_answered_on_time",
    "techaid_answer_hours", "techaid_solved", "techaid_unsolved", "techaid_closed",
    "techaid_solved_rate", "techaid_onsite_visits", "techaid_rating_sum", "techaid_rated",
    "techaid_rating", "techaid_poor_villages", "techaid_villages_covered", "techaid_coverage",
    "techaid_prescriptions", "techaid_households_paired", "techaid_pairings",
    "techaid_technicians", "techaid_load", "techaid_service_visits", "techaid_measure_results",
    "techaid_measures_adopted", "techaid_measures_partly", "techaid_adoption_rate"]


def test_each_app_declares_its_own_indicators_in_the_pages_order():
    from fupin.core.indicators import registry

    assert [i.key for i in registry.all()] == PAGE_KEYS
    owner = {i.key: i.source for i in registry.all()}
    assert owner["trained"] == "trainings" and owner["employed"] == "employments"
    # the coverages of training and employment count over the registry's sources
    assert owner["labourers_trained"] == "labourers"
    assert owner["households_employed"] == "labour_households"


def test_policy_coverage_unions_the_registered_benefit_sources(demo_users):
    """DESIGN §4: "received a benefit" is whatever the apps register (the subsidies module
    adds its claims): a set taken away or added changes the figure and the fingerprint, so
    stored figures are recomputed."""
    from fupin.core import indicators as ind
    from fupin.registry.models import Person

    a, b, pa, pb = world(demo_users)
    township = a[:9]
    assert [s.key for s in ind.benefit_sources.all()] == [
        "training_subsidy", "venture_interest_subsidy", "welfare_post"]
    assert [s.key for s in ind.programme_sources.all()] == [
        "training", "employment", "venture", "placement"]

    def policy():
        v = compute(area=township, period=Period(2017))[township]
        return v["labourers_in_programmes"], v["labourers_benefited"], v["policy_coverage"]

    assert policy() == (2, 2, Decimal("100.0"))
    before = ind.definitions()
    post = ind.benefit_sources._sets["welfare_post"]
    ind.benefit_sources.unregister("welfare_post")  # 甲妻's post no longer a benefit
    try:
        assert ind.definitions() != before
        assert policy() == (2, 1, Decimal("50.0"))
        # a new source (a claim paid, say) brings her back; 乙 is in no programme: not counted
        ind.benefit_sources.register(ind.PersonSet(
            "claims", lambda p: Person.objects.filter(name__in=["甲妻", "乙"]), field="pk"))
        assert policy() == (2, 2, Decimal("100.0"))
    finally:
        ind.benefit_sources.unregister("claims")
        ind.benefit_sources.register(post)
    assert ind.definitions() == before and policy() == (2, 2, Decimal("100.0"))
