"""Filters shared by every app's FilterSets."""

from __future__ import annotations

import django_filters
from django import forms

from . import bounds


class YearFilter(django_filters.NumberFilter):
    """A year in a list's filter (?year=2017): a whole number within `core.bounds`, refused
    with a Chinese message otherwise (a year 0 or 99999 would reach the database's date
    functions and fail there)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [bounds.validate_year])
        super().__init__(*args, **kwargs)
