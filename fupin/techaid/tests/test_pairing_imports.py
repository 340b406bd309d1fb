"""The pairing part's spreadsheets: 技术员结对台账 and 技术服务记录 — all or nothing, the same
checks as the pages (load limit, industry, one pairing per household and industry),
households by number or by head's ID, technicians by name (and phone when two share it)."""

import datetime

import pytest

from fupin.core.tabular import importer
from fupin.core.testing.foreign import workbook
from fupin.registry.tests.factories import make_household, make_person
from fupin.techaid.imports.pairing import pairings_import, service_visits_import
from fupin.techaid.models import MeasureResult, Pairing, ServiceVisit
from fupin.techaid.tests.factories_catalog import (
    make_household_industry,
    make_industry,
    make_technician,
)
from fupin.techaid.tests.factories_pairing import make_pairing
from fupin.techaid.tests.test_service_visits import prescription

pytestmark = pytest.mark.django_db


def commit(spec, rows, actor):
    return importer.commit(spec, importer.load(workbook(spec, rows), "t.xlsx"), actor=actor)


@pytest.fixture
def w(demo_users):
    from fupin.areas.models import Area

    township = demo_users["technician"].scope_code
    village = Area.objects.filter(parent_id=township).order_by("code").values_list(
        "code", flat=True).first()
    tea = make_industry("茶叶")
    tech = make_technician(area_code=township, industries=[tea], name="周技术员", load_limit=1)
    households = []
    for _ in range(2):
        h = make_household(area_code=village)
        make_household_industry(household=h, industry=tea)
        households.append(h)
    return {"officer": demo_users["wangcang_county"], "tea": tea, "tech": tech,
            "households": households, "village": village, "township": township}


def row(h, **kw):
    return {"household_number": h.number, "industry": "茶叶", "technician": "周技术员",
            "started_on": "2017-03-01", **kw}


def test_a_file_over_the_technicians_limit_writes_nothing(w):
    report = commit(pairings_import, [row(h) for h in w["households"]], w["officer"])
    assert not report.ok
    assert any("超过上限 1 户" in e.message for e in report.errors)
    assert not Pairing.objects.exists()


def test_a_household_found_by_its_heads_id_and_a_second_import_changes_nothing(w):
    h = w["households"][0]
    head = make_person(household=h, name="户主甲")
    rows = [{"head_id_number": head.reveal("id_number"), "industry": "茶叶",
             "technician": "周技术员", "started_on": "2017-03-01"}]
    report = commit(pairings_import, rows, w["officer"])
    assert report.ok and report.outcome.created == 1, report.errors
    again = commit(pairings_import, rows, w["officer"])
    assert again.ok and (again.outcome.created, again.outcome.unchanged) == (0, 1)
    assert Pairing.objects.get().household == h


def test_two_technicians_of_one_name_need_the_phone(w):
    make_technician(area_code=w["township"], industries=[w["tea"]], name="周技术员")
    report = commit(pairings_import, [row(w["households"][0])], w["officer"])
    assert not report.ok and "同名技术员" in report.errors[0].message


def test_a_household_already_paired_is_refused(w):
    other = make_technician(area_code=w["township"], industries=[w["tea"]], name="吴技术员")
    make_pairing(household=w["households"][0], industry=w["tea"], technician=other)
    report = commit(pairings_import, [row(w["households"][0])], w["officer"])
    assert not report.ok and "已有结对技术员 吴技术员" in report.errors[0].message


def test_service_visits_import_with_measures_and_refusals(w):
    p = make_pairing(household=w["households"][0], industry=w["tea"], technician=w["tech"])
    rx, _m = prescription(w["village"], w["tea"], number="CF-9")
    rows = [{"household_number": p.household.number, "technician": "周技术员",
             "visited_on": "2017-06-01", "notes": "修剪", "prescription": "CF-9",
             "measure_order": "1", "adoption": "已采用", "effect": "好"}]
    report = commit(service_visits_import, rows, w["officer"])
    assert report.ok, report.errors
    assert MeasureResult.objects.get().adoption == "adopted"
    again = commit(service_visits_import, rows, w["officer"])
    assert again.ok and again.outcome.created == 0
    missing = commit(service_visits_import, [{**rows[0], "visited_on": "2017-06-05",
                                              "adoption": ""}], w["officer"])
    assert not missing.ok and "采用情况必填" in missing.errors[0].message
    unpaired = commit(service_visits_import, [{**rows[0], "household_number":
                                               w["households"][1].number}], w["officer"])
    assert not unpaired.ok and "未与该户结对" in unpaired.errors[0].message
    assert ServiceVisit.objects.count() == 1


def test_the_pairing_page_ends_and_changes_the_technician(w, client):
    from django.urls import reverse

    p = make_pairing(household=w["households"][0], industry=w["tea"], technician=w["tech"])
    other = make_technician(area_code=w["township"], industries=[w["tea"]], name="吴技术员")
    client.force_login(w["officer"])
    page = client.get(reverse("techaid:pairing_detail", args=[p.pk])).content.decode()
    assert "吴技术员" in page and "更换技术员" in page
    resp = client.post(reverse("techaid:pairing_change", args=[p.pk]),
                       {"technician": other.pk, "on": "2017-08-01", "reason": "调岗"})
    new = Pairing.objects.get(ended_on__isnull=True)
    assert resp["Location"] == reverse("techaid:pairing_detail", args=[new.pk])
    assert new.technician == other
    resp = client.post(reverse("techaid:pairing_end", args=[new.pk]),
                       {"ended_on": "2017-07-01", "reason": "x"}, follow=True)
    assert "不能早于结对日期" in resp.content.decode()
    client.post(reverse("techaid:pairing_end", args=[new.pk]),
                {"ended_on": "2017-09-01", "reason": "户已脱贫"})
    new.refresh_from_db()
    assert new.ended_on == datetime.date(2017, 9, 1)
