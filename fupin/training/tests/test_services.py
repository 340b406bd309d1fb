"""Training services: each test names the rule it checks (DESIGN §2 list 2)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fupin.core import workflows
from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.registry.tests.factories import fake_id
from fupin.training import services
from fupin.training.models import Course, Enrolment
from fupin.training.tests.conftest import days
from fupin.training.tests.factories import make_course, make_enrolment, make_trainee


def course_data(area_code, today, **kw):
    return {"area_code": area_code, "name": "2017年电焊工培训班", "kind": "02",
            "provider": "广元市就业培训中心", "trainer": "王师傅",
            "start_date": today + days(3), "end_date": today + days(12),
            "place": "东坝街道便民服务中心", "capacity": 2,
            "subsidy_per_person": Decimal("1000"), **kw}


# --- courses -------------------------------------------------------------------------------

def test_township_officer_plans_a_course_in_own_township(demo_users, township, today):
    actor = demo_users["lizhou_township"]
    course = services.course_create(actor=actor, data=course_data(township, today))
    assert course.area_code == township and course.version == 1
    assert course.history.get().history_user == actor


def test_course_must_be_organised_by_a_township(demo_users, township, today):
    county = demo_users["lizhou_county"]
    for code in ("510802", demo_users["village_a"].scope_code):
        with pytest.raises(ServiceError, match="乡镇") as err:
            services.course_create(actor=county, data=course_data(code, today))
        assert err.value.field == "area_code"
    with pytest.raises(ServiceError, match="不存在"):
        services.course_create(actor=county, data=course_data("510802999", today))
    assert not Course.objects.exists()


def test_course_end_date_cannot_precede_start_date(demo_users, township, today):
    with pytest.raises(ServiceError, match="不能早于开班日期") as err:
        services.course_create(actor=demo_users["lizhou_county"], data=course_data(
            township, today, start_date=today, end_date=today - days(1)))
    assert err.value.field == "end_date"


def test_course_outside_the_actors_scope_is_refused(demo_users, other_township, today):
    with pytest.raises(ServiceError, match="管辖范围"):
        services.course_create(actor=demo_users["lizhou_township"],
                               data=course_data(other_township, today))
    assert not Course.objects.exists()


def test_village_worker_and_leader_cannot_plan_courses(demo_users, township, today):
    for user in ("village_a", "leader"):
        with pytest.raises(PermissionDenied):
            services.course_create(actor=demo_users[user], data=course_data(township, today))


def test_course_update_is_version_guarded(demo_users, township, today):
    actor = demo_users["lizhou_county"]
    course = services.course_create(actor=actor, data=course_data(township, today))
    services.course_update(actor=actor, course=course, data={"place": "镇政府"},
                           expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.course_update(actor=actor, course=course, data={"place": "村委会"},
                               expected_version=1)
    course.refresh_from_db()
    assert course.place == "镇政府" and course.version == 2


def test_course_capacity_cannot_drop_below_places_taken(demo_users, township):
    course = make_course(area_code=township, capacity=5)
    for _ in range(3):
        make_enrolment(area_code=demo_users["village_a"].scope_code, course=course)
    make_enrolment(area_code=demo_users["village_a"].scope_code, course=course,
                   status="dropped")
    with pytest.raises(ServiceError, match="3 人") as err:
        services.course_update(actor=demo_users["lizhou_township"], course=course,
                               data={"capacity": 2}, expected_version=None)
    assert err.value.field == "capacity"
    services.course_update(actor=demo_users["lizhou_township"], course=course,
                           data={"capacity": 3}, expected_version=None)


def test_course_cannot_be_shortened_below_attendance(demo_users, township, today):
    course = make_course(area_code=township, start_date=today - days(9), end_date=today)
    make_enrolment(area_code=demo_users["village_a"].scope_code, course=course,
                   days_attended=10)
    with pytest.raises(ServiceError, match="出勤 10 天"):
        services.course_update(actor=demo_users["lizhou_county"], course=course,
                               data={"end_date": today - days(1)}, expected_version=None)


def test_retiring_a_course_retires_its_open_enrolments_and_restore_brings_them_back(
        demo_users, township):
    course = make_course(area_code=township)
    village = demo_users["village_a"].scope_code
    e1 = make_enrolment(area_code=village, course=course)
    e2 = make_enrolment(area_code=village, course=course, status="dropped")
    lone = make_enrolment(area_code=village, course=course)
    services.enrolment_retire(actor=demo_users["village_a"], enrolment=lone, reason="误录")
    services.course_retire(actor=demo_users["lizhou_township"], course=course, reason="取消")
    assert Enrolment.objects.active().count() == 0
    services.course_restore(actor=demo_users["admin"], course=course)
    active = set(Enrolment.objects.active().values_list("pk", flat=True))
    assert active == {e1.pk, e2.pk}  # the one retired on its own stays retired


def test_course_with_completions_cannot_be_retired(demo_users, township, today):
    course = make_course(area_code=township, start_date=today - days(10),
                         end_date=today - days(1))
    make_enrolment(area_code=demo_users["village_a"].scope_code, course=course,
                   status="completed", completed_on=course.end_date, days_attended=10)
    with pytest.raises(ServiceError, match="已有 1 名学员结业"):
        services.course_retire(actor=demo_users["lizhou_township"], course=course)
    course.refresh_from_db()
    assert course.retired_at is None


def test_village_worker_cannot_retire_a_course_they_see(demo_users, township):
    course = make_course(area_code=township)
    with pytest.raises((Http404, PermissionDenied)):
        services.course_retire(actor=demo_users["village_a"], course=course)


# --- enrolments ----------------------------------------------------------------------------

def enrol(actor, course, person, **data):
    return services.enrolment_create(actor=actor, course=course, person=person,
                                     data=data or None)


def test_village_worker_enrols_own_villager_in_the_enrolment_copies_the_village(
        demo_users, township):
    actor = demo_users["village_a"]
    person = make_trainee(area_code=actor.scope_code)
    e = enrol(actor, make_course(area_code=township), person)
    assert e.area_code == person.area_code == actor.scope_code
    assert e.status == "registered" and e.days_attended == 0  # 报名: the workflow's start
    assert e.history.get().history_user == actor


def test_enrolment_refused_for_person_not_wishing_to_train(demo_users, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township)
    unwilling = make_trainee(area_code=actor.scope_code, wants_training=False)
    with pytest.raises(ServiceError, match="没有培训意愿") as err:
        enrol(actor, course, unwilling)
    assert err.value.field == "person"
    unknown = make_trainee(area_code=actor.scope_code, wants_training=None)
    with pytest.raises(ServiceError, match="尚未登记培训意愿"):
        enrol(actor, course, unknown)
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("person_kw, message", [
    ({"id_number": "birth:1950-01-01"}, "周岁"),
    ({"id_number": "birth:2015-01-01"}, "周岁"),
    ({"labour_capacity": "04"}, "丧失劳动力"),
    ({"schooling": "05"}, "在校生"),
])
def test_enrolment_refused_for_person_who_is_not_a_labourer(demo_users, township,
                                                            person_kw, message):
    actor = demo_users["village_a"]
    kw = dict(person_kw)
    if kw.get("id_number", "").startswith("birth:"):
        kw["id_number"] = fake_id(birth=datetime.date.fromisoformat(kw["id_number"][6:]))
    person = make_trainee(area_code=actor.scope_code, **kw)
    with pytest.raises(ServiceError, match=message):
        enrol(actor, make_course(area_code=township), person)
    assert not Enrolment.objects.exists()


def test_enrolment_refused_when_course_is_full(demo_users, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, capacity=1)
    enrol(actor, course, make_trainee(area_code=actor.scope_code))
    with pytest.raises(ServiceError, match="已报满"):
        enrol(actor, course, make_trainee(area_code=actor.scope_code))
    assert course.enrolments.count() == 1


def test_a_dropout_frees_a_place_and_cannot_come_back_to_a_full_course(demo_users, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, capacity=1)
    first = enrol(actor, course, make_trainee(area_code=actor.scope_code))
    workflows.transition(actor=actor, obj=first, name="drop",
                         reason="外出务工", expected_version=1)
    enrol(actor, course, make_trainee(area_code=actor.scope_code))
    with pytest.raises(ServiceError, match="已报满"):
        workflows.transition(actor=actor, obj=first, name="rejoin",
                             expected_version=2)
    first.refresh_from_db()
    assert first.status == "dropped" and first.version == 2


def test_enrolment_refused_for_retired_course(demo_users, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township)
    services.course_retire(actor=demo_users["lizhou_township"], course=course)
    course.refresh_from_db()
    with pytest.raises(ServiceError, match="已停用"):
        enrol(actor, course, make_trainee(area_code=actor.scope_code))


def test_enrolment_refused_for_course_already_ended(demo_users, township, today):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, start_date=today - days(10),
                         end_date=today - days(1))
    with pytest.raises(ServiceError, match="已于 .* 结业"):
        enrol(actor, course, make_trainee(area_code=actor.scope_code))


def test_enrolment_refused_for_duplicate(demo_users, township):
    actor = demo_users["village_a"]
    course = make_course(area_code=township)
    person = make_trainee(area_code=actor.scope_code, name="王小二")
    enrol(actor, course, person)
    with pytest.raises(ServiceError, match="王小二 已报名"):
        enrol(actor, course, person)
    assert course.enrolments.count() == 1


def test_enrolment_refused_for_person_outside_the_actors_village(demo_users, township):
    actor = demo_users["village_a"]
    other = make_trainee(area_code=demo_users["village_b"].scope_code)
    with pytest.raises(ServiceError, match="不在您的管辖范围内"):
        enrol(actor, make_course(area_code=township), other)
    assert not Enrolment.objects.exists()


def test_enrolment_refused_for_course_the_actor_cannot_see(demo_users, other_township):
    actor = demo_users["village_a"]
    course = make_course(area_code=other_township)
    with pytest.raises(ServiceError, match="培训班不存在"):
        enrol(actor, course, make_trainee(area_code=actor.scope_code))


def test_leader_cannot_enrol(demo_users, township):
    person = make_trainee(area_code=demo_users["village_a"].scope_code)
    with pytest.raises(PermissionDenied):
        enrol(demo_users["leader"], make_course(area_code=township), person)


def test_county_officer_enrols_anyone_in_the_county(demo_users, township):
    person = make_trainee(area_code=demo_users["village_b"].scope_code)
    e = enrol(demo_users["lizhou_county"], make_course(area_code=township), person)
    assert e.area_code == demo_users["village_b"].scope_code


# --- progress --------------------------------------------------------------------------------

def ended_enrolment(demo_users, township, today, **kw):
    course = make_course(area_code=township, start_date=today - days(10),
                         end_date=today - days(1))
    kw.setdefault("status", "enrolled")
    return make_enrolment(area_code=demo_users["village_a"].scope_code, course=course, **kw)


def test_completion_date_defaults_to_the_course_end_date(demo_users, township, today):
    e = ended_enrolment(demo_users, township, today)
    e = workflows.transition(actor=demo_users["village_a"], obj=e,
                             name="complete", days_attended=10,
                             certificate=" GY2017-001 ", expected_version=1)
    assert e.completed_on == e.course.end_date and e.certificate == "GY2017-001"
    assert e.version == 2 and e.history.first().history_user == demo_users["village_a"]


def test_completion_date_is_required_while_the_course_runs(demo_users, township, today):
    actor = demo_users["village_a"]
    e = make_enrolment(area_code=actor.scope_code, course=make_course(area_code=township),
                       status="enrolled")
    with pytest.raises(ServiceError, match="请填写实际结业日期") as err:
        workflows.transition(actor=actor, obj=e, name="complete",
                             expected_version=1)
    assert err.value.field == "completed_on"
    e = workflows.transition(actor=actor, obj=e, name="complete",
                             completed_on=today, expected_version=1)
    assert e.completed_on == today


@pytest.mark.parametrize("completed_on, message", [
    (lambda c, t: t + days(1), "不能晚于今天"),
    (lambda c, t: c.start_date - days(1), "不能早于开班日期"),
])
def test_completion_date_lies_between_course_start_and_today(demo_users, township, today,
                                                              completed_on, message):
    e = ended_enrolment(demo_users, township, today)
    with pytest.raises(ServiceError, match=message):
        workflows.transition(actor=demo_users["village_a"], obj=e,
                             name="complete",
                             completed_on=completed_on(e.course, today).isoformat())
    e.refresh_from_db()
    assert e.status == "enrolled" and e.version == 1


def test_certificate_and_completion_date_only_for_completed(demo_users, township, today):
    e = ended_enrolment(demo_users, township, today)
    with pytest.raises(ServiceError, match="证书编号") as err:
        services.enrolment_update(actor=demo_users["village_a"], enrolment=e,
                                  data={"certificate": "X1"}, expected_version=1)
    assert err.value.field == "certificate"
    with pytest.raises(ServiceError, match="结业日期"):
        services.enrolment_update(actor=demo_users["village_a"], enrolment=e,
                                  data={"completed_on": today}, expected_version=1)


def test_the_status_is_not_edited_but_moved_by_the_workflow(demo_users, township, today):
    e = ended_enrolment(demo_users, township, today)
    with pytest.raises(ServiceError, match="状态不能直接修改") as err:
        services.enrolment_update(actor=demo_users["village_a"], enrolment=e,
                                  data={"status": "completed"}, expected_version=1)
    assert err.value.field == "status"
    e.refresh_from_db()
    assert e.status == "enrolled" and e.version == 1


def test_attendance_cannot_exceed_the_course_days(demo_users, township, today):
    e = ended_enrolment(demo_users, township, today)  # a 10-day course
    with pytest.raises(ServiceError, match="10 天"):
        services.enrolment_update(actor=demo_users["village_a"], enrolment=e,
                                  data={"days_attended": 11}, expected_version=1)
    services.enrolment_update(actor=demo_users["village_a"], enrolment=e,
                              data={"days_attended": 10}, expected_version=1)


def test_enrolment_update_is_version_guarded_and_scoped(demo_users, township, today):
    e = ended_enrolment(demo_users, township, today)
    actor = demo_users["village_a"]
    services.enrolment_update(actor=actor, enrolment=e, data={"days_attended": 3},
                              expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.enrolment_update(actor=actor, enrolment=e, data={"days_attended": 4},
                                  expected_version=1)
    with pytest.raises(Http404):
        services.enrolment_update(actor=demo_users["village_b"], enrolment=e,
                                  data={"days_attended": 5}, expected_version=None)
    e.refresh_from_db()
    assert e.days_attended == 3


def test_unchanged_update_writes_no_history(demo_users, township, today):
    e = ended_enrolment(demo_users, township, today)
    services.enrolment_update(actor=demo_users["village_a"], enrolment=e,
                              data={"days_attended": 0, "status": "enrolled"},
                              expected_version=1)
    assert e.history.count() == 1


def test_restoring_an_enrolment_needs_its_course(demo_users, township):
    e = make_enrolment(area_code=demo_users["village_a"].scope_code,
                       course=make_course(area_code=township))
    admin = demo_users["admin"]
    services.course_retire(actor=admin, course=e.course)
    e.refresh_from_db()
    with pytest.raises(ServiceError, match="请先恢复培训班"):
        services.enrolment_restore(actor=admin, enrolment=e)


def test_outcomes_of_an_ended_course_can_be_back_filled(demo_users, township, today):
    actor = demo_users["village_a"]
    course = make_course(area_code=township, start_date=today - days(10),
                         end_date=today - days(1))
    person = make_trainee(area_code=actor.scope_code, wants_training=None)
    e = enrol(actor, course, person, status="completed", days_attended=10)
    assert e.completed_on == course.end_date
    too_old = make_trainee(area_code=actor.scope_code, labour_capacity="05")
    with pytest.raises(ServiceError, match="不是劳动力"):
        enrol(actor, course, too_old, status="dropped")
