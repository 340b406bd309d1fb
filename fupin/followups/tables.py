"""The township's per-village and the county's per-township follow-up tables (issue 10 item 2):
plans, overdue, due this month, visits on time, on-time rate, needs open — each figure one
GROUP BY in the database on the child area's code prefix, never a loop over people."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from fupin.areas.models import Area

from .models import Need, Visit, VisitPlan

#: the window of visits the on-time rate is computed over (days before `on`)
ON_TIME_WINDOW_DAYS = 90


def _month_end(on: datetime.date) -> datetime.date:
    nxt = (on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


def _grouped(queryset, area: str, length: int, **aggregates) -> dict:
    rows = (queryset.filter(area_code__startswith=area)
            .annotate(child=Substr("area_code", 1, length)).values("child")
            .annotate(**aggregates).order_by())
    return {r.pop("child"): r for r in rows}


def child_table(*, user, area: str, length: int, on=None) -> list[dict]:
    """One row per child area of `area` (codes `length` digits long)."""
    on = on or timezone.localdate()
    plans = _grouped(
        VisitPlan.objects.visible_to(user).filter(retired_at__isnull=True), area, length,
        plans=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=on)),
        due_window=Count("pk", filter=Q(due_on__gte=on, due_on__lte=_month_end(on))))
    since = on - datetime.timedelta(days=ON_TIME_WINDOW_DAYS)
    visits = _grouped(
        Visit.objects.visible_to(user).filter(retired_at__isnull=True, due_on__isnull=False,
                                              due_on__gte=since, due_on__lte=on),
        area, length, visits=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
    needs = _grouped(
        Need.objects.visible_to(user).filter(
            retired_at__isnull=True,
            status__in=[Need.Status.RAISED, Need.Status.ACCEPTED]),
        area, length, needs_open=Count("pk"))
    rows = []
    for child in Area.objects.filter(parent_id=area).order_by("code").values("code", "name"):
        code = child["code"]
        p, v, n = plans.get(code, {}), visits.get(code, {}), needs.get(code, {})
        done = v.get("visits", 0)
        on_time = v.get("on_time", 0)
        rows.append({
            "code": code, "name": child["name"],
            "plans": p.get("plans", 0), "overdue": p.get("overdue", 0),
            "due_window": p.get("due_window", 0),
            "visits": done, "on_time": on_time,
            "on_time_rate": round(100 * on_time / done, 1) if done else None,
            "needs_open": n.get("needs_open", 0),
        })
    return rows


def village_table(*, user, area: str, on=None) -> list[dict]:
    """A township's table: one row per village."""
    return child_table(user=user, area=area, length=12, on=on)


def township_table(*, user, area: str, on=None) -> list[dict]:
    """A county's table: one row per township."""
    return child_table(user=user, area=area, length=9, on=on)


def table_for(*, user, area: str, on=None) -> list[dict]:
    """The table one level below `area` (a county → townships, a township → villages;
    a village → [] )."""
    if len(area) >= 12:
        return []
    if len(area) >= 9:
        return village_table(user=user, area=area, on=on)
    if len(area) >= 6:
        return township_table(user=user, area=area, on=on)
    return child_table(user=user, area=area, length={2: 4, 4: 6}.get(len(area), 6), on=on)
