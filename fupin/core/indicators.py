"""The indicator registry (CONVENTIONS: indicators are declared once and computed in the
database; pages, API, bulletins, targets and assessment all read them here).

An indicator has a key, a name, a unit, and a way to compute it for an area and a period:
either an aggregate over a *source* (a queryset of one model, filtered to the area and
period), or a ratio of two other indicators. Indicators that share a source are computed in
one query, grouped by the child areas of the area asked for (drill-down county → township →
village), so a whole city costs a handful of GROUP BY queries, never a loop over people.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from .dates import overlaps

CHILD_LENGTH = {0: 2, 2: 4, 4: 6, 6: 9, 9: 12}


@dataclass(frozen=True)
class Period:
    """A reporting period: a calendar year (the unit of targets and assessment)."""

    year: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def as_of(self) -> datetime.date:
        """The day stocks are measured on: the period's end, or today within it."""
        return min(self.end, timezone.localdate())


@dataclass(frozen=True)
class Source:
    """Rows an aggregate runs over: `queryset(period)` of a model with an area-code field."""

    key: str
    queryset: Callable[[Period], QuerySet]
    area_field: str = "area_code"


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str
    order: int = 100
    source: str | None = None  # the Source key, for aggregates
    aggregate: Callable[[Period], object] | None = None  # an aggregate expression
    ratio: tuple[str, str] | None = None  # (numerator key, denominator key), in percent
    group: str = ""  # heading on pages (e.g. 五名单, 四个全覆盖)
    help: str = ""


@dataclass
class Registry:
    sources: dict[str, Source] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)

    def add_source(self, source: Source) -> Source:
        self.sources[source.key] = source
        return source

    def add(self, indicator: Indicator) -> Indicator:
        self.indicators[indicator.key] = indicator
        return indicator

    def all(self) -> list[Indicator]:
        _discover()
        return sorted(self.indicators.values(), key=lambda i: (i.order, i.key))

    def get(self, key: str) -> Indicator:
        _discover()
        return self.indicators[key]


registry = Registry()


def _discover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("indicators")


def child_length(area: str) -> int | None:
    return CHILD_LENGTH.get(len(area))


def compute(*, area: str, period: Period, keys: list[str] | None = None,
            by_child: bool = False, user=None) -> dict[str, dict[str, object]]:
    """{area or child-area code: {indicator key: value}} for the area (and its children).

    With `user`, every source is first narrowed with visible_to(user): an indicator never
    counts what its reader may not see."""
    _discover()
    wanted = [registry.indicators[k] for k in keys] if keys else registry.all()
    needed = {i.key: i for i in wanted}
    for ind in wanted:  # ratios need their parts
        if ind.ratio:
            for part in ind.ratio:
                needed.setdefault(part, registry.indicators[part])
    n = child_length(area) if by_child else None
    result: dict[str, dict[str, object]] = defaultdict(dict)
    by_source: dict[str, list[Indicator]] = defaultdict(list)
    for ind in needed.values():
        if ind.source:
            by_source[ind.source].append(ind)
    for source_key, inds in by_source.items():
        source = registry.sources[source_key]
        qs = source.queryset(period)
        if user is not None:
            qs = qs.visible_to(user)
        qs = qs.filter(**{f"{source.area_field}__startswith": area}).order_by()
        aggregates = {i.key: i.aggregate(period) for i in inds}
        if n:
            rows = qs.annotate(_g=Substr(source.area_field, 1, n)).values("_g").annotate(
                **aggregates)
            for row in rows:
                g = row.pop("_g")
                result[g].update(row)
        else:
            result[area].update(qs.aggregate(**aggregates))
    for values in result.values():
        for ind in needed.values():
            values.setdefault(ind.key, 0)
            if values[ind.key] is None:
                values[ind.key] = 0
        for ind in needed.values():
            if ind.ratio:
                num, den = (values.get(k) or 0 for k in ind.ratio)
                values[ind.key] = (Decimal(num) * 100 / Decimal(den)).quantize(
                    Decimal("0.1")) if den else None
    return {code: {k: v for k, v in values.items() if k in {i.key for i in wanted}}
            for code, values in result.items()}


def during(period: Period, prefix: str = "") -> Q:
    """A dated record open at some time in the period (up to its as-of day)."""
    return overlaps(period.start, period.as_of, prefix)
