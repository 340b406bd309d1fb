"""The indicator registry (CONVENTIONS: indicators are declared once and computed in the
database; pages, API, bulletins, targets and assessment all read them here).

An indicator has a key, a name, a unit, and a way to compute it for an area and a period:
either an aggregate over a *source* (a queryset of one model, filtered to the area and
period), or a ratio or a difference of two other indicators. Indicators that share a source
are computed in one GROUP BY query per area code, never a loop over people.

The figures are stored per area code and year (AreaFigure) and added up per child area when
asked (drill-down county → township → village): a city page reads a few thousand stored
rows instead of aggregating half a million people. They stay true because every write of a
record gives its area a new stamp (core/stamps.py): figures computed under an older stamp,
for another as-of day, or under other definitions are recomputed from the records, for those
area codes only, before they are read.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Substr
from django.utils import timezone

from . import scoping
from .dates import overlaps
from .models import AreaFigure, AreaFigureSet, AreaStamp

logger = logging.getLogger(__name__)
CHILD_LENGTH = {0: 2, 2: 4, 4: 6, 6: 9, 9: 12}
CHUNK = 500
WHOLE_AREA_AFTER = 300
# Bump when an indicator's meaning changes under the same key: stored figures are recomputed.
DEFINITIONS_REVISION = 1


@dataclass(frozen=True)
class Period:
    """A reporting period: a calendar year (the unit of targets and assessment), or the year
    up to the end of one of its months (`month`: the figures "as of the end of May", which a
    leader's workbench compares month on month; flows count from January 1st)."""

    year: int
    # the area codes a computation is limited to (figures_refresh of a few areas): sources
    # and the sets of people or households their conditions build are limited to them
    within: tuple[str, ...] | None = None
    month: int = 0  # 0: the whole year; 1–12: the year to the end of that month

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        if self.month:
            return datetime.date(self.year, self.month,
                                 calendar.monthrange(self.year, self.month)[1])
        return datetime.date(self.year, 12, 31)

    @property
    def as_of(self) -> datetime.date:
        """The day stocks are measured on: the period's end, or today within it."""
        return min(self.end, timezone.localdate())

    def limit(self, queryset: QuerySet, field: str = "area_code") -> QuerySet:
        if self.within is None:
            return queryset
        return queryset.filter(**{f"{field}__in": self.within})


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
    ratio: tuple[str, str] | None = None  # (numerator key, denominator key): × `per` (%)
    difference: tuple[str, str] | None = None  # (minuend key, subtrahend key)
    group: str = ""  # heading on pages (e.g. 五名单, 四个全覆盖)
    help: str = ""
    # the ratio's scale: 100 for a percentage, 1 for a mean (a mean rating: the ratings'
    # sum over their count)
    per: int = 100
    # a median over the `source`: an expression per row (a duration, a number) whose values'
    # median the indicator is, `median_value` turning one value into a number (a duration
    # into hours). A median does not add up over area codes, so it is never stored: it is
    # computed from the records when read (`medians`), one pass over the values of the area
    median: Callable[[Period], object] | None = None
    median_value: Callable[[object], float] = float

    @property
    def parts(self) -> tuple[str, ...]:
        return self.ratio or self.difference or ()

    @property
    def stored(self) -> bool:
        """An aggregate kept per area code and added up (not a median, not derived)."""
        return bool(self.source) and self.median is None

    @property
    def empty(self):
        """Its value where there are no records: 0 for a count or a sum, none for a ratio or
        a median (nothing to divide, no value to take the middle of)."""
        return None if self.ratio or self.median is not None else 0


@dataclass
class Registry:
    sources: dict[str, Source] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    settings: set[str] = field(default_factory=set)  # settings the definitions read

    def depends_on(self, *names: str) -> None:
        self.settings.update(names)

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


# --- sets of people that other apps add to -------------------------------------------------
# A condition several apps contribute to (policy coverage's "received a benefit", "in a
# programme") is a union of registered person sets, so that the app owning the indicator
# depends on none of the contributors and a later module (subsidies' claims) adds its set
# without editing it. Each set is a non-correlated `pk IN (SELECT …)`: the database builds
# it once per query and probes it per row. A correlated EXISTS per row instead cost minutes
# over a city of 500,000 people on SQLite (benchmarks/README.md §4).

def person_set(p: Period, records: QuerySet, field: str = "person_id") -> Q:
    """`pk IN (the `field` of these records)`, limited to the areas being computed (a
    record lives in its person's area, records follow a person who moves; a member in the
    household's)."""
    return Q(pk__in=p.limit(records).values(field))


@dataclass(frozen=True)
class PersonSet:
    """People known by records of one kind: `records(period)` is a queryset whose `field`
    names the person (a person's pk)."""

    key: str
    records: Callable[[Period], QuerySet]
    field: str = "person_id"
    order: int = 100
    label: str = ""

    def q(self, p: Period) -> Q:
        return person_set(p, self.records(p), self.field)


class PersonSets:
    """A named union of person sets that apps register in their `indicators.py`."""

    def __init__(self, name: str):
        self.name = name
        self._sets: dict[str, PersonSet] = {}

    def register(self, entry: PersonSet) -> PersonSet:
        self._sets[entry.key] = entry
        return entry

    def unregister(self, key: str) -> None:
        self._sets.pop(key, None)

    def all(self) -> list[PersonSet]:
        _discover()
        return sorted(self._sets.values(), key=lambda s: (s.order, s.key))

    def q(self, p: Period) -> Q:
        """Anyone in one of the registered sets (nobody when none is registered)."""
        sets = self.all()
        if not sets:
            return Q(pk__in=[])
        condition = sets[0].q(p)
        for entry in sets[1:]:
            condition |= entry.q(p)
        return condition


# "received a benefit in the period" (policy coverage, DESIGN §4): training subsidies,
# interest-subsidised loans and public-welfare posts today; subsidy claims paid later
benefit_sources = PersonSets("benefit")
# "in training, employment, a venture or a post during the period" (its denominator)
programme_sources = PersonSets("programme")
PERSON_SETS = (benefit_sources, programme_sources)


def _discover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("indicators")


def child_length(area: str) -> int | None:
    return CHILD_LENGTH.get(len(area))


# --- the figures, computed from the records ----------------------------------------------------

def _aggregates() -> dict[str, list[Indicator]]:
    _discover()
    by_source: dict[str, list[Indicator]] = defaultdict(list)
    for ind in registry.indicators.values():
        if ind.stored:
            by_source[ind.source].append(ind)
    return by_source


def definitions() -> str:
    """A fingerprint of what the figures mean: the aggregate indicators, the person sets
    their unions take, the settings they read, and DEFINITIONS_REVISION. Stored figures of
    other definitions are recomputed."""
    parts = [str(DEFINITIONS_REVISION)]
    parts += sorted(f"{i.key}:{i.source}" for inds in _aggregates().values() for i in inds)
    # a set added to a union (the subsidies' claims to the benefits) changes what it counts
    parts += [f"{sets.name}:{','.join(s.key for s in sets.all())}" for sets in PERSON_SETS]
    parts += [f"{name}={getattr(settings, name, None)!r}" for name in sorted(registry.settings)]
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def compute_live(*, period: Period, area: str = "",
                 codes: list[str] | None = None) -> dict[str, dict[str, object]]:
    """{area code: {aggregate key: value}} straight from the records, per exact area code:
    of the `codes` given, or of every code under `area`. One GROUP BY query per source (and
    per slice of codes), never a loop over people."""
    result: dict[str, dict[str, object]] = defaultdict(dict)
    for source_key, inds in _aggregates().items():
        source = registry.sources[source_key]
        field_ = source.area_field
        if codes is None:
            slices = [(period, Q(**{f"{field_}__startswith": area}))]
        else:
            slices = [(dataclasses.replace(period, within=tuple(codes[i:i + CHUNK])), Q())
                      for i in range(0, len(codes), CHUNK)]
        for p, where in slices:
            aggregates = {f"_{i.key}": i.aggregate(p) for i in inds}
            rows = p.limit(source.queryset(p), field_).filter(where).order_by()
            for row in rows.values(field_).annotate(**aggregates):
                code = row.pop(field_)
                result[code].update({k[1:]: v for k, v in row.items()})
    return result


@dataclass
class Refresh:
    stale: list[str]  # the area codes recomputed
    live: dict[str, dict[str, object]]  # their figures, from the records
    stored: bool  # False: another writer held the database; they were not kept


def figures_refresh(*, area: str, period: Period, everything: bool = False) -> Refresh:
    """Recompute and store the figures of every area code under `area` whose records changed
    since they were computed (its stamp moved, core/stamps.py), or that were computed for
    another as-of day (the current year's move with the calendar) or other definitions.
    `everything` recomputes every area code the records use, stamped or not (the repair after
    a write that went around the stamps)."""
    if everything:
        _stamp_unstamped(area)
    defs = definitions()
    as_of = period.as_of
    # stamps first: a write that lands while we compute gives a newer stamp than the one
    # stored with the figures, so they are recomputed next time. The database compares them
    # (one probe of the (area, year) key per stamp) and sends back the stale codes only.
    current = AreaFigureSet.objects.filter(area_code=OuterRef("area_code"), year=period.year,
                                           month=period.month, stamp=OuterRef("stamp"),
                                           as_of=as_of, definitions=defs)
    stamped = AreaStamp.objects.filter(area_code__startswith=area)
    if not everything:
        stamped = stamped.exclude(Exists(current))
    stamps = dict(stamped.values_list("area_code", "stamp"))
    stale = sorted(stamps)
    if not stale:
        return Refresh(stale=[], live={}, stored=True)
    # past a few hundred codes, one pass over the whole area is cheaper than slices of IN
    live = compute_live(period=period, area=area,
                        codes=None if len(stale) > WHOLE_AREA_AFTER else stale)
    keys = sorted(i.key for inds in _aggregates().values() for i in inds)
    live = {c: {k: live.get(c, {}).get(k) or 0 for k in keys} for c in stale}
    try:
        with _waiting_briefly(), transaction.atomic():
            _store(period, as_of, defs, {c: stamps[c] for c in stale}, live)
    except OperationalError:  # SQLite: an import holds the database; keep them next time
        logger.info("indicator figures of %s codes not stored: database busy", len(stale))
        return Refresh(stale=stale, live=live, stored=False)
    return Refresh(stale=stale, live=live, stored=True)


def _stamp_unstamped(area: str) -> None:
    from .stamps import touch

    used: set[str] = set()
    for source in registry.sources.values():
        model = source.queryset(Period(timezone.localdate().year)).model
        used.update(model._default_manager.filter(**{f"{source.area_field}__startswith": area})
                    .order_by().values_list(source.area_field, flat=True).distinct())
    stamped = set(AreaStamp.objects.filter(area_code__startswith=area)
                  .values_list("area_code", flat=True))
    touch(used - stamped)


def _store(period: Period, as_of, defs: str, stamps: dict[str, str], live: dict) -> None:
    now = timezone.now()
    AreaFigureSet.objects.bulk_create(
        [AreaFigureSet(area_code=c, year=period.year, month=period.month, as_of=as_of,
                       stamp=stamp, definitions=defs, computed_at=now)
         for c, stamp in stamps.items()],
        update_conflicts=True, unique_fields=["area_code", "year", "month"],
        update_fields=["as_of", "stamp", "definitions", "computed_at"], batch_size=CHUNK)
    AreaFigure.objects.bulk_create(
        [AreaFigure(area_code=c, year=period.year, month=period.month, key=k, value=Decimal(v))
         for c, values in live.items() for k, v in values.items()],
        update_conflicts=True, unique_fields=["area_code", "year", "month", "key"],
        update_fields=["value"], batch_size=CHUNK)


@contextmanager
def _waiting_briefly():
    """SQLite lets one writer at a time, and an import writes for minutes: storing figures
    waits a moment for the database, not the 20 s a record's save waits."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA busy_timeout = 300")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {before}")


def _sums(*, prefix: str, period: Period, keys: list[str], n: int | None,
          refresh: Refresh) -> list[tuple[str | None, str, Decimal]]:
    """(child code or None, key, sum) of the figures under `prefix`: added up in the
    database; when fresh figures could not be stored, the stored ones of the other codes and
    the fresh ones, added up here (a few thousand per area code, never per person)."""
    rows = AreaFigure.objects.filter(year=period.year, month=period.month,
                                     area_code__startswith=prefix, key__in=keys)
    if refresh.stored:
        if n:
            rows = rows.annotate(_g=Substr("area_code", 1, n)).values_list("_g", "key")
        else:
            rows = rows.annotate(_g=Value(None, CharField())).values_list("_g", "key")
        return list(rows.annotate(_v=Sum("value")).order_by())
    sums: dict[tuple, Decimal] = defaultdict(Decimal)
    fresh = set(refresh.stale)
    stored = ((c, k, v) for c, k, v in rows.values_list("area_code", "key", "value").iterator()
              if c not in fresh)
    recomputed = ((c, k, v) for c, values in refresh.live.items() for k, v in values.items()
                  if k in keys)
    for code, key, value in (*stored, *recomputed):
        sums[(code[:n] if n else None, key)] += Decimal(value)
    return [(g, k, v) for (g, k), v in sums.items()]


def _number(value: Decimal):
    return int(value) if value == value.to_integral_value() else value


def compute(*, area: str, period: Period, keys: list[str] | None = None,
            by_child: bool = False, user=None) -> dict[str, dict[str, object]]:
    """{area or child-area code: {indicator key: value}} for the area (or its children).

    The figures are stored per area code and year, recomputed from the records for the
    codes whose records changed (figures_refresh), and added up here in the database. With
    `user`, only what lies in the user's scope is counted: an indicator never counts what
    its reader may not see."""
    if by_child and child_length(area):
        return compute_with_children(area=area, period=period, keys=keys, user=user)[1]
    total = compute_with_children(area=area, period=period, keys=keys, user=user,
                                  children=False)[0]
    return {} if total is None else {area: total}


def compute_with_children(*, area: str, period: Period, keys: list[str] | None = None,
                          user=None, children: bool = True
                          ) -> tuple[dict[str, object] | None, dict[str, dict[str, object]]]:
    """(the area's values, {child-area code: values}) from one refresh of the stored figures:
    a page showing an area and its children reads them once. The area's values are None
    when the user may see nothing there."""
    _discover()
    prefix = area
    if user is not None:
        scope = scoping.user_scope_code(user)
        if scope is None or not (area.startswith(scope) or scope.startswith(area)):
            return None, {}
        prefix = max(area, scope, key=len)
    wanted = [registry.indicators[k] for k in keys] if keys else registry.all()
    needed = {i.key: i for i in wanted}
    for ind in wanted:  # ratios and differences need their parts
        for part in ind.parts:
            needed.setdefault(part, registry.indicators[part])
    refresh = figures_refresh(area=prefix, period=period)
    n = child_length(area) if children else None
    total: dict[str, object] = {}
    by_child: dict[str, dict[str, object]] = defaultdict(dict)
    for group, key, value in _sums(prefix=prefix, period=period, n=n, refresh=refresh,
                                   keys=[k for k, i in needed.items() if i.stored]):
        total[key] = total.get(key, 0) + value  # every aggregate adds up over area codes
        if n:
            by_child[group][key] = _number(value)
    total = {k: _number(v) for k, v in total.items()}
    for ind in needed.values():  # medians, from the records of the area
        if ind.median is not None:
            total[ind.key], of_children = medians(ind, area=prefix, period=period, n=n)
            for code, value in of_children.items():
                by_child[code][ind.key] = value
    shown = {i.key for i in wanted}
    return (_derived(total, needed, shown),
            {code: _derived(values, needed, shown) for code, values in by_child.items()})


def _derived(values: dict, needed: dict[str, Indicator], shown: set[str]) -> dict:
    """Zeros for what had no rows, then the differences and ratios; only the keys asked."""
    for ind in needed.values():
        values.setdefault(ind.key, ind.empty)
    for ind in needed.values():
        if ind.difference:
            values[ind.key] = values[ind.difference[0]] - values[ind.difference[1]]
        elif ind.ratio:
            num, den = (values.get(k) or 0 for k in ind.ratio)
            values[ind.key] = (Decimal(num) * ind.per / Decimal(den)).quantize(
                Decimal("0.1")) if den else None
    return {k: v for k, v in values.items() if k in shown}


def medians(ind: Indicator, *, area: str, period: Period, n: int | None = None,
            rows: QuerySet | None = None) -> tuple[Decimal | None, dict[str, Decimal | None]]:
    """(the median of the area, {child code: its median} when `n` names the children's code
    length) of a median indicator: one pass over the values of the source's rows under
    `area` (or over `rows`, the source already narrowed, e.g. to a user's scope), grouped by
    child in Python. A median cannot be added up from stored per-code figures as counts are;
    the rows are one per record of a flow (a county's consultations of a year: a few
    thousand), read as a list of (area code, value) pairs, not model instances."""
    source = registry.sources[ind.source]
    field_ = source.area_field
    if rows is None:
        rows = period.limit(source.queryset(period), field_).filter(
            **{f"{field_}__startswith": area})
    rows = rows.order_by().annotate(_m=ind.median(period)).filter(_m__isnull=False)
    everything: list[float] = []
    by_child: dict[str, list[float]] = defaultdict(list)
    for code, value in rows.values_list(field_, "_m").iterator(chunk_size=2000):
        number = ind.median_value(value)
        everything.append(number)
        if n:
            by_child[code[:n]].append(number)
    return _median(everything), {code: _median(v) for code, v in by_child.items()}


def _median(values: list[float]) -> Decimal | None:
    if not values:
        return None
    values.sort()
    mid = len(values) // 2
    middle = values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    return Decimal(str(middle)).quantize(Decimal("0.1"))


def during(period: Period, prefix: str = "") -> Q:
    """A dated record open at some time in the period (up to its as-of day)."""
    return overlaps(period.start, period.as_of, prefix)
