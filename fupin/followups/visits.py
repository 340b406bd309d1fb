"""Recording a follow-up visit (issue 10, item 3): the visit, the changes made on the spot
through the five lists' services, the needs raised and the photo, in one transaction; a
change made against a stale version raises `Conflict` and nothing is written."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import codes
from fupin.core import services as core
from fupin.core.bounds import date_error
from fupin.core.errors import ConcurrentEditError, ServiceError
from fupin.employment import services as employment
from fupin.employment.models import Employment
from fupin.registry import services as registry
from fupin.registry.models import Person

from . import photos, plans
from .models import Method, Need, NeedKind, Visit, VisitPlan

INTENTION_FIELDS = ["wants_work", "work_place_wish", "wants_training", "training_wish",
                    "industry_wish", "expected_wage"]
ACTIONS = ("end_employment", "new_employment", "start_venture", "change_income",
           "change_intention")


class Conflict(ServiceError):
    """A change was made against a version that is no longer the server's: both are given,
    nothing was written."""

    def __init__(self, conflicts: list[dict]):
        self.conflicts = conflicts
        super().__init__(_("您离线期间该人员的记录已被他人修改，本次回访未保存；请核对双方内容后重新填写。"))


def _day(value, field: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        raise ServiceError(_("日期格式不正确（应为 年-月-日）。"), field=field) from None


def _int(value, field: str, *, required=True):
    if value in (None, ""):
        if required:
            raise ServiceError(_("请填写数字。"), field=field)
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ServiceError(_("请填写数字。"), field=field) from None
    if number < 0:
        raise ServiceError(_("数字不能为负数。"), field=field)
    return number


def _code(value, list_name: str, field: str, *, required=False) -> str:
    """A code of the named national list (DESIGN §2: we store codes), or "" when blank and
    allowed; anything else is refused before any write."""
    code = "" if value is None else str(value).strip()
    if not code:
        if required:
            raise ServiceError(_("请选择%(what)s。") % {"what": codes.list_label(list_name)},
                               field=field)
        return ""
    if code not in codes.labels(list_name):
        raise ServiceError(_("“%(code)s”不是有效的%(what)s，请从列表中选择。")
                           % {"code": code[:20], "what": codes.list_label(list_name)},
                           field=field)
    return code


def _flag(value, field: str) -> bool | None:
    """A yes / no / unknown answer (the registry's nullable booleans)."""
    if value is None or isinstance(value, bool):
        return value
    raise ServiceError(_("请选择“是”或“否”。"), field=field)


def _text(value, field: str, limit: int) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise ServiceError(_("不能超过 %(n)s 个字。") % {"n": limit}, field=field)
    return text


def _checked(change: dict) -> dict:
    """The change's values checked for shape and codes, before anything is written (a bad
    code is a clear message, not a database error halfway through the visit)."""
    action = change.get("action")
    if action == "new_employment":
        change = {**change, "place": _code(change.get("place"), "work_place", "place",
                                           required=True),
                  "employer": _text(change.get("employer"), "employer", 200)}
        if not change["employer"]:
            raise ServiceError(_("请填写用人单位。"), field="employer")
    elif action == "change_intention":
        change = dict(change)
        for key in ("wants_work", "wants_training"):
            if key in change:
                change[key] = _flag(change[key], key)
        if "work_place_wish" in change:
            change["work_place_wish"] = _code(change["work_place_wish"], "work_place",
                                              "work_place_wish")
        if "training_wish" in change:
            change["training_wish"] = _code(change["training_wish"], "training_kind",
                                            "training_wish")
        if "industry_wish" in change:
            change["industry_wish"] = _text(change["industry_wish"], "industry_wish", 100)
    return change


def visit_person(*, actor, person) -> Person:
    """The person visited: in the actor's scope and active (else ServiceError)."""
    pk = person.pk if isinstance(person, Person) else person
    found = Person.objects.visible_to(actor).filter(pk=pk).first() if pk else None
    if found is None:
        raise ServiceError(_("在您的管辖范围内没有这个人员。"), field="person")
    if found.retired_at is not None:
        raise ServiceError(_("%(name)s 的登记已停用，不能回访。") % {"name": found.name},
                           field="person")
    return found


def _check_day(visited_on, *, today=None) -> datetime.date:
    day = _day(visited_on, "visited_on")
    error = date_error(day)
    if error:
        raise ServiceError(error, field="visited_on")
    if day > (today or timezone.localdate()):
        raise ServiceError(_("回访日期不能晚于今天。"), field="visited_on")
    return day


def _job_of(person, change) -> Employment:
    pk = _int(change.get("id"), "id")
    job = Employment.objects.filter(pk=pk, person=person).first()
    if job is None:
        raise ServiceError(_("该人员没有这条就业记录。"), field="changes")
    return job


def _job_values(job) -> dict:
    return {"employer": job.employer, "end_date": job.end_date and job.end_date.isoformat(),
            "monthly_income": job.monthly_income, "version": job.version}


def _stale(person, changes) -> list[dict]:
    """The changes whose version is no longer the server's, with both versions."""
    conflicts = []
    for change in changes:
        action = change.get("action")
        if action in ("end_employment", "change_income"):
            job = _job_of(person, change)
            version = _int(change.get("version"), "version")
            if job.version != version or job.retired_at is not None:
                mine = {k: change.get(k) for k in ("end_date", "monthly_income", "version")
                        if k in change}
                conflicts.append({"action": action, "label": _label(action, job=job),
                                  "model": "employment.employment", "id": job.pk,
                                  "mine": mine, "server": _job_values(job)})
        elif action == "change_intention":
            version = _int(change.get("version"), "version")
            if person.version != version:
                conflicts.append({
                    "action": action, "label": _label(action),
                    "model": "registry.person", "id": person.pk,
                    "mine": {k: change.get(k) for k in [*INTENTION_FIELDS, "version"]
                             if k in change},
                    "server": {**{k: getattr(person, k) for k in INTENTION_FIELDS},
                               "version": person.version}})
    return conflicts


def _label(action, *, job=None, record=None) -> str:
    if action == "end_employment":
        return _("已离职：%(employer)s") % {"employer": job.employer}
    if action == "change_income":
        return _("收入变化：%(employer)s") % {"employer": job.employer}
    if action == "new_employment":
        return _("新就业：%(employer)s") % {"employer": record.employer}
    if action == "start_venture":
        return _("开始创业：%(business)s") % {"business": record.business}
    return _("就业意向变化")


def _apply(actor, person, change) -> dict:
    action = change.get("action")
    if action == "end_employment":
        job = _job_of(person, change)
        job = employment.employment_update(
            actor=actor, employment=job, data={"end_date": _day(change.get("end_date"),
                                                                "end_date")},
            expected_version=_int(change.get("version"), "version"))
        return {"action": action, "label": _label(action, job=job),
                "model": "employment.employment", "id": job.pk}
    if action == "change_income":
        job = _job_of(person, change)
        job = employment.employment_update(
            actor=actor, employment=job,
            data={"monthly_income": _int(change.get("monthly_income"), "monthly_income")},
            expected_version=_int(change.get("version"), "version"))
        return {"action": action, "label": _label(action, job=job),
                "model": "employment.employment", "id": job.pk}
    if action == "new_employment":
        job = employment.employment_create(actor=actor, data={
            "person": person, "employer": (change.get("employer") or "").strip(),
            "place": change.get("place") or "", "industry": change.get("industry") or "",
            "monthly_income": _int(change.get("monthly_income"), "monthly_income",
                                   required=False),
            "start_date": _day(change.get("start_date"), "start_date")})
        return {"action": action, "label": _label(action, record=job),
                "model": "employment.employment", "id": job.pk}
    if action == "start_venture":
        venture = employment.venture_create(actor=actor, data={
            "person": person, "business": (change.get("business") or "").strip(),
            "industry": change.get("industry") or "",
            "start_date": _day(change.get("start_date"), "start_date")})
        return {"action": action, "label": _label(action, record=venture),
                "model": "employment.venture", "id": venture.pk}
    if action == "change_intention":
        data = {k: change[k] for k in INTENTION_FIELDS if k in change}
        for key in ("work_place_wish", "training_wish", "industry_wish"):
            if key in data:
                data[key] = data[key] or ""
        if "expected_wage" in data:
            data["expected_wage"] = _int(data["expected_wage"], "expected_wage",
                                         required=False)
        current = Person.objects.get(pk=person.pk)
        registry.person_update(actor=actor, person=current, data=data, protected={},
                               expected_version=_int(change.get("version"), "version"))
        return {"action": action, "label": _label(action), "model": "registry.person",
                "id": person.pk}
    raise ServiceError(_("无法识别的现场更新：%(a)s") % {"a": action}, field="changes")


def _first_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return next(iter(exc.message_dict.values()))[0]
    return exc.messages[0]


def _needs_clean(needs) -> list[dict]:
    cleaned = []
    for need in needs or ():
        kind = (need or {}).get("kind")
        if kind not in NeedKind.values:
            raise ServiceError(_("请选择需求类型。"), field="needs")
        note = str(need.get("note") or "").strip()
        if len(note) > 300:
            raise ServiceError(_("需求说明不能超过 300 字。"), field="needs")
        cleaned.append({"kind": kind, "note": note})
    return cleaned


def _client_key(value):
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ServiceError(_("客户端编号格式不正确。"), field="client_key") from None


@transaction.atomic
def visit_record(*, actor, person, data: dict, changes=(), needs=(), photo=None,
                 client_key=None) -> tuple[Visit, bool]:
    """Record a visit. Returns (visit, created); a client_key already recorded gives that
    visit back without writing anything."""
    key = _client_key(client_key)
    if key is not None:
        known = Visit.objects.filter(client_key=key).first()
        if known is not None:
            pk = person.pk if isinstance(person, Person) else person
            if known.person_id != pk or not Visit.objects.visible_to(actor).filter(
                    pk=known.pk).exists():
                raise ServiceError(_("该客户端编号已用于另一人员的回访。"), field="client_key")
            return known, False
    person = visit_person(actor=actor, person=person)
    core.check_write(actor, Visit, person.area_code)
    day = _check_day(data.get("visited_on"))
    method = data.get("method")
    if method not in Method.values:
        raise ServiceError(_("请选择回访方式。"), field="method")
    changes = list(changes or ())
    for change in changes:
        if not isinstance(change, dict) or change.get("action") not in ACTIONS:
            raise ServiceError(_("无法识别的现场更新。"), field="changes")
    changes = [_checked(change) for change in changes]
    needs = _needs_clean(needs)
    stored_photo = photos.photo_clean(photo) if photo else None
    # the versions the phone saw, all checked before any write
    person = Person.objects.select_for_update().get(pk=person.pk)
    conflicts = _stale(person, changes)
    if conflicts:
        raise Conflict(conflicts)
    try:
        summary = [_apply(actor, person, change) for change in changes]
    except ConcurrentEditError as exc:  # changed between our check and the write
        raise Conflict([{"action": "", "label": exc.message, "mine": {}, "server": {}}]) from exc
    except ValidationError as exc:  # a model rule the checks above do not cover
        raise ServiceError(_first_message(exc), field="changes") from exc
    plan = VisitPlan.objects.filter(person=person, retired_at__isnull=True).first()
    visit = Visit(person=person, area_code=person.area_code, visited_on=day, method=method,
                  findings=str(data.get("findings") or "").strip(),
                  visitor=str(data.get("visitor") or "").strip()[:50]
                  or (actor.get_full_name() or actor.get_username())[:50],
                  category=plan.category if plan else "",
                  due_on=plan.due_on if plan else None,
                  on_time=(day <= plan.due_on) if plan else True,
                  changes=summary, client_key=key, recorded_by=actor)
    if stored_photo is not None:
        visit.photo.save(stored_photo.name, stored_photo, save=False)
    visit.full_clean(exclude=["photo"])
    core._stamp(visit, actor)
    visit.save()
    for need in needs:
        core.record_create(actor=actor, model=Need, data={
            "person": person, "area_code": person.area_code, "visit": visit,
            "kind": need["kind"], "note": need["note"], "raised_on": day,
            "raised_by": actor})
    plans.plan_visited(person=person, visited_on=day, actor=actor)
    return visit, True


@transaction.atomic
def visit_update(*, actor, visit: Visit, data: dict, expected_version: int | None) -> Visit:
    """Edit what was found, the method or the date (the changes and needs stay as recorded)."""
    data = {k: v for k, v in data.items() if k in ("findings", "method", "visited_on")}
    if "visited_on" in data:
        data["visited_on"] = _check_day(data["visited_on"])
    if "method" in data and data["method"] not in Method.values:
        raise ServiceError(_("请选择回访方式。"), field="method")
    core.check_write(actor, Visit, visit.area_code)
    visit = core.record_update(actor=actor, instance=visit, data=data,
                               expected_version=expected_version)
    if "visited_on" in data:
        plans.plan_visited(person=visit.person, visited_on=visit.visited_on, actor=actor)
    return visit


@transaction.atomic
def visit_retire(*, actor, visit: Visit, reason: str = "") -> Visit:
    return core.record_retire(actor=actor, instance=visit, reason=reason)
