"""Reconciliation with the national system (DESIGN §2, 基本信息准、就业状态清): the people whose
national report (NationalReport, written by the person import) disagrees with the records, per
village, with the disagreement in words and the fix a village worker makes.

The conditions (`conditions()`) are computed in the database and shared by the pages and the
indicators (`registry/indicators.py`): a person's one report and household through their
joins, a head's household members counted from a partial index (one probe per head); no
loop over people and no set to build. The counts per area are the indicators' stored figures;
a village's list reads the village's people (benchmarks/README.md §5, §6).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from fupin.areas.models import Area
from fupin.core import codes

from .models import EmploymentStatus, NationalReport, Person

HEAD = "01"
EMPLOYED = [EmploymentStatus.EMPLOYED, EmploymentStatus.VENTURE, EmploymentStatus.WELFARE_POST]

# the kinds of disagreement, in the order the list shows them
KINDS = {
    "working_unrecorded": _("国办系统显示务工，但没有就业记录"),
    "employed_unreported": _("有就业记录，但国办系统显示未务工"),
    "size_differs": _("家庭人数与国办系统不一致"),
    "not_listed": _("在册成员，国办系统最近一次数据中没有此人"),
}


def conditions() -> dict[str, Q]:
    """One condition on Person per kind: the pages filter the people by scope and area, the
    indicators by the areas being computed (Period.limit on their source).

    A person has at most one report and one household: those are read through their join
    (one index probe per person, no row multiplied), not as `pk IN (…)` sets, which SQLite
    would materialise again for every condition that names one (six times the cost at
    city scale). The household size is compared per head with a count of the household's
    active members, read from the index `registry_person_active_member` alone (a member
    lives in the household's area: the count needs no area). As a `household_id IN (GROUP
    BY …)` set PostgreSQL planned it over every household for one village, and could not
    hash the city's set (it estimated every household in it), so searched it row by row for
    each person: more than 20 minutes for a county, 1.6 s this way (benchmarks §6)."""
    report = "national_report__"
    current = Q(**{f"{report}listed": True, f"{report}outdated_at__isnull": True,
                   f"{report}retired_at__isnull": True})
    # a LEFT JOIN: a person without a report has no mark either
    not_outdated = Q(**{f"{report}outdated_at__isnull": True})
    employed = Q(employment_status__in=EMPLOYED)
    # a head whose household's national size differs from its members today (a household
    # left with none has no head to show it on): the members counted per head, one probe of
    # the household index each, after the cheap tests have picked out the heads
    members = Person.objects.filter(household_id=OuterRef("household_id"),
                                    retired_at__isnull=True) \
        .order_by().annotate(n=Func(template="COUNT(*)", output_field=IntegerField())).values("n")
    # the import writes, for each member of a covered household that its file left out, a
    # report saying so (listed=False); a member registered since has no report at all
    unlisted = Q(**{f"{report}isnull": True}) | Q(**{
        f"{report}listed": False, f"{report}outdated_at__isnull": True})
    return {
        "working_unrecorded": current & Q(**{f"{report}working": True}) & ~employed,
        "employed_unreported": current & Q(**{f"{report}working": False}) & employed,
        "size_differs": Q(relation=HEAD, household__national_size__isnull=False) & not_outdated
        & ~Q(household__national_size=Subquery(members)),
        "not_listed": Q(household__national_reported_on__isnull=False) & unlisted,
    }


def any_condition() -> Q:
    q = Q()
    for cond in conditions().values():
        q |= cond
    return q


def _within(area: str) -> Callable[[QuerySet], QuerySet]:
    """People limited to one area."""
    if not area:
        return lambda qs: qs
    if len(area) == 12:
        return lambda qs: qs.filter(area_code=area)
    return lambda qs: qs.filter(area_code__startswith=area)


def mismatch_people(*, user, area: str = "") -> QuerySet:
    """Every person in the user's scope (and `area`) whose national report disagrees with
    the records."""
    qs = Person.objects.visible_to(user).active()
    if area:
        qs = _within(area)(qs)
    return qs.filter(any_condition())


# the indicators (registry/indicators.py) that count each kind, and all of them
INDICATOR = "national_mismatch"
KIND_INDICATORS = {k: f"national_{k}" for k in KINDS}


def mismatch_counts(*, user, area: str) -> tuple[dict, list[dict]]:
    """The area's counts (total and per kind) and the same per child area, most first.
    They are the indicators' stored figures (core/indicators.py: recomputed only where a
    record changed), so a city page reads a few thousand rows, not half a million people."""
    from django.utils import timezone

    from fupin.core import indicators as ind

    keys = {INDICATOR: "total", **{v: k for k, v in KIND_INDICATORS.items()}}
    period = ind.Period(timezone.localdate().year)
    total, by_child = ind.compute_with_children(
        area=area, period=period, keys=list(keys), user=user,
        children=bool(ind.child_length(area)))
    def named(values):
        return {keys[k]: int(v or 0) for k, v in (values or {}).items() if k in keys}

    names = dict(Area.objects.filter(code__in=list(by_child)).values_list("code", "name"))
    children = [{"code": code, "name": names.get(code, code), **named(values)}
                for code, values in by_child.items() if (values or {}).get(INDICATOR)]
    return named(total), sorted(children, key=lambda c: (-c["total"], c["code"]))


def village_mismatches(*, user, village: str) -> QuerySet:
    """A village's working list: each person with a flag per kind of disagreement."""
    flags = {f"is_{k}": Case(When(q, then=Value(True)), default=Value(False),
                             output_field=BooleanField())
             for k, q in conditions().items()}
    return (mismatch_people(user=user, area=village)
            .select_related("household", "national_report").annotate(**flags))


# --- what a row says, and its one-click fixes -------------------------------------------------

_PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
              "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
              "海南", "重庆", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
              "台湾", "香港", "澳门")


def place_of(report: NationalReport) -> str:
    """The work_place code an employment record would carry, from the report: its 务工状况,
    or its 务工所在地 when it names a province ("" when it cannot be told)."""
    place = codes.WORK_STATUS_PLACE.get(report.work_status, "")
    if place:
        return place
    text = report.work_location or ""
    if text.startswith(_PROVINCES) or "省外" in text:
        return "04"
    if text.startswith("四川") or "省内" in text:
        return "03"
    return ""


def start_of(report: NationalReport) -> datetime.date | None:
    """The first day of the months of work the report counts back from its date."""
    months = min(report.work_months or 0, 600)  # the import's bound; older rows may exceed it
    if not months:
        return None
    index = report.reported_on.year * 12 + report.reported_on.month - 1 - (months - 1)
    return datetime.date(index // 12, index % 12 + 1, 1)


def page_rows(people) -> list[tuple[Person, list[str]]]:
    """The rows of one page of village_mismatches with their disagreements in words; the
    page's households' member counts come from one GROUP BY."""
    people = list(people)
    members = dict(Person.objects.filter(
        household_id__in={p.household_id for p in people}, retired_at__isnull=True)
        .values("household_id").annotate(n=Count("pk")).values_list("household_id", "n"))
    return [(p, describe(p, members.get(p.household_id, 0))) for p in people]


def describe(person, members: int) -> list[str]:
    """The disagreements of one row of village_mismatches, in Chinese."""
    out = []
    report = getattr(person, "national_report", None)
    said = report.summary if report is not None else ""
    if person.is_working_unrecorded:
        out.append(_("国办系统（%(day)s）：%(said)s；档案：%(status)s，没有在岗的就业记录") % {
            "day": report.reported_on, "said": said,
            "status": person.get_employment_status_display() or _("未就业")})
    if person.is_employed_unreported:
        out.append(_("档案：%(status)s%(where)s；国办系统（%(day)s）：%(said)s") % {
            "status": person.get_employment_status_display(),
            "where": f"（{person.employer}）" if person.employer else "",
            "day": report.reported_on, "said": said})
    if person.is_size_differs:
        out.append(_("国办系统家庭人数 %(n)s 人，档案在册 %(m)s 人") % {
            "n": person.household.national_size, "m": members})
    if person.is_not_listed:
        out.append(_("国办系统 %(day)s 的数据列有本户，但没有此人") % {
            "day": person.household.national_reported_on})
    return [str(s) for s in out]
