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
