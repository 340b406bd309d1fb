"""Stored indicator figures stay true: every kind of write re-stamps the areas it touches, and
only those are recomputed (core/stamps.py, core/indicators.py)."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest

from fupin.core.indicators import Period, compute, compute_live, figures_refresh
from fupin.core.models import AreaFigure, AreaStamp
from fupin.employment import services as employment_services
from fupin.registry import services as registry_services
from fupin.registry.models import Household
from fupin.registry.tests.factories import make_person
from fupin.training import services as training_services

from .test_indicators import world

D = datetime.date
Y2017 = Period(2017)


def figure(area, key, period=Y2017, **kw):
    return compute(area=area, period=period, keys=[key], **kw)[area][key]


def stamp(code):
    return AreaStamp.objects.filter(area_code=code).values_list("stamp", flat=True).first()


def test_stored_figures_add_up_to_the_live_computation(demo_users):
    a, b, _pa, _pb = world(demo_users)
    township = a[:9]
    stored = compute(area=township, period=Y2017, by_child=True)
    live = compute_live(period=Y2017, area=township)
    for code in (a, b):
        for key, value in live[code].items():
            assert stored[code][key] == value, key
    assert AreaFigure.objects.filter(year=2017, area_code=a).exists()


def test_only_changed_areas_are_recomputed(demo_users):
    a, b, pa, _pb = world(demo_users)
    township = a[:9]
    assert len(figures_refresh(area=township, period=Y2017).stale) >= 2  # a, b, course's
    assert figures_refresh(area=township, period=Y2017).stale == []  # nothing changed since
    before = stamp(a)
    employment_services.employment_create(actor=demo_users["village_a"], data={
        "person": pa, "employer": "二厂", "place": "03", "start_date": D(2017, 1, 1),
        "end_date": D(2017, 2, 28)})
    assert stamp(a) != before
    assert len(figures_refresh(area=township, period=Y2017).stale) == 1


def test_a_hire_and_a_retirement_show_at_once(demo_users):
    worker = demo_users["village_a"]
    a = worker.scope_code
    person = make_person(area_code=a, name="丁")
    assert figure(a, "zero_employment") == 1
    job = employment_services.employment_create(actor=worker, data={
        "person": person, "employer": "某厂", "place": "03", "start_date": D(2017, 3, 1)})
    assert figure(a, "zero_employment") == 0 and figure(a, "employed") == 1
    employment_services.employment_retire(actor=worker, employment=job, reason="录错")
    assert figure(a, "zero_employment") == 1 and figure(a, "employed") == 0


def test_a_move_recomputes_both_villages(demo_users):
    a, b = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    person = make_person(area_code=a)
    assert figure(a, "registered") == 1 and figure(b, "registered") == 0
    household = Household.objects.get(pk=person.household_id)
    registry_services.household_update(actor=demo_users["lizhou_township"],
                                       household=household, data={"area_code": b},
                                       expected_version=household.version)
    assert figure(a, "registered") == 0 and figure(b, "registered") == 1


def test_a_course_change_reaches_its_peoples_villages(demo_users):
    a, _b, _pa, _pb = world(demo_users)
    assert figure(a, "training_subsidy") == 1200
    from fupin.training.models import Course

    course = Course.objects.get()
    training_services.course_update(actor=demo_users["lizhou_township"], course=course,
                                    data={"subsidy_per_person": Decimal(1500)},
                                    expected_version=course.version)
    assert figure(a, "training_subsidy") == 1500


def test_an_import_stamps_its_villages(demo_users):
    from fupin.registry.tests.test_import import HEADER, KEY, family, run, xlsx

    worker = demo_users["village_a"]
    a = worker.scope_code
    assert figure(a, "registered") == 0
    rows = family(a)
    assert run(worker, xlsx([HEADER, *rows])).ok
    assert figure(a, "registered") == 2
    before = stamp(a)
    rows[1][KEY["skills"]] = "电焊"  # an update through the import re-stamps too
    assert run(worker, xlsx([HEADER, *rows])).outcome.updated == 1
    assert stamp(a) != before


def test_other_definitions_or_another_day_recompute(demo_users, settings, monkeypatch):
    worker = demo_users["village_a"]
    a = worker.scope_code
    make_person(area_code=a)  # born in 1985: a labourer today
    this_year = Period(datetime.date.today().year)
    labourers = figure(a, "labourers", this_year)
    assert figure_refresh_count(a, this_year) == 0
    settings.FUPIN_LABOUR_AGE = (16, 17)  # definitions changed: nobody is a labourer now
    assert figure(a, "labourers", this_year) == 0 and labourers == 1
    settings.FUPIN_LABOUR_AGE = (16, 60)
    assert figure(a, "labourers", this_year) == 1
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    if tomorrow.year == this_year.year:  # the current year's figures move with the calendar
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: tomorrow)
        assert figure_refresh_count(a, this_year) == 1


def figure_refresh_count(area, period):
    return len(figures_refresh(area=area, period=period).stale)


def test_a_reader_outside_the_area_gets_nothing(demo_users):
    a, _b, _pa, _pb = world(demo_users)
    assert compute(area="510821", period=Y2017, user=demo_users["village_a"]) == {}
    # a village worker asking for the township counts only their village
    assert figure(a[:9], "registered", user=demo_users["village_a"]) == 2


def test_bulk_history_writes_go_through_the_stamping_wrappers():
    """A bulk write that bypassed core/stamps.py would leave stored figures stale."""
    root = Path(__file__).resolve().parents[2]
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "simple_history.utils" in p.read_text(encoding="utf-8")
                 and p.name != "stamps.py" and "tests" not in p.parts]
    assert offenders == []


def test_refresh_command_recomputes_what_changed(demo_users):
    from django.core.management import CommandError, call_command

    world(demo_users)
    out = io.StringIO()
    call_command("refresh_indicators", "--year", "2017", stdout=out)
    assert "2017" in out.getvalue() and figure_refresh_count("", Y2017) == 0
    with pytest.raises(CommandError):
        call_command("refresh_indicators", "--area", "abc")


def test_deferred_stamps_are_written_once_at_the_end(demo_users):
    from fupin.core import stamps

    a = demo_users["village_a"].scope_code
    with stamps.deferred():
        make_person(area_code=a)
        assert stamp(a) is None  # not yet: the import's transaction stamps at its end
    assert stamp(a) is not None
    with pytest.raises(RuntimeError), stamps.deferred():
        stamps.touch(["510802001002"])
        raise RuntimeError
    assert stamp("510802001002") is None  # a failed block stamps nothing (it rolls back)


def test_nightly_rederives_statuses_then_figures(demo_users):
    from django.core.management import call_command

    a = demo_users["village_a"].scope_code
    make_person(area_code=a)
    out = io.StringIO()
    call_command("nightly", stdout=out)
    this_year = Period(datetime.date.today().year)
    assert "1" in out.getvalue() and figure_refresh_count("", this_year) == 0


def test_figures_are_right_when_the_database_is_too_busy_to_keep_them(demo_users, monkeypatch):
    """SQLite during an import: the reader gets fresh figures, stored ones for the rest."""
    from django.db import OperationalError

    from fupin.core import indicators

    a, b, pa, _pb = world(demo_users)
    township = a[:9]
    assert figure(a, "registered") == 2 and figure(b, "registered") == 2
    make_person(area_code=b, name="新人")

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(indicators, "_store", busy)
    rows = compute(area=township, period=Y2017, by_child=True, keys=["registered"])
    assert rows[a]["registered"] == 2 and rows[b]["registered"] == 3
    assert figure(township, "registered") == 5
    assert b in figures_refresh(area=township, period=Y2017).stale  # stored next time
    monkeypatch.undo()
    assert b in figures_refresh(area=township, period=Y2017).stale
    assert figure_refresh_count(township, Y2017) == 0


def test_refresh_all_repairs_a_write_that_went_around_the_stamps(demo_users):
    from django.core.management import call_command

    from fupin.registry.models import Person

    a, b, pa, _pb = world(demo_users)
    assert figure(a, "registered") == 2
    Person.objects.filter(pk=pa.pk).update(area_code=b)  # no save, no stamp: figures go stale
    assert figure(a, "registered") == 2
    call_command("refresh_indicators", "--year", "2017", "--all", stdout=io.StringIO())
    assert figure(a, "registered") == 1 and figure(b, "registered") == 3
