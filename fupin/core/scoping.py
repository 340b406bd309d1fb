"""Area scoping: the one place that decides which records a user may see.

DESIGN §1: a user sees and changes only records whose area code starts with the code of
their scope area. Fails closed: an anonymous or inactive user, or one without a scope,
sees nothing. Out of scope answers 404 (Http404), never 403, so that a probe cannot tell
"exists elsewhere" from "does not exist".
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404


def user_scope_code(user) -> str | None:
    """The area-code prefix a user may see, '' for everything, None for nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return ""
    return getattr(user, "scope_code", None) or None


def filter_visible(queryset: QuerySet, user, field: str = "area_code") -> QuerySet:
    code = user_scope_code(user)
    if code is None:
        return queryset.none()
    if code == "":
        return queryset
    return queryset.filter(**{f"{field}__startswith": code})


def in_scope(user, area_code: str | None) -> bool:
    code = user_scope_code(user)
    if code is None or not area_code:
        return False
    return area_code.startswith(code)


def assert_in_scope(user, area_code: str | None) -> None:
    """Raise Http404 unless the area code lies inside the user's scope."""
    if not in_scope(user, area_code):
        raise Http404("out of scope")


def get_visible_or_404(queryset_or_model, user, **lookup):
    """Fetch one record the user may see, or 404 for both missing and forbidden."""
    qs = queryset_or_model
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    qs = qs.visible_to(user) if hasattr(qs, "visible_to") else filter_visible(qs, user)
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise Http404("not found")
    return obj


def requested_area(user, value: str | None) -> str:
    """The area a page or API call asks for (`?area=`), checked against the user's scope:
    the user's own scope when none is asked for ('' for a superuser: everything); Http404 for
    a user without scope, a code that is not digits or one outside the scope — the one check
    every drill-down (indicators, reconciliation, working lists) makes."""
    scope = user_scope_code(user)
    if scope is None:
        raise Http404("no scope")
    area = (value or "").strip() or scope
    if area and (not area.isdigit() or len(area) > 12 or not area.startswith(scope)):
        raise Http404("out of scope")
    return area
