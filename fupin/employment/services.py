"""Writes of the employment lists (DESIGN §2 lists 3–5). One function per action, atomic,
scope-checked, version-guarded, history written by the actor (through core.services), and —
because a person's employment status is derived from these records, never typed — every write
that touches an employment, venture or placement re-derives the person's status in the same
transaction (employment/status.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from fupin.areas.models import Area, Level
from fupin.core import scoping
from fupin.core import services as core
from fupin.core.errors import ServiceError
from fupin.registry.models import Person

from . import rules
from .models import Employment, Placement, Venture, WelfarePost
from .status import person_status_refresh

EMPLOYMENT_FIELDS = ["person", "employer", "place", "industry", "start_date", "end_date",
                     "monthly_income", "channel", "contract", "full_time"]
VENTURE_FIELDS = ["person", "business", "industry", "start_date", "end_date",
                  "college_student", "loan_amount", "loan_bank", "loan_start", "loan_end",
                  "interest_subsidy", "employees", "poor_employees"]
POST_FIELDS = ["area_code", "name", "kind", "monthly_pay", "established"]
PLACEMENT_FIELDS = ["post", "person", "start_date", "end_date"]


def _raise_first(errors: rules.Errors) -> None:
    if errors:
        field, message = errors[0]
        raise ServiceError(message, field=field)


def _only(data: dict, fields: list[str]) -> dict:
    return {k: v for k, v in data.items() if k in fields}


def _merged(current, data: dict, fields: list[str]) -> dict:
    """The record's values once `data` is applied (what the rules judge)."""
    values = {f: getattr(current, f) for f in fields}
    values.update(data)
    return values


def _new(model, data: dict, fields: list[str]) -> dict:
    """A new record's values (defaults where `data` says nothing)."""
    return {f: data[f] if f in data else model._meta.get_field(f).get_default() for f in fields}


def _person_for(actor, person, *, current_id: int | None = None) -> Person:
    """The person a record hangs off, read again: visible to the actor, and not retired
    unless the record already belonged to them (ending an old job stays possible)."""
    if person is None:
        raise ServiceError(_("请填写人员的身份证号。"), field="person")
    pk = person.pk if isinstance(person, Person) else person
    found = Person.objects.visible_to(actor).filter(pk=pk).first()
    if found is None:
        raise ServiceError(_("在您的管辖范围内没有这个人员。"), field="person")
    if found.retired_at is not None and found.pk != current_id:
        raise ServiceError(_("%(name)s 的登记已停用，不能添加记录。") % {"name": found.name},
                           field="person")
    return found


def _refresh(actor, *person_ids) -> None:
    person_status_refresh(person_ids=sorted({p for p in person_ids if p}), actor=actor)


def _lock(model, instance, actor, expected_version):
    scoping.assert_in_scope(actor, instance.area_code)
    current = model.objects.select_for_update().get(pk=instance.pk)
    core.check_version(current, expected_version)
    return current


# --- 转移就业 ------------------------------------------------------------------------------

def _check_employment(values: dict, *, exclude_pk=None) -> None:
    _raise_first(rules.employment_errors(values))
    same = Employment.objects.active().filter(
        person=values["person"], employer=values.get("employer"),
        start_date=values.get("start_date"))
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ServiceError(_("已有该人员在“%(employer)s”自 %(day)s 起的就业记录，请勿重复登记。")
                           % {"employer": values.get("employer"),
                              "day": values["start_date"].isoformat()}, field="employer")


# What an employment and a venture share: a dated record of one person, copied into the
# person's village, checked by its own rules, and re-deriving the person's status.

def _record_create(*, actor, model, fields, check, data: dict):
    data = _only(data, fields)
    person = _person_for(actor, data.get("person"))
    data.update(person=person, area_code=person.area_code)
    core.check_write(actor, model, person.area_code)
    if data.get("start_date") is not None:
        check(_new(model, data, fields))
    record = core.record_create(actor=actor, model=model, data=data)
    _refresh(actor, person.pk)
    return record


def _record_update(*, actor, model, fields, check, record, data: dict,
                   expected_version: int | None):
    current = _lock(model, record, actor, expected_version)
    old_person = current.person_id
    data = _only(data, fields)
    person = _person_for(actor, data.get("person", current.person_id), current_id=old_person)
    data.update(person=person, area_code=person.area_code)
    check(_merged(current, data, fields), exclude_pk=current.pk)
    record = core.record_update(actor=actor, instance=current, data=data,
                                expected_version=expected_version)
    _refresh(actor, old_person, person.pk)
    return record


def _record_retire(*, actor, record, reason: str):
    record = core.record_retire(actor=actor, instance=record, reason=reason)
    _refresh(actor, record.person_id)
    return record


def _record_restore(*, actor, fields, check, record):
    record = core.record_restore(actor=actor, instance=record)
    check(_merged(record, {}, fields), exclude_pk=record.pk)
    _refresh(actor, record.person_id)
    return record


@transaction.atomic
def employment_create(*, actor, data: dict) -> Employment:
    return _record_create(actor=actor, model=Employment, fields=EMPLOYMENT_FIELDS,
                          check=_check_employment, data=data)


@transaction.atomic
def employment_update(*, actor, employment: Employment, data: dict,
                      expected_version: int | None) -> Employment:
    return _record_update(actor=actor, model=Employment, fields=EMPLOYMENT_FIELDS,
                          check=_check_employment, record=employment, data=data,
                          expected_version=expected_version)


@transaction.atomic
def employment_retire(*, actor, employment: Employment, reason: str = "") -> Employment:
    return _record_retire(actor=actor, record=employment, reason=reason)


@transaction.atomic
def employment_restore(*, actor, employment: Employment) -> Employment:
    return _record_restore(actor=actor, fields=EMPLOYMENT_FIELDS, check=_check_employment,
                           record=employment)


# --- 自主创业 ------------------------------------------------------------------------------

def _check_venture(values: dict, *, exclude_pk=None) -> None:
    _raise_first(rules.venture_errors(values))
    same = Venture.objects.active().filter(person=values["person"],
                                           business=values.get("business"),
                                           start_date=values.get("start_date"))
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ServiceError(_("已有该人员自 %(day)s 起经营“%(business)s”的创业记录，请勿重复登记。")
                           % {"business": values.get("business"),
                              "day": values["start_date"].isoformat()}, field="business")


@transaction.atomic
def venture_create(*, actor, data: dict) -> Venture:
    return _record_create(actor=actor, model=Venture, fields=VENTURE_FIELDS,
                          check=_check_venture, data=data)


@transaction.atomic
def venture_update(*, actor, venture: Venture, data: dict,
                   expected_version: int | None) -> Venture:
    return _record_update(actor=actor, model=Venture, fields=VENTURE_FIELDS,
                          check=_check_venture, record=venture, data=data,
                          expected_version=expected_version)


@transaction.atomic
def venture_retire(*, actor, venture: Venture, reason: str = "") -> Venture:
    return _record_retire(actor=actor, record=venture, reason=reason)


@transaction.atomic
def venture_restore(*, actor, venture: Venture) -> Venture:
    return _record_restore(actor=actor, fields=VENTURE_FIELDS, check=_check_venture,
                           record=venture)


# --- 公益性岗位 ----------------------------------------------------------------------------

def _check_post(values: dict, *, exclude_pk=None) -> None:
    code = values.get("area_code") or ""
    if len(code) != 12 or not Area.objects.filter(pk=code, level=Level.VILLAGE).exists():
        raise ServiceError(_("公益性岗位须设在村（社区），请选择到村一级。"), field="area_code")
    same = WelfarePost.objects.active().filter(area_code=code, name=values.get("name"))
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ServiceError(_("本村已有名为“%(name)s”的公益性岗位；同村岗位请用不同名称"
                             "（如“保洁员2”）。") % {"name": values.get("name")}, field="name")


@transaction.atomic
def post_create(*, actor, data: dict) -> WelfarePost:
    data = _only(data, POST_FIELDS)
    core.check_write(actor, WelfarePost, data.get("area_code"))
    _check_post(data)
    return core.record_create(actor=actor, model=WelfarePost, data=data)


@transaction.atomic
def post_update(*, actor, post: WelfarePost, data: dict,
                expected_version: int | None) -> WelfarePost:
    current = _lock(WelfarePost, post, actor, expected_version)
    data = _only(data, POST_FIELDS)
    values = _merged(current, data, POST_FIELDS)
    core.check_write(actor, WelfarePost, values["area_code"])
    _check_post(values, exclude_pk=current.pk)
    established = values.get("established")
    first = (Placement.objects.active().filter(post=current).order_by("start_date")
             .values_list("start_date", flat=True).first())
    if established is not None and first is not None and first < established:
        raise ServiceError(_("该岗位已有 %(day)s 上岗的安置记录，开发日期不能晚于这一天。")
                           % {"day": first.isoformat()}, field="established")
    return core.record_update(actor=actor, instance=current, data=data,
                              expected_version=expected_version)


@transaction.atomic
def post_retire(*, actor, post: WelfarePost, reason: str = "") -> WelfarePost:
    """Retiring a post retires its placements too (as retiring a household retires its
    members): the post and its holders leave the lists together, and the holders' status is
    derived again. Nothing is deleted; an administrator can restore each."""
    placements = list(Placement.objects.active().filter(post=post))
    if any(not scoping.in_scope(actor, p.area_code) for p in placements):
        raise ServiceError(_("该岗位安置了其他地区的人员，您无权一并停用其安置记录；"
                             "请联系上级经办停用此岗位。"))
    post = core.record_retire(actor=actor, instance=post, reason=reason)
    people = []
    for placement in placements:
        core.record_retire(actor=actor, instance=placement,
                           reason=(_("岗位停用：%(r)s") % {"r": reason}) if reason
                           else _("岗位停用"))
        people.append(placement.person_id)
    _refresh(actor, *people)
    return post


@transaction.atomic
def post_restore(*, actor, post: WelfarePost) -> WelfarePost:
    post = core.record_restore(actor=actor, instance=post)
    _check_post(_merged(post, {}, POST_FIELDS), exclude_pk=post.pk)
    return post


# --- 公益性岗位安置 -------------------------------------------------------------------------

def _post_for(actor, post, *, current_id: int | None = None) -> WelfarePost:
    """The post, read again under a lock (placements on one post are decided one at a time):
    visible to the actor and in use — unless the placement was already on it (the person's
    village worker may end a placement on a post of another village)."""
    if post is None:
        raise ServiceError(_("请选择岗位。"), field="post")
    pk = post.pk if isinstance(post, WelfarePost) else post
    posts = WelfarePost.objects.all() if pk == current_id else \
        WelfarePost.objects.visible_to(actor)
    found = posts.select_for_update().filter(pk=pk).first()
    if found is None:
        raise ServiceError(_("在您的管辖范围内没有这个岗位。"), field="post")
    if found.retired_at is not None and found.pk != current_id:
        raise ServiceError(_("岗位“%(name)s”已停用，不能安置。") % {"name": found.name},
                           field="post")
    return found


def holder_name(actor, placement: Placement) -> str:
    """Whom a clash names: a holder outside the actor's scope stays anonymous (fail closed)."""
    if scoping.in_scope(actor, placement.area_code):
        return placement.person.name
    return _("其他地区的人员")


def _check_placement(actor, values: dict, *, exclude_pk=None) -> None:
    """DESIGN §2 list 5: a post holds at most one person at a time and a person holds at most
    one post at a time (retired placements do not count)."""
    post, person = values["post"], values["person"]
    _raise_first(rules.placement_errors(values, established=post.established))
    start, end = values.get("start_date"), values.get("end_date")
    if start is None:
        return
    # one person's placements are decided one at a time too
    Person.objects.select_for_update().filter(pk=person.pk).first()
    other = rules.post_clash(post_id=post.pk, start=start, end=end, exclude_pk=exclude_pk)
    if other is not None:
        raise ServiceError(rules.post_clash_message(
            post_name=post.name, holder=holder_name(actor, other), start=other.start_date,
            end=other.end_date))
    other = rules.person_clash(person_id=person.pk, start=start, end=end, exclude_pk=exclude_pk)
    if other is not None:
        raise ServiceError(rules.person_clash_message(
            person_name=person.name, post_name=other.post.name, start=other.start_date,
            end=other.end_date))


@transaction.atomic
def placement_create(*, actor, data: dict) -> Placement:
    data = _only(data, PLACEMENT_FIELDS)
    person = _person_for(actor, data.get("person"))
    post = _post_for(actor, data.get("post"))
    data.update(person=person, post=post, area_code=person.area_code)
    core.check_write(actor, Placement, person.area_code)
    _check_placement(actor, data)
    placement = core.record_create(actor=actor, model=Placement, data=data)
    _refresh(actor, person.pk)
    return placement


@transaction.atomic
def placement_update(*, actor, placement: Placement, data: dict,
                     expected_version: int | None) -> Placement:
    """Also how a placement ends: `data={"end_date": day}`."""
    current = _lock(Placement, placement, actor, expected_version)
    old_person = current.person_id
    data = _only(data, PLACEMENT_FIELDS)
    person = _person_for(actor, data.get("person", current.person_id), current_id=old_person)
    post = _post_for(actor, data.get("post", current.post_id), current_id=current.post_id)
    data.update(person=person, post=post, area_code=person.area_code)
    _check_placement(actor, _merged(current, data, PLACEMENT_FIELDS), exclude_pk=current.pk)
    placement = core.record_update(actor=actor, instance=current, data=data,
                                   expected_version=expected_version)
    _refresh(actor, old_person, person.pk)
    return placement


@transaction.atomic
def placement_retire(*, actor, placement: Placement, reason: str = "") -> Placement:
    placement = core.record_retire(actor=actor, instance=placement, reason=reason)
    _refresh(actor, placement.person_id)
    return placement


@transaction.atomic
def placement_restore(*, actor, placement: Placement) -> Placement:
    placement = core.record_restore(actor=actor, instance=placement)
    if placement.post.retired_at is not None:
        raise ServiceError(_("岗位“%(name)s”已停用，请先恢复岗位。")
                           % {"name": placement.post.name})
    _check_placement(actor, _merged(placement, {}, PLACEMENT_FIELDS), exclude_pk=placement.pk)
    _refresh(actor, placement.person_id)
    return placement


# --- a person moves -------------------------------------------------------------------------

@transaction.atomic
def records_follow_person(*, actor, person_ids) -> int:
    """Move these people's records to the village each one now lives in (the registry does
    it for every list when a person moves; see registry.services.person_records_follow)."""
    from fupin.registry.services import person_records_follow

    areas = dict(Person.objects.filter(pk__in=list(person_ids))
                 .values_list("pk", "area_code"))
    if any(not scoping.in_scope(actor, code) for code in areas.values()):
        raise ServiceError(_("所选区划不在您的管辖范围内。"))
    return person_records_follow(actor=actor, person_ids=person_ids)
