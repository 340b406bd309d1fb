"""The consultation workflow (models.Consultation.workflow, consultations.py): raising,
every step allowed and refused, auto-route, the limits, two officers at once."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from fupin.core import workflows
from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.core.models import DomainEvent, Notification
from fupin.registry.tests.factories import make_household
from fupin.techaid import consultations as services
from fupin.techaid.models import Consultation, OnsiteVisit, TechaidPolicy
from fupin.techaid.tests import consult_fixtures as fx
from fupin.techaid.tests.factories_catalog import make_technician
from fupin.techaid.tests.factories_consultations import make_consultation

# the part's fixtures (consult_fixtures.py)
wc, step, raise_ = fx.wc, fx.step, fx.raise_
jpeg, upload = fx.jpeg, fx.upload
WANGCANG = fx.WANGCANG

S = Consultation.Status


def routed(raise_, wc, step, **kw):
    c = raise_(**kw)
    return step(wc.county, c, "route", group=wc.group.pk)


def answered(raise_, wc, step, **kw):
    c = routed(raise_, wc, step, **kw)
    return step(wc.expert, c, "answer", diagnosis="缺氮", advice="追施尿素")


# --- raise ---

def test_raise_numbers_per_year_and_sets_the_limits_from_the_policy(raise_, wc):
    pol = services.policy()
    pol.first_answer_hours_critical = 3
    pol.save()
    a = raise_()
    b = raise_(urgency="critical")
    year = timezone.localtime(a.raised_at).year
    assert a.number == f"HZ{year}-000001" and b.number == f"HZ{year}-000002"
    assert a.status == S.PENDING and a.raised_by == wc.worker
    assert a.answer_due_at - a.raised_at == datetime.timedelta(hours=24)
    assert b.answer_due_at - b.raised_at == datetime.timedelta(hours=3)
    assert a.solve_due_at - a.raised_at == datetime.timedelta(days=pol.solve_days)
    assert a.history.first().history_user == wc.worker


def test_the_sequence_restarts_each_year(raise_, wc):
    make_consultation(area_code=wc.village, number="HZ2016-000041",
                      raised_at=timezone.now() - datetime.timedelta(days=800))
    c = raise_()
    assert c.number.endswith("-000001")


def test_raise_with_a_household_of_the_village(raise_, wc):
    h = make_household(area_code=wc.village)
    assert raise_(household=h.pk).household == h


@pytest.mark.parametrize("case", ["other_village", "out_of_scope", "township", "no_industry",
                                  "bad_urgency", "no_title", "no_description", "seven_photos"])
def test_raise_refuses_bad_input_and_writes_nothing(case, raise_, wc):
    data = {}
    photos = ()
    if case == "other_village":
        data["household"] = make_household(area_code=wc.other_village).pk
    elif case == "out_of_scope":
        data["area_code"] = wc.other_village
    elif case == "township":
        data["area_code"] = wc.village[:9]
    elif case == "no_industry":
        data["industry"] = ""
    elif case == "bad_urgency":
        data["urgency"] = "whenever"
    elif case == "no_title":
        data["title"] = "  "
    elif case == "no_description":
        data["description"] = ""
    elif case == "seven_photos":
        photos = [upload(jpeg(size=(50, 50))) for _i in range(7)]
    with pytest.raises(ServiceError) as exc:
        raise_(photos=photos, **data)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)
    assert not Consultation.objects.exists()


def test_a_household_of_the_other_village_is_refused_in_words(raise_, wc):
    h = make_household(area_code=wc.other_village)
    # the township's technician sees both villages: the household must be the village's
    with pytest.raises(ServiceError, match="不在所选的村"):
        raise_(actor=wc.technician, household=h.pk)


@pytest.mark.parametrize("username", ["expert", "leader", "inspector"])
def test_only_raisers_raise(username, raise_, wc):
    with pytest.raises(PermissionDenied):
        raise_(actor=wc.users[username])
    assert not Consultation.objects.exists()


def test_a_technician_and_an_officer_raise_too(raise_, wc):
    assert raise_(actor=wc.technician).raised_by == wc.technician
    assert raise_(actor=wc.county).raised_by == wc.county


# --- auto-route ---

def test_auto_route_sends_it_to_the_industrys_group_at_once(raise_, wc):
    TechaidPolicy.objects.update_or_create(pk=1, defaults={"auto_route": True})
    c = raise_()
    assert (c.status, c.group, c.routed_at is not None) == (S.AWAITING, wc.group, True)
    event = workflows.events_for(c).get()
    assert (event.transition, event.source, event.target, event.actor) == \
        ("route", S.PENDING, S.AWAITING, None)
    told = set(Notification.objects.filter(kind="techaid.consultation.routed")
               .values_list("recipient__username", flat=True))
    assert told == {"expert", "wc_expert2"}
    # the members answer it as if a county officer had routed it
    workflows.transition(actor=wc.expert2, obj=c, name="answer", diagnosis="缺氮",
                         advice="追肥")


def test_auto_route_leaves_it_pending_without_a_group(raise_, wc):
    from fupin.techaid.tests.factories_catalog import make_industry

    TechaidPolicy.objects.update_or_create(pk=1, defaults={"auto_route": True})
    c = raise_(industry=make_industry("道地中药材").pk)
    assert c.status == S.PENDING and not workflows.events_for(c).exists()


def test_without_the_rule_it_waits_for_routing(raise_, wc):
    assert raise_().status == S.PENDING


# --- route ---

def test_a_county_officer_routes_to_a_group_and_its_experts_are_told(raise_, wc, step):
    c = routed(raise_, wc, step)
    assert (c.status, c.group, c.expert) == (S.AWAITING, wc.group, None)
    told = set(Notification.objects.filter(kind="techaid.consultation.routed")
               .values_list("recipient__username", flat=True))
    assert told == {"expert", "wc_expert2"}


def test_routing_to_one_expert_tells_only_them(raise_, wc, step):
    c = step(wc.county, raise_(), "route", group=wc.group.pk, expert=wc.member.pk)
    assert c.expert == wc.member
    assert list(Notification.objects.filter(kind="techaid.consultation.routed")
                .values_list("recipient__username", flat=True)) == ["wc_expert2"]


def test_routing_to_another_industrys_group_of_the_county_is_allowed(raise_, wc, step):
    c = step(wc.county, raise_(), "route", group=wc.walnut_group.pk)
    assert c.group == wc.walnut_group


@pytest.mark.parametrize(("payload", "message"), [
    ({}, "请选择专家服务组"),
    ({"group": "abc"}, "请选择专家服务组"),
    ({"group": "lizhou"}, "只能分派给本县"),
    ({"group": "tea", "expert": "walnut"}, "现任成员"),
    ({"group": "tea", "expert": "left"}, "现任成员"),
])
def test_route_refuses_a_group_of_another_county_or_a_non_member(payload, message, raise_,
                                                                  wc, step):
    from fupin.techaid.models import GroupMember

    c = raise_()
    ids = {"tea": wc.group.pk, "lizhou": wc.lz_group.pk, "walnut": wc.walnut_expert.pk,
           "left": wc.member.pk, "abc": "abc"}
    GroupMember.objects.filter(expert=wc.member).update(left_on=timezone.localdate())
    body = {k: ids[v] for k, v in payload.items()}
    with pytest.raises(ServiceError, match=message):
        step(wc.county, c, "route", **body)
    c.refresh_from_db()
    assert (c.status, c.version) == (S.PENDING, 1)


def test_route_is_refused_where_the_county_has_no_group(raise_, wc, step, demo_users):
    from fupin.techaid.models import ExpertGroup

    ExpertGroup.objects.filter(pk=wc.lz_group.pk).update(retired_at=timezone.now())
    c = make_consultation(area_code=demo_users["village_a"].scope_code)
    with pytest.raises(ServiceError, match="尚无专家服务组"):
        step(demo_users["lizhou_county"], c, "route", group=wc.lz_group.pk + 999)


@pytest.mark.parametrize(("username", "refusal"), [
    ("wc_village", PermissionDenied), ("technician", PermissionDenied),
    ("expert", PermissionDenied), ("leader", PermissionDenied),
    ("lizhou_county", Http404)])
def test_only_the_countys_officers_route(username, refusal, raise_, wc, step):
    c = raise_()
    user = wc.worker if username == "wc_village" else wc.users[username]
    with pytest.raises(refusal):
        step(user, c, "route", group=wc.group.pk)


# --- every step from a state it does not leave ---

@pytest.mark.parametrize(("name", "state"), [(s.name, state) for s in Consultation.workflow
                                             for state in S.values if state not in s.source])
def test_every_step_not_allowed_from_its_state_is_refused(name, state, wc):
    c = make_consultation(area_code=wc.village, status=state, group=wc.group,
                          raised_by=wc.worker)
    actor = {"route": wc.county, "answer": wc.expert, "refer_onsite": wc.expert}.get(
        name, wc.worker)
    with pytest.raises(ServiceError, match="当前状态为"):
        workflows.transition(actor=actor, obj=c, name=name, reason="x", rating=4,
                             group=wc.group.pk, diagnosis="d", advice="a",
                             planned_on=timezone.localdate().isoformat())
    c.refresh_from_db()
    assert c.status == state and c.version == 1


# --- answer ---

def test_a_member_of_the_routed_group_answers(raise_, wc, step):
    c = routed(raise_, wc, step)
    c = step(wc.expert2, c, "answer", diagnosis="缺氮黄化", advice="每亩追施尿素 10 公斤")
    assert (c.status, c.outcome, c.answered_by) == (S.ANSWERED, "online", wc.member)
    assert c.first_answer_at is not None and c.diagnosis == "缺氮黄化"
    assert Notification.objects.filter(kind="techaid.consultation.answered",
                                       recipient=wc.worker).exists()


def test_the_routed_expert_answers_and_another_member_may_too(raise_, wc, step):
    c = step(wc.county, raise_(), "route", group=wc.group.pk, expert=wc.member.pk)
    assert services.guard_answer(c, wc.expert) is None  # the chief is a member
    c = step(wc.expert2, c, "answer", diagnosis="d", advice="a")
    assert c.answered_by == wc.member


@pytest.mark.parametrize(("who", "refusal", "match"), [
    ("walnut", ServiceError, "不是该组成员"),     # an expert of another group of the county
    ("lizhou", Http404, None),                     # an expert of another county: not found
    ("unlinked", ServiceError, "未关联专家"),       # an expert account without an Expert
    ("county", PermissionDenied, None),            # officers route, experts answer
    ("worker", PermissionDenied, None),
])
def test_answer_is_refused_to_who_is_not_the_groups(who, refusal, match, raise_, wc, step):
    from fupin.accounts.services import user_upsert
    from fupin.core.roles import Role
    from fupin.core.testing.fixtures import TEST_PASSWORD

    c = routed(raise_, wc, step)
    actor = {"walnut": wc.walnut_user, "lizhou": wc.lz_user, "county": wc.county,
             "worker": wc.worker}.get(who)
    if who == "unlinked":
        actor, _c = user_upsert(username="wc_nobody", role=Role.EXPERT, scope_code=WANGCANG,
                                password=TEST_PASSWORD)
    with pytest.raises(refusal, match=match):
        step(actor, c, "answer", diagnosis="d", advice="a")
    c.refresh_from_db()
    assert c.status == S.AWAITING and c.answered_by is None


@pytest.mark.parametrize("missing", ["diagnosis", "advice"])
def test_an_answer_needs_diagnosis_and_advice(missing, raise_, wc, step):
    c = routed(raise_, wc, step)
    body = {"diagnosis": "缺氮", "advice": "追肥", missing: " "}
    with pytest.raises(ServiceError, match="请填写"):
        step(wc.expert, c, "answer", **body)


# --- refer on site, and the visit ---

def test_refer_onsite_makes_a_task_for_a_technician(raise_, wc, step):
    tech = make_technician(area_code=wc.village[:9], user=wc.technician)
    c = routed(raise_, wc, step)
    day = timezone.localdate() + datetime.timedelta(days=2)
    c = step(wc.expert, c, "refer_onsite", planned_on=day.isoformat(),
             onsite_technician=tech.pk, diagnosis="疑似茶饼病")
    visit = OnsiteVisit.objects.get(consultation=c)
    assert (c.status, c.outcome, visit.technician, visit.planned_on) == \
        (S.ONSITE, "onsite", tech, day)
    assert c.first_answer_at is not None and c.answered_by == wc.chief
    # the technician records what was found
    visit = services.onsite_complete(actor=wc.technician, visit=visit, findings="确诊茶饼病",
                                     done_on=timezone.localdate(), expected_version=1)
    assert (visit.status, visit.findings, visit.version) == ("done", "确诊茶饼病", 2)
    with pytest.raises(ServiceError, match="已完成"):
        services.onsite_complete(actor=wc.technician, visit=visit, findings="x",
                                 done_on=timezone.localdate())


def test_an_officer_refers_on_site_without_counting_an_answer(raise_, wc, step):
    c = routed(raise_, wc, step)
    c = step(wc.county, c, "refer_onsite", planned_on=timezone.localdate().isoformat(),
             onsite_expert=wc.member.pk)
    assert c.status == S.ONSITE and c.first_answer_at is None
    assert OnsiteVisit.objects.get(consultation=c).expert == wc.member


@pytest.mark.parametrize(("payload", "match"), [
    ({}, "面诊日期"), ({"planned_on": "2017-13-01"}, "面诊日期"),
    ({"planned_on": "yesterday"}, "面诊日期"), ({"planned_on": "past"}, "不能早于今天"),
    ({"onsite_expert": "lizhou"}, "本县的专家"), ({"onsite_technician": "lizhou"}, "本县的技术员"),
])
def test_refer_onsite_refuses_bad_input(payload, match, raise_, wc, step):
    lz_tech = make_technician(area_code="510802001")
    c = routed(raise_, wc, step)
    body = {"planned_on": timezone.localdate().isoformat()}
    for k, v in payload.items():
        body[k] = {"lizhou": wc.lz_expert.pk if k == "onsite_expert" else lz_tech.pk,
                   "past": (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
                   }.get(v, v)
    if not payload:
        body = {}
    with pytest.raises(ServiceError, match=match):
        step(wc.expert, c, "refer_onsite", **body)
    assert not OnsiteVisit.objects.exists()


def test_only_the_visits_people_or_officers_complete_it(raise_, wc, step):
    c = routed(raise_, wc, step)
    c = step(wc.expert, c, "refer_onsite", planned_on=timezone.localdate().isoformat())
    visit = OnsiteVisit.objects.get(consultation=c)
    assert visit.expert == wc.chief  # the referring expert by default
    for user in (wc.worker, wc.expert2):
        with pytest.raises(PermissionDenied):
            services.onsite_complete(actor=user, visit=visit, findings="x",
                                     done_on=timezone.localdate())
    with pytest.raises(ServiceError, match="晚于今天"):
        services.onsite_complete(actor=wc.expert, visit=visit, findings="x",
                                 done_on=timezone.localdate() + datetime.timedelta(days=1))
    services.onsite_complete(actor=wc.county, visit=visit, findings="已现场指导",
                             done_on=timezone.localdate())


# --- confirm ---

def test_the_raiser_confirms_solved_with_a_rating(raise_, wc, step):
    c = answered(raise_, wc, step)
    c = step(wc.worker, c, "solved", rating="5")
    assert (c.status, c.rating, c.closed_at is not None) == (S.SOLVED, 5, True)


@pytest.mark.parametrize("rating", [None, "", "0", "6", "x", "3.5", -1])
def test_a_rating_out_of_range_is_refused(rating, raise_, wc, step):
    c = answered(raise_, wc, step)
    with pytest.raises(ServiceError, match="1 到 5"):
        step(wc.worker, c, "solved", rating=rating)
    c.refresh_from_db()
    assert c.status == S.ANSWERED and c.rating is None


def test_only_the_raiser_or_an_officer_confirms(raise_, wc, step):
    c = answered(raise_, wc, step)
    # the township's technician sees the village, but did not raise it
    with pytest.raises(ServiceError, match="只有提出人"):
        step(wc.technician, c, "solved", rating=4)
    with pytest.raises(PermissionDenied):  # experts do not confirm their own answers
        step(wc.expert, c, "solved", rating=5)
    with pytest.raises(Http404):  # another village's worker cannot even see it
        step(wc.worker2, c, "solved", rating=4)
    c = step(wc.county, c, "solved", rating=4)
    assert c.status == S.SOLVED


def test_unsolved_needs_a_reason_and_tells_the_chief(raise_, wc, step):
    c = answered(raise_, wc, step)
    with pytest.raises(ServiceError, match="须填写理由"):
        step(wc.worker, c, "unsolved", rating=2)
    c = step(wc.worker, c, "unsolved", reason="施肥后仍发黄", rating=2)
    assert (c.status, c.rating) == (S.UNSOLVED, 2)
    note = Notification.objects.get(kind="techaid.consultation.unsolved")
    assert note.recipient == wc.expert and "施肥后仍发黄" in note.text


def test_confirm_from_on_site(raise_, wc, step):
    c = routed(raise_, wc, step)
    c = step(wc.expert, c, "refer_onsite", planned_on=timezone.localdate().isoformat())
    c = step(wc.worker, c, "solved", rating=4)
    assert c.status == S.SOLVED


# --- two officers at once ---

def test_a_stale_routing_is_refused(raise_, wc, step):
    c = raise_()
    step(wc.county, c, "route", group=wc.group.pk, expected_version=1)
    with pytest.raises((ConcurrentEditError, ServiceError)):
        step(wc.users["admin"], c, "route", group=wc.walnut_group.pk, expected_version=1)
    c.refresh_from_db()
    assert (c.group, c.version) == (wc.group, 2)
    assert workflows.events_for(c).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_route_at_once_and_one_wins(wc, demo_users):
    """On PostgreSQL, two threads with their own connections: one routes, the other is
    refused as a stale edit, one event written (the row lock of core.workflows)."""
    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises writers)")
    c = make_consultation(area_code=wc.village, raised_by=wc.worker)
    barrier, outcomes = threading.Barrier(2), {}

    def act(user, group):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                outcomes[user.username] = workflows.transition(
                    actor=user, obj=c, name="route", expected_version=1, group=group.pk).group_id
        except ServiceError as exc:
            outcomes[user.username] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(wc.county, wc.group)),
               threading.Thread(target=act, args=(demo_users["admin"], wc.walnut_group))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    refused = [v for v in outcomes.values() if isinstance(v, ServiceError)]
    assert len(refused) == 1 and "已被他人修改" in refused[0].message, outcomes
    c.refresh_from_db()
    assert c.version == 2 and c.status == S.AWAITING
    assert workflows.events_for(c).count() == 1


# --- scope ---

def test_an_expert_of_lizhou_sees_none_of_wangcangs(raise_, wc, step, client):
    from fupin.techaid import consultation_selectors as selectors

    c = routed(raise_, wc, step)
    assert not Consultation.objects.visible_to(wc.lz_user).exists()
    assert list(selectors.queue(user=wc.lz_user)) == []
    client.force_login(wc.lz_user)
    assert client.get(f"/techaid/consultations/{c.pk}/").status_code == 404
    assert client.get(f"/api/v1/techaid/consultations/{c.pk}/").status_code == 404
    assert c.number not in client.get("/techaid/consultations/").content.decode()
    assert DomainEvent.objects.filter(object_id=c.pk).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_raised_at_once_get_consecutive_numbers(wc):
    """On PostgreSQL, two workers raising at the same moment: the unique number refuses the
    second's first pick, which takes the next one (consultations._save_numbered)."""
    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises them)")
    barrier, numbers, errors = threading.Barrier(2), [], []

    def act(user, village):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                c = services.consultation_raise(actor=user, data={
                    "area_code": village, "industry": wc.tea.pk, "title": "同时提出",
                    "description": "测试", "urgency": "normal"})
                numbers.append(c.number)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(wc.worker, wc.village)),
               threading.Thread(target=act, args=(wc.worker2, wc.other_village))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert sorted(n[-6:] for n in numbers) == ["000001", "000002"]
