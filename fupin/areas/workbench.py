"""The area tree's workbench cards: how many townships and villages lie in the user's scope
(the home page showed these before it became the workbench; core/workbench.py)."""

from __future__ import annotations

from django.urls import reverse

from fupin.core import scoping

from .models import LEVEL_LENGTH, Area, Level


def below_count(level: str):
    def count(user) -> int:
        scope = scoping.user_scope_code(user)
        if scope is None:
            return 0
        return Area.objects.filter(code__startswith=scope, level=level).count()

    return count


def has_below(level: str):
    """The card shows to users whose scope lies above the level (a village has no villages
    below it)."""
    def visible(user) -> bool:
        scope = scoping.user_scope_code(user)
        return scope is not None and len(scope) < LEVEL_LENGTH[Level(level)]

    return visible


def browse_url(user) -> str:
    return reverse("areas:browse")
