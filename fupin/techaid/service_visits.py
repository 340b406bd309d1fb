"""Service visits (技术服务记录, issue 11 item 4): a technician's visit to a household they are
paired with — or an officer recording it on their behalf — with the date, what was done, a
photo, and for each measure of the issued prescriptions of the household's village and paired
industries: carried out on, adoption (已采用 / 部分采用 / 未采用) and the effect observed.
One transaction; any bad part refuses the whole visit with a Chinese message."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import photos, stamps
from fupin.core import services as core
from fupin.core.bounds import date_error
from fupin.core.errors import ServiceError
from fupin.core.roles import Role
from fupin.registry.models import Household

from .models import (
    Adoption,
    Measure,
    MeasureResult,
    Pairing,
    Prescription,
    ServiceVisit,
    Technician,
)


def _day(value, field: str, *, required: bool = True) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ServiceError(_("请填写日期。"), field=field)
        return None
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ServiceError(_("日期格式不正确（应为 年-月-日）。"), field=field) from None
    error = date_error(value)
    if error:
        raise ServiceError(error, field=field)
    if value > timezone.localdate():
        raise ServiceError(_("日期不能晚于今天。"), field=field)
    return value


def _pk(value):
    return getattr(value, "pk", value)


def technician_of(user) -> Technician | None:
    """The technician record linked to a user account (role technician), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Technician.objects.filter(user=user, retired_at__isnull=True).first()


def acting_technician(actor, technician=None) -> Technician:
    """Who made the visit: a technician's own record; an officer names one in scope."""
    own = technician_of(actor)
    if getattr(actor, "role", None) == Role.TECHNICIAN and not actor.is_superuser:
        if own is None:
            raise ServiceError(_("您的账号未关联技术员信息，请联系县级管理员。"),
                               field="technician")
        if technician not in (None, "") and _pk(technician) != own.pk:
            raise ServiceError(_("技术员只能记录本人的服务。"), field="technician")
        return own
    if technician in (None, ""):
        if own is not None:
            return own
        raise ServiceError(_("请选择技术员。"), field="technician")
    found = Technician.objects.visible_to(actor).filter(pk=_pk(technician)).first()
    if found is None or found.retired_at is not None:
        raise ServiceError(_("在您的管辖范围内没有这名技术员。"), field="technician")
    return found


def pairings_on(technician, household, day) -> list[Pairing]:
    """The technician's pairings with the household that run on `day`."""
    return list(Pairing.objects.filter(
        technician=technician, household=household, retired_at__isnull=True,
        started_on__lte=day).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .select_related("industry"))


def measures_for(*, household, industry_ids) -> list[Measure]:
    """The measures of the issued prescriptions of the household's village for these
    industries, in order."""
    return list(Measure.objects.filter(
        prescription__area_code=household.area_code,
        prescription__industry_id__in=list(industry_ids),
        prescription__status=Prescription.Status.ISSUED,
        prescription__retired_at__isnull=True).select_related("prescription",
                                                                "prescription__industry")
        .order_by("prescription__industry__order", "prescription_id", "order", "id"))


def _results_clean(results, allowed: dict[int, Measure]) -> list[dict]:
    cleaned, seen = [], set()
    for raw in results or ():
        if not isinstance(raw, dict):
            raise ServiceError(_("措施落实情况格式不正确。"), field="results")
        try:
            mid = int(_pk(raw.get("measure")))
        except (TypeError, ValueError):
            raise ServiceError(_("请指明技术措施。"), field="results") from None
        measure = allowed.get(mid)
        if measure is None:
            raise ServiceError(_("技术措施（编号 %(id)s）不属于该户所在村、结对产业已签发的处方。")
                               % {"id": mid}, field="results")
        if mid in seen:
            raise ServiceError(_("技术措施“%(m)s”填写了两次。") % {"m": measure.name},
                               field="results")
        seen.add(mid)
        adoption = raw.get("adoption")
        if adoption in (None, ""):
            raise ServiceError(_("请填写措施“%(m)s”的采用情况。") % {"m": measure.name},
                               field="results")
        if adoption not in Adoption.values:
            labels = {str(label): value for value, label in Adoption.choices}
            if adoption not in labels:
                raise ServiceError(_("措施“%(m)s”的采用情况应为 已采用、部分采用 或 未采用。")
                                   % {"m": measure.name}, field="results")
            adoption = labels[adoption]
        effect = str(raw.get("effect") or "").strip()
        if len(effect) > 300:
            raise ServiceError(_("产量 / 效果不能超过 300 字。"), field="results")
        # the day it was carried out may not be known
        carried = _day(raw.get("carried_out_on"), "results", required=False)
        cleaned.append({"measure": measure, "adoption": adoption, "effect": effect,
                        "carried_out_on": carried})
    return cleaned


@transaction.atomic
def visit_record(*, actor, household, data: dict, results=(), photo=None) -> ServiceVisit:
    """Record a service visit (and its measure results) — all or nothing."""
    hid = _pk(household)
    found = Household.objects.visible_to(actor).filter(pk=hid).first() if hid else None
    if found is None:
        raise ServiceError(_("在您的管辖范围内没有这个贫困户。"), field="household")
    if found.retired_at is not None:
        raise ServiceError(_("该贫困户已停用。"), field="household")
    household = found
    core.check_write(actor, ServiceVisit, household.area_code)
    technician = acting_technician(actor, data.get("technician"))
    day = _day(data.get("visited_on"), "visited_on")
    pairings = pairings_on(technician, household, day)
    if not pairings:
        raise ServiceError(_("技术员 %(t)s 在 %(d)s 未与 %(h)s 结对，不能记录服务。") % {
            "t": technician.name, "d": day, "h": household}, field="household")
    allowed = {m.pk: m for m in measures_for(household=household,
                                             industry_ids={p.industry_id for p in pairings})}
    cleaned = _results_clean(results, allowed)
    notes = str(data.get("notes") or "").strip()
    if len(notes) > 2000:
        raise ServiceError(_("服务情况不能超过 2000 字。"), field="notes")
    stored = photos.photo_clean(photo) if photo else None
    visit = ServiceVisit(technician=technician, household=household,
                         area_code=household.area_code, visited_on=day, notes=notes,
                         recorded_by=actor)
    if stored is not None:
        visit.photo.save(stored.name, stored, save=False)
    visit.full_clean(exclude=["photo"])
    core._stamp(visit, actor)
    visit.save()
    _write_results(actor, visit, cleaned)
    return visit


def results_written(visit) -> None:
    """A measure result counts in its visit's village (indicators.py), but it is not an
    area-scoped record that stamps its area on save (core/stamps.py): whoever writes results
    without saving the visit in the same transaction tells the village's figures here."""
    stamps.touch([visit.area_code])


def _write_results(actor, visit, cleaned) -> None:
    for item in cleaned:
        result = MeasureResult(visit=visit, **item)
        result._history_user = actor
        result.full_clean()
        result.save()
    if cleaned:
        results_written(visit)


@transaction.atomic
def visit_update(*, actor, visit: ServiceVisit, data: dict, expected_version,
                 results=None) -> ServiceVisit:
    """Edit the date or notes; `results` (when given) replaces nothing recorded but adds or
    changes the results of the measures named."""
    data = {k: v for k, v in data.items() if k in ("visited_on", "notes")}
    if "visited_on" in data:
        data["visited_on"] = _day(data["visited_on"], "visited_on")
        if not pairings_on(visit.technician, visit.household, data["visited_on"]):
            raise ServiceError(_("技术员在该日期未与该户结对。"), field="visited_on")
    if "notes" in data:
        data["notes"] = str(data["notes"] or "").strip()
    if getattr(actor, "role", None) == Role.TECHNICIAN and not actor.is_superuser:
        own = technician_of(actor)
        if own is None or own.pk != visit.technician_id:
            raise ServiceError(_("技术员只能修改本人的服务记录。"))
    visit = core.record_update(actor=actor, instance=visit, data=data,
                               expected_version=expected_version)
    if results:
        pairings = pairings_on(visit.technician, visit.household, visit.visited_on)
        allowed = {m.pk: m for m in measures_for(
            household=visit.household, industry_ids={p.industry_id for p in pairings})}
        cleaned = _results_clean(results, allowed)
        existing = {r.measure_id: r for r in visit.results.all()}
        for item in cleaned:
            current = existing.get(item["measure"].pk)
            if current is None:
                _write_results(actor, visit, [item])
                continue
            if all(getattr(current, key) == item[key]
                   for key in ("adoption", "effect", "carried_out_on")):
                continue
            for key in ("adoption", "effect", "carried_out_on"):
                setattr(current, key, item[key])
            current._history_user = actor
            current.save()
            results_written(visit)
    return visit


@transaction.atomic
def visit_retire(*, actor, visit: ServiceVisit, reason: str = "") -> ServiceVisit:
    return core.record_retire(actor=actor, instance=visit, reason=reason)


def last_visits(household_ids, technician=None) -> dict[int, datetime.date]:
    """{household id: last visit day} (one GROUP BY)."""
    qs = ServiceVisit.objects.filter(retired_at__isnull=True, household_id__in=list(household_ids))
    if technician is not None:
        qs = qs.filter(technician=technician)
    return dict(qs.values_list("household_id").annotate(last=Max("visited_on")).order_by()
                .values_list("household_id", "last"))
