"""Filters shared by every app's FilterSets."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from . import bounds


class YearFilter(django_filters.NumberFilter):
    """A year in a list's filter (?year=2017): a whole number within `core.bounds`, refused
    with a Chinese message otherwise (a year 0 or 99999 would reach the database's date
    functions and fail there)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [bounds.validate_year])
        super().__init__(*args, **kwargs)


def township_choices(user) -> list[tuple[str, str]]:
    """The townships a user may filter a list by: those of their county (a county's or a
    wider scope's user: the townships below the county of their scope only when it is a
    county), or their own township."""
    from . import places, scoping

    scope = scoping.user_scope_code(user) or ""
    if len(scope) == 6:
        return places.children(scope)
    if len(scope) >= 9:
        return [(scope[:9], places.area_name(scope[:9], below=scope[:6]))]
    return []


@extend_schema_field(OpenApiTypes.STR)
class TownshipFilter(django_filters.ChoiceFilter):
    """?township=<9-digit code>: the records whose area lies in that township. Its choices are
    the user's (`township_choices`), set by the FilterSet for the request's user with
    `for_user`; a code outside them is refused by the form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("乡镇"))
        kwargs.setdefault("field_name", "area_code")
        kwargs.setdefault("choices", [])
        super().__init__(*args, **kwargs)

    @staticmethod
    def for_user(filterset, name: str, user) -> None:
        choices = township_choices(user)
        filterset.filters[name].extra["choices"] = choices
        filterset.form.fields[name].choices = [("", "---------"), *choices]

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value.isdigit():
            return qs
        return qs.filter(**{f"{self.field_name}__startswith": value})
