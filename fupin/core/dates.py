"""Conditions on dated records (start_date, end_date; an empty end = still open)."""

from __future__ import annotations

from django.db.models import Q


def open_on(day, prefix: str = "") -> Q:
    """Open on a day."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day}))


def overlaps(start, end, prefix: str = "") -> Q:
    """Meets the span [start, end] (end None = open-ended)."""
    q = Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": start})
    if end is not None:
        q &= Q(**{f"{prefix}start_date__lte": end})
    return q
