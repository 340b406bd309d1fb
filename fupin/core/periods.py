"""The latest period that has records (issue 9 item 3): pages that show a period open on it,
not on an empty current year (the demo's records are of 2017).

Apps register the dates their records happen on (`DatedSource`: a model and a date field,
such as an employment's start or a training's completion) in AppConfig.ready(); the latest
period is the latest of those dates in the user's scope, up to today (a course planned for
next month is not a record of next month yet). Each source is one MAX() over the user's
visible records — on an index of (area code, date), or on a small table. Retired records
count too: the question is only which period has data, and the index answers it alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import DateTimeField, Max, QuerySet
from django.utils import timezone

from .sections import Registry


@dataclass(frozen=True)
class DatedSource:
    """The dates on which a model's records happen: `queryset()` (all of them; the user's
    scope is applied here, through `visible_to`) and the date `field` — or a timestamp
    field, whose values count on their local day."""

    key: str
    queryset: Callable[[], QuerySet] = field(compare=False)
    field: str = "start_date"
    order: int = 100


sources = Registry()


def register(source: DatedSource) -> DatedSource:
    sources.register(source)
    return source


def _latest(source: DatedSource, user, today: datetime.date) -> datetime.date | None:
    """The source's latest day up to today. A timestamp field (a consultation's raised_at)
    is compared with the start of tomorrow in the local time zone — on its index, no cast
    per row — and its latest value is taken as a local day."""
    qs = source.queryset().visible_to(user).order_by()
    if isinstance(qs.model._meta.get_field(source.field), DateTimeField):
        tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1),
                                             datetime.time.min,
                                             tzinfo=timezone.get_current_timezone())
        at = qs.filter(**{f"{source.field}__lt": tomorrow}).aggregate(
            _d=Max(source.field))["_d"]
        return None if at is None else timezone.localtime(at).date()
    return qs.filter(**{f"{source.field}__lte": today}).aggregate(_d=Max(source.field))["_d"]


def latest_day(user, *, today: datetime.date | None = None) -> datetime.date | None:
    """The latest day, up to today, on which a record in the user's scope happened."""
    today = today or timezone.localdate()
    best = None
    for source in sources.all():
        day = _latest(source, user, today)
        if day is not None and (best is None or day > best):
            best = day
    return best


def latest_year(user, *, default: int | None = None) -> int:
    """The year a page of yearly figures opens on: the latest with records in the user's
    scope, or (no records at all) `default`, this year unless told."""
    day = latest_day(user)
    if day is not None:
        return day.year
    return default if default is not None else timezone.localdate().year


def latest_month(user) -> tuple[int, int] | None:
    """(year, month) of the latest record in the user's scope, or None."""
    day = latest_day(user)
    return None if day is None else (day.year, day.month)


def month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)
