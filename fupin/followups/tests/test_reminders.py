"""The nightly reminders (reminders.py): once per due date; the key reminder; the threshold."""

import datetime

import pytest
from django.core.management import call_command

from fupin.core.models import Notification
from fupin.followups import reminders
from fupin.followups.models import VisitPlan, VisitPolicy
from fupin.followups.tests.factories import make_current_plan as make_plan
from fupin.followups.tests.factories import make_current_visit as make_visit

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 12, 1)


def test_overdue_and_key_reminders_once(demo_users):
    a = demo_users["village_a"].scope_code
    p1 = make_plan(area_code=a, due_on=ON - datetime.timedelta(days=2))
    make_plan(area_code=a, due_on=ON - datetime.timedelta(days=5))
    key_days = VisitPolicy.objects.get_or_create(pk=1)[0].key_reminder_days
    make_plan(area_code=a, category="key", due_on=ON + datetime.timedelta(days=key_days))
    make_plan(area_code=a, category="key", due_on=ON + datetime.timedelta(days=key_days + 1))
    sent = reminders.send(on=ON)
    assert sent["overdue"] == 2 and sent["key"] == 1
    texts = list(Notification.objects.filter(recipient=demo_users["village_a"])
                 .values_list("kind", "text"))
    assert ("followups.overdue" in {k for k, _t in texts}) and any("2" in t for _k, t in texts)
    assert not Notification.objects.filter(recipient=demo_users["village_b"]).exists()
    p1.refresh_from_db()
    assert p1.overdue_notified_for == p1.due_on
    before = Notification.objects.count()
    again = reminders.send(on=ON)
    assert (again["overdue"], again["key"], again["notifications"]) == (0, 0, 0)
    assert Notification.objects.count() == before
    # a new due date (after a visit) is told again when it passes
    VisitPlan.objects.filter(pk=p1.pk).update(due_on=ON - datetime.timedelta(days=1))
    assert reminders.send(on=ON)["overdue"] == 1


def test_township_officer_told_of_villages_under_the_threshold(demo_users):
    a, b = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    for on_time in (True, False, False):  # 33 %
        make_visit(area_code=a, due_on=ON - datetime.timedelta(days=5), on_time=on_time)
    for _i in range(3):  # 100 %
        make_visit(area_code=b, due_on=ON - datetime.timedelta(days=5), on_time=True)
    sent = reminders.send(on=ON)
    assert sent["low_rate"] == 1
    n = Notification.objects.get(recipient=demo_users["lizhou_township"],
                                 kind="followups.low_rate")
    assert "33.3%" in n.text
    assert reminders.send(on=ON)["low_rate"] == 0  # once a day
    VisitPolicy.objects.filter(pk=1).update(on_time_threshold=30)
    Notification.objects.all().delete()
    assert reminders.send(on=ON)["low_rate"] == 0  # 33 % is above a 30 % line


def test_the_command_runs(demo_users):
    call_command("followup_reminders")


def _under_the_line(area, on):
    for on_time in (True, False, False):  # 33 %
        make_visit(area_code=area, due_on=on - datetime.timedelta(days=5), on_time=on_time)


def test_a_village_under_the_threshold_is_told_on_any_day_once_a_month(demo_users):
    a, b = demo_users["village_a"].scope_code, demo_users["village_b"].scope_code
    officer = demo_users["lizhou_township"]
    mid = datetime.date(2026, 12, 15)  # not the first of the month
    _under_the_line(a, mid)
    sent = reminders.send(on=mid)
    assert sent["low_rate"] == 1
    told = Notification.objects.get(recipient=officer, kind="followups.low_rate")
    assert told.area_code == a and "33.3%" in told.text
    # the next nights of the month: not again, whatever the day
    for day in (16, 17, 31):
        assert reminders.send(on=mid.replace(day=day))["low_rate"] == 0
    assert Notification.objects.filter(recipient=officer, kind="followups.low_rate").count() == 1
    # another village of the township falling under the line later that month is told
    _under_the_line(b, mid)
    assert reminders.send(on=mid.replace(day=20))["low_rate"] == 1
    assert set(Notification.objects.filter(recipient=officer, kind="followups.low_rate")
               .values_list("area_code", flat=True)) == {a, b}
    # a new month: told again if still under the line
    Notification.objects.filter(kind="followups.low_rate").update(
        created_at=datetime.datetime(2026, 12, 15, 2, tzinfo=datetime.UTC))
    assert reminders.send(on=datetime.date(2027, 1, 3))["low_rate"] == 2


def test_the_plans_markers_are_bookkeeping_without_history(demo_users):
    """reminders.py's docstring: overdue_notified_for is written by update(); the told
    notification is the record, the plan's history is not touched."""
    a = demo_users["village_a"].scope_code
    plan = make_plan(area_code=a, due_on=ON - datetime.timedelta(days=2))
    history = plan.history.count()
    reminders.send(on=ON)
    plan.refresh_from_db()
    assert plan.overdue_notified_for == plan.due_on and plan.history.count() == history
    assert Notification.objects.filter(kind="followups.overdue", area_code=a).exists()
