"""Reads of the registry. All start from `visible_to(user)`."""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Count, Q, QuerySet

from fupin.core import crypto, personal
from fupin.core.tabular.parsers import clean_text

from .models import Household, Person

ID_RE = re.compile(r"^\d{17}[\dX]$")
PHONE_RE = re.compile(r"^1\d{10}$")
PINYIN_RE = re.compile(r"^[a-z]+$")
# the national system's person number (人编号 / 人口编号): a long string of digits
NATIONAL_NUMBER_RE = re.compile(r"^\d{8,30}$")


def person_search(qs: QuerySet, q: str, *, user) -> QuerySet:
    """By name, by pinyin (full or initials: "zs" finds 张三), by ID number or phone (exact,
    through the keyed hash — the clear values are not in the database), by the national
    system's person number (exact). A full ID number or phone finds people only for users who
    may see personal data (core/personal.py): for the others it would confirm guessed
    numbers."""
    q = clean_text(q).replace(" ", "")
    if not q:
        return qs
    upper = q.upper()
    if ID_RE.match(upper) or PHONE_RE.match(q):
        if not personal.can_look_up(user):
            # a national person number may also be 18 digits: it is not personal data
            return qs.filter(national_number=upper) if ID_RE.match(upper) else qs.none()
        if ID_RE.match(upper):
            return qs.filter(Q(id_number_hash=crypto.blind_index(upper))
                             | Q(national_number=upper))
        return qs.filter(phone_hash=crypto.blind_index(q))
    if NATIONAL_NUMBER_RE.match(q):
        return qs.filter(national_number=q)
    lower = q.lower()
    if PINYIN_RE.match(lower):
        if connection.vendor == "sqlite":
            # SQLite's LIKE is case-insensitive and skips the index: a range uses it
            after = lower[:-1] + chr(ord(lower[-1]) + 1)
            return qs.filter(Q(name_initials__gte=lower, name_initials__lt=after)
                             | Q(name_pinyin__gte=lower, name_pinyin__lt=after))
        # PostgreSQL answers LIKE 'zs%' from Django's varchar_pattern_ops index
        return qs.filter(Q(name_initials__startswith=lower) | Q(name_pinyin__startswith=lower))
    return qs.filter(name__contains=q)


def person_list(*, user) -> QuerySet:
    return Person.objects.visible_to(user).select_related("household")


def household_list(*, user) -> QuerySet:
    return Household.objects.visible_to(user).select_related("head")


def household_members(*, user, household: Household) -> QuerySet:
    return Person.objects.visible_to(user).filter(household=household).active().order_by(
        "relation", "birth_date")


def incomplete_by_village(*, user, area_prefix: str = "") -> list[dict]:
    """Per village: how many registrations are incomplete out of how many (DESIGN §2)."""
    qs = Person.objects.visible_to(user).active()
    if area_prefix:
        qs = qs.filter(area_code__startswith=area_prefix)
    return list(qs.values("area_code").annotate(
        total=Count("id"), incomplete=Count("id", filter=Q(complete=False)),
    ).filter(incomplete__gt=0).order_by("-incomplete", "area_code"))
