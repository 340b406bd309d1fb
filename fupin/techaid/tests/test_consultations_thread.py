"""The thread, the photos (by content, EXIF stripped, sealed, served in scope), the overdue
notice, the settings page, the queue, the routing list, workbench cards, the household's
timeline and the API."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from fupin.core.errors import ServiceError
from fupin.core.models import Notification
from fupin.registry.tests.factories import make_household
from fupin.techaid import consultations as services
from fupin.techaid.models import Consultation, Message, OnsiteVisit, Photo, TechaidPolicy
from fupin.techaid.tests import consult_fixtures as fx
from fupin.techaid.tests.factories_consultations import make_consultation

# the part's fixtures (consult_fixtures.py)
wc, step, raise_ = fx.wc, fx.step, fx.raise_
jpeg, upload = fx.jpeg, fx.upload
WANGCANG = fx.WANGCANG

S = Consultation.Status


def routed(raise_, wc, step, **kw):
    return step(wc.county, raise_(**kw), "route", group=wc.group.pk)


# --- photos ---

def test_photos_are_resized_stripped_of_exif_and_sealed(raise_, wc, settings):
    from PIL import Image

    original = jpeg()
    assert b"PhoneMaker" in original.getvalue()
    c = raise_(photos=[upload(original)])
    photo = c.photos.get()
    with open(photo.image.path, "rb") as fh:  # at rest: sealed, not a JPEG
        raw = fh.read()
    assert not raw.startswith(b"\xff\xd8") and b"PhoneMaker" not in raw
    clear = photo.image.storage.open(photo.image.name).read()
    image = Image.open(io.BytesIO(clear))
    assert image.format == "JPEG" and max(image.size) == 1600
    assert not image.getexif() and b"PhoneMaker" not in clear and b"Exif" not in clear[:64]


@pytest.mark.parametrize(("content", "name"), [
    (b"%PDF-1.4 not a photo", "leaf.jpg"),
    (b"<script>alert(1)</script>", "x.png"),
    (b"\xff\xd8\xff\xe0 truncated", "cut.jpg")])
def test_a_file_that_is_not_an_image_is_refused(content, name, raise_, wc):
    with pytest.raises(ServiceError, match="不是有效的图片"):
        raise_(photos=[upload(content, name=name)])
    assert not Consultation.objects.exists() and not Photo.objects.exists()


def test_a_photo_over_10_mb_is_refused(raise_, wc):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.jpg", b"\xff" * (10 * 1024 * 1024 + 1),
                             content_type="image/jpeg")
    with pytest.raises(ServiceError, match="10 MB"):
        raise_(photos=[big])


def test_photos_are_served_only_to_who_sees_the_consultation(raise_, wc, client):
    c = raise_(photos=[upload(jpeg(size=(200, 100)))])
    url = f"/techaid/consultation-photos/{c.photos.get().pk}/"
    client.force_login(wc.expert)
    resp = client.get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "image/jpeg"
    assert resp["Cache-Control"] == "private, no-store"
    for user in (wc.lz_user, wc.worker2, wc.users["village_a"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


# --- thread ---

def test_the_raiser_and_the_groups_experts_talk_with_photos(raise_, wc, step,
                                                             django_capture_on_commit_callbacks):
    c = routed(raise_, wc, step)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(actor=wc.expert2, consultation=c, text="请拍一张叶背的照片")
        m = services.message_post(actor=wc.worker, consultation=c, text="叶背照片如下",
                                  photos=[upload(jpeg(size=(300, 300)))])
    assert m.photos.count() == 1 and m.photos.get().consultation == c
    assert list(c.messages.values_list("author__username", flat=True)) == \
        ["wc_expert2", "wc_village"]
    told = Notification.objects.filter(kind="techaid.consultation.message")
    assert set(told.values_list("recipient__username", flat=True)) == \
        {"wc_village", "expert", "wc_expert2"}
    # an officer in scope takes part too
    services.message_post(actor=wc.county, consultation=c, text="请专家尽快答复")


@pytest.mark.parametrize("who", ["walnut", "worker2", "technician", "lizhou"])
def test_who_is_not_in_the_consultation_cannot_post(who, raise_, wc, step):
    from django.http import Http404

    c = routed(raise_, wc, step)
    actor = {"walnut": wc.walnut_user, "worker2": wc.worker2, "technician": wc.technician,
             "lizhou": wc.lz_user}[who]
    with pytest.raises((PermissionDenied, Http404)):
        services.message_post(actor=actor, consultation=c, text="我来说两句")
    assert not Message.objects.exists()


def test_no_post_after_closing_and_no_empty_post(raise_, wc, step):
    c = routed(raise_, wc, step)
    with pytest.raises(ServiceError, match="请填写"):
        services.message_post(actor=wc.worker, consultation=c, text="  ")
    c = step(wc.expert, c, "answer", diagnosis="d", advice="a")
    c = step(wc.worker, c, "solved", rating=5)
    with pytest.raises(ServiceError, match="已办结"):
        services.message_post(actor=wc.worker, consultation=c, text="谢谢专家")
    with pytest.raises(ServiceError, match="已办结"):
        services.photo_add(actor=wc.worker, consultation=c, upload=upload(jpeg()))
    assert not Message.objects.exists()


def test_the_detail_page_shows_the_thread_and_the_post_box(raise_, wc, step, client):
    c = routed(raise_, wc, step)
    client.force_login(wc.worker)
    resp = client.post(f"/techaid/consultations/{c.pk}/messages/",
                       {"text": "叶片越来越黄", "photos": [upload(jpeg(size=(80, 80)))]})
    assert resp.status_code == 302
    html = client.get(f"/techaid/consultations/{c.pk}/").content.decode()
    assert "叶片越来越黄" in html and 'data-testid="post-box"' in html
    assert f"/techaid/consultation-photos/{Photo.objects.get().pk}/" in html
    # the expert's page has the answer form
    client.force_login(wc.expert)
    html = client.get(f"/techaid/consultations/{c.pk}/").content.decode()
    assert 'data-transition="answer"' in html and 'data-transition="refer_onsite"' in html
    assert f'<option value="{wc.member.pk}">李专家</option>' in html
    client.force_login(wc.walnut_user)  # sees it (county scope) but may not answer or post
    html = client.get(f"/techaid/consultations/{c.pk}/").content.decode()
    assert 'data-refused="answer"' in html and 'data-testid="post-box"' not in html


# --- overdue ---

def test_the_overdue_notice_goes_to_the_chief_once(raise_, wc, step):
    c = routed(raise_, wc, step)
    late = timezone.now() + datetime.timedelta(hours=25)
    fresh = raise_()
    assert services.overdue_notify(now=timezone.now()) == {"consultations": 0,
                                                           "notifications": 0}
    sent = services.overdue_notify(now=late)
    notes = Notification.objects.filter(kind="techaid.consultation.overdue")
    # the routed one tells the chief, the pending one the county's officer (分诊员)
    assert sent == {"consultations": 2, "notifications": 2}
    assert {(n.recipient.username, n.link) for n in notes} == {
        ("expert", f"/techaid/consultations/{c.pk}/"),
        ("wangcang_county", f"/techaid/consultations/{fresh.pk}/")}
    assert services.overdue_notify(now=late + datetime.timedelta(days=30)) == \
        {"consultations": 0, "notifications": 0}
    c.refresh_from_db()
    assert c.overdue_notified


def test_overdue_counts_answer_and_solve_limits(raise_, wc, step):
    c = routed(raise_, wc, step)
    c = step(wc.expert, c, "answer", diagnosis="d", advice="a")
    later = timezone.now() + datetime.timedelta(days=2)
    assert not services.is_overdue(c, now=later)  # answered in time, not yet due to solve
    assert services.is_overdue(c, now=timezone.now() + datetime.timedelta(days=8))
    assert Consultation.objects.filter(
        services.overdue_q(timezone.now() + datetime.timedelta(days=8))).count() == 1
    c = step(wc.worker, c, "solved", rating=5)
    assert not services.is_overdue(c, now=timezone.now() + datetime.timedelta(days=30))


def test_the_nightly_chain_runs_the_overdue_notice(wc, monkeypatch):
    called = []
    monkeypatch.setattr(services, "overdue_notify", lambda: called.append(1) or
                        {"consultations": 0, "notifications": 0})
    out = io.StringIO()
    call_command("techaid_overdue", stdout=out)
    assert called and "会诊超时提醒" in out.getvalue()
    import inspect

    from fupin.reports.management.commands import nightly

    assert '"techaid_overdue"' in inspect.getsource(nightly)


# --- settings ---

def test_the_settings_page_edits_with_a_version_guard_and_history(wc, client):
    admin = wc.users["admin"]
    client.force_login(admin)
    assert client.get("/techaid/settings/").status_code == 200
    data = {"first_answer_hours_normal": 24, "first_answer_hours_urgent": 8,
            "first_answer_hours_critical": 2, "solve_days": 5, "auto_route": "on",
            "load_limit": 30, "version": 1}
    assert client.post("/techaid/settings/", data).status_code == 200
    pol = TechaidPolicy.objects.get(pk=1)
    assert (pol.first_answer_hours_urgent, pol.auto_route, pol.version) == (8, True, 2)
    stale = client.post("/techaid/settings/", {**data, "solve_days": 9})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    bad = client.post("/techaid/settings/", {**data, "version": 2, "solve_days": 0})
    assert bad.status_code == 400
    assert TechaidPolicy.objects.get(pk=1).solve_days == 5
    history = client.get("/techaid/settings/history/").content.decode()
    assert "紧急问题首次答复时限（小时）" in history
    client.force_login(wc.county)
    assert client.post("/techaid/settings/", {**data, "version": 2}).status_code == 403
    assert 'disabled' in client.get("/techaid/settings/").content.decode()


# --- pages: queue, routing, raise, onsite ---

def test_the_queue_orders_by_urgency_then_due_time_and_flags_overdue(raise_, wc, step, client):
    normal = routed(raise_, wc, step, title="普通问题")
    critical = routed(raise_, wc, step, title="特急问题", urgency="critical")
    urgent = routed(raise_, wc, step, title="紧急问题", urgency="urgent")
    Consultation.objects.filter(pk=normal.pk).update(
        answer_due_at=timezone.now() - datetime.timedelta(hours=1))
    walnut = step(wc.county, raise_(industry=wc.walnut.pk), "route",
                  group=wc.walnut_group.pk)
    from fupin.techaid import consultation_selectors as selectors

    rows = list(selectors.queue(user=wc.expert))
    assert [r.pk for r in rows] == [critical.pk, urgent.pk, normal.pk]
    assert [r.is_overdue for r in rows] == [0, 0, 1]
    client.force_login(wc.expert)
    html = client.get("/techaid/consultations/queue/").content.decode()
    assert html.index("特急问题") < html.index("紧急问题") < html.index("普通问题")
    assert f"/techaid/consultations/{critical.pk}/#answer" in html
    assert walnut.title not in html or "核桃" not in html
    assert selectors.queue_counts(user=wc.expert) == {"normal": 1, "urgent": 1,
                                                      "critical": 1}


def test_the_routing_list_routes_in_one_tap(raise_, wc, client):
    c = raise_()
    client.force_login(wc.county)
    html = client.get("/techaid/consultations/routing/").content.decode()
    assert c.number in html
    resp = client.post(f"/techaid/consultations/{c.pk}/transitions/route/",
                       {"_version": 1, "group": wc.group.pk})
    assert resp.status_code == 302
    c.refresh_from_db()
    assert c.status == S.AWAITING
    assert c.number not in client.get("/techaid/consultations/routing/").content.decode()
    client.force_login(wc.worker)
    assert client.get("/techaid/consultations/routing/").status_code == 403


def test_the_raise_page_takes_photos_from_the_camera(wc, client):
    h = make_household(area_code=wc.village)
    client.force_login(wc.worker)
    html = client.get("/techaid/consultations/raise/").content.decode()
    assert 'accept="image/*" capture="environment" multiple' in html
    resp = client.post("/techaid/consultations/raise/", {
        "industry": wc.tea.pk, "household": h.pk, "title": "茶园虫害", "description": "叶片有虫眼",
        "urgency": "urgent", "photos": [upload(jpeg(size=(100, 100)))]})
    c = Consultation.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/techaid/consultations/{c.pk}/"
    assert (c.area_code, c.household, c.urgency, c.photos.count()) == \
        (wc.village, h, "urgent", 1)
    bad = client.post("/techaid/consultations/raise/", {"industry": wc.tea.pk, "title": "",
                                                        "description": "x"})
    assert bad.status_code == 400 and "请填写问题" in bad.content.decode()
    client.force_login(wc.expert)
    assert client.get("/techaid/consultations/raise/").status_code == 403
    # a township's technician picks the village
    client.force_login(wc.technician)
    resp = client.post("/techaid/consultations/raise/", {
        "area_code": wc.other_village, "industry": wc.tea.pk, "title": "核桃落果",
        "description": "幼果脱落", "urgency": "normal"})
    assert resp.status_code == 302
    assert Consultation.objects.get(title="核桃落果").area_code == wc.other_village


def test_the_onsite_page_completes_the_visit(raise_, wc, step, client):
    c = routed(raise_, wc, step)
    step(wc.expert, c, "refer_onsite", planned_on=timezone.localdate().isoformat())
    visit = OnsiteVisit.objects.get()
    client.force_login(wc.expert)
    html = client.get(f"/techaid/onsite-visits/{visit.pk}/").content.decode()
    assert "完成面诊" in html
    client.post(f"/techaid/onsite-visits/{visit.pk}/complete/",
                {"_version": 1, "findings": "现场确诊", "done_on": timezone.localdate()})
    visit.refresh_from_db()
    assert (visit.status, visit.findings) == ("done", "现场确诊")


def test_the_list_filters_and_counts(raise_, wc, step, client):
    a = routed(raise_, wc, step, title="甲问题")
    raise_(title="乙问题", urgency="critical")
    client.force_login(wc.county)
    html = client.get("/techaid/consultations/", {"status": "awaiting"}).content.decode()
    assert "甲问题" in html and "乙问题" not in html
    html = client.get("/techaid/consultations/", {"urgency": "critical"}).content.decode()
    assert "乙问题" in html and "甲问题" not in html
    Consultation.objects.filter(pk=a.pk).update(
        answer_due_at=timezone.now() - datetime.timedelta(hours=1))
    html = client.get("/techaid/consultations/", {"overdue": "true"}).content.decode()
    assert "甲问题" in html and "乙问题" not in html
    html = client.get("/techaid/consultations/", {"industry": wc.walnut.pk}).content.decode()
    assert "甲问题" not in html


# --- workbench and timeline ---

def test_workbench_cards_count_the_users_scope(raise_, wc, step, demo_users):
    from fupin.core import workbench as wb

    routed(raise_, wc, step, urgency="critical")
    raise_()
    make_consultation(area_code=demo_users["village_a"].scope_code)  # Lizhou's

    def counts(user):
        return {c["card"].key: (c["count"], c["url"]) for c in wb.cards_for(user)}

    expert = counts(wc.expert)
    assert expert["techaid_queue_critical"] == (1, "/techaid/consultations/queue/")
    assert expert["techaid_queue_normal"][0] == 0
    county = counts(wc.county)
    assert county["techaid_routing"] == (1, "/techaid/consultations/routing/")
    assert county["techaid_overdue"] == (0, "/techaid/consultations/?overdue=true")
    assert counts(demo_users["lizhou_county"])["techaid_routing"][0] == 1
    assert "techaid_queue_critical" not in counts(wc.county)


def test_the_households_timeline_has_its_consultations(raise_, wc, step, demo_users):
    from fupin.core.sections import household_timeline, timeline

    h = make_household(area_code=wc.village)
    c = routed(raise_, wc, step, household=h.pk, title="茶苗枯死")
    c = step(wc.expert, c, "answer", diagnosis="d", advice="a")
    step(wc.worker, c, "solved", rating=4)
    titles = [e.title for e in timeline(household_timeline, user=wc.worker, obj=h)
              if "会诊" in e.title]
    assert titles == ["会诊办结：茶苗枯死（已解决）", "会诊：茶苗枯死（已解决）"]
    assert [e for e in timeline(household_timeline, user=wc.worker2, obj=h)
            if "会诊" in e.title] == []


# --- API ---

def test_api_raise_with_photos_and_take_the_steps(wc, client):
    client.force_login(wc.worker)
    resp = client.post("/api/v1/techaid/consultations/", {
        "area_code": wc.village, "industry": wc.tea.pk, "title": "茶叶病害",
        "description": "叶斑", "urgency": "critical", "photos": [upload(jpeg(size=(90, 90)))]})
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["status"] == "pending" and len(body["photos"]) == 1
    assert body["number"].startswith("HZ")
    pk = body["id"]
    client.force_login(wc.county)
    names = [t["name"] for t in client.get(
        f"/api/v1/techaid/consultations/{pk}/transitions/").json()]
    assert names == ["route"]
    resp = client.post(f"/api/v1/techaid/consultations/{pk}/transitions/route/",
                       {"version": 1, "payload": {"group": wc.group.pk}},
                       content_type="application/json")
    assert resp.status_code == 200 and resp.json()["group"] == wc.group.pk
    client.force_login(wc.expert)
    bad = client.post(f"/api/v1/techaid/consultations/{pk}/transitions/answer/",
                      {"version": 2, "payload": {"diagnosis": "x"}},
                      content_type="application/json")
    assert bad.status_code == 400 and "技术建议" in json.dumps(bad.json(), ensure_ascii=False)
    ok = client.post(f"/api/v1/techaid/consultations/{pk}/transitions/answer/",
                     {"version": 2, "payload": {"diagnosis": "叶斑病", "advice": "喷药"}},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["answered_by"] == wc.chief.pk
    # the thread
    resp = client.post("/api/v1/techaid/consultation-messages/",
                       {"consultation": pk, "text": "三天后复查"},
                       content_type="application/json")
    assert resp.status_code == 201
    listed = client.get("/api/v1/techaid/consultation-messages/", {"consultation": pk}).json()
    assert [m["text"] for m in listed["results"]] == ["三天后复查"]
    client.force_login(wc.lz_user)
    assert client.get("/api/v1/techaid/consultation-messages/").json()["results"] == []
    resp = client.post("/api/v1/techaid/consultation-messages/",
                       {"consultation": pk, "text": "x"}, content_type="application/json")
    assert resp.status_code == 400  # not a consultation it can see
    client.force_login(wc.worker)
    steps = client.get(f"/api/v1/techaid/consultations/{pk}/transitions/").json()
    assert [s["name"] for s in steps] == ["solved", "unsolved"]
    assert steps[0]["inputs"][0]["name"] == "rating" and steps[0]["inputs"][0]["kind"] == \
        "choice"
    resp = client.post(f"/api/v1/techaid/consultations/{pk}/transitions/solved/",
                       {"version": 3, "payload": {"rating": 9}},
                       content_type="application/json")
    assert resp.status_code == 400 and "1 到 5" in json.dumps(resp.json(), ensure_ascii=False)
    resp = client.post(f"/api/v1/techaid/consultations/{pk}/transitions/solved/",
                       {"version": 3, "payload": {"rating": 5}},
                       content_type="application/json")
    assert resp.status_code == 200 and resp.json()["status"] == "solved"


def test_api_photo_upload_and_onsite_completion(raise_, wc, step, client):
    c = routed(raise_, wc, step)
    client.force_login(wc.worker)
    resp = client.post(f"/api/v1/techaid/consultations/{c.pk}/photos/",
                       {"photo": upload(jpeg(size=(60, 60)))})
    assert resp.status_code == 201 and len(resp.json()["photos"]) == 1
    resp = client.post(f"/api/v1/techaid/consultations/{c.pk}/photos/",
                       {"photo": upload(b"not an image", name="a.jpg")})
    assert resp.status_code == 400 and "图片" in json.dumps(resp.json(), ensure_ascii=False)
    resp = client.post("/api/v1/techaid/consultation-messages/", {
        "consultation": c.pk, "text": "补拍叶背", "photos": [upload(jpeg(size=(40, 40)))]})
    assert resp.status_code == 201 and len(resp.json()["photos"]) == 1
    resp = client.post("/api/v1/techaid/consultation-messages/",
                       {"consultation": c.pk, "text": "x", "author": 1},
                       content_type="application/json")
    assert resp.status_code == 400 and "author" in resp.json()
    step(wc.expert, c, "refer_onsite", planned_on=timezone.localdate().isoformat())
    visit = OnsiteVisit.objects.get()
    client.force_login(wc.expert)
    url = f"/api/v1/techaid/onsite-visits/{visit.pk}/complete/"
    body = {"version": 1, "findings": "已到现场", "done_on": timezone.localdate().isoformat()}
    assert client.post(url, body, content_type="application/json").status_code == 200
    stale = client.post(url, body, content_type="application/json")
    assert stale.status_code in (400, 409)
    client.force_login(wc.worker)
    assert client.post(url, body, content_type="application/json").status_code in (400, 403)
