"""Notifications (issue 9 item 2, DESIGN §8): recipients by role and area, the in-app row in
the sender's transaction, the other channels after commit only (a failing one breaks nothing),
the bell, the page, mark read, the API, retention."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from fupin.core import notifications
from fupin.core.models import Notification
from fupin.core.notifications import notify, users_for
from fupin.core.roles import Role

pytestmark = pytest.mark.django_db

LOG = "fupin.core.notifications.LogChannel"
SMS = "fupin.core.notifications.SmsChannel"


class FakeGateway:
    """An SMS provider that records what it was asked to send."""

    sent: list[tuple[str, str]] = []

    def send(self, phone, text):
        FakeGateway.sent.append((phone, text))


class BrokenGateway:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


class RecordingChannel(notifications.Channel):
    calls: list[list[int]] = []

    def deliver(self, items):
        RecordingChannel.calls.append([n.pk for n in items])


class BrokenChannel(notifications.Channel):
    def deliver(self, items):
        raise RuntimeError("channel down")


RECORDING = f"{__name__}.RecordingChannel"
BROKEN = f"{__name__}.BrokenChannel"


@pytest.fixture(autouse=True)
def _fresh_records():
    # (the constructed channels are forgotten whenever override_settings changes theirs)
    RecordingChannel.calls, FakeGateway.sent = [], []


def usernames(qs) -> set[str]:
    return set(qs.values_list("username", flat=True))


def village(users) -> str:
    return users["village_a"].scope_code


# --- recipients --------------------------------------------------------------------------

def test_users_for_above_finds_the_roles_whose_scope_holds_the_area(demo_users):
    officers = users_for(roles=[Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER],
                         area_code=village(demo_users))
    # Lizhou's county officer and the township's, not Wangcang's
    assert usernames(officers) == {"lizhou_township", "lizhou_county"}
    assert usernames(users_for(roles=[Role.TOWNSHIP_OFFICER],
                               area_code=village(demo_users))) == {"lizhou_township"}


def test_users_for_below_finds_the_roles_inside_the_area(demo_users):
    township = demo_users["lizhou_township"].scope_code
    workers = users_for(roles=[Role.VILLAGE_WORKER], area_code=township, below=True)
    assert usernames(workers) == {"village_a", "village_b"}
    # a village's workers are not "below" another village
    assert usernames(users_for(roles=[Role.VILLAGE_WORKER], area_code=village(demo_users),
                               below=True)) == {"village_a"}
    assert usernames(users_for(roles=[Role.VILLAGE_WORKER], area_code="510821",
                               below=True)) == set()


def test_users_for_skips_inactive_users(demo_users):
    township = demo_users["lizhou_township"]
    township.is_active = False
    township.save()
    assert usernames(users_for(roles=[Role.TOWNSHIP_OFFICER],
                               area_code=village(demo_users))) == set()


def test_notify_skips_the_actor_and_tells_each_recipient_once(demo_users):
    actor = demo_users["lizhou_county"]
    recipients = [*users_for(roles=[Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER],
                             area_code=village(demo_users)), demo_users["lizhou_township"]]
    rows = notify(recipients=recipients, kind="test.kind", text="请审核", link="/x/",
                  area_code=village(demo_users), exclude=actor)
    assert [r.recipient.username for r in rows] == ["lizhou_township"]
    assert Notification.objects.filter(recipient=actor).count() == 0
    assert Notification.objects.get().text == "请审核"


# --- transaction and channels ----------------------------------------------------------------

@override_settings(FUPIN_NOTIFICATION_CHANNELS=[RECORDING])
def test_nothing_is_sent_when_the_senders_transaction_rolls_back(demo_users):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[demo_users["village_a"]], kind="k", text="t")
        raise RuntimeError("the action failed")
    assert Notification.objects.count() == 0
    assert RecordingChannel.calls == []


@pytest.mark.django_db(transaction=True)
@override_settings(FUPIN_NOTIFICATION_CHANNELS=[RECORDING])
def test_channels_are_told_after_commit_only(demo_users):
    with transaction.atomic():
        rows = notify(recipients=[demo_users["village_a"], demo_users["village_b"]],
                      kind="k", text="t")
        assert RecordingChannel.calls == []  # not while the sender's transaction is open
    assert RecordingChannel.calls == [[r.pk for r in rows]]


@pytest.mark.django_db(transaction=True)
@override_settings(FUPIN_NOTIFICATION_CHANNELS=[BROKEN, RECORDING, "no.such.Channel"])
def test_a_failing_channel_is_logged_and_breaks_neither_the_sender_nor_the_others(
        demo_users, caplog):
    with caplog.at_level(logging.ERROR, logger="fupin.notifications"), transaction.atomic():
        notify(recipients=[demo_users["village_a"]], kind="k", text="t")
    assert Notification.objects.count() == 1  # the sender's write stands
    assert len(RecordingChannel.calls) == 1  # the next channel was still told
    failed = [r.getMessage() for r in caplog.records]
    assert any(BROKEN in m for m in failed) and any("no.such.Channel" in m for m in failed)


@pytest.mark.django_db(transaction=True)
@override_settings(FUPIN_NOTIFICATION_CHANNELS=[LOG])
def test_the_log_channel_logs_ids_and_kind_but_not_the_text(demo_users, caplog):
    user = demo_users["village_a"]
    with caplog.at_level(logging.INFO, logger="fupin.notifications"):
        (row,) = notify(recipients=[user], kind="course.ended", text="张三 13812345678")
    (line,) = [r.getMessage() for r in caplog.records]
    assert f"notification {row.pk}" in line and "course.ended" in line
    assert f"recipient={user.pk}" in line
    assert "13812345678" not in line and "张三" not in line


@pytest.mark.django_db(transaction=True)
@override_settings(FUPIN_NOTIFICATION_CHANNELS=[SMS],
                   FUPIN_SMS_GATEWAY=f"{__name__}.FakeGateway")
def test_the_sms_channel_sends_the_text_to_the_recipients_phone(demo_users):
    a, b = demo_users["village_a"], demo_users["village_b"]
    a.phone = "13800000001"
    a.save()
    b.phone = ""  # no phone: nothing to send, no failure
    b.save()
    with transaction.atomic():
        notify(recipients=[a, b], kind="k", text="请于本周内回访")
        assert FakeGateway.sent == []
    assert FakeGateway.sent == [("13800000001", "请于本周内回访")]


@pytest.mark.django_db(transaction=True)
@override_settings(FUPIN_NOTIFICATION_CHANNELS=[SMS, RECORDING],
                   FUPIN_SMS_GATEWAY=f"{__name__}.BrokenGateway")
def test_a_failing_sms_gateway_breaks_nothing(demo_users, caplog):
    a = demo_users["village_a"]
    a.phone = "13800000001"
    a.save()
    with caplog.at_level(logging.ERROR, logger="fupin.notifications"):
        notify(recipients=[a], kind="k", text="t")
    assert Notification.objects.count() == 1
    assert len(RecordingChannel.calls) == 1
    assert any("not sent" in r.getMessage() for r in caplog.records)


# --- pages ---------------------------------------------------------------------------------

def _mine(user, n=1, text="消息", **extra):
    return [Notification.objects.create(recipient=user, kind="k", text=f"{text}{i}",
                                        link="/registry/persons/", **extra) for i in range(n)]


def test_the_bell_shows_the_unread_count_on_every_page_and_in_its_fragment(
        demo_users, login):
    user = demo_users["village_a"]
    _mine(user, 3)
    _mine(user, 1, read_at=timezone.now())
    _mine(demo_users["village_b"], 5)  # another's: not counted
    client = login(user)
    page = client.get("/registry/persons/").content.decode()
    assert 'data-testid="unread-count"' in page and ">3</span>" in page
    assert 'hx-get="/notifications/bell/"' in page and 'hx-trigger="every 60s"' in page
    fragment = client.get("/notifications/bell/").content.decode()
    assert ">3</span>" in fragment and "<html" not in fragment
    Notification.objects.filter(recipient=user).update(read_at=timezone.now())
    assert "unread-count" not in client.get("/notifications/bell/").content.decode()


def test_the_bells_poll_renews_no_session_and_stops_once_signed_out(demo_users, client):
    client.force_login(demo_users["village_a"])
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + timedelta(minutes=5))
    before = Session.objects.get(session_key=key).expire_date
    assert client.get("/notifications/bell/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == before
    client.get("/notifications/")  # a page the user opened does renew it
    assert Session.objects.get(session_key=key).expire_date > before
    client.logout()
    assert client.get("/notifications/bell/").status_code == 286  # htmx: stop polling


def test_the_page_lists_only_the_users_own_newest_first_unread_marked(demo_users, login):
    user = demo_users["village_a"]
    old, new = _mine(user, 2)
    _mine(user, 1, text="已读", read_at=timezone.now())
    Notification.objects.create(recipient=demo_users["village_b"], kind="k", text="别人的消息")
    page = login(user).get("/notifications/").content.decode()
    assert page.index("消息1") < page.index("消息0")
    assert "别人的消息" not in page
    assert page.count('data-read="0"') == 2 and page.count('data-read="1"') == 1
    # a read one links to its record; an unread one opens it through "mark read"
    assert '<a href="/registry/persons/">已读0</a>' in page
    assert '<a href="/registry/persons/">消息' not in page
    assert page.count('name="next" value="/registry/persons/"') == 2


def test_opening_an_unread_notification_marks_it_read_and_goes_to_its_record(
        demo_users, login):
    (n,) = _mine(demo_users["village_a"])
    resp = login(demo_users["village_a"]).post(f"/notifications/{n.pk}/read/",
                                               {"next": n.link})
    assert resp.status_code == 302 and resp["Location"] == "/registry/persons/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_the_page_pages_by_keys(demo_users, login):
    from fupin.core.views.notifications import PAGE_SIZE

    user = demo_users["village_a"]
    rows = _mine(user, PAGE_SIZE + 2)
    client = login(user)
    first = client.get("/notifications/").content.decode()
    assert first.count('data-testid="notification"') == PAGE_SIZE
    assert f"after={rows[2].pk}" in first
    second = client.get(f"/notifications/?after={rows[2].pk}").content.decode()
    assert second.count('data-testid="notification"') == 2


def test_a_link_elsewhere_is_not_rendered_as_a_link(demo_users, login):
    user = demo_users["village_a"]
    Notification.objects.create(recipient=user, kind="k", text="外链", link="//evil.example/")
    page = login(user).get("/notifications/").content.decode()
    assert "evil.example" not in page and "外链" in page


def test_mark_read_and_mark_all_read(demo_users, login):
    user = demo_users["village_a"]
    one, two, three = _mine(user, 3)
    client = login(user)
    assert client.get(f"/notifications/{one.pk}/read/").status_code == 405  # POST only
    resp = client.post(f"/notifications/{one.pk}/read/", {"next": "/notifications/?unread=1"})
    assert resp.status_code == 302 and resp["Location"] == "/notifications/?unread=1"
    one.refresh_from_db()
    assert one.read_at is not None
    first_read = one.read_at
    client.post(f"/notifications/{one.pk}/read/")  # again: keeps the first time
    one.refresh_from_db()
    assert one.read_at == first_read
    resp = client.post("/notifications/read-all/", {"next": "https://evil.example/"})
    assert resp["Location"] == "/notifications/"  # never off the site
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0


def test_mark_read_needs_the_csrf_token(demo_users):
    from django.test import Client

    (mine,) = _mine(demo_users["village_a"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_users["village_a"])
    assert client.post(f"/notifications/{mine.pk}/read/").status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


@pytest.mark.parametrize("reader", ["village_b", "admin", "lizhou_county"])
def test_another_users_notification_is_not_found(demo_users, login, reader):
    (theirs,) = _mine(demo_users["village_a"])
    client = login(demo_users[reader])
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert "消息0" not in client.get("/notifications/").content.decode()
    client.post("/notifications/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    api = client.get(f"/api/v1/notifications/{theirs.pk}/")
    assert api.status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404


def test_pages_need_a_signed_in_user(client):
    assert client.get("/notifications/").status_code == 302


# --- API -----------------------------------------------------------------------------------

def test_api_lists_own_counts_unread_and_marks_read(demo_users, login):
    user = demo_users["leader"]  # a read-only role may still mark its own messages read
    one, two = _mine(user, 2)
    _mine(demo_users["village_b"], 3)
    client = login(user)
    body = client.get("/api/v1/notifications/").json()
    assert [r["id"] for r in body["results"]] == [two.pk, one.pk]
    assert body["results"][0]["read"] is False
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    resp = client.post(f"/api/v1/notifications/{one.pk}/read/")
    assert resp.status_code == 200 and resp.json()["read"] is True
    unread = client.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]
    assert [r["id"] for r in unread] == [two.pk]
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert client.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}


def test_api_refuses_writes_to_a_notification(demo_users, login):
    (mine,) = _mine(demo_users["village_a"])
    client = login(demo_users["village_a"])
    assert client.patch(f"/api/v1/notifications/{mine.pk}/", {"text": "x"},
                        content_type="application/json").status_code == 405
    assert client.delete(f"/api/v1/notifications/{mine.pk}/").status_code == 405
    assert client.post("/api/v1/notifications/", {},
                       content_type="application/json").status_code == 405


def test_api_needs_authentication(client):
    assert client.get("/api/v1/notifications/").status_code == 401


# --- retention -----------------------------------------------------------------------------

@override_settings(FUPIN_NOTIFICATION_RETENTION_DAYS=30)
def test_nightly_purges_old_read_notifications_only(demo_users):
    user = demo_users["village_a"]
    now = timezone.now()
    (old_read,) = _mine(user, read_at=now - timedelta(days=31))
    (recent_read,) = _mine(user, read_at=now - timedelta(days=29))
    (old_unread,) = _mine(user)
    Notification.objects.filter(pk=old_unread.pk).update(created_at=now - timedelta(days=400))
    call_command("nightly", stdout=io.StringIO())
    assert set(Notification.objects.values_list("pk", flat=True)) == {recent_read.pk,
                                                                       old_unread.pk}
    out = io.StringIO()
    call_command("purge_notifications", days=0, stdout=out)
    assert set(Notification.objects.values_list("pk", flat=True)) == {old_unread.pk}
