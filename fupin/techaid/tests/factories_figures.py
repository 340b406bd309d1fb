"""Test helpers of the figures part: records in a given state, written directly (the services
of the other parts are tested on their own), for the indicator and ranking tests. None is a
registered factory (the owning parts register theirs); the names start with `fig_`."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from fupin.registry.tests.factories import make_household
from fupin.techaid.models import (
    Consultation,
    Measure,
    MeasureResult,
    Mission,
    OnsiteVisit,
    Pairing,
    Prescription,
    ServiceVisit,
)

from .factories_catalog import make_expert, make_industry, make_technician

_seq = itertools.count(1)
S = Consultation.Status


def fig_at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """An aware local datetime on a day."""
    return datetime.datetime.combine(day, datetime.time(hour, minute),
                                     tzinfo=timezone.get_current_timezone())


def fig_consultation(*, area_code: str, raised: datetime.datetime, industry=None,
                     status: str = S.PENDING, answer_hours: float | None = None,
                     closed_days: float | None = None, rating: int | None = None,
                     household=None, due_hours: float = 24, **kw) -> Consultation:
    """A consultation raised at `raised`; answered `answer_hours` later when given (status at
    least 已答复), closed `closed_days` after the answer (solved / unsolved) with a rating."""
    industry = industry or make_industry()
    first = raised + datetime.timedelta(hours=answer_hours) if answer_hours is not None \
        else None
    closed = first + datetime.timedelta(days=closed_days) if closed_days is not None else None
    return Consultation.objects.create(
        number=f"FIG{next(_seq):08d}", area_code=area_code, household=household,
        industry=industry, title="茶树叶片发黄", description="新梢叶片发黄，有褐色斑点",
        raised_at=raised, status=status, first_answer_at=first, closed_at=closed,
        rating=rating, answer_due_at=raised + datetime.timedelta(hours=due_hours), **kw)


def fig_onsite(consultation: Consultation, *, done_on: datetime.date | None = None,
               planned_on: datetime.date | None = None) -> OnsiteVisit:
    return OnsiteVisit.objects.create(
        consultation=consultation, area_code=consultation.area_code,
        planned_on=planned_on or done_on or datetime.date(2017, 6, 1),
        status=OnsiteVisit.Status.DONE if done_on else OnsiteVisit.Status.PLANNED,
        done_on=done_on)


def fig_mission(*, area_code: str, formed_on=datetime.date(2017, 3, 1), leader=None,
                **kw) -> Mission:
    leader = leader or make_expert(area_code=area_code[:6])
    return Mission.objects.create(area_code=area_code, name=f"特派团{next(_seq)}",
                                  leader=leader, formed_on=formed_on, **kw)


def fig_prescription(*, mission: Mission, industry=None, issued_on=datetime.date(2017, 4, 1),
                     measures: int = 1, **kw) -> Prescription:
    industry = industry or make_industry()
    issued = issued_on is not None
    p = Prescription.objects.create(
        number=f"FIGCF{next(_seq):08d}", mission=mission, area_code=mission.area_code,
        industry=industry, year=(issued_on or datetime.date(2017, 1, 1)).year,
        problems="茶园土壤酸化", diagnosis="有机质不足",
        status=Prescription.Status.ISSUED if issued else Prescription.Status.DRAFT,
        issued_on=issued_on, signed_by=mission.leader if issued else None, **kw)
    for i in range(measures):
        Measure.objects.create(prescription=p, order=i + 1, name=f"措施{i + 1}")
    return p


def fig_pairing(*, household=None, technician=None, area_code: str | None = None,
                industry=None, started_on=datetime.date(2017, 3, 1), ended_on=None,
                **kw) -> Pairing:
    household = household or make_household(area_code=area_code)
    technician = technician or make_technician(area_code=household.area_code[:9])
    return Pairing.objects.create(technician=technician, household=household,
                                  area_code=household.area_code,
                                  industry=industry or make_industry(), started_on=started_on,
                                  ended_on=ended_on, **kw)


def fig_visit(*, pairing: Pairing, visited_on: datetime.date,
              results: tuple[tuple[Measure, str], ...] = ()) -> ServiceVisit:
    visit = ServiceVisit.objects.create(technician=pairing.technician,
                                        household=pairing.household,
                                        area_code=pairing.area_code, visited_on=visited_on,
                                        notes="指导施肥")
    for measure, adoption in results:
        MeasureResult.objects.create(visit=visit, measure=measure, adoption=adoption,
                                     carried_out_on=visited_on)
    return visit


__all__ = ["fig_at", "fig_consultation", "fig_mission", "fig_onsite", "fig_pairing",
           "fig_prescription", "fig_visit"]
