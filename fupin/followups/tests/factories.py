"""Follow-up factories: valid records in a village, each with a registered person there (made
directly; the services are tested on their own)."""

import datetime

from django.utils import timezone

from fupin.core.testing.factories import register
from fupin.followups.models import Need, Visit, VisitPlan
from fupin.registry.tests.factories import make_person


@register(Visit)
def make_visit(*, area_code: str | None = None, person=None, **kw) -> Visit:
    person = person or make_person(area_code=area_code)
    data = {"visited_on": datetime.date(2017, 6, 1), "method": "home",
            "findings": "在家务农 有外出务工意愿", **kw}
    return Visit.objects.create(person=person, area_code=person.area_code, **data)

DAY = datetime.date(2017, 3, 1)


def make_plan(*, area_code: str | None = None, person=None, **kw) -> VisitPlan:
    person = person or make_person(area_code=area_code)
    data = {"category": "key", "reason": "zero_household", "interval_days": 30,
            "since": DAY, "due_on": DAY + datetime.timedelta(days=30), **kw}
    return VisitPlan.objects.create(person=person, area_code=person.area_code, **data)


@register(VisitPlan)
def plan_factory(*, area_code: str, **kw):
    return make_plan(area_code=area_code, **kw)


# --- records of today (the working lists, tables, reminders and indicators) -------------------

def make_need(*, area_code: str | None = None, person=None, **kw) -> Need:
    person = person or make_person(area_code=area_code)
    data = {"kind": "funds", "note": "想扩大养殖规模，缺少资金", "raised_on": timezone.localdate()}
    data.update(kw)
    return Need.objects.create(person=person, area_code=person.area_code, **data)


@register(Need)
def need_factory(*, area_code: str, **kw):
    return make_need(area_code=area_code, **kw)


def make_current_plan(*, area_code: str | None = None, person=None, **kw) -> VisitPlan:
    today = timezone.localdate()
    data = {"category": "regular", "reason": "employed", "interval_days": 90,
            "since": today - datetime.timedelta(days=100),
            "due_on": today + datetime.timedelta(days=10), **kw}
    return make_plan(area_code=area_code, person=person, **data)


def make_current_visit(*, area_code: str | None = None, person=None, **kw) -> Visit:
    data = {"visited_on": timezone.localdate(), "method": "home", "findings": "在岗", **kw}
    return make_visit(area_code=area_code, person=person, **data)
