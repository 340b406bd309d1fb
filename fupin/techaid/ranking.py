"""The monthly ranking (排名, issue 11 item 5; DESIGN §5: "counties are ranked monthly on
consultations answered, as the province ranks them"): for one calendar month, the child areas
of an area (a county's townships, the city's counties) ranked by valid answers, with the
solved rate and the median time to the first answer.

The figures are the registry's own definitions (indicators.py: the same sources and
aggregates the indicator page adds up), evaluated over the month alone — the registry's
`Period(year, month)` is the year to the end of the month, a ranking is of the month — and
over the reader's scope, grouped by child area in the database (the median in one pass over
the month's answer times). Nothing is stored: a month of a county is a few hundred rows.

Valid (有效答复): first answered within the month, not retired, and not closed by the raiser
as unsolved (an answer the raiser found no help does not count; one still awaiting the
raiser's word does)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max
from django.db.models.functions import Substr
from django.utils import timezone

from fupin.areas.models import Area
from fupin.areas.selectors import area_full_name
from fupin.core import indicators as ind
from fupin.core import scoping

from .models import Consultation

# the ranking's columns, in order: the rank key first
KEYS = ["techaid_answered_valid", "techaid_answered", "techaid_raised", "techaid_solved",
        "techaid_closed", "techaid_solved_rate", "techaid_answer_hours"]
RANK_KEY = "techaid_answered_valid"


@dataclass(frozen=True)
class MonthOnly(ind.Period):
    """One calendar month, from its first day (the registry's month counts from January)."""

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, self.month, 1)


def latest_month(user) -> tuple[int, int]:
    """The month of the latest first answer in the user's scope (the demo's December 2017),
    else this month."""
    last = (Consultation.objects.visible_to(user).filter(retired_at__isnull=True)
            .aggregate(m=Max("first_answer_at"))["m"])
    day = timezone.localtime(last).date() if last else timezone.localdate()
    return day.year, day.month


def _values(*, user, prefix: str, period: ind.Period, n: int) -> tuple[dict[str, dict], dict]:
    """({child code: {key: value}} of the ranking's indicators over the month, {median key:
    the median of the whole area})."""
    wanted = [ind.registry.get(k) for k in KEYS]
    needed = {i.key: i for i in wanted}
    for i in wanted:
        for part in i.parts:
            needed.setdefault(part, ind.registry.get(part))
    out: dict[str, dict] = {}
    whole: dict[str, object] = {}
    by_source: dict[str, list] = {}
    for i in needed.values():
        if i.stored:
            by_source.setdefault(i.source, []).append(i)
    for source_key, inds in by_source.items():
        source = ind.registry.sources[source_key]
        f = source.area_field
        rows = scoping.filter_visible(source.queryset(period), user, f).filter(
            **{f"{f}__startswith": prefix}).order_by()
        grouped = rows.annotate(_g=Substr(f, 1, n)).values("_g").annotate(
            **{i.key: i.aggregate(period) for i in inds})
        for row in grouped:
            out.setdefault(row.pop("_g"), {}).update(row)
    for i in needed.values():
        if i.median is not None:
            source = ind.registry.sources[i.source]
            f = source.area_field
            rows = scoping.filter_visible(source.queryset(period), user, f).filter(
                **{f"{f}__startswith": prefix})
            whole[i.key], children = ind.medians(i, area=prefix, period=period, n=n,
                                                 rows=rows)
            for code, value in children.items():
                out.setdefault(code, {})[i.key] = value
    return out, whole


def _finish(values: dict) -> dict:
    """Zeros where nothing happened; the ratios as the registry computes them."""
    for key in KEYS + ["techaid_solved", "techaid_closed"]:
        i = ind.registry.get(key)
        if i.ratio:
            num, den = (values.get(k) or 0 for k in i.ratio)
            values[key] = (Decimal(num) * i.per / Decimal(den)).quantize(Decimal("0.1")) \
                if den else None
        else:
            values.setdefault(key, i.empty)
    return values


def ranking(*, user, area: str, year: int, month: int) -> dict:
    """The child areas of `area` the user may see, ranked for the month: by valid answers
    (ties share a rank), then the solved rate, then the shorter median answer time."""
    period = MonthOnly(year, month=month)
    scope = scoping.user_scope_code(user) or ""
    n = ind.child_length(area) or len(area) or 2
    prefix = max(area, scope, key=len)
    values, whole = _values(user=user, prefix=prefix, period=period, n=n)
    names = {code: name for code, name in Area.objects.filter(parent_id=area or None)
             .values_list("code", "name")
             if code.startswith(scope) or scope.startswith(code)} if n != len(area) else {}
    if not names and area:  # a village, or nothing below: the area itself
        names = {area: area_full_name(area)}
    # every child the reader may see, with or without consultations (a row of zeros)
    rows = [{"code": code, "name": name, "values": _finish(values.get(code, {}))}
            for code, name in names.items()]

    def order(row):
        v = row["values"]
        rate = v["techaid_solved_rate"]
        hours = v["techaid_answer_hours"]
        return (-v[RANK_KEY], -(rate if rate is not None else -1),
                hours if hours is not None else Decimal("1e9"), row["code"])

    rows.sort(key=order)
    rank, previous = 0, None
    for position, row in enumerate(rows, start=1):
        if row["values"][RANK_KEY] != previous:
            rank, previous = position, row["values"][RANK_KEY]
        row["rank"] = rank
    total = _finish({k: sum(r["values"].get(k) or 0 for r in rows)
                     for k in ("techaid_answered_valid", "techaid_answered", "techaid_raised",
                               "techaid_solved", "techaid_closed")})
    total.update(whole)
    return {"area": area, "area_name": area_full_name(area) if area else "", "year": year,
            "month": month, "start": period.start, "end": period.end,
            "indicators": [ind.registry.get(k) for k in KEYS], "rows": rows, "total": total,
            "can_drill": len(area) < 9 and n != len(area)}
