"""The workbench (工作台, issue 9 item 3): each card counts the records of the user's scope and
links to the list that shows the same records; roles see their cards only; a leader sees the
key indicators month on month; pages of yearly figures open on the latest year that has
records."""

import datetime
import re

import pytest
from django.utils import timezone

from fupin.accounts.services import user_upsert
from fupin.core import periods, workbench
from fupin.core.roles import Role
from fupin.core.testing.fixtures import TEST_PASSWORD
from fupin.employment.status import person_status_refresh
from fupin.employment.tests.factories import make_employment
from fupin.registry.models import Person
from fupin.registry.tests.factories import make_person, national_report_factory
from fupin.training.tests.factories import make_course, make_enrolment

D = datetime.date


def counts(client, user) -> dict[str, int]:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {item["card"].key: item["count"] for item in response.context["cards"]}


def card_url(client, user, key: str) -> str:
    client.force_login(user)
    return next(i["url"] for i in client.get("/").context["cards"] if i["card"].key == key)


@pytest.fixture
def villages(demo_users):
    return demo_users["village_a"].scope_code, demo_users["village_b"].scope_code


def test_incomplete_card_counts_the_users_village_only(demo_users, villages, client):
    a, b = villages
    for _ in range(2):
        make_person(area_code=a)
    for _ in range(3):
        make_person(area_code=b)
    done = make_person(area_code=a)
    Person.objects.filter(pk=done.pk).update(complete=True)
    retired = make_person(area_code=a)
    Person.objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    assert counts(client, demo_users["village_a"])["incomplete"] == 2
    assert counts(client, demo_users["village_b"])["incomplete"] == 3
    assert counts(client, demo_users["lizhou_township"])["incomplete"] == 5
    assert counts(client, demo_users["wangcang_county"])["incomplete"] == 0
    # the link opens the list of the same registrations
    user = demo_users["village_a"]
    page = client.get(card_url(client, user, "incomplete"))
    assert sum(r["incomplete"] for r in page.context["rows"]) == 2


def test_zero_employment_card_is_the_working_lists_count(demo_users, villages, client):
    a, b = villages
    make_person(area_code=a)  # a labourer, nobody working: a zero-employment household
    working = make_person(area_code=a)
    make_employment(person=working, start_date=timezone.localdate() - datetime.timedelta(30))
    person_status_refresh(person_ids=[working.pk])  # as the employment services do
    for _ in range(2):
        make_person(area_code=b)
    for name, expected in [("village_a", 1), ("village_b", 2), ("lizhou_township", 3),
                           ("wangcang_county", 0)]:
        user = demo_users[name]
        assert counts(client, user)["zero_employment"] == expected, name
        page = client.get(card_url(client, user, "zero_employment"))
        assert page.context["total"] == expected
        assert len(list(page.context["page"])) == expected


def test_reconciliation_card_counts_the_scopes_mismatches(demo_users, villages, client):
    a, b = villages
    for area, n in [(a, 1), (b, 2)]:
        for _ in range(n):
            report = national_report_factory(area_code=area)  # 务工, no employment record
            household = report.person.household
            household.national_reported_on = report.reported_on
            household.save()
    for name, expected in [("village_a", 1), ("village_b", 2), ("lizhou_township", 3)]:
        user = demo_users[name]
        assert counts(client, user)["national_mismatch"] == expected, name
        page = client.get(card_url(client, user, "national_mismatch"))
        assert page.context["total"]["total"] == expected


def test_open_courses_card_follows_dates_and_places(demo_users, client):
    township = demo_users["lizhou_township"].scope_code
    a = demo_users["village_a"].scope_code
    today = timezone.localdate()
    open_course = make_course(area_code=township)
    make_course(area_code=township, start_date=today - datetime.timedelta(20),
                end_date=today - datetime.timedelta(1))  # ended
    full = make_course(area_code=township, capacity=1)
    make_enrolment(area_code=a, course=full)
    retired = make_course(area_code=township)
    retired.retired_at = timezone.now()
    retired.save()
    make_course(area_code="510821001")  # Wangcang's: not in Lizhou's villages' sight
    make_course(area_code=township, status="planned")  # not open for enrolment yet
    make_course(area_code=township, status="cancelled")
    user = demo_users["village_a"]
    assert counts(client, user)["courses_open"] == 1
    html = client.get(card_url(client, user, "courses_open")).content.decode()
    assert re.findall(r'<tr data-pk="(\d+)"', html) == [str(open_course.pk)]
    assert counts(client, demo_users["wangcang_county"])["courses_open"] == 1


def test_roles_see_their_cards_only(demo_users, client):
    staff = {"incomplete", "national_mismatch", "zero_employment", "courses_open",
             "posts_vacant"}
    assert staff <= set(counts(client, demo_users["village_a"]))
    assert "villages" not in counts(client, demo_users["village_a"])  # none below a village
    assert {"townships", "villages"} <= set(counts(client, demo_users["lizhou_county"]))
    assert "townships" not in counts(client, demo_users["lizhou_township"])
    for name in ("leader", "inspector", "expert"):
        assert not staff & set(counts(client, demo_users[name])), name


def test_a_user_without_scope_sees_no_card(demo_users):
    user = demo_users["village_a"]
    user.scope_area_id = None
    assert workbench.cards_for(user) == []


def world_by_month(a: str, b: str):
    """A: one labourer working since 2017-11-15; B: one working since 2017-03-01 and one
    never working. Latest record: November 2017."""
    pa = make_person(area_code=a)
    make_employment(person=pa, start_date=D(2017, 11, 15))
    pb = make_person(area_code=b)
    make_employment(person=pb, start_date=D(2017, 3, 1))
    make_person(area_code=b)


def test_leader_sees_indicators_month_on_month(demo_users, villages, client):
    a, b = villages
    world_by_month(a, b)
    client.force_login(demo_users["leader"])
    response = client.get("/")
    data = response.context["indicators"]
    assert data["month"] == (2017, 11) and data["previous"] == (2017, 10)
    assert data["as_of"] == D(2017, 11, 30) and data["previous_as_of"] == D(2017, 10, 31)
    rows = {r["indicator"].key: r for r in data["rows"]}
    assert (rows["employed"]["value"], rows["employed"]["previous"]) == (2, 1)
    assert rows["employed"]["direction"] == "up" and rows["employed"]["good"] is True
    # A's household went to work in November: one zero-employment household fewer
    assert (rows["zero_employment"]["value"], rows["zero_employment"]["change"]) == (1, -1)
    assert rows["zero_employment"]["direction"] == "down" and rows["zero_employment"]["good"]
    assert rows["labourers"]["change"] == 0 and rows["labourers"]["direction"] == ""
    assert rows["employment_coverage"]["points"]
    html = response.content.decode()
    assert "较上月增加" in html and "较上月减少" in html and "与上月持平" in html
    assert 'data-card="incomplete"' not in html  # a leader's workbench: the indicators


def test_a_leaders_indicators_keep_to_the_leaders_scope(demo_users, villages, client):
    a, b = villages
    world_by_month(a, b)
    leader_b, _changed = user_upsert(username="leader_b", role=Role.LEADER, scope_code=b,
                                     password=TEST_PASSWORD, full_name="村领导")
    data = workbench.leader_indicators(leader_b)
    # B's latest record is of March; A's November employment is not B's
    assert data["month"] == (2017, 3) and data["previous"] == (2017, 2)
    rows = {r["indicator"].key: r for r in data["rows"]}
    assert (rows["employed"]["value"], rows["employed"]["previous"]) == (1, 0)
    assert rows["labourers"]["value"] == 2


def test_leader_without_records_sees_no_indicators(demo_users, client):
    client.force_login(demo_users["leader"])
    response = client.get("/")
    assert response.status_code == 200 and response.context["indicators"] is None


def test_latest_period_is_the_latest_record_in_scope(demo_users, villages):
    a, b = villages
    world_by_month(a, b)
    make_course(area_code=a[:9], start_date=timezone.localdate() + datetime.timedelta(30),
                end_date=timezone.localdate() + datetime.timedelta(40))  # planned: not yet
    assert periods.latest_day(demo_users["village_a"]) == D(2017, 11, 15)
    assert periods.latest_day(demo_users["village_b"]) == D(2017, 3, 1)
    assert periods.latest_day(demo_users["wangcang_county"]) is None
    assert periods.latest_year(demo_users["wangcang_county"]) == timezone.localdate().year


def test_indicator_page_opens_on_the_latest_year_with_records(demo_users, villages, client):
    a, b = villages
    world_by_month(a, b)
    client.force_login(demo_users["lizhou_county"])
    assert client.get("/reports/indicators/").context["table"]["year"] == 2017
    # asked for a year, it shows that year
    assert client.get("/reports/indicators/?year=2016").context["table"]["year"] == 2016
    client.force_login(demo_users["wangcang_county"])  # no records: this year
    assert client.get("/reports/indicators/").context["table"]["year"] == \
        timezone.localdate().year


def test_officers_see_their_days_work_not_the_indicators(demo_users, villages, client):
    a, b = villages
    world_by_month(a, b)
    for name in ("lizhou_county", "lizhou_township", "village_a"):
        client.force_login(demo_users[name])
        response = client.get("/")
        assert response.context["indicators"] is None
        html = response.content.decode()
        assert 'data-testid="workbench-indicators"' not in html
        assert 'data-card="incomplete"' in html


def test_vacant_posts_card_counts_the_scopes_vacant_posts(demo_users, villages, client):
    from fupin.employment.tests.factories import make_placement, make_post

    a, b = villages
    today = timezone.localdate()
    vacant = make_post(area_code=a)
    held = make_post(area_code=a)
    make_placement(post=held, area_code=a, start_date=today - datetime.timedelta(10))
    left = make_post(area_code=a)  # its holder left last month: vacant again
    make_placement(post=left, area_code=a, start_date=today - datetime.timedelta(90),
                   end_date=today - datetime.timedelta(30))
    make_post(area_code=b)
    user = demo_users["village_a"]
    assert counts(client, user)["posts_vacant"] == 2
    assert counts(client, demo_users["lizhou_township"])["posts_vacant"] == 3
    html = client.get(card_url(client, user, "posts_vacant")).content.decode()
    assert sorted(re.findall(r'<tr data-pk="(\d+)"', html)) == sorted([str(vacant.pk),
                                                                     str(left.pk)])


def test_nightly_refresh_keeps_this_months_figures(demo_users, villages):
    """This month's figures run to today and move with the calendar, like the year's: the
    nightly refresh recomputes both."""
    import io

    from django.core.management import call_command

    from fupin.core.models import AreaFigureSet

    a, _b = villages
    make_person(area_code=a)
    today = timezone.localdate()
    call_command("refresh_indicators", stdout=io.StringIO())
    stored = AreaFigureSet.objects.filter(area_code=a, year=today.year)
    assert set(stored.values_list("month", flat=True)) == {0, today.month}
    assert stored.get(month=today.month).as_of == today


def test_unread_messages_card_counts_the_users_own_unread(demo_users, client):
    from fupin.core.notifications import notification_mark_read, notify

    worker, other = demo_users["village_a"], demo_users["village_b"]
    sent = notify(recipients=[worker, other],
                  kind="test", text="请核实")
    notify(recipients=[worker], kind="test", text="已读的")
    notification_mark_read(actor=worker, notification_id=sent[0].pk)
    assert counts(client, worker)["notifications_unread"] == 1
    assert counts(client, other)["notifications_unread"] == 1
    page = client.get(card_url(client, worker, "notifications_unread"))
    assert page.status_code == 200 and page.context["only_unread"]
    assert [n.text for n in page.context["page"]] == ["已读的"]
