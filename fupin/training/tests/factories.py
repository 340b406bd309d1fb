"""Training factories: courses and enrolments written straight to the database (the rules
are the services' business, tested in test_services.py)."""

import datetime
import itertools

from django.utils import timezone

from fupin.core.testing.factories import register
from fupin.registry.tests.factories import make_person
from fupin.training import rules
from fupin.training.models import Course, Enrolment

_seq = itertools.count(1)


def make_course(*, area_code: str, **kw) -> Course:
    """A course organised in `area_code` (a township; the generic tests pass a village code,
    which is used as is). By default it runs from a week ago to three weeks ahead."""
    today = timezone.localdate()
    data = {"name": f"电焊工培训班第{next(_seq)}期", "kind": "02",
            "provider": "广元市就业培训中心", "place": "乡镇便民服务中心",
            "start_date": today - datetime.timedelta(days=7),
            "end_date": today + datetime.timedelta(days=21), "capacity": 30,
            "subsidy_per_person": 1000}
    data.update(kw)
    # the state its dates say, as the data migration gives courses made before states
    data.setdefault("status", rules.course_status_for_dates(data["start_date"],
                                                            data["end_date"], today))
    return Course.objects.create(area_code=area_code, **data)


def make_trainee(*, area_code: str, **kw):
    """A labourer (born 1985, able to work) who wishes to train, in the village."""
    kw.setdefault("wants_training", True)
    kw.setdefault("training_wish", "02")
    return make_person(area_code=area_code, **kw)


def make_enrolment(*, area_code: str | None = None, course: Course | None = None, person=None,
                   **kw) -> Enrolment:
    person = person or make_trainee(area_code=area_code)
    course = course or make_course(area_code=person.area_code[:9])
    return Enrolment.objects.create(course=course, person=person, area_code=person.area_code,
                                    **kw)


@register(Course)
def course_factory(*, area_code: str, **kw):
    return make_course(area_code=area_code, **kw)


@register(Enrolment)
def enrolment_factory(*, area_code: str, **kw):
    return make_enrolment(area_code=area_code, **kw)
