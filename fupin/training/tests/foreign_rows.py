"""Foreign rows of the training lists for the generic import scope test
(core/testing/foreign.py): files reaching another township's courses or another village's
people."""

from fupin.areas.models import Area
from fupin.core.testing.foreign import ForeignCase, foreign_rows
from fupin.training.tests.factories import make_course, make_trainee


def _other_township(users) -> str:
    own = users["lizhou_township"].scope_code
    return Area.objects.filter(parent_id="510802", level="township").exclude(pk=own) \
        .order_by("code").values_list("code", flat=True).first()


@foreign_rows("courses")
def courses_foreign(users):
    actor = users["lizhou_township"]
    other = _other_township(users)
    theirs = make_course(area_code=other, name="2017年厨师培训班")
    row = {"name": "2017年厨师培训班", "kind": "职业技能", "provider": "广元市就业培训中心",
           "start_date": "2017-03-06", "end_date": "2017-03-20", "place": "便民服务中心",
           "capacity": "30"}
    return [
        ForeignCase("course of another township by its number", actor,
                    [{**row, "course_id": theirs.pk, "area_code": actor.scope_code}]),
        ForeignCase("course in another township by name", actor,
                    [{**row, "township": Area.objects.get(pk=other).name}]),
    ]


@foreign_rows("enrolments")
def enrolments_foreign(users):
    actor = users["village_a"]
    own_course = make_course(area_code=actor.scope_code[:9], name="2017年电焊工培训班")
    other_course = make_course(area_code=_other_township(users), name="2017年厨师培训班")
    mine = make_trainee(area_code=actor.scope_code, name="张三")
    theirs = make_trainee(area_code=users["village_b"].scope_code, name="李四")
    return [
        ForeignCase("person of village_b", actor, [
            {"course_id": own_course.pk, "name": "李四", "id_number": theirs.reveal("id_number")}]),
        ForeignCase("course of another township by its number", actor, [
            {"course_id": other_course.pk, "name": "张三", "id_number": mine.reveal("id_number")}]),
        ForeignCase("course of another township by name", actor, [
            {"course_name": "2017年厨师培训班", "name": "张三",
             "id_number": mine.reveal("id_number")}]),
    ]
