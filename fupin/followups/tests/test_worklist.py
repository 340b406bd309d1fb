"""The village worker's working list: urgency order, buckets, scope, the JSON the offline
page reads (with the ID number as the user may see it), the service worker's header."""

from __future__ import annotations

import datetime

import pytest

from fupin.employment.tests.factories import make_employment
from fupin.followups import selectors
from fupin.followups.models import Category, Reason, Visit, VisitPlan, VisitPolicy
from fupin.registry.tests.factories import make_person

pytestmark = pytest.mark.django_db
ON = datetime.date(2017, 6, 14)  # a Wednesday: week ends on the 18th, month on the 30th


def plan(area_code, due, category=Category.REGULAR, reason=Reason.UNEMPLOYED, **kw):
    person = make_person(area_code=area_code, **kw)
    return VisitPlan.objects.create(person=person, area_code=person.area_code,
                                    category=category, reason=reason, interval_days=60,
                                    since=datetime.date(2017, 1, 1), due_on=due)


def test_ordered_by_overdue_days_times_weight(demo_users):
    user = demo_users["village_a"]
    a = plan(user.scope_code, ON - datetime.timedelta(days=10))                 # 10 × 1
    b = plan(user.scope_code, ON - datetime.timedelta(days=4), Category.KEY,
             Reason.AGE)                                                        # 4 × 3
    c = plan(user.scope_code, ON - datetime.timedelta(days=5), Category.NEEDS,
             Reason.VENTURE)                                                    # 5 × 2
    d = plan(user.scope_code, ON + datetime.timedelta(days=2))
    e = plan(user.scope_code, ON + datetime.timedelta(days=1))
    got = list(selectors.worklist(user=user, on=ON))
    assert [p.pk for p in got] == [b.pk, a.pk, c.pk, e.pk, d.pk]
    assert got[0].urgency == 12 and got[0].overdue_days == 4
    VisitPolicy.objects.filter(pk=1).update(regular_weight=5)
    assert [p.pk for p in selectors.worklist(user=user, on=ON)][:1] == [a.pk]


def test_buckets_and_counts(demo_users):
    user = demo_users["village_a"]
    over = plan(user.scope_code, ON - datetime.timedelta(days=1))
    week = plan(user.scope_code, datetime.date(2017, 6, 18))
    month = plan(user.scope_code, datetime.date(2017, 6, 30))
    plan(user.scope_code, datetime.date(2017, 7, 1))  # next month: not listed
    ids = lambda b: [p.pk for p in selectors.worklist(user=user, bucket=b, on=ON)]  # noqa
    assert ids("overdue") == [over.pk]
    assert ids("week") == [week.pk]
    assert ids("month") == [month.pk]
    assert sorted(ids("all")) == sorted([over.pk, week.pk, month.pk])
    assert selectors.worklist_counts(user=user, on=ON) == {"overdue": 1, "week": 1, "month": 1}


def test_another_villages_plans_never_listed(demo_users):
    a, b = demo_users["village_a"], demo_users["village_b"]
    mine = plan(a.scope_code, ON)
    plan(b.scope_code, ON - datetime.timedelta(days=30))
    assert [p.pk for p in selectors.worklist(user=a, on=ON)] == [mine.pk]


def test_last_visits(demo_users):
    user = demo_users["village_a"]
    p = plan(user.scope_code, ON)
    for day, text in [(1, "old"), (20, "new")]:
        Visit.objects.create(person=p.person, area_code=p.area_code,
                             visited_on=datetime.date(2017, 5, day), method="home",
                             findings=text)
    assert selectors.last_visits([p])[p.person_id].findings == "new"


def test_json_shape_and_masked_id(demo_users, client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: ON)
    user = demo_users["village_a"]
    p = plan(user.scope_code, ON - datetime.timedelta(days=3), name="王五")
    job = make_employment(person=p.person, employer="某电子厂", monthly_income=3000)
    client.force_login(user)
    resp = client.get("/api/v1/followups/worklist/")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["counts"]["overdue"] == 1
    row = body["results"][0]
    assert row["name"] == "王五" and row["overdue_days"] == 3 and row["bucket"] == "overdue"
    assert row["person"] == p.person_id and row["version"] == p.person.version
    assert row["employments"] == [{"id": job.pk, "version": job.version,
                                   "employer": "某电子厂", "place": job.place,
                                   "industry": job.industry, "monthly_income": 3000,
                                   "start_date": job.start_date.isoformat()}]
    assert set(row["intention"]) >= {"wants_work", "work_place_wish", "expected_wage"}
    assert row["id_number"] == p.person.id_number_masked
    assert p.person.reveal("id_number") not in resp.content.decode()
    # a leader sees the region only
    client.force_login(demo_users["leader"])
    rows = client.get("/api/v1/followups/worklist/").json()["results"]
    mine = [r for r in rows if r["person"] == p.person_id]
    assert mine and mine[0]["id_number"] != p.person.id_number_masked
    assert mine[0]["id_number"].endswith("*" * 12)


def test_page_and_service_worker(demo_users, client):
    user = demo_users["village_a"]
    plan(user.scope_code, datetime.date.today() - datetime.timedelta(days=2), name="赵六")
    client.force_login(user)
    page = client.get("/followups/")
    assert page.status_code == 200 and "赵六" in page.content.decode()
    assert "fupin/followups/worklist.js" in page.content.decode()
    sw = client.get("/followups/sw.js")
    assert sw.status_code == 200
    assert sw["Service-Worker-Allowed"] == "/followups/"
    assert sw["Content-Type"].startswith("application/javascript")
    assert "/api/v1/followups/worklist/" in sw.content.decode()
