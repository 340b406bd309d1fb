"""Read-only queries of follow-up visits: the village worker's working list."""

from __future__ import annotations

import datetime

from django.db.models import Case, DateField, F, IntegerField, Value, When
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Cast
from django.utils import timezone

from . import rules
from .models import Category, Visit, VisitPlan

BUCKETS = ("overdue", "week", "month", "all")


def bounds(on: datetime.date) -> dict:
    """The end of this week (Sunday) and of this month."""
    week_end = on + datetime.timedelta(days=6 - on.weekday())
    nxt = (on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    month_end = nxt - datetime.timedelta(days=1)
    return {"week": week_end, "month": max(month_end, week_end)}


def worklist(*, user, bucket: str = "all", on: datetime.date | None = None):
    """The user's active plans due by the end of the month, the most urgent first: overdue
    days × the category's weight (computed in the database), then the due date."""
    on = on or timezone.localdate()
    b = bounds(on)
    policy = rules.policy()
    qs = VisitPlan.objects.visible_to(user).active().select_related("person")
    if bucket == "overdue":
        qs = qs.filter(due_on__lt=on)
    elif bucket == "week":
        qs = qs.filter(due_on__gte=on, due_on__lte=b["week"])
    elif bucket == "month":
        qs = qs.filter(due_on__gt=b["week"], due_on__lte=b["month"])
    else:
        qs = qs.filter(due_on__lte=b["month"])
    weight = Case(
        When(category=Category.KEY, then=Value(policy.key_weight)),
        When(category=Category.NEEDS, then=Value(policy.needs_weight)),
        default=Value(policy.regular_weight), output_field=IntegerField())
    # overdue days: today − due_on, as a number of days (0 when not yet due)
    qs = qs.annotate(
        overdue_days=Case(When(due_on__lt=on, then=Cast(_day_count(on), IntegerField())),
                          default=Value(0), output_field=IntegerField()),
        weight=weight,
    ).annotate(urgency=ExpressionWrapper(F("overdue_days") * F("weight"),
                                         output_field=IntegerField()))
    return qs.order_by("-urgency", "due_on", "pk")


def _day_count(on: datetime.date):
    """Days from due_on to `on`, in the database, on SQLite and PostgreSQL alike: the
    difference of the day numbers (julian day / epoch days)."""
    from django.db import connection
    from django.db.models import Func

    if connection.vendor == "sqlite":
        return ExpressionWrapper(
            Func(Value(on.isoformat()), function="julianday")
            - Func(F("due_on"), function="julianday"), output_field=IntegerField())
    # PostgreSQL: date − date is the number of days (an integer); written as SQL, since
    # Django's temporal subtraction would make it an interval
    return Func(Value(on, output_field=DateField()), F("due_on"), template="(%(expressions)s)",
                arg_joiner=" - ", output_field=IntegerField())


def worklist_counts(*, user, on: datetime.date | None = None) -> dict:
    on = on or timezone.localdate()
    b = bounds(on)
    from django.db.models import Count, Q

    qs = VisitPlan.objects.visible_to(user).active()
    return qs.aggregate(
        overdue=Count("pk", filter=Q(due_on__lt=on)),
        week=Count("pk", filter=Q(due_on__gte=on, due_on__lte=b["week"])),
        month=Count("pk", filter=Q(due_on__gt=b["week"], due_on__lte=b["month"])))


def last_visits(plans) -> dict:
    """{person_id: the person's latest Visit} for these plans, in one query."""
    ids = [p.person_id for p in plans]
    out: dict = {}
    for v in Visit.objects.filter(person_id__in=ids).order_by("person_id", "-visited_on",
                                                               "-pk"):
        out.setdefault(v.person_id, v)
    return out
