"""Writes of pairings (技术员结对, issue 11 item 4): create one, accept a proposal, end one,
change the technician. Every path takes the same checks (`_check`): the technician serves the
industry, the household lives on it, both are in the actor's scope and the same county, one
active pairing per household and industry, and the technician's load stays within the limit —
counted under a lock on the technicians' rows, in the transaction that writes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import scoping
from fupin.core import services as core
from fupin.core.errors import ServiceError
from fupin.core.roles import can_write
from fupin.core.tabular.importer import BulkWriter
from fupin.registry.models import Household

from . import pairing as rules
from .models import HouseholdIndustry, Industry, Pairing, Technician

# one date rule for pairings and service visits (a day, in bounds, not in the future)
from .service_visits import _day, _pk

MAX_ERRORS_SHOWN = 5


def household_for(actor, household) -> Household:
    found = Household.objects.visible_to(actor).filter(pk=_pk(household)).first() \
        if _pk(household) else None
    if found is None:
        raise ServiceError(_("在您的管辖范围内没有这个贫困户。"), field="household")
    if found.retired_at is not None:
        raise ServiceError(_("该贫困户已停用，不能结对。"), field="household")
    return found


def technician_for(actor, technician, *, lock: bool = False) -> Technician:
    qs = Technician.objects.visible_to(actor)
    if lock:
        qs = qs.select_for_update()
    found = qs.filter(pk=_pk(technician)).first() if _pk(technician) else None
    if found is None:
        raise ServiceError(_("在您的管辖范围内没有这名技术员。"), field="technician")
    if found.retired_at is not None:
        raise ServiceError(_("技术员 %(name)s 已停用。") % {"name": found.name},
                           field="technician")
    return found


def load_limit(technician) -> int:
    return technician.load_limit or rules.policy_load_limit()


def _check(*, household: Household, industry: Industry, technician: Technician,
           extra: int = 0, loads: dict | None = None) -> str | None:
    """Why this pairing may not be made (None: it may). `extra`: pairings of the technician
    already granted in the same batch."""
    if household.area_code[:6] != technician.area_code[:6]:
        return _("技术员 %(t)s 不在该户所在区县。") % {"t": technician.name}
    if not technician.industries.filter(pk=industry.pk).exists():
        return _("技术员 %(t)s 不服务%(i)s产业。") % {"t": technician.name, "i": industry.name}
    if not HouseholdIndustry.objects.filter(household=household, industry=industry,
                                            retired_at__isnull=True).exists():
        return _("%(h)s 没有登记%(i)s产业。") % {"h": household, "i": industry.name}
    if Pairing.objects.filter(household=household, industry=industry, retired_at__isnull=True,
                              ended_on__isnull=True).exists():
        return _("%(h)s 的%(i)s产业已有结对技术员。") % {"h": household, "i": industry.name}
    load = (loads if loads is not None else rules.active_loads([technician.pk])).get(
        technician.pk, 0) + extra
    limit = load_limit(technician)
    if load >= limit:
        return _("技术员 %(t)s 已服务 %(n)s 户，达到上限 %(limit)s 户。") % {
            "t": technician.name, "n": load, "limit": limit}
    return None


@transaction.atomic
def pairing_create(*, actor, data: dict) -> Pairing:
    """One pairing, with every check (the page's form, the API and the change of
    technician come here)."""
    household = household_for(actor, data.get("household"))
    core.check_write(actor, Pairing, household.area_code)
    industry = data.get("industry")
    industry = Industry.objects.filter(pk=_pk(industry)).first() if _pk(industry) else None
    if industry is None:
        raise ServiceError(_("请选择产业。"), field="industry")
    technician = technician_for(actor, data.get("technician"), lock=True)
    started = _day(data.get("started_on"), "started_on")
    refusal = _check(household=household, industry=industry, technician=technician)
    if refusal:
        raise ServiceError(refusal, field="technician")
    try:
        with transaction.atomic():
            return core.record_create(actor=actor, model=Pairing, data={
                "household": household, "industry": industry, "technician": technician,
                "area_code": household.area_code, "started_on": started,
                "note": str(data.get("note") or "").strip()[:200]})
    except IntegrityError:  # paired by someone else between the check and the write
        raise ServiceError(_("%(h)s 的%(i)s产业已有结对技术员。") % {
            "h": household, "i": industry.name}, field="household") from None


@transaction.atomic
def pairing_update(*, actor, pairing: Pairing, data: dict, expected_version) -> Pairing:
    """Edit the start date or the note (a technician changes through pairing_change)."""
    data = {k: v for k, v in data.items() if k in ("started_on", "note")}
    if "started_on" in data:
        data["started_on"] = _day(data["started_on"], "started_on")
        if pairing.ended_on and data["started_on"] > pairing.ended_on:
            raise ServiceError(_("结对日期不能晚于结束日期。"), field="started_on")
    if "note" in data:
        data["note"] = str(data["note"] or "").strip()[:200]
    return core.record_update(actor=actor, instance=pairing, data=data,
                              expected_version=expected_version)


@transaction.atomic
def pairing_end(*, actor, pairing: Pairing, ended_on, reason: str,
                expected_version=None) -> Pairing:
    """End a pairing (结束结对): the day and why; kept, with its history."""
    reason = str(reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写结束原因。"), field="reason")
    day = _day(ended_on, "ended_on")
    current = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if current.ended_on is not None:
        raise ServiceError(_("该结对已于 %(d)s 结束。") % {"d": current.ended_on},
                           field="ended_on")
    if day < current.started_on:
        raise ServiceError(_("结束日期不能早于结对日期。"), field="ended_on")
    note = (f"{current.note}；" if current.note else "") + _("结束原因：%(r)s") % {"r": reason}
    return core.record_update(actor=actor, instance=current,
                              data={"ended_on": day, "note": note[:200]},
                              expected_version=expected_version)


@transaction.atomic
def pairing_change(*, actor, pairing: Pairing, technician, on, reason: str) -> Pairing:
    """Change the technician: the pairing ends on `on` and a new one starts that day, in one
    transaction (both stay in the history)."""
    reason = str(reason or "").strip()
    if not reason:
        raise ServiceError(_("请填写更换原因。"), field="reason")
    new = technician_for(actor, technician, lock=True)
    if new.pk == pairing.technician_id:
        raise ServiceError(_("请选择另一名技术员。"), field="technician")
    ended = pairing_end(actor=actor, pairing=pairing, ended_on=on,
                        reason=_("更换技术员：%(r)s") % {"r": reason})
    return pairing_create(actor=actor, data={
        "household": ended.household_id, "industry": ended.industry_id, "technician": new,
        "started_on": ended.ended_on, "note": _("接替 %(t)s：%(r)s") % {
            "t": ended.technician.name, "r": reason}})


@transaction.atomic
def pairing_retire(*, actor, pairing: Pairing, reason: str = "") -> Pairing:
    return core.record_retire(actor=actor, instance=pairing, reason=reason)


@transaction.atomic
def pairings_accept(*, actor, items: list[dict], started_on=None) -> list[Pairing]:
    """Accept a proposal (all or selected rows, possibly edited): `items` are
    {household, industry, technician, note}. All or nothing: every row is checked again under
    a lock on the technicians (loads, one pairing per household and industry, scope, the
    technician's industries); one refused row writes none, and the error names them."""
    if not items:
        raise ServiceError(_("请至少选择一条结对方案。"))
    started = _day(started_on or timezone.localdate(), "started_on")
    keys = [(int(_pk(i["household"])), int(_pk(i["industry"])), int(_pk(i["technician"])))
            for i in items]
    if not can_write(actor, Pairing):
        raise PermissionDenied(_("您的角色无权修改此类记录。"))
    if len({(h, ind) for h, ind, _t in keys}) != len(keys):
        raise ServiceError(_("同一户的同一产业只能结对一名技术员。"))
    tech_ids = sorted({t for _h, _i, t in keys})
    # the lock: the technicians' rows (PostgreSQL row locks; SQLite serialises writers)
    techs = {t.pk: t for t in Technician.objects.visible_to(actor).select_for_update()
             .filter(pk__in=tech_ids, retired_at__isnull=True).order_by("pk")}  # one order
    # households as (pk, area) only: 16,000 model instances with their heads cost seconds;
    # a household is named (one query) only in the errors shown
    areas = dict(Household.objects.visible_to(actor).filter(
        pk__in={h for h, _i, _t in keys}, retired_at__isnull=True).values_list("pk",
                                                                               "area_code"))
    industries = {i.pk: i for i in Industry.objects.filter(pk__in={i for _h, i, _t in keys})}
    serves = set(Technician.industries.through.objects.filter(technician_id__in=tech_ids)
                 .values_list("technician_id", "industry_id"))
    lives_on = set(HouseholdIndustry.objects.filter(
        household_id__in=list(areas), retired_at__isnull=True)
        .values_list("household_id", "industry_id"))
    paired = set(Pairing.objects.filter(household_id__in=list(areas),
                                        retired_at__isnull=True, ended_on__isnull=True)
                 .values_list("household_id", "industry_id"))
    loads = rules.active_loads(tech_ids)
    default = rules.policy_load_limit()
    granted: dict[int, int] = {}
    errors, objs = [], []  # errors: (household id, message with %(h)s for its name)
    now = timezone.now()
    for (hid, iid, tid), item in zip(keys, items, strict=True):
        area, industry, tech = areas.get(hid), industries.get(iid), techs.get(tid)
        if area is None:
            errors.append((None, _("贫困户（编号 %(id)s）不在您的管辖范围内或已停用")
                           % {"id": hid}))
            continue
        if industry is None or tech is None:
            errors.append((hid, _("%(h)s：技术员或产业不存在、已停用或不在您的管辖范围内")))
            continue
        if (hid, iid) in paired:
            errors.append((hid, _("%(h)s 的%(i)s产业已有结对技术员（可能刚被他人结对）")
                           .replace("%(i)s", industry.name)))
            continue
        if (tid, iid) not in serves:
            errors.append((None, _("技术员 %(t)s 不服务%(i)s产业") % {
                "t": tech.name, "i": industry.name}))
            continue
        if (hid, iid) not in lives_on:
            errors.append((hid, _("%(h)s 没有登记%(i)s产业").replace("%(i)s", industry.name)))
            continue
        if area[:6] != tech.area_code[:6]:
            errors.append((hid, _("技术员 %(t)s 不在 %(h)s 所在区县").replace("%(t)s",
                                                                         tech.name)))
            continue
        if not scoping.in_scope(actor, area):
            errors.append((hid, "%(h)s：" + _("所选区划不在您的管辖范围内。")))
            continue
        load = loads.get(tid, 0) + granted.get(tid, 0)
        limit = tech.load_limit or default
        if load >= limit:
            errors.append((None, _("技术员 %(t)s 已服务 %(n)s 户，达到上限 %(limit)s 户") % {
                "t": tech.name, "n": load, "limit": limit}))
            continue
        granted[tid] = granted.get(tid, 0) + 1
        objs.append(Pairing(household_id=hid, industry_id=iid, technician_id=tid,
                            area_code=area, started_on=started,
                            note=str(item.get("note") or "")[:200], created_at=now,
                            updated_at=now))
    if errors:
        first = errors[:MAX_ERRORS_SHOWN]
        names = {h.pk: str(h) for h in Household.objects.filter(
            pk__in={hid for hid, _m in first if hid}).select_related("head")}
        shown = "；".join(m.replace("%(h)s", names.get(hid, "")) if hid else m
                         for hid, m in first)
        more = _("等 %(n)s 条") % {"n": len(errors)} if len(errors) > MAX_ERRORS_SHOWN else ""
        raise ServiceError(_("有 %(n)s 条结对未通过复核%(more)s：%(list)s。全部未写入（整批结对"
                             "要么全部成功，要么都不写入），请刷新方案后重试。") % {
            "n": len(errors), "more": more, "list": shown})
    try:
        with transaction.atomic():
            # the import's writer: rows and their "+" history by the actor in executemany /
            # COPY (simple_history's bulk insert through the ORM took 6 s for a county)
            BulkWriter(Pairing, actor=actor).create(objs, when=now)
    except IntegrityError:
        raise ServiceError(
            _("有贫困户在您确认期间已被他人结对，全部未写入，请刷新方案后重试。")) from None
    return objs
