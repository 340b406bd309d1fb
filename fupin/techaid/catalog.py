"""Writes of the catalogue (DESIGN §5, issue 11 item 1): industries, a household's industries,
experts, expert groups and their members, technicians.

Each service is atomic, checks the actor's role and scope (core.services / core.scoping),
keeps history by the actor, and refuses bad input with a Chinese `ServiceError` before
anything is written. The rules across records live here:

- an expert or a group lives in a county (6 digits); a technician in a township (9) or a
  village (12); a household's industry in the household's village;
- one active group per industry and county; its chief is a member, an expert of the same
  county serving the group's industry;
- a user linked to an expert has the role expert in the expert's county (to a technician:
  role technician in the technician's township), and is linked to no other record;
- phones are personal data (core/personal.py): stored sealed (`phone_enc`), with a keyed hash
  and the staff mask, as the registry stores a person's phone.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import crypto, personal, scoping
from fupin.core import services as core
from fupin.core.errors import ServiceError
from fupin.core.roles import Role, can_restore

from .models import (
    MANAGERS,
    Expert,
    ExpertGroup,
    GroupMember,
    HouseholdIndustry,
    Industry,
    Technician,
)

COUNTY, TOWNSHIP, VILLAGE = 6, 9, 12


# --- shared parts ---------------------------------------------------------------------------------

def can_manage(user) -> bool:
    """Whether the user keeps the catalogue (administrators and county officers)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and (user.is_superuser or getattr(user, "role", None) in MANAGERS))


def _require_manager(actor) -> None:
    if not can_manage(actor):
        raise PermissionDenied(_("只有系统管理员和区县经办可以维护科技扶贫的产业、专家和技术员。"))


def _check_level(area_code: str, lengths: tuple[int, ...], message: str) -> None:
    if not area_code or len(area_code) not in lengths or not area_code.isdigit():
        raise ServiceError(message, field="area_code")


def seal_phone(obj, value: str | None) -> bool:
    """Store a clear phone on an expert or a technician (None: keep the stored one). Returns
    whether it changed; an unchanged value is not sealed again, so it writes no history."""
    if value is None:
        return False
    value = value.strip()
    digest = crypto.blind_index(value)
    if digest == obj.phone_hash and (value or not obj.phone_enc):
        return False
    obj.phone_enc = crypto.encrypt(value)
    obj.phone_hash = digest
    obj.phone_masked = personal.stored_mask(personal.PHONE, value)
    return True


def _active_industries(industries) -> list[Industry]:
    industries = list(industries or [])
    retired = [i.name for i in industries if i.retired_at is not None]
    if retired:
        raise ServiceError(_("产业“%(n)s”已停用。") % {"n": "、".join(retired)},
                           field="industries")
    return industries


def _industries_reason(industries) -> str:
    """The history row's reason when the industries change (a many-to-many change that the
    history's field diff does not show)."""
    names = "、".join(i.name for i in industries) or _("无")
    return _("服务产业改为：%(n)s") % {"n": names}


def _save(obj, actor, *, new: bool) -> None:
    obj.full_clean()
    if not new:
        obj.version += 1
    obj.updated_at = timezone.now()
    obj._history_user = actor
    obj.save()


# --- industries -----------------------------------------------------------------------------------

def _industry_clean(data: dict, *, pk=None) -> dict:
    data = dict(data)
    name = (data.get("name") or "").strip()
    if not name:
        raise ServiceError(_("请填写产业名称。"), field="name")
    clash = Industry.objects.filter(name=name).exclude(pk=pk).first()
    if clash is not None:
        raise ServiceError(_("已有名为“%(n)s”的产业%(r)s。")
                           % {"n": name, "r": _("（已停用，可由管理员恢复）")
                              if clash.retired_at else ""}, field="name")
    data["name"] = name
    data["kind"] = (data.get("kind") or "").strip()
    return data


@transaction.atomic
def industry_create(*, actor, data: dict) -> Industry:
    _require_manager(actor)
    data = _industry_clean(data)
    industry = Industry(**data)
    industry.full_clean()
    industry._history_user = actor
    industry.save()
    return industry


@transaction.atomic
def industry_update(*, actor, industry: Industry, data: dict,
                    expected_version: int | None) -> Industry:
    _require_manager(actor)
    current = Industry.objects.select_for_update().get(pk=industry.pk)
    core.check_version(current, expected_version)
    data = _industry_clean({**{"name": current.name, "kind": current.kind,
                               "order": current.order}, **data}, pk=current.pk)
    changed = [k for k, v in data.items() if getattr(current, k) != v]
    if not changed:
        return current
    for key in changed:
        setattr(current, key, data[key])
    current.full_clean()
    current.version += 1
    current._history_user = actor
    current.save()
    return current


@transaction.atomic
def industry_retire(*, actor, industry: Industry) -> Industry:
    _require_manager(actor)
    current = Industry.objects.select_for_update().get(pk=industry.pk)
    if current.retired_at is None:
        current.retired_at = timezone.now()
        current.version += 1
        current._history_user = actor
        current.save()
    return current


@transaction.atomic
def industry_restore(*, actor, industry: Industry) -> Industry:
    if not can_restore(actor):
        raise PermissionDenied(_("只有系统管理员可以恢复已停用的记录。"))
    current = Industry.objects.select_for_update().get(pk=industry.pk)
    if current.retired_at is not None:
        current.retired_at = None
        current.version += 1
        current._history_user = actor
        current.save()
    return current


# --- a household's industries ---------------------------------------------------------------------

def _household_in_reach(actor, household):
    from fupin.registry.models import Household

    found = Household.objects.visible_to(actor).filter(pk=getattr(household, "pk", household))
    household = found.select_for_update().first()
    if household is None:
        raise ServiceError(_("该户不存在或不在您的管辖范围内。"), field="household")
    if household.retired_at is not None:
        raise ServiceError(_("贫困户“%(n)s”已停用，不能登记产业。") % {"n": household.number},
                           field="household")
    if len(household.area_code) != VILLAGE:
        raise ServiceError(_("该户不在村（社区）一级，不能登记产业。"), field="household")
    return household


def _household_industry_unique(household, industry, *, pk=None) -> None:
    clash = HouseholdIndustry.objects.active().filter(household=household, industry=industry)
    if clash.exclude(pk=pk).exists():
        raise ServiceError(_("该户已登记产业“%(i)s”。") % {"i": industry.name}, field="industry")


@transaction.atomic
def household_industry_create(*, actor, household, industry: Industry, main: bool = True,
                              scale: str = "") -> HouseholdIndustry:
    """Record one of a household's industries (its area: the household's village)."""
    household = _household_in_reach(actor, household)
    if industry is None:
        raise ServiceError(_("请选择产业。"), field="industry")
    _active_industries([industry])
    _household_industry_unique(household, industry)
    return core.record_create(actor=actor, model=HouseholdIndustry, data={
        "household": household, "industry": industry, "main": bool(main),
        "scale": (scale or "").strip(), "area_code": household.area_code})


@transaction.atomic
def household_industry_update(*, actor, record: HouseholdIndustry, data: dict,
                              expected_version: int | None) -> HouseholdIndustry:
    """Change the industry, main flag or scale (the household stays)."""
    scoping.assert_in_scope(actor, record.area_code)
    data = {k: v for k, v in data.items() if k in ("industry", "main", "scale")}
    if "scale" in data:
        data["scale"] = (data["scale"] or "").strip()
    industry = data.get("industry")
    if industry is not None and industry.pk != record.industry_id:
        _active_industries([industry])
        _household_industry_unique(record.household_id, industry, pk=record.pk)
    return core.record_update(actor=actor, instance=record, data=data,
                              expected_version=expected_version)


def household_industry_retire(*, actor, record: HouseholdIndustry, reason: str = ""):
    return core.record_retire(actor=actor, instance=record, reason=reason)


@transaction.atomic
def household_industry_restore(*, actor, record: HouseholdIndustry):
    _household_industry_unique(record.household_id, record.industry, pk=record.pk)
    return core.record_restore(actor=actor, instance=record)


# --- linked user accounts -------------------------------------------------------------------------

def _check_user(user, *, role: str, area_code: str, model, pk, what: str) -> None:
    """The account linked to an expert (role expert, in the expert's county) or to a
    technician (role technician, in the technician's township)."""
    if user is None:
        return
    if user.role != role:
        raise ServiceError(_("用户“%(u)s”的角色不是%(r)s，不能关联为%(w)s。")
                           % {"u": user.username, "r": Role(role).label, "w": what},
                           field="user")
    if not user.is_active:
        raise ServiceError(_("用户“%(u)s”已停用。") % {"u": user.username}, field="user")
    scope = user.scope_code
    home = area_code[:COUNTY] if role == Role.EXPERT else area_code[:TOWNSHIP]
    if len(scope) < len(home) or scope[:len(home)] != home:
        raise ServiceError(_("用户“%(u)s”的管辖区划不在该%(w)s所在的区划。")
                           % {"u": user.username, "w": what}, field="user")
    other = model.objects.filter(user=user).exclude(pk=pk).first()
    if other is not None:
        raise ServiceError(_("用户“%(u)s”已关联%(w)s“%(n)s”。")
                           % {"u": user.username, "w": what, "n": other.name}, field="user")


# --- experts --------------------------------------------------------------------------------------

EXPERT_FIELDS = ("name", "institution", "research_institute", "title", "specialities",
                 "area_code", "user")


def _apply(obj, fields, data: dict, phone) -> set[str]:
    """Set the given fields of an expert or a technician (text stripped) and seal the phone;
    the names of what changed."""
    changed = set()
    for key in fields:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, str):
            value = value.strip()
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed.add(key)
    if seal_phone(obj, phone):
        changed.add("phone")
    return changed


def _expert_apply(expert: Expert, data: dict, phone) -> set[str]:
    return _apply(expert, EXPERT_FIELDS, data, phone)


def _expert_check(actor, expert: Expert) -> None:
    _check_level(expert.area_code, (COUNTY,), _("专家应属于一个区县（6 位区划代码）。"))
    core.check_write(actor, Expert, expert.area_code)
    _check_user(expert.user, role=Role.EXPERT, area_code=expert.area_code, model=Expert,
                pk=expert.pk, what=_("专家"))


@transaction.atomic
def expert_create(*, actor, data: dict, industries=(), phone: str | None = None) -> Expert:
    _require_manager(actor)
    expert = Expert()
    _expert_apply(expert, data, phone)
    _expert_check(actor, expert)
    industries = _active_industries(industries)
    _save(expert, actor, new=True)
    expert.industries.set(industries)
    return expert


@transaction.atomic
def expert_update(*, actor, expert: Expert, data: dict, industries=None,
                  phone: str | None = None, expected_version: int | None) -> Expert:
    """Change an expert; `industries` None keeps them, `phone` None keeps it. An expert
    who serves a group's industry as its member keeps that industry."""
    _require_manager(actor)
    scoping.assert_in_scope(actor, expert.area_code)
    current = Expert.objects.select_for_update().get(pk=expert.pk)
    core.check_version(current, expected_version)
    changed = _expert_apply(current, data, phone)
    if "area_code" in changed and current.memberships.filter(left_on__isnull=True).exists():
        raise ServiceError(_("该专家仍是专家服务组成员，不能改到其他区县；请先退出专家组。"),
                           field="area_code")
    if industries is not None:
        industries = _active_industries(industries)
        new_ids = {i.pk for i in industries}
        old_ids = set(current.industries.values_list("pk", flat=True))
        if new_ids != old_ids:
            needed = set(current.memberships.filter(left_on__isnull=True, group__retired_at=None)
                         .values_list("group__industry_id", flat=True))
            lost = needed - new_ids
            if lost:
                names = "、".join(Industry.objects.filter(pk__in=lost).values_list("name",
                                                                                   flat=True))
                raise ServiceError(_("该专家是%(n)s专家服务组的成员，服务产业须包含该产业。")
                                   % {"n": names}, field="industries")
            changed.add("industries")
    if not changed:
        return current
    _expert_check(actor, current)
    if "industries" in changed:
        current._change_reason = _industries_reason(industries)
    _save(current, actor, new=False)
    if industries is not None:
        current.industries.set(industries)
    return current


@transaction.atomic
def expert_retire(*, actor, expert: Expert, reason: str = "") -> Expert:
    """Retire an expert: refused while they are the chief of an active group; their open
    memberships end today."""
    scoping.assert_in_scope(actor, expert.area_code)
    chief_of = ExpertGroup.objects.active().filter(chief=expert).first()
    if chief_of is not None:
        raise ServiceError(_("该专家是“%(g)s”的首席专家，请先更换首席专家。")
                           % {"g": chief_of.name})
    expert = core.record_retire(actor=actor, instance=expert, reason=reason)
    for member in GroupMember.objects.select_for_update().filter(expert=expert,
                                                                 left_on__isnull=True):
        member.left_on = timezone.localdate()
        member._history_user = actor
        member.save()
    return expert


def expert_restore(*, actor, expert: Expert) -> Expert:
    return core.record_restore(actor=actor, instance=expert)


def phone_reveal(*, actor, obj, request=None) -> str:
    """An expert's or technician's phone in clear, for a role that may see it; logged
    (the policy is core/personal.py's)."""
    return personal.reveal(actor=actor, obj=obj, field="phone", request=request)


# --- expert groups --------------------------------------------------------------------------------

def _check_member(group_area: str, industry: Industry, expert: Expert, *, role: str) -> None:
    if expert.retired_at is not None:
        raise ServiceError(_("专家“%(n)s”已停用。") % {"n": expert.name}, field=role)
    if expert.area_code != group_area:
        raise ServiceError(_("专家“%(n)s”不属于本专家组所在的区县。") % {"n": expert.name},
                           field=role)
    if not expert.industries.filter(pk=industry.pk).exists():
        raise ServiceError(_("专家“%(n)s”的服务产业不含“%(i)s”。")
                           % {"n": expert.name, "i": industry.name}, field=role)


def _group_unique(area_code: str, industry: Industry, *, pk=None) -> None:
    clash = ExpertGroup.objects.active().filter(area_code=area_code, industry=industry)
    clash = clash.exclude(pk=pk).first()
    if clash is not None:
        raise ServiceError(_("本区县已有“%(i)s”产业的专家服务组“%(g)s”。")
                           % {"i": industry.name, "g": clash.name}, field="industry")


def _member_join(group: ExpertGroup, expert: Expert, actor, joined_on=None) -> GroupMember:
    member = GroupMember(group=group, expert=expert,
                         joined_on=joined_on or timezone.localdate())
    member.full_clean(exclude=["group", "expert"])
    member._history_user = actor
    member.save()
    return member


@transaction.atomic
def group_create(*, actor, data: dict, members=()) -> ExpertGroup:
    """A group for one industry in one county; its chief (if given) joins as a member."""
    _require_manager(actor)
    area_code = (data.get("area_code") or "").strip()
    _check_level(area_code, (COUNTY,), _("专家服务组应属于一个区县（6 位区划代码）。"))
    core.check_write(actor, ExpertGroup, area_code)
    industry = data.get("industry")
    if industry is None:
        raise ServiceError(_("请选择产业。"), field="industry")
    _active_industries([industry])
    name = (data.get("name") or "").strip() or _("%(i)s产业专家服务组") % {"i": industry.name}
    _group_unique(area_code, industry)
    chief = data.get("chief")
    members = [m for m in dict.fromkeys([*([chief] if chief else []), *members])]
    for expert in members:
        _check_member(area_code, industry, expert, role="chief" if expert is chief else
                      "members")
    group = ExpertGroup(area_code=area_code, industry=industry, name=name, chief=chief)
    _save(group, actor, new=True)
    for expert in members:
        _member_join(group, expert, actor)
    return group


@transaction.atomic
def group_update(*, actor, group: ExpertGroup, data: dict,
                 expected_version: int | None) -> ExpertGroup:
    """Change the name, the industry or the chief (who must be a member)."""
    _require_manager(actor)
    scoping.assert_in_scope(actor, group.area_code)
    current = ExpertGroup.objects.select_for_update().get(pk=group.pk)
    core.check_version(current, expected_version)
    changed = False
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            raise ServiceError(_("请填写专家组名称。"), field="name")
        if name != current.name:
            current.name, changed = name, True
    industry = data.get("industry")
    if industry is not None and industry.pk != current.industry_id:
        _active_industries([industry])
        _group_unique(current.area_code, industry, pk=current.pk)
        for m in current.members.filter(left_on__isnull=True).select_related("expert"):
            _check_member(current.area_code, industry, m.expert, role="industry")
        current.industry, changed = industry, True
    if "chief" in data and data["chief"] != current.chief:
        chief = data["chief"]
        if chief is not None:
            _check_chief(current, chief)
        current.chief, changed = chief, True
    if not changed:
        return current
    core.check_write(actor, ExpertGroup, current.area_code)
    _save(current, actor, new=False)
    return current


def _check_chief(group: ExpertGroup, expert: Expert) -> None:
    _check_member(group.area_code, group.industry, expert, role="chief")
    if not group.members.filter(expert=expert, left_on__isnull=True).exists():
        raise ServiceError(_("首席专家须是本专家组的成员：请先把“%(n)s”加入专家组。")
                           % {"n": expert.name}, field="chief")


def group_set_chief(*, actor, group: ExpertGroup, expert: Expert,
                    expected_version: int | None) -> ExpertGroup:
    return group_update(actor=actor, group=group, data={"chief": expert},
                        expected_version=expected_version)


def _group_for_members(actor, group: ExpertGroup) -> ExpertGroup:
    _require_manager(actor)
    scoping.assert_in_scope(actor, group.area_code)
    current = ExpertGroup.objects.select_for_update().get(pk=group.pk)
    if current.retired_at is not None:
        raise ServiceError(_("该专家组已停用。"))
    core.check_write(actor, ExpertGroup, current.area_code)
    return current


@transaction.atomic
def group_member_add(*, actor, group: ExpertGroup, expert: Expert,
                     joined_on: datetime.date | None = None) -> GroupMember:
    group = _group_for_members(actor, group)
    _check_member(group.area_code, group.industry, expert, role="expert")
    if group.members.filter(expert=expert, left_on__isnull=True).exists():
        raise ServiceError(_("“%(n)s”已是本专家组成员。") % {"n": expert.name}, field="expert")
    return _member_join(group, expert, actor, joined_on)


@transaction.atomic
def group_member_remove(*, actor, group: ExpertGroup, expert: Expert,
                        left_on: datetime.date | None = None) -> GroupMember:
    """A member leaves (left_on); the row is kept. The chief cannot leave: change them first."""
    group = _group_for_members(actor, group)
    member = group.members.select_for_update().filter(expert=expert,
                                                      left_on__isnull=True).first()
    if member is None:
        raise ServiceError(_("“%(n)s”不是本专家组的在组成员。") % {"n": expert.name},
                           field="expert")
    if group.chief_id == expert.pk:
        raise ServiceError(_("“%(n)s”是首席专家，请先更换首席专家再退出。") % {"n": expert.name},
                           field="expert")
    left_on = left_on or timezone.localdate()
    if left_on < member.joined_on:
        raise ServiceError(_("退出日期不能早于加入日期（%(d)s）。") % {"d": member.joined_on},
                           field="left_on")
    member.left_on = left_on
    member.full_clean(exclude=["group", "expert"])
    member._history_user = actor
    member.save()
    return member


def group_retire(*, actor, group: ExpertGroup, reason: str = "") -> ExpertGroup:
    return core.record_retire(actor=actor, instance=group, reason=reason)


@transaction.atomic
def group_restore(*, actor, group: ExpertGroup) -> ExpertGroup:
    _group_unique(group.area_code, group.industry, pk=group.pk)
    return core.record_restore(actor=actor, instance=group)


# --- technicians ----------------------------------------------------------------------------------

TECHNICIAN_FIELDS = ("name", "organisation", "load_limit", "area_code", "user")


def _technician_apply(technician: Technician, data: dict, phone) -> set[str]:
    return _apply(technician, TECHNICIAN_FIELDS, data, phone)


def _technician_check(actor, technician: Technician) -> None:
    _check_level(technician.area_code, (TOWNSHIP, VILLAGE),
                 _("产业技术员应属于一个乡镇（9 位）或村（12 位区划代码）。"))
    core.check_write(actor, Technician, technician.area_code)
    _check_user(technician.user, role=Role.TECHNICIAN, area_code=technician.area_code,
                model=Technician, pk=technician.pk, what=_("产业技术员"))


@transaction.atomic
def technician_create(*, actor, data: dict, industries=(),
                      phone: str | None = None) -> Technician:
    _require_manager(actor)
    technician = Technician()
    _technician_apply(technician, data, phone)
    _technician_check(actor, technician)
    industries = _active_industries(industries)
    _save(technician, actor, new=True)
    technician.industries.set(industries)
    return technician


@transaction.atomic
def technician_update(*, actor, technician: Technician, data: dict, industries=None,
                      phone: str | None = None, expected_version: int | None) -> Technician:
    _require_manager(actor)
    scoping.assert_in_scope(actor, technician.area_code)
    current = Technician.objects.select_for_update().get(pk=technician.pk)
    core.check_version(current, expected_version)
    changed = _technician_apply(current, data, phone)
    if industries is not None:
        industries = _active_industries(industries)
        if {i.pk for i in industries} != set(current.industries.values_list("pk", flat=True)):
            changed.add("industries")
    if not changed:
        return current
    _technician_check(actor, current)
    if "industries" in changed:
        current._change_reason = _industries_reason(industries)
    _save(current, actor, new=False)
    if industries is not None:
        current.industries.set(industries)
    return current


def technician_retire(*, actor, technician: Technician, reason: str = "") -> Technician:
    return core.record_retire(actor=actor, instance=technician, reason=reason)


def technician_restore(*, actor, technician: Technician) -> Technician:
    return core.record_restore(actor=actor, instance=technician)
