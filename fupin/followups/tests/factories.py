"""Follow-up factories, written straight to the database (one section per part)."""

import datetime

from django.utils import timezone

from fupin.registry.tests.factories import make_person

# --- needs (needs helper) ---------------------------------------------------------------

def make_need(*, area_code: str | None = None, person=None, **kw):
    from fupin.followups.models import Need

    person = person or make_person(area_code=area_code)
    data = {"kind": "funds", "note": "想扩大养殖规模，缺少资金", "raised_on": timezone.localdate()}
    data.update(kw)
    return Need.objects.create(person=person, area_code=person.area_code, **data)


def make_plan(*, area_code: str | None = None, person=None, **kw):
    from fupin.followups.models import VisitPlan

    person = person or make_person(area_code=area_code)
    today = timezone.localdate()
    data = {"category": "regular", "reason": "employed", "interval_days": 90,
            "since": today - datetime.timedelta(days=100),
            "due_on": today + datetime.timedelta(days=10)}
    data.update(kw)
    return VisitPlan.objects.create(person=person, area_code=person.area_code, **data)


def make_visit(*, area_code: str | None = None, person=None, **kw):
    from fupin.followups.models import Visit

    person = person or make_person(area_code=area_code)
    data = {"visited_on": timezone.localdate(), "method": "home", "findings": "在岗"}
    data.update(kw)
    return Visit.objects.create(person=person, area_code=person.area_code, **data)


def _register_needs():
    from fupin.core.testing.factories import register
    from fupin.followups.models import Need

    @register(Need)
    def need_factory(*, area_code: str, **kw):
        return make_need(area_code=area_code, **kw)


_register_needs()
