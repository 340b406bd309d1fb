"""Test factories of the pairing part (registered with core.testing.factories): a pairing of
a household (with the industry registered) and a technician of its township serving it; a
service visit of a paired household."""

import datetime

from fupin.core.testing.factories import register
from fupin.registry.tests.factories import make_household
from fupin.techaid.models import Pairing, ServiceVisit

from .factories_catalog import make_household_industry, make_industry, make_technician


def _township(area_code: str) -> str:
    return area_code[:9] if len(area_code) >= 9 else area_code


@register(Pairing)
def make_pairing(*, area_code: str | None = None, household=None, industry=None,
                 technician=None, **kw) -> Pairing:
    industry = industry or make_industry()
    household = household or make_household(area_code=area_code or "510821100001")
    if not household.industries.filter(industry=industry, retired_at__isnull=True).exists():
        make_household_industry(household=household, industry=industry)
    technician = technician or make_technician(area_code=_township(household.area_code),
                                               industries=[industry])
    kw.setdefault("started_on", datetime.date(2017, 3, 1))
    return Pairing.objects.create(household=household, industry=industry,
                                  technician=technician, area_code=household.area_code, **kw)


@register(ServiceVisit)
def make_service_visit(*, area_code: str | None = None, pairing=None, **kw) -> ServiceVisit:
    pairing = pairing or make_pairing(area_code=area_code)
    kw.setdefault("visited_on", datetime.date(2017, 6, 1))
    kw.setdefault("notes", "茶园修剪指导")
    return ServiceVisit.objects.create(household=pairing.household,
                                       technician=pairing.technician,
                                       area_code=pairing.area_code, **kw)
