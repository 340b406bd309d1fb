"""Employment-list factories: valid records in a village, each with a registered person there
(made directly, as the registry factories are; the services are tested on their own)."""

import datetime
import itertools

from fupin.core.testing.factories import register
from fupin.employment.models import Employment, Placement, Venture, WelfarePost
from fupin.registry.tests.factories import make_person

_seq = itertools.count(1)
DAY = datetime.date(2017, 3, 1)


def make_employment(*, area_code: str | None = None, person=None, **kw) -> Employment:
    person = person or make_person(area_code=area_code)
    data = {"employer": f"广元某建筑公司{next(_seq)}", "place": "04", "start_date": DAY,
            "monthly_income": 3500, "channel": "job_fair", **kw}
    return Employment.objects.create(person=person, area_code=person.area_code, **data)


def make_venture(*, area_code: str | None = None, person=None, **kw) -> Venture:
    person = person or make_person(area_code=area_code)
    data = {"business": f"养殖场{next(_seq)}", "industry": "畜禽养殖", "start_date": DAY,
            "employees": 3, "poor_employees": 1, **kw}
    return Venture.objects.create(person=person, area_code=person.area_code, **data)


def make_post(*, area_code: str, **kw) -> WelfarePost:
    data = {"name": f"保洁员{next(_seq)}", "kind": "01", "monthly_pay": 500,
            "established": datetime.date(2017, 1, 1), **kw}
    return WelfarePost.objects.create(area_code=area_code, **data)


def make_placement(*, area_code: str | None = None, person=None, post=None, **kw) -> Placement:
    person = person or make_person(area_code=area_code)
    post = post or make_post(area_code=area_code or person.area_code)
    data = {"start_date": DAY, **kw}
    return Placement.objects.create(person=person, post=post, area_code=person.area_code,
                                    **data)


@register(Employment)
def employment_factory(*, area_code: str, **kw):
    return make_employment(area_code=area_code, **kw)


@register(Venture)
def venture_factory(*, area_code: str, **kw):
    return make_venture(area_code=area_code, **kw)


@register(WelfarePost)
def post_factory(*, area_code: str, **kw):
    return make_post(area_code=area_code, **kw)


@register(Placement)
def placement_factory(*, area_code: str, **kw):
    return make_placement(area_code=area_code, **kw)
