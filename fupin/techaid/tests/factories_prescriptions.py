"""Test factories of the prescriptions part (registered with core.testing.factories):
missions in poor villages, prescriptions with a measure. Made directly (the services are
tested on their own).

`area_code` may be a village (used as it is) or a wider area (the first village under it
without an active mission: the tests' actors are county officers, whose scope is a county).
A village that already has its mission gets a new sibling village for another one."""

import datetime
import itertools

from fupin.areas.models import Area, Level
from fupin.core.testing.factories import register
from fupin.techaid.models import Measure, Mission, MissionMember, Prescription

from .factories_catalog import make_expert, make_industry, make_technician

_seq = itertools.count(1)


def make_poor_village(area_code: str) -> str:
    """A poor village at or under `area_code` without an active mission (made poor; a new
    village under the township when every one has its mission)."""
    taken = set(Mission.objects.active().values_list("area_code", flat=True))
    if len(area_code) == 12:
        candidates = [area_code]
    else:
        candidates = list(Area.objects.filter(level=Level.VILLAGE, code__startswith=area_code)
                          .order_by("code").values_list("code", flat=True))
    free = [c for c in candidates if c not in taken]
    if free:
        code = free[0]
        Area.objects.filter(pk=code).update(poor_village=True)
        return code
    township = (area_code[:9] if len(area_code) >= 9 else
                Area.objects.filter(level=Level.TOWNSHIP, code__startswith=area_code)
                .order_by("code").values_list("code", flat=True).first())
    used = set(Area.objects.filter(parent_id=township).values_list("code", flat=True))
    n = 900
    while f"{township}{n:03d}" in used:
        n += 1
    code = f"{township}{n:03d}"
    Area.objects.create(code=code, name=f"测试村{n}", level=Level.VILLAGE, parent_id=township,
                        poor_village=True)
    return code


@register(Mission)
def make_mission(*, area_code: str = "510821", leader=None, members=(), **kw) -> Mission:
    village = make_poor_village(area_code)
    leader = leader or make_expert(area_code=village[:6])
    data = {"name": f"特派团{next(_seq)}", "formed_on": datetime.date(2017, 3, 1), **kw}
    mission = Mission.objects.create(area_code=village, leader=leader, **data)
    for technician, industry in members:
        MissionMember.objects.create(mission=mission, technician=technician,
                                     industry=industry, joined_on=mission.formed_on)
    return mission


def make_member(*, mission, technician=None, industry=None, **kw) -> MissionMember:
    technician = technician or make_technician(area_code=mission.area_code[:9])
    return MissionMember.objects.create(mission=mission, technician=technician,
                                        industry=industry or make_industry(),
                                        joined_on=kw.pop("joined_on", mission.formed_on), **kw)


def mission_in(area_code: str) -> Mission:
    """The active mission of the village `area_code`, or of a village under a wider code."""
    if len(area_code) == 12:
        found = Mission.objects.active().filter(area_code=area_code).first()
    else:
        found = Mission.objects.active().filter(area_code__startswith=area_code) \
            .order_by("pk").first()
    return found or make_mission(area_code=area_code)


def make_measure(*, prescription, **kw) -> Measure:
    order = kw.pop("order", prescription.measures.count() + 1)
    data = {"name": "春季修剪", "timing": "3月上旬", "inputs": "修枝剪",
            "expected_effect": "新梢整齐", **kw}
    return Measure.objects.create(prescription=prescription, order=order, **data)


@register(Prescription)
def make_prescription(*, area_code: str = "510821", mission=None, industry=None,
                      measures: int = 1, issued: bool = False, **kw) -> Prescription:
    mission = mission or mission_in(area_code)
    industry = industry or make_industry()
    year = kw.pop("year", 2017)
    n = next(_seq)
    data = {"problems": "茶园杂草多，病虫害重", "diagnosis": "管理粗放，缺少修剪和施肥",
            "number": kw.pop("number", f"CF-T{n:06d}"), **kw}
    if issued:
        data.update(status=Prescription.Status.ISSUED, issued_on=datetime.date(2017, 4, 1),
                    signed_by=mission.leader)
    prescription = Prescription.objects.create(area_code=mission.area_code, mission=mission,
                                               industry=industry, year=year, **data)
    for _i in range(measures):
        make_measure(prescription=prescription)
    return prescription
