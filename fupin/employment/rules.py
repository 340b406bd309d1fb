"""Rules across rows of the employment lists (DESIGN §2 lists 3–5), shared by the services
(one record at a time) and the imports (a whole file at a time). They read, never write, and
answer in Chinese sentences a village worker can act on."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .models import DatedQ, Placement

Errors = list[tuple[str, str]]  # (field, message)


def period_text(start: datetime.date | None, end: datetime.date | None) -> str:
    """2017-03-01 至 2017-12-31, or 2017-03-01 至今 for an open record."""
    if start is None:
        return ""
    if end is None:
        return _("%(start)s 至今") % {"start": start.isoformat()}
    return _("%(start)s 至 %(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


def _ordered(start, end) -> bool:
    return start is None or end is None or end >= start


def employment_errors(v: dict[str, Any]) -> Errors:
    errors = []
    if not _ordered(v.get("start_date"), v.get("end_date")):
        errors.append(("end_date", _("结束日期不能早于开始日期。")))
    return errors


def venture_errors(v: dict[str, Any]) -> Errors:
    errors = []
    if not _ordered(v.get("start_date"), v.get("end_date")):
        errors.append(("end_date", _("停业日期不能早于创业日期。")))
    if (v.get("poor_employees") or 0) > (v.get("employees") or 0):
        errors.append(("poor_employees", _("其中贫困劳动力人数不能多于带动就业人数。")))
    if not _ordered(v.get("loan_start"), v.get("loan_end")):
        errors.append(("loan_end", _("贷款到期日期不能早于贷款发放日期。")))
    amount, subsidy = v.get("loan_amount"), v.get("interest_subsidy")
    if amount is not None and subsidy is not None and subsidy > amount:
        errors.append(("interest_subsidy", _("贴息金额不能超过创业担保贷款金额。")))
    return errors


def placement_errors(v: dict[str, Any], *, established: datetime.date | None) -> Errors:
    errors = []
    start = v.get("start_date")
    if not _ordered(start, v.get("end_date")):
        errors.append(("end_date", _("离岗日期不能早于上岗日期。")))
    if start is not None and established is not None and start < established:
        errors.append(("start_date", _("上岗日期不能早于岗位开发日期（%(day)s）。")
                       % {"day": established.isoformat()}))
    return errors


# --- one post, one person at a time (DESIGN §2 list 5) -----------------------------------

def post_clash(*, post_id: int, start, end, exclude_pk: int | None = None) -> Placement | None:
    """An active placement on the post whose dates meet [start, end]."""
    qs = Placement.objects.active().filter(DatedQ.overlaps(start, end), post_id=post_id)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("person").order_by("start_date").first()


def person_clash(*, person_id: int, start, end, exclude_pk: int | None = None
                 ) -> Placement | None:
    """An active placement of the person whose dates meet [start, end]."""
    qs = Placement.objects.active().filter(DatedQ.overlaps(start, end), person_id=person_id)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("post", "person").order_by("start_date").first()


def post_clash_message(*, post_name: str, holder: str, start, end) -> str:
    return _("岗位“%(post)s”在 %(period)s 已安置%(holder)s，同一岗位同一时间只能安置一人。") % {
        "post": post_name, "period": period_text(start, end), "holder": holder}


def person_clash_message(*, person_name: str, post_name: str, start, end,
                         where: str = "") -> str:
    return _("%(name)s 在 %(period)s 已在公益性岗位“%(post)s”上岗%(where)s，一人同一时间只能安置"
             "一个岗位。") % {"name": person_name, "period": period_text(start, end),
                             "post": post_name, "where": where}


@dataclass(frozen=True)
class Spell:
    """A placement as one interval, for checking a whole file at once."""

    start: datetime.date
    end: datetime.date | None
    line: int | None  # the file row, or None for a record already in the database
    pk: int | None
    person_name: str
    post_name: str


def clashes(spells: Iterable[Spell]) -> list[tuple[Spell, Spell]]:
    """Pairs (earlier, later) of overlapping spells of one post or one person: every spell
    that overlaps an earlier one appears once as `later`."""
    out = []
    reach: Spell | None = None  # the spell reaching furthest so far
    for spell in sorted(spells, key=lambda s: (s.start, s.line or 0)):
        if reach is not None and (reach.end is None or reach.end >= spell.start):
            out.append((reach, spell))
        if reach is None or reach.end is not None and (spell.end is None or
                                                       spell.end > reach.end):
            reach = spell
    return out
