"""Registry factories: valid people with unique fake ID numbers, through the services."""

import datetime
import itertools

from stdnum.cn import ric

from fupin.core.testing.factories import register
from fupin.registry.models import Household, NationalReport, Person

_seq = itertools.count(1)


def fake_id(*, county: str = "510802", birth: datetime.date = datetime.date(1985, 5, 1),
            male: bool = True) -> str:
    n = next(_seq) % 500
    body = f"{county}{birth:%Y%m%d}{n * 2 + (1 if male else 0):03d}"
    return body + ric.calc_check_digit(body + "0")


def make_household(*, area_code: str, **kw) -> Household:
    number = kw.pop("number", f"{area_code}{next(_seq):05d}")
    return Household.objects.create(area_code=area_code, number=number, **kw)


def make_person(*, area_code: str | None = None, household: Household | None = None,
                actor=None, **kw) -> Person:
    from fupin.registry.services import person_prepare

    household = household or make_household(area_code=area_code)
    protected = {"id_number": kw.pop("id_number", None) or fake_id(),
                 "phone": kw.pop("phone", ""), "bank_account": kw.pop("bank_account", "")}
    data = {"name": kw.pop("name", "张三"), "relation": kw.pop("relation", "01"),
            "labour_capacity": kw.pop("labour_capacity", "01"), **kw}
    person = Person(household=household, area_code=household.area_code)
    person_prepare(person, data=data, protected=protected)
    person.save()
    if person.relation == "01" and household.head_id is None:
        household.head = person
        household.save(update_fields=["head"])
    return person


@register(Household)
def household_factory(*, area_code: str, **kw):
    return make_household(area_code=area_code, **kw)


@register(Person)
def person_factory(*, area_code: str, **kw):
    return make_person(area_code=area_code, **kw)


@register(NationalReport)
def national_report_factory(*, area_code: str, **kw):
    import datetime

    person = kw.pop("person", None) or make_person(area_code=area_code)
    kw.setdefault("reported_on", datetime.date(2017, 10, 31))
    kw.setdefault("work_status", "04")
    kw.setdefault("working", True)
    return NationalReport.objects.create(person=person, area_code=person.area_code, **kw)
