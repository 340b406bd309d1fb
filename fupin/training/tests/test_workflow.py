"""The training workflows (models.Course.workflow, models.Enrolment.workflow; DESIGN §8): the
whole tables refused where they say, the guards that carry today's rules, who is told, the
buttons on the pages and the import's back-filled outcomes as steps."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fupin.core import workflows
from fupin.core.errors import ServiceError
from fupin.core.models import DomainEvent, Notification
from fupin.registry.tests.factories import fake_id
from fupin.training import services
from fupin.training.models import Course, Enrolment
from fupin.training.tests.conftest import days
from fupin.training.tests.factories import make_course, make_enrolment, make_trainee

CS, ES = Course.Status, Enrolment.Status


def current_course(township, today, status, **kw):
    """A course under way (started a week ago, ending in three weeks) in `status`."""
    return make_course(area_code=township, status=status, **kw)


@pytest.mark.parametrize(("name", "state"), [(s.name, state) for s in Course.workflow
                                             for state in CS.values if state not in s.source])
def test_every_course_step_not_allowed_from_its_state_is_refused(name, state, demo_users,
                                                                 township, today):
    course = current_course(township, today, state)
    with pytest.raises(ServiceError, match="当前状态为"):
        workflows.transition(actor=demo_users["lizhou_township"], obj=course,
                             name=name, reason="x")
    course.refresh_from_db()
    assert course.status == state and course.version == 1


@pytest.mark.parametrize(("name", "state"), [(s.name, state) for s in Enrolment.workflow
                                             for state in ES.values if state not in s.source])
def test_every_enrolment_step_not_allowed_from_its_state_is_refused(name, state, demo_users,
                                                                    township, today):
    e = make_enrolment(area_code=demo_users["village_a"].scope_code, status=state,
                       course=current_course(township, today, CS.RUNNING))
    with pytest.raises(ServiceError, match="当前状态为"):
        workflows.transition(actor=demo_users["village_a"], obj=e, name=name,
                             reason="x")
    assert not DomainEvent.objects.exists()


@pytest.mark.parametrize(("username", "refusal"), [
    ("leader", PermissionDenied), ("inspector", PermissionDenied),
    # a village worker sees the township's course (to enrol people) but it lies outside
    # the scope they write in: not found, as every write outside the scope
    ("village_a", Http404)])
@pytest.mark.parametrize("name", ["open", "start", "end", "cancel"])
def test_only_officers_move_a_course(username, refusal, name, demo_users, township, today):
    step = Course.workflow.get(name)
    course = current_course(township, today, step.source[0])
    with pytest.raises(refusal):
        workflows.transition(actor=demo_users[username], obj=course, name=name,
                             reason="x")


@pytest.mark.parametrize("name", ["check_in", "complete", "drop", "rejoin"])
def test_a_leader_moves_no_enrolment(name, demo_users, township, today):
    step = Enrolment.workflow.get(name)
    e = make_enrolment(area_code=demo_users["village_a"].scope_code, status=step.source[0],
                       course=current_course(township, today, CS.RUNNING))
    with pytest.raises(PermissionDenied):
        workflows.transition(actor=demo_users["leader"], obj=e, name=name,
                             reason="x")


def test_course_guards_keep_the_dates(demo_users, township, today):
    officer = demo_users["lizhou_township"]
    past = make_course(area_code=township, status=CS.PLANNED, start_date=today - days(9),
                       end_date=today - days(2))
    with pytest.raises(ServiceError, match="不能开放报名"):
        workflows.transition(actor=officer, obj=past, name="open")
    later = make_course(area_code=township, status=CS.OPEN, start_date=today + days(3),
                        end_date=today + days(9))
    with pytest.raises(ServiceError, match="尚未到开班日期"):
        workflows.transition(actor=officer, obj=later, name="start")
    running = current_course(township, today, CS.RUNNING)
    with pytest.raises(ServiceError, match="尚未到期"):
        workflows.transition(actor=officer, obj=running, name="end")


def test_a_course_with_completions_cannot_be_cancelled_and_cancelling_needs_a_reason(
        demo_users, township, today):
    officer = demo_users["lizhou_township"]
    course = current_course(township, today, CS.RUNNING)
    with pytest.raises(ServiceError, match="须填写理由"):
        workflows.transition(actor=officer, obj=course, name="cancel")
    make_enrolment(area_code=demo_users["village_a"].scope_code, course=course,
                   status=ES.COMPLETED, completed_on=today)
    with pytest.raises(ServiceError, match="已有 1 名学员结业"):
        workflows.transition(actor=officer, obj=course, name="cancel", reason="停办")


def test_a_course_goes_its_way_and_tells_who_acts_next(demo_users, township, today,
                                                       django_capture_on_commit_callbacks):
    officer = demo_users["lizhou_township"]
    course = services.course_create(actor=officer, data={
        "area_code": township, "name": "2026年电焊班", "kind": "02", "provider": "培训中心",
        "start_date": today, "end_date": today, "place": "便民服务中心", "capacity": 5})
    assert course.status == CS.PLANNED
    person = make_trainee(area_code=demo_users["village_a"].scope_code)
    with pytest.raises(ServiceError, match="尚未开放报名"):
        services.enrolment_create(actor=demo_users["village_a"], course=course, person=person)
    with django_capture_on_commit_callbacks(execute=True):
        course = workflows.transition(actor=officer, obj=course, name="open",
                                      expected_version=1)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"village_a", "village_b"}  # the village workers below the township
    assert "开始报名" in Notification.objects.first().text
    e = services.enrolment_create(actor=demo_users["village_a"], course=course, person=person)
    course = workflows.transition(actor=officer, obj=course, name="start")
    e.refresh_from_db()  # the trainees registered are in training once the course starts
    assert e.status == ES.ENROLLED and workflows.events_for(e).get().reason == "培训班开班"
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        course = workflows.transition(actor=demo_users["lizhou_county"], obj=course,
                                      name="end")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == [
        "lizhou_township"]  # the township records the outcomes
    assert [e.transition for e in workflows.events_for(course)] == ["end", "start", "open"]
    assert course.status == CS.ENDED and course.version == 4


def test_an_enrolment_goes_its_way_with_events(demo_users, township, today):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, status=CS.RUNNING, start_date=today - days(4),
                         end_date=today)
    e = services.enrolment_create(actor=actor, course=course, person=make_trainee(
        area_code=actor.scope_code))
    e = workflows.transition(actor=actor, obj=e, name="check_in")
    e = workflows.transition(actor=actor, obj=e, name="complete",
                             certificate="GY-7", days_attended=5)
    assert (e.status, e.completed_on, e.certificate) == (ES.COMPLETED, today, "GY-7")
    event = workflows.events_for(e).first()
    assert event.payload == {"completed_on": today.isoformat(), "days_attended": 5,
                             "certificate": "GY-7"}
    assert e.history.first().status == ES.COMPLETED


def test_no_step_into_a_course_not_begun_or_cancelled(demo_users, township, today):
    actor = demo_users["village_a"]
    later = make_course(area_code=township, status=CS.OPEN, start_date=today + days(2),
                        end_date=today + days(9))
    e = make_enrolment(area_code=actor.scope_code, course=later)
    with pytest.raises(ServiceError, match="尚未到开班日期"):
        workflows.transition(actor=actor, obj=e, name="check_in")
    gone = current_course(township, today, CS.CANCELLED)
    with pytest.raises(ServiceError, match="已取消，不能报名"):
        services.enrolment_create(actor=actor, course=gone,
                                  person=make_trainee(area_code=actor.scope_code))


def test_course_page_shows_its_buttons_and_takes_a_step(demo_users, township, today, login):
    course = make_course(area_code=township, status=CS.PLANNED, start_date=today + days(3),
                         end_date=today + days(9))
    client = login(demo_users["lizhou_township"])
    html = client.get(f"/training/courses/{course.pk}/").content.decode()
    assert 'data-transition="open"' in html and 'data-transition="cancel"' in html
    assert "尚未开放报名" in html  # the enrol box says why
    resp = client.post(f"/training/courses/{course.pk}/transitions/open/",
                       {"_version": "1"}, follow=True)
    page = resp.content.decode()
    assert "已办理：开放报名" in page and "开放报名：计划 → 报名中" in page
    assert 'data-refused="start"' in page and "尚未到开班日期" in page
    worker = login(demo_users["village_a"]).get(f"/training/courses/{course.pk}/")
    assert "data-transition" not in worker.content.decode()  # a village worker only enrols


def test_enrolment_page_completes_with_the_date_typed_in(demo_users, township, today, login):
    actor = demo_users["village_a"]
    course = current_course(township, today, CS.RUNNING)  # ends in three weeks
    e = make_enrolment(area_code=actor.scope_code, course=course, status=ES.ENROLLED)
    client = login(actor)
    html = client.get(f"/training/enrolments/{e.pk}/").content.decode()
    assert 'name="completed_on" type="date"' in html and 'name="certificate"' in html
    url = f"/training/enrolments/{e.pk}/transitions/complete/"
    refused = client.post(url, {"_version": "1"}, follow=True).content.decode()
    assert "请填写实际结业日期" in refused
    client.post(url, {"_version": "1", "completed_on": today.isoformat(),
                      "certificate": "GY-9"})
    e.refresh_from_db()
    assert (e.status, e.completed_on, e.certificate, e.version) == (
        ES.COMPLETED, today, "GY-9", 2)


def test_import_back_fills_an_outcome_through_the_steps(demo_users, township, today):
    from fupin.training.tests.test_import import HEADER, ident, row, run, xlsx

    actor = demo_users["village_a"]
    course = make_course(area_code=township, start_date=today - days(10),
                         end_date=today - days(1))
    person = make_trainee(area_code=actor.scope_code, id_number=fake_id())
    e = make_enrolment(course=course, person=person)  # 报名
    report = run(actor, xlsx([HEADER, row(course_id=course.pk, name=person.name,
                                          id_number=ident(person), status="已结业",
                                          days_attended=9, certificate="C-1")]))
    assert report.ok, report.errors
    assert report.outcome.as_dict() == {"created": 0, "updated": 1, "unchanged": 0}
    e.refresh_from_db()
    assert (e.status, e.days_attended, e.certificate, e.completed_on) == (
        ES.COMPLETED, 9, "C-1", course.end_date)
    events = list(workflows.events_for(e))
    assert [ev.transition for ev in events] == ["complete", "check_in"]
    assert {ev.reason for ev in events} == {"参训人员名单导入"} and events[0].actor == actor
    back = run(actor, xlsx([HEADER, row(course_id=course.pk, name=person.name,
                                        id_number=ident(person), status="在训")]))
    assert not back.ok and "不能从“已结业”改为“在训”" in back.errors[0].message


def test_the_migration_gives_courses_the_state_of_their_dates(demo_users, township, today):
    migration = importlib.import_module(
        "fupin.training.migrations.0003_course_and_enrolment_workflows")
    past = make_course(area_code=township, status=CS.PLANNED, start_date=today - days(9),
                       end_date=today - days(2))
    now = make_course(area_code=township, status=CS.PLANNED)
    later = make_course(area_code=township, status=CS.PLANNED, start_date=today + days(2),
                        end_date=today + days(9))
    from django.apps import apps

    migration.course_status_from_dates(apps, None)
    assert [Course.objects.get(pk=c.pk).status for c in (past, now, later)] == [
        CS.ENDED, CS.RUNNING, CS.OPEN]


@pytest.mark.django_db(transaction=True)
def test_two_officers_start_and_cancel_a_course_at_once(demo_users, township, today):
    """On PostgreSQL, two threads with their own connections: one step wins, the other is
    refused as a stale edit, one event written."""
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    course = current_course(township, today, CS.OPEN)
    barrier, outcomes = threading.Barrier(2), {}

    def act(user, name):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                outcomes[name] = workflows.transition(
              actor=user, obj=course, name=name, reason="人数不足",
              expected_version=1).status
        except ServiceError as exc:
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(demo_users["lizhou_township"], "start")),
               threading.Thread(target=act, args=(demo_users["lizhou_county"], "cancel"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    refused = [v for v in outcomes.values() if isinstance(v, ServiceError)]
    assert len(refused) == 1 and "已被他人修改" in refused[0].message, outcomes
    course.refresh_from_db()
    assert course.version == 2 and course.status in (CS.RUNNING, CS.CANCELLED)
    assert workflows.events_for(course).count() == 1


def test_the_enrolments_steps_are_on_the_persons_timeline(demo_users, township, today):
    """An enrolment's domain events reach the person page's timeline (core.sections)."""
    from fupin.core.sections import person_timeline, timeline

    actor = demo_users["village_a"]
    course = make_course(area_code=township, status=CS.RUNNING, start_date=today - days(4),
                         end_date=today, name="电焊班")
    person = make_trainee(area_code=actor.scope_code)
    e = services.enrolment_create(actor=actor, course=course, person=person)
    workflows.transition(actor=actor, obj=e, name="check_in")
    e.refresh_from_db()
    workflows.transition(actor=actor, obj=e, name="drop", reason="外出务工",
                         expected_version=e.version)
    steps = [x for x in timeline(person_timeline, user=actor, obj=person)
             if x.title.startswith("电焊班 · ")]
    assert [x.title for x in steps] == ["电焊班 · 退出：在训 → 中途退出",
                                        "电焊班 · 报到在训：报名 → 在训"]
    assert "外出务工" in steps[0].text
    # another village's worker sees none of it
    assert timeline(person_timeline, user=demo_users["village_b"], obj=person) == []


def test_the_demo_opens_this_years_course_through_the_workflow(
        demo_users, django_capture_on_commit_callbacks):
    """`fupin demo` gives the course buttons and the open-courses card something to show:
    one course planned, one opened by the township officer (an event, the villages told)."""
    from fupin.training.demo import demo_step

    with django_capture_on_commit_callbacks(execute=True):
        line = demo_step(password="", options={})
    assert "2 个培训班" in line
    township = demo_users["lizhou_township"].scope_code
    states = dict(Course.objects.filter(area_code=township).values_list("name", "status"))
    assert sorted(states.values()) == [CS.OPEN, CS.PLANNED]
    opened = Course.objects.get(area_code=township, status=CS.OPEN)
    assert [e.transition for e in workflows.events_for(opened)] == ["open"]
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"village_a", "village_b"} <= told and "lizhou_township" not in told
    assert demo_step(password="", options={}) == ""  # a second run changes nothing
    assert Course.objects.filter(area_code=township).count() == 2


def test_the_timeline_reads_the_enrolments_steps_in_one_query(demo_users, township, today):
    """A household's timeline costs the same queries for one enrolment as for three (no query
    per enrolment for its events)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fupin.core.sections import household_timeline, timeline

    actor = demo_users["village_a"]
    course = make_course(area_code=township, status=CS.RUNNING, start_date=today - days(4),
                         end_date=today)
    head = make_trainee(area_code=actor.scope_code)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            timeline(household_timeline, user=actor, obj=head.household)
        return len(ctx)

    e = services.enrolment_create(actor=actor, course=course, person=head)
    workflows.transition(actor=actor, obj=e, name="check_in")
    one = queries()
    for _ in range(2):
        other = make_trainee(household=head.household, area_code=actor.scope_code)
        e = services.enrolment_create(actor=actor, course=course, person=other)
        workflows.transition(actor=actor, obj=e, name="check_in")
    assert queries() == one
