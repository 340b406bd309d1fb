"""Registry rules that hold for one person (DESIGN §2): who is a labourer, and what a complete
registration (基本信息准、就业意向明、就业状态清) needs."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# labour capacity codes that make a person able to work: 普通、技能、弱/半劳动力
ABLE = ("01", "02", "03")
NOT_IN_SCHOOL = ("", "01")


def labour_ages() -> tuple[int, int]:
    return tuple(getattr(settings, "FUPIN_LABOUR_AGE", (16, 60)))


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# labels are lazy: translated only when something is missing (an import checks every person)
BASIC = [("relation", _("与户主关系")), ("education", _("文化程度")),
         ("health", _("健康状况")), ("labour_capacity", _("劳动技能"))]


def labourer_q(on: datetime.date | None = None, prefix: str = "") -> Q:
    """Database condition for a labourer (劳动力): aged 16–60 on `on`, able to work, not in
    school. A query, not a model (CONVENTIONS)."""
    on = on or datetime.date.today()
    low, high = labour_ages()
    youngest_birth = _years_before(on, low)        # born on or before → at least `low`
    oldest_birth = _years_before(on, high + 1)     # born after → at most `high`
    return Q(**{f"{prefix}birth_date__lte": youngest_birth,
                f"{prefix}birth_date__gt": oldest_birth,
                f"{prefix}labour_capacity__in": ABLE,
                f"{prefix}schooling__in": NOT_IN_SCHOOL})


def is_labourer(person, on: datetime.date | None = None) -> bool:
    on = on or datetime.date.today()
    low, high = labour_ages()
    return (low <= person.age_on(on) <= high and person.labour_capacity in ABLE
            and person.schooling in NOT_IN_SCHOOL)


def missing_items(person, on: datetime.date | None = None) -> list[str]:
    """What the registration lacks, in words a village worker acts on."""
    missing = [label for field, label in BASIC if not getattr(person, field)]
    if not is_labourer(person, on):
        return missing
    if not person.phone_hash:
        missing.append(_("联系电话"))
    if person.wants_training is None:
        missing.append(_("培训意愿"))
    elif person.wants_training and not person.training_wish:
        missing.append(_("培训意向"))
    if person.wants_work is None:
        missing.append(_("就业意愿"))
    elif person.wants_work and not person.work_place_wish:
        missing.append(_("意向务工地点"))
    if person.employment_status == "employed" and not person.work_place:
        missing.append(_("务工地点"))
    return missing


def apply_default_status(person, on: datetime.date | None = None) -> None:
    """Without any employment record a labourer is 未就业 and anyone else has no status;
    a status that records gave (务工, 创业, 公益性岗位) is left to employment/status.py."""
    if person.employment_status in ("", "unemployed"):
        person.employment_status = "unemployed" if is_labourer(person, on) else ""


def apply_completeness(person, on: datetime.date | None = None) -> None:
    apply_default_status(person, on)
    items = missing_items(person, on)
    person.complete = not items
    person.missing = "、".join(str(i) for i in items)[:300]
