"""Integration fixes: figures and periods follow every write of technology aid's data —
a village's poverty status (an area, not an area-scoped record), measure results written
without their visit, and the dated records the indicator page opens its period on."""

import datetime

import pytest

from fupin.areas.models import Area
from fupin.areas.services import poor_village_set
from fupin.core import periods
from fupin.core.indicators import Period, compute
from fupin.core.tabular import importer
from fupin.core.testing.foreign import workbook
from fupin.techaid import service_visits
from fupin.techaid.imports.catalog import poor_villages_import
from fupin.techaid.models import Adoption
from fupin.techaid.tests.factories_figures import (
    fig_at,
    fig_consultation,
    fig_mission,
    fig_pairing,
    fig_prescription,
)

pytestmark = pytest.mark.django_db
D = datetime.date
POOR = ["techaid_poor_villages"]


def _villages():
    return sorted(Area.objects.filter(code__startswith="510821", level="village")
                  .values_list("code", flat=True))


def _api_value(client, user, key, *, area="510821", year=2017):
    client.force_login(user)
    response = client.get("/api/v1/indicators/", {"area": area, "year": year})
    assert response.status_code == 200, response.content
    return response.json()["values"][key]


def test_poor_flag_edit_and_import_change_the_figures_without_a_refresh(demo_users, client):
    officer = demo_users["wangcang_county"]
    v1, v2 = _villages()[:2]
    assert compute(area="510821", period=Period(2017), keys=POOR)["510821"][POOR[0]] == 0
    assert _api_value(client, officer, POOR[0]) == 0  # stored for the county's codes
    poor_village_set(actor=officer, code=v1, poor_village=True, identified_year=2014)
    assert compute(area="510821", period=Period(2017), keys=POOR)["510821"][POOR[0]] == 1
    assert _api_value(client, officer, POOR[0]) == 1
    # the 贫困村 import goes through the same service
    rows = [{"area_code": v2, "identified_year": "2014"}]
    report = importer.commit(poor_villages_import,
                             importer.load(workbook(poor_villages_import, rows), "t.xlsx"),
                             actor=officer)
    assert report.ok, report.errors
    assert _api_value(client, officer, POOR[0]) == 2
    # and back: v1 no longer poor
    poor_village_set(actor=officer, code=v1, poor_village=False)
    assert _api_value(client, officer, POOR[0]) == 1


def test_poor_flag_edited_in_the_admin_changes_the_figures(demo_users, client):
    admin = demo_users["admin"]
    village = Area.objects.get(pk=_villages()[0])
    assert _api_value(client, admin, POOR[0]) == 0
    client.force_login(admin)
    response = client.post(f"/admin/areas/area/{village.code}/change/", {
        "code": village.code, "name": village.name, "level": village.level,
        "parent": village.parent_id, "poor_village": "on", "poor_identified_year": "2014",
        "poor_exit_year": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _api_value(client, admin, POOR[0]) == 1


def _visit_world(demo_users):
    """A paired household of Wangcang with an issued prescription of two measures and a
    visit that recorded none of them yet."""
    from fupin.registry.tests.factories import make_household
    from fupin.techaid.tests.factories_catalog import make_industry, make_technician

    officer = demo_users["wangcang_county"]
    village = _villages()[0]
    tea = make_industry("茶叶")
    household = make_household(area_code=village)
    technician = make_technician(area_code=village[:9])
    technician.industries.add(tea)
    fig_pairing(household=household, technician=technician, industry=tea,
                started_on=D(2017, 3, 1))
    rx = fig_prescription(mission=fig_mission(area_code=village), industry=tea,
                          issued_on=D(2017, 4, 1), measures=2)
    visit = service_visits.visit_record(
        actor=officer, household=household,
        data={"technician": technician.pk, "visited_on": D(2017, 5, 2), "notes": "查看茶园"})
    return officer, village, visit, list(rx.measures.order_by("order"))


KEYS = ["techaid_measure_results", "techaid_measures_adopted"]


def _results(village):
    f = compute(area=village, period=Period(2017), keys=KEYS)[village]
    return f["techaid_measure_results"], f["techaid_measures_adopted"]


def test_measure_results_added_or_edited_alone_change_the_figures(demo_users):
    officer, village, visit, (m1, m2) = _visit_world(demo_users)
    assert _results(village) == (0, 0)
    # a result added to the visit, the visit itself unchanged (the API's edit of results)
    service_visits.visit_update(actor=officer, visit=visit, data={},
                                expected_version=visit.version,
                                results=[{"measure": m1.pk, "adoption": Adoption.PARTLY}])
    assert _results(village) == (1, 0)
    visit.refresh_from_db()
    service_visits.visit_update(actor=officer, visit=visit, data={},
                                expected_version=visit.version,
                                results=[{"measure": m1.pk, "adoption": Adoption.ADOPTED}])
    assert _results(village) == (1, 1)


def test_measure_result_imported_on_an_existing_visit_changes_the_figures(demo_users):
    from fupin.techaid.imports.pairing import service_visits_import

    officer, village, visit, (m1, _m2) = _visit_world(demo_users)
    assert _results(village) == (0, 0)
    rows = [{"household_number": visit.household.number, "technician": visit.technician.name,
             "visited_on": visit.visited_on.isoformat(), "prescription": m1.prescription.number,
             "measure_order": "1", "adoption": "已采用"}]
    report = importer.commit(service_visits_import,
                             importer.load(workbook(service_visits_import, rows), "t.xlsx"),
                             actor=officer)
    assert report.ok and report.outcome.created == 1, report.errors
    assert visit.results.count() == 1 and type(visit).objects.count() == 1  # the same visit
    assert _results(village) == (1, 1)


def test_latest_period_sees_techaid_only_records(demo_users, client):
    """Only technology aid's records: the indicator page opens on their 2017, not on an
    empty current year; a consultation counts on its local day (raised_at is a timestamp)."""
    officer = demo_users["wangcang_county"]
    village = _villages()[0]
    assert periods.latest_day(officer) is None
    mission = fig_mission(area_code=village, formed_on=D(2017, 2, 1))
    fig_prescription(mission=mission, issued_on=D(2017, 4, 1))
    assert periods.latest_day(officer) == D(2017, 4, 1)
    # 05:00 in Beijing is the evening before in UTC: the local day counts
    fig_consultation(area_code=village, raised=fig_at(D(2017, 12, 1), 5))
    assert periods.latest_day(officer) == D(2017, 12, 1)
    assert periods.latest_day(officer, today=D(2017, 11, 30)) == D(2017, 4, 1)
    assert periods.latest_year(officer) == 2017
    client.force_login(officer)
    response = client.get("/reports/indicators/")
    assert response.status_code == 200
    assert response.context["table"]["year"] == 2017
    # another county's officer sees none of them
    assert periods.latest_day(demo_users["lizhou_county"]) is None
