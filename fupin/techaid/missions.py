"""Village missions (科技扶贫特派团, DESIGN §5): one per poor village, a research-institute
expert of the village's county as leader (团长) and n industry technicians of the county.

Every write goes through one of these services: atomic, scope-checked, with history by the
actor (core.services for the mission; the members' own history rows, `_history_user`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import scoping, services
from fupin.core.errors import ServiceError

from .models import Expert, Industry, Mission, MissionMember, Technician

VILLAGE_LENGTH = 12


def poor_village_error(area_code: str | None) -> str | None:
    """Why a mission cannot be formed in `area_code` (not a village, unknown, not poor)."""
    from fupin.areas.models import Area

    if not area_code or len(area_code) != VILLAGE_LENGTH or not area_code.isdigit():
        return _("特派团须组建在村（社区）一级，请选择村。")
    area = Area.objects.filter(pk=area_code).only("poor_village", "name").first()
    if area is None:
        return _("区划代码不存在。")
    if not area.poor_village:
        return _("“%(name)s”不是贫困村，不能组建科技扶贫特派团。") % {"name": area.name}
    return None


def leader_error(leader: Expert | None, area_code: str) -> str | None:
    """DESIGN §5: the leader is a research-institute expert serving the village's county."""
    if leader is None:
        return _("请选择团长。")
    if leader.retired_at is not None:
        return _("专家“%(name)s”已停用，不能担任团长。") % {"name": leader.name}
    if leader.area_code != area_code[:6]:
        return _("团长须为本县（区）的专家，“%(name)s”不是该村所在县的专家。") % {
            "name": leader.name}
    if not leader.research_institute:
        return _("团长须为科研院所专家，“%(name)s”不是科研院所专家。") % {"name": leader.name}
    return None


def technician_error(technician: Technician | None, area_code: str) -> str | None:
    if technician is None:
        return _("请选择技术员。")
    if technician.retired_at is not None:
        return _("技术员“%(name)s”已停用。") % {"name": technician.name}
    if not technician.area_code.startswith(area_code[:6]):
        return _("技术员须为本县（区）的产业技术员，“%(name)s”不是该村所在县的技术员。") % {
            "name": technician.name}
    return None


def _check_leader(actor, leader, area_code) -> None:
    error = leader_error(leader, area_code)
    if error:
        raise ServiceError(error, field="leader")
    if not Expert.objects.visible_to(actor).filter(pk=leader.pk).exists():
        raise ServiceError(_("所选专家不在您的管辖范围内。"), field="leader")


def _locked(mission: Mission) -> Mission:
    return Mission.objects.select_for_update().get(pk=mission.pk)


def active_members(mission: Mission):
    return mission.members.filter(left_on__isnull=True).select_related("technician",
                                                                       "industry")


@transaction.atomic
def mission_create(*, actor, area_code: str, name: str, leader: Expert,
                   formed_on: datetime.date, members=()) -> Mission:
    """Form the mission of a poor village. `members`: (technician, industry or None) pairs."""
    error = poor_village_error(area_code)
    if error:
        raise ServiceError(error, field="area_code")
    services.check_write(actor, Mission, area_code)
    if Mission.objects.active().filter(area_code=area_code).exists():
        raise ServiceError(_("该村已有科技扶贫特派团，一个贫困村只组建一个特派团。"),
                           field="area_code")
    _check_leader(actor, leader, area_code)
    mission = services.record_create(actor=actor, model=Mission, data={
        "area_code": area_code, "name": (name or "").strip(), "leader": leader,
        "formed_on": formed_on})
    for technician, industry in members:
        mission_member_add(actor=actor, mission=mission, technician=technician,
                           industry=industry, joined_on=formed_on)
    return mission


@transaction.atomic
def mission_update(*, actor, mission: Mission, data: dict,
                   expected_version: int | None) -> Mission:
    """Change the name, formation date or leader (the village stays: a mission moves by
    being retired and formed again)."""
    data = dict(data)
    if "area_code" in data and data["area_code"] != mission.area_code:
        raise ServiceError(_("特派团所在村不能修改；如需调整，请撤销后重新组建。"),
                           field="area_code")
    data.pop("area_code", None)
    leader = data.get("leader")
    if leader is not None and leader.pk != mission.leader_id:
        scoping.assert_in_scope(actor, mission.area_code)
        _check_leader(actor, leader, mission.area_code)
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
    return services.record_update(actor=actor, instance=mission, data=data,
                                  expected_version=expected_version)


def mission_leader_change(*, actor, mission: Mission, leader: Expert,
                          expected_version: int | None) -> Mission:
    return mission_update(actor=actor, mission=mission, data={"leader": leader},
                          expected_version=expected_version)


@transaction.atomic
def mission_member_add(*, actor, mission: Mission, technician: Technician,
                       industry: Industry | None = None,
                       joined_on: datetime.date | None = None) -> MissionMember:
    scoping.assert_in_scope(actor, mission.area_code)
    services.check_write(actor, Mission, mission.area_code)
    mission = _locked(mission)
    if mission.retired_at is not None:
        raise ServiceError(_("特派团已撤销，不能增加成员。"))
    error = technician_error(technician, mission.area_code)
    if error:
        raise ServiceError(error, field="technician")
    if not Technician.objects.visible_to(actor).filter(pk=technician.pk).exists():
        raise ServiceError(_("所选技术员不在您的管辖范围内。"), field="technician")
    if industry is not None and industry.retired_at is not None:
        raise ServiceError(_("产业“%(name)s”已停用。") % {"name": industry.name},
                           field="industry")
    if mission.members.filter(technician=technician, left_on__isnull=True).exists():
        raise ServiceError(_("技术员“%(name)s”已是该特派团成员。") % {"name": technician.name},
                           field="technician")
    member = MissionMember(mission=mission, technician=technician, industry=industry,
                           joined_on=joined_on or timezone.localdate())
    member.full_clean()
    member._history_user = actor
    member.save()
    return member


@transaction.atomic
def mission_member_remove(*, actor, member: MissionMember,
                          left_on: datetime.date | None = None) -> MissionMember:
    """A technician leaves the mission (left_on): kept, never deleted."""
    scoping.assert_in_scope(actor, member.mission.area_code)
    services.check_write(actor, Mission, member.mission.area_code)
    member = MissionMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise ServiceError(_("该技术员已退出特派团。"))
    left_on = left_on or timezone.localdate()
    if left_on < member.joined_on:
        raise ServiceError(_("退出日期不能早于加入日期。"), field="left_on")
    member.left_on = left_on
    member.full_clean()
    member._history_user = actor
    member.save()
    return member


def mission_retire(*, actor, mission: Mission, reason: str = "") -> Mission:
    """Retire (撤销) a mission: its prescriptions stay; a new mission may then be formed."""
    return services.record_retire(actor=actor, instance=mission, reason=reason)


@transaction.atomic
def mission_restore(*, actor, mission: Mission) -> Mission:
    if Mission.objects.active().filter(area_code=mission.area_code).exclude(
            pk=mission.pk).exists():
        raise ServiceError(_("该村已另有在用的特派团，不能恢复。"))
    return services.record_restore(actor=actor, instance=mission)

