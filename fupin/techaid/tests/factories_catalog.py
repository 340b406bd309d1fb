"""Test factories of the catalog part: industries, household industries, experts, groups,
technicians (made directly; the services are tested on their own). Every part's tests use
these."""

import itertools

from fupin.core.testing.factories import register
from fupin.registry.tests.factories import make_household
from fupin.techaid.models import (
    Expert,
    ExpertGroup,
    GroupMember,
    HouseholdIndustry,
    Industry,
    Technician,
)

_seq = itertools.count(1)


def make_industry(name: str = "茶叶", **kw) -> Industry:
    industry, _created = Industry.objects.get_or_create(name=name, defaults=kw)
    return industry


@register(HouseholdIndustry)
def make_household_industry(*, area_code: str | None = None, household=None, industry=None,
                            **kw) -> HouseholdIndustry:
    household = household or make_household(area_code=area_code)
    industry = industry or make_industry()
    return HouseholdIndustry.objects.create(household=household, industry=industry,
                                            area_code=household.area_code, **kw)


@register(Expert)
def make_expert(*, area_code: str = "510821", industries=(), **kw) -> Expert:
    data = {"name": f"专家{next(_seq)}", "institution": "四川省农业科学院",
            "research_institute": True, "title": "senior", "specialities": "茶树栽培", **kw}
    expert = Expert.objects.create(area_code=area_code, **data)
    if industries:
        expert.industries.set(industries)
    return expert


@register(ExpertGroup)
def make_group(*, area_code: str = "510821", industry=None, chief=None, members=(),
               **kw) -> ExpertGroup:
    if industry is None:
        # 茶叶 by default; another industry when the area already has a 茶叶 group (one group
        # per industry and county: a second default group would break the constraint)
        industry = make_industry()
        if ExpertGroup.objects.filter(area_code=area_code, industry=industry,
                                      retired_at__isnull=True).exists():
            industry = make_industry(f"产业{next(_seq)}")
    chief = chief or make_expert(area_code=area_code, industries=[industry])
    data = {"name": f"{industry.name}产业专家服务组", **kw}
    group = ExpertGroup.objects.create(area_code=area_code, industry=industry, chief=chief,
                                       **data)
    for expert in {chief, *members}:
        GroupMember.objects.create(group=group, expert=expert)
    return group


@register(Technician)
def make_technician(*, area_code: str = "510821100", industries=(), **kw) -> Technician:
    data = {"name": f"技术员{next(_seq)}", "organisation": "县农业农村局", **kw}
    technician = Technician.objects.create(area_code=area_code, **data)
    if industries:
        technician.industries.set(industries)
    return technician
