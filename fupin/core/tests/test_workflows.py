"""The workflow mechanism (core/workflows/, DESIGN §8), on the test-only Ticket model
(tests/scopedapp): every illegal step of the table refused with a Chinese reason and nothing
written; the event, the history and the new state written together; notifications after
commit; the API and the page; two officers at once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import Http404

from fupin.core import workflows
from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.core.models import DomainEvent, Notification
from fupin.core.roles import Role
from tests.scopedapp.models import Ticket

S = Ticket.Status
FLOW = Ticket.workflow
# users whose scope holds village_a's village, one per role that reaches it
REACHING = ["village_a", "lizhou_township", "lizhou_county", "admin", "leader", "inspector"]


@pytest.fixture
def village(demo_users):
    return demo_users["village_a"].scope_code


@pytest.fixture
def second_officer(demo_users):
    from fupin.accounts.services import user_upsert

    user, _changed = user_upsert(username="lizhou_township_2", role=Role.TOWNSHIP_OFFICER,
                                 scope_code=demo_users["lizhou_township"].scope_code,
                                 password="Guangyuan@2017", full_name="乡镇经办二")
    return user


def ticket(village, status=S.DRAFT, **kw):
    kw.setdefault("note", "已核实")
    return Ticket.objects.create(area_code=village, name="危房改造申请", status=status, **kw)


def evidence():
    return SimpleUploadedFile("验收单.pdf", b"%PDF-1.4 signed", content_type="application/pdf")


def allowed_user(demo_users, step):
    for name in ("lizhou_township", "lizhou_county", "village_a"):
        if demo_users[name].role in step.roles:
            return demo_users[name]
    raise AssertionError(step.name)


def unchanged(obj, version=1):
    obj.refresh_from_db()
    return obj.version == version and not workflows.events_for(obj).exists()


# --- the whole table: each state x each step not allowed from it ----------------------------

ILLEGAL = [(step.name, state) for step in FLOW for state in S.values
           if state not in step.source]


@pytest.mark.parametrize(("name", "state"), ILLEGAL)
def test_a_step_not_allowed_from_the_state_is_refused_naming_both(name, state, demo_users,
                                                                  village):
    obj = ticket(village, status=state)
    step = FLOW.get(name)
    with pytest.raises(ServiceError) as exc:
        workflows.transition(actor=allowed_user(demo_users, step), obj=obj, name=name,
                             reason="x", evidence=evidence())
    assert f"当前状态为“{S(state).label}”" in exc.value.message
    assert f"不能“{step.label}”" in exc.value.message
    assert unchanged(obj) and obj.status == state


ROLE_REFUSALS = [(step.name, user) for step in FLOW for user in REACHING]


@pytest.mark.parametrize(("name", "username"), ROLE_REFUSALS)
def test_each_role_not_in_the_table_is_refused(name, username, demo_users, village):
    step = FLOW.get(name)
    actor = demo_users[username]
    if actor.role in step.roles or actor.is_superuser:
        pytest.skip("allowed role")
    obj = ticket(village, status=step.source[0])
    with pytest.raises(PermissionDenied) as exc:
        workflows.transition(actor=actor, obj=obj, name=name, reason="x", evidence=evidence())
    assert f"不能办理“{step.label}”" in str(exc.value)
    assert unchanged(obj)


@pytest.mark.parametrize(("name", "state", "fields", "message"), [
    ("submit", S.DRAFT, {"note": ""}, "请先填写备注"),
    ("approve", S.SUBMITTED, {"amount": 1001}, "1000 元上限"),
])
def test_each_guard_refuses_with_its_reason(name, state, fields, message, demo_users, village):
    obj = ticket(village, status=state, **fields)
    with pytest.raises(ServiceError, match=message):
        workflows.transition(actor=allowed_user(demo_users, FLOW.get(name)), obj=obj, name=name)
    assert unchanged(obj)


def test_an_unknown_step_is_refused(demo_users, village):
    with pytest.raises(ServiceError, match="没有“fly”这一操作"):
        workflows.transition(actor=demo_users["lizhou_township"], obj=ticket(village),
                             name="fly")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_step_that_needs_a_reason_refuses_without_one(reason, demo_users, village):
    obj = ticket(village, status=S.SUBMITTED)
    with pytest.raises(ServiceError, match="须填写理由") as exc:
        workflows.transition(actor=demo_users["lizhou_township"], obj=obj, name="send_back",
                             reason=reason)
    assert exc.value.field == "reason" and unchanged(obj)


def test_a_step_that_needs_evidence_refuses_without_it_and_keeps_it_sealed(demo_users, village,
                                                                          client, login):
    county = demo_users["lizhou_county"]
    obj = ticket(village, status=S.APPROVED)
    with pytest.raises(ServiceError, match="须上传证明材料"):
        workflows.transition(actor=county, obj=obj, name="close")
    assert unchanged(obj)
    done = workflows.transition(actor=county, obj=obj, name="close", evidence=evidence())
    event = workflows.events_for(done).get()
    assert done.status == S.CLOSED and event.evidence_name == "验收单.pdf"
    with event.evidence.storage.open(event.evidence.name) as fh:
        assert fh.read() == b"%PDF-1.4 signed"
    raw = event.evidence.storage.path(event.evidence.name)
    with open(raw, "rb") as fh:
        assert b"signed" not in fh.read()  # sealed at rest
    url = f"/events/{event.pk}/evidence/"
    assert login(demo_users["village_a"]).get(url).getvalue() == b"%PDF-1.4 signed"
    assert login(demo_users["village_b"]).get(url).status_code == 404


def test_the_same_person_cannot_take_two_steps_in_a_row_where_the_table_says(
        demo_users, village, second_officer):
    township = demo_users["lizhou_township"]
    obj = workflows.transition(actor=township, obj=ticket(village), name="submit")
    with pytest.raises(ServiceError, match="上一步由您本人办理"):
        workflows.transition(actor=township, obj=obj, name="approve", expected_version=2)
    options = workflows.available_transitions(actor=township, obj=obj, include_refused=True)
    assert {o.name: o.allowed for o in options} == {"approve": False, "send_back": True}
    assert workflows.transition(actor=second_officer, obj=obj, name="approve",
                                expected_version=2).status == S.APPROVED


def test_a_stale_version_is_refused(demo_users, village):
    obj = ticket(village)
    with pytest.raises(ConcurrentEditError, match="已被他人修改"):
        workflows.transition(actor=demo_users["village_a"], obj=obj, name="submit",
                             expected_version=7)
    assert unchanged(obj)


@pytest.mark.parametrize("username", ["village_b", "wangcang_county", "technician"])
def test_out_of_scope_is_not_found(username, demo_users, village):
    obj = ticket(village)
    with pytest.raises(Http404):
        workflows.transition(actor=demo_users[username], obj=obj, name="submit")
    assert unchanged(obj)
    assert workflows.available_transitions(actor=demo_users[username], obj=obj) == []


def test_the_state_cannot_be_assigned_outside_a_transition(village):
    obj = ticket(village)
    with pytest.raises(AttributeError):
        obj.status = S.APPROVED


def test_a_step_writes_state_version_history_and_event_together(demo_users, village):
    actor = demo_users["village_a"]
    obj = ticket(village)
    done = workflows.transition(actor=actor, obj=obj, name="submit", expected_version=1,
                                reason="材料齐全", note_seen=True,
                                seen_on=datetime.date(2017, 3, 5))
    assert (done.status, done.version) == (S.SUBMITTED, 2)
    event = DomainEvent.objects.get()
    assert (event.actor, event.transition, event.source, event.target, event.reason,
            event.area_code) == (actor, "submit", "draft", "submitted", "材料齐全", village)
    assert event.payload == {"note_seen": True, "seen_on": "2017-03-05"}  # dates as text
    last = done.history.order_by("-history_id").first()
    assert (last.status, last.history_user, last.version) == (S.SUBMITTED, actor, 2)
    assert "提交" in last.history_change_reason
    entries = workflows.timeline_entries(done, actor)
    assert [e.title for e in entries] == ["提交：草稿 → 已提交"]
    assert "材料齐全" in entries[0].text


def test_a_failure_in_the_middle_leaves_nothing_half_written(demo_users, village, monkeypatch):
    obj = ticket(village)
    before = obj.history.count()

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(DomainEvent, "save", broken)
    with pytest.raises(RuntimeError):
        workflows.transition(actor=demo_users["village_a"], obj=obj, name="submit")
    obj.refresh_from_db()
    assert (obj.status, obj.version, obj.history.count()) == (S.DRAFT, 1, before)


def test_notifications_are_written_only_after_commit(demo_users, village, second_officer,
                                                     django_capture_on_commit_callbacks):
    obj = workflows.transition(actor=demo_users["lizhou_township"], obj=ticket(village),
                               name="submit")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflows.transition(actor=second_officer, obj=obj, name="approve")
    assert callbacks and not Notification.objects.exists()
    for callback in callbacks:
        callback()
    note = Notification.objects.get()
    assert note.recipient == demo_users["village_a"]  # the village worker below, no one else
    assert note.text == "“危房改造申请”已由乡镇经办二通过。"
    assert note.link == f"/scoped/tickets/{obj.pk}/" and note.kind == "scopedapp.ticket.approve"


def test_path_finds_the_chain_of_steps():
    assert [s.name for s in FLOW.path(S.DRAFT, S.APPROVED)] == ["submit", "approve"]
    assert FLOW.path(S.CLOSED, S.DRAFT) is None and FLOW.path(S.DRAFT, S.DRAFT) == []


# --- API ---------------------------------------------------------------------------------------

JSON = "application/json"


def test_api_lists_the_steps_this_user_may_take_now(demo_users, village, login):
    obj = ticket(village)
    url = f"/api/v1/tickets/{obj.pk}/transitions/"
    assert login(demo_users["village_a"]).get(url).json() == [
        {"name": "submit", "label": "提交", "reason_required": False,
         "evidence_required": False, "inputs": []}]
    county = login(demo_users["lizhou_county"]).get(url).json()
    assert [o["name"] for o in county] == ["close"] and county[0]["evidence_required"]
    assert login(demo_users["leader"]).get(url).json() == []
    assert login(demo_users["village_b"]).get(url).status_code == 404


def test_api_takes_a_step_and_answers_each_refusal(demo_users, village, login):
    obj = ticket(village, status=S.SUBMITTED)
    client = login(demo_users["lizhou_township"])
    url = f"/api/v1/tickets/{obj.pk}/transitions/send_back/"
    resp = client.post(url, {"version": 1}, content_type=JSON)
    assert resp.status_code == 400 and "须填写理由" in resp.json()["reason"][0]
    resp = client.post(url, {"version": 9, "reason": "缺材料"}, content_type=JSON)
    assert resp.status_code == 409 and "已被他人修改" in resp.json()["detail"]
    assert client.post(url, {"reason": "缺材料"}, content_type=JSON).status_code == 400
    bad = client.post(url, {"version": 1, "reason": "x", "payload": {"actor": 1}},
                      content_type=JSON)
    assert bad.status_code == 400 and "actor" in str(bad.json())
    assert client.post(f"/api/v1/tickets/{obj.pk}/transitions/fly/", {"version": 1},
                       content_type=JSON).status_code == 404
    resp = client.post(url, {"version": 1, "reason": "缺材料", "payload": {"missing": ["图"]}},
                       content_type=JSON)
    assert resp.status_code == 200 and resp.json()["status"] == "draft"
    assert resp.json()["version"] == 2
    assert DomainEvent.objects.get().payload == {"missing": ["图"]}
    again = client.post(url, {"version": 2, "reason": "x"}, content_type=JSON)
    assert again.status_code == 400 and "当前状态为“草稿”" in str(again.json())
    other = login(demo_users["village_b"])
    assert other.post(url, {"version": 2, "reason": "x"},
                      content_type=JSON).status_code == 404
    worker = login(demo_users["village_a"])
    assert worker.post(f"/api/v1/tickets/{obj.pk}/transitions/approve/", {"version": 2},
                       content_type=JSON).status_code == 403


def test_api_takes_evidence_as_multipart(demo_users, village, login):
    obj = ticket(village, status=S.APPROVED)
    client = login(demo_users["lizhou_county"])
    url = f"/api/v1/tickets/{obj.pk}/transitions/close/"
    assert client.post(url, {"version": 1}).status_code == 400
    resp = client.post(url, {"version": 1, "evidence": evidence()})
    assert resp.status_code == 200 and resp.json()["status"] == "closed"
    assert DomainEvent.objects.get().evidence_name == "验收单.pdf"


def test_api_updates_cannot_change_the_state(demo_users, village, login):
    obj = ticket(village)
    resp = login(demo_users["village_a"]).patch(f"/api/v1/tickets/{obj.pk}/",
                                                {"status": "approved", "version": 1},
                                                content_type=JSON)
    assert resp.status_code == 400 and "status" in resp.json()
    assert unchanged(obj)


# --- pages -------------------------------------------------------------------------------------

def test_the_page_shows_the_allowed_steps_and_why_others_are_refused(demo_users, village,
                                                                      login):
    township = demo_users["lizhou_township"]
    obj = workflows.transition(actor=township, obj=ticket(village), name="submit")
    html = login(township).get(f"/scoped/tickets/{obj.pk}/").content.decode()
    assert 'data-transition="send_back"' in html and 'name="reason"' in html
    assert 'data-refused="approve"' in html and "上一步由您本人办理" in html
    assert "提交：草稿 → 已提交" in html and "乡镇经办" in html  # the timeline
    leader = login(demo_users["leader"]).get(f"/scoped/tickets/{obj.pk}/").content.decode()
    assert "data-transition" not in leader and "data-refused" not in leader


def test_a_step_through_the_page(demo_users, village, login):
    obj = ticket(village, status=S.SUBMITTED)
    client = login(demo_users["lizhou_township"])
    url = f"/scoped/tickets/{obj.pk}/transitions/send_back/"
    resp = client.post(url, {"_version": "1"}, follow=True)
    assert "须填写理由" in resp.content.decode() and unchanged(obj)
    resp = client.post(url, {"_version": "1", "reason": "缺照片"}, follow=True)
    assert "已办理：退回" in resp.content.decode()
    obj.refresh_from_db()
    assert obj.status == S.DRAFT and "缺照片" in resp.content.decode()
    stale = client.post(f"/scoped/tickets/{obj.pk}/transitions/submit/", {"_version": "1"},
                        follow=True)
    assert "已被他人修改" in stale.content.decode()
    assert client.post(f"/scoped/tickets/{obj.pk}/transitions/fly/").status_code == 404
    assert login(demo_users["village_b"]).post(
        f"/scoped/tickets/{obj.pk}/transitions/submit/").status_code == 404
    obj.refresh_from_db()
    assert obj.status == S.DRAFT and obj.version == 2


# --- two officers at once -------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_officers_at_once_one_wins_the_other_is_refused(demo_users, second_officer,
                                                           village):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers)")
    first = demo_users["lizhou_township"]
    obj = ticket(village, status=S.SUBMITTED)
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(user, name, reason):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                outcomes[user.username] = workflows.transition(
                    actor=user, obj=obj, name=name, reason=reason, expected_version=1).status
        except ServiceError as exc:
            outcomes[user.username] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(first, "send_back", "退回")),
               threading.Thread(target=act, args=(demo_users["lizhou_county"], "approve", ""))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    refused = [v for v in outcomes.values() if isinstance(v, ServiceError)]
    won = [v for v in outcomes.values() if not isinstance(v, ServiceError)]
    assert len(refused) == 1 and len(won) == 1, outcomes
    assert "已被他人修改" in refused[0].message
    obj.refresh_from_db()
    assert obj.version == 2 and obj.status == won[0]
    assert DomainEvent.objects.filter(object_id=obj.pk).count() == 1


def test_oversize_evidence_is_refused(demo_users, village, settings):
    settings.FUPIN_MAX_UPLOAD_BYTES = 4
    obj = ticket(village, status=S.APPROVED)
    with pytest.raises(ServiceError, match="不能超过"):
        workflows.transition(actor=demo_users["lizhou_county"], obj=obj, name="close",
                             evidence=evidence())
    assert unchanged(obj)


def test_django_fsm_agrees_with_the_table(demo_users, village):
    """django-fsm's own API sees the same steps and roles (the table is registered on it)."""
    obj = ticket(village, status=S.SUBMITTED)
    import django_fsm

    names = {t.name for t in obj.get_available_user_status_transitions(
        demo_users["lizhou_township"])}
    assert names == {"approve", "send_back"}
    assert not django_fsm.has_transition_perm(obj._wf_approve, demo_users["village_a"])
    assert not django_fsm.can_proceed(obj._wf_close)


# --- review fixes (issue 9) -----------------------------------------------------------------

def test_api_takes_evidence_and_a_payload_in_one_multipart_call(demo_users, village, login):
    obj = ticket(village, status=S.APPROVED)
    client = login(demo_users["lizhou_county"])
    url = f"/api/v1/tickets/{obj.pk}/transitions/close/"
    bad = client.post(url, {"version": 1, "evidence": evidence(), "payload": "{not json"})
    assert bad.status_code == 400 and "payload" in bad.json() and unchanged(obj)
    listed = client.post(url, {"version": 1, "evidence": evidence(), "payload": "[1, 2]"})
    assert listed.status_code == 400 and "JSON 对象" in str(listed.json()) and unchanged(obj)
    for text in ("[" * 100_000 + "]" * 100_000, '{"a": ' * 40 + "1" + "}" * 40,
                 '{"a": "x\\u0000"}'):  # as the JSON body's parser refuses them
        refused = client.post(url, {"version": 1, "evidence": evidence(), "payload": text})
        assert refused.status_code == 400 and "payload" in refused.json() and unchanged(obj)
    resp = client.post(url, {"version": 1, "evidence": evidence(),
                             "payload": '{"checked_on": "2017-03-05", "pages": 2}'})
    assert resp.status_code == 200, resp.content
    event = DomainEvent.objects.get()
    assert event.payload == {"checked_on": "2017-03-05", "pages": 2}
    assert event.evidence_name == "验收单.pdf"


def _closed_with_evidence(demo_users, village):
    done = workflows.transition(actor=demo_users["lizhou_county"],
                                obj=ticket(village, status=S.APPROVED), name="close",
                                evidence=evidence())
    return done, workflows.events_for(done).get()


@pytest.mark.parametrize("username", ["leader", "inspector"])
def test_masked_roles_get_no_evidence_file_and_no_link(username, demo_users, village, login):
    from fupin.core.models import AccessLog

    done, event = _closed_with_evidence(demo_users, village)
    reader = demo_users[username]
    assert Ticket.objects.visible_to(reader).filter(pk=done.pk).exists()  # sees the record
    assert login(reader).get(f"/events/{event.pk}/evidence/").status_code == 404
    assert [e.link for e in workflows.timeline_entries(done, reader)] == [""]
    assert not AccessLog.objects.exists()


def test_staff_download_the_evidence_and_it_is_logged(demo_users, village, login):
    from fupin.core.models import AccessLog

    done, event = _closed_with_evidence(demo_users, village)
    worker = demo_users["village_a"]
    [entry] = workflows.timeline_entries(done, worker)
    assert entry.link == f"/events/{event.pk}/evidence/"
    resp = login(worker).get(entry.link, REMOTE_ADDR="10.0.0.7")
    assert resp.getvalue() == b"%PDF-1.4 signed"
    log = AccessLog.objects.get()
    assert (log.actor, log.action, log.model, log.object_id, log.field, log.rows, log.ip) == (
        worker, AccessLog.Action.REVEAL, "scopedapp.Ticket", str(done.pk), "evidence", 1,
        "10.0.0.7")
    assert "验收单.pdf" in log.detail
    assert login(demo_users["village_b"]).get(entry.link).status_code == 404
    assert AccessLog.objects.count() == 1  # a refused download is not logged as one


def test_notify_below_tells_only_those_who_can_see_the_record(demo_users, second_officer,
                                                              django_capture_on_commit_callbacks):
    township = demo_users["lizhou_township"].scope_code
    # a township's ticket: the village workers below cannot open it (plain prefix rule)
    obj = workflows.transition(actor=demo_users["lizhou_township"],
                               obj=ticket(township), name="submit")
    assert not Ticket.objects.visible_to(demo_users["village_a"]).filter(pk=obj.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        workflows.transition(actor=second_officer, obj=obj, name="approve")
    assert not Notification.objects.exists()


def _evidence_files():
    from fupin.core.files import private_storage

    storage = private_storage()
    found = []

    def walk(path):
        try:
            dirs, files = storage.listdir(path)
        except FileNotFoundError:
            return
        found.extend(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    walk("evidence")
    return sorted(found)


def test_a_failing_after_step_leaves_no_evidence_file(demo_users, village, monkeypatch):
    import dataclasses

    before = _evidence_files()

    def after(record, actor, event):
        raise ServiceError("后续步骤失败。")

    monkeypatch.setitem(FLOW.transitions, "close",
                        dataclasses.replace(FLOW.get("close"), after=after))
    obj = ticket(village, status=S.APPROVED)
    with pytest.raises(ServiceError, match="后续步骤失败"):
        workflows.transition(actor=demo_users["lizhou_county"], obj=obj, name="close",
                             evidence=evidence())
    assert unchanged(obj) and _evidence_files() == before


def test_guard_refusal_checks_role_and_guards_whatever_the_state(demo_users, village):
    step = FLOW.get("approve")
    closed = ticket(village, status=S.CLOSED, amount=5)
    assert workflows.guard_refusal(step, closed, demo_users["lizhou_township"]) is None
    assert "不能办理“通过”" in workflows.guard_refusal(step, closed, demo_users["village_a"])
    closed.amount = 1001
    assert "1000 元上限" in workflows.guard_refusal(step, closed,
                                                  demo_users["lizhou_township"])


def test_the_nightly_sweep_removes_evidence_of_rolled_back_steps_only(demo_users, village,
                                                                       settings, tmp_path):
    import io
    import os
    import time

    from django.core.management import call_command

    from fupin.core.files import private_storage

    settings.MEDIA_ROOT = str(tmp_path)  # nobody else's files in the sweep
    storage = private_storage()
    kept, kept_event = _closed_with_evidence(demo_users, village)
    before = set(_evidence_files())
    with pytest.raises(RuntimeError), transaction.atomic():  # an outer transaction fails
        workflows.transition(actor=demo_users["lizhou_county"],
                             obj=ticket(village, status=S.APPROVED), name="close",
                             evidence=evidence())
        raise RuntimeError("later in the same request")
    [orphan] = set(_evidence_files()) - before
    fresh = storage.save("evidence/2017/03/fresh.pdf", io.BytesIO(b"in flight"))
    old = time.time() - 3 * 86400
    for name in (orphan, kept_event.evidence.name):
        os.utime(storage.path(name), (old, old))
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert not storage.exists(orphan)
    assert storage.exists(kept_event.evidence.name) and storage.exists(fresh)
    assert "证明材料文件 1 个" in out.getvalue()
