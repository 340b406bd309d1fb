"""Reads of the area tree. Area names are reference data: cached per process."""

from __future__ import annotations

from functools import lru_cache

from .models import LENGTH_LEVEL, Area


def area_children(*, parent_code: str | None):
    qs = Area.objects.all()
    if parent_code:
        return qs.filter(parent_id=parent_code)
    return qs.filter(parent__isnull=True)


def area_get(code: str) -> Area | None:
    return Area.objects.filter(pk=code).first()


def ancestor_codes(code: str) -> list[str]:
    """The codes of the area and all its ancestors, top first (by code prefix)."""
    return [code[:n] for n in sorted(LENGTH_LEVEL) if n <= len(code)]


@lru_cache(maxsize=65536)
def _names(code: str) -> tuple[tuple[str, str], ...]:
    rows = dict(Area.objects.filter(code__in=ancestor_codes(code)).values_list("code", "name"))
    return tuple((c, rows[c]) for c in ancestor_codes(code) if c in rows)


def area_path(code: str) -> list[tuple[str, str]]:
    """[(code, name), …] from the province down to the area itself."""
    if not code:
        return []
    return list(_names(code))


def area_full_name(code: str, *, below: str = "") -> str:
    """Names from just under `below` (e.g. the user's scope) down to the area: 东坝街道 某某村."""
    if not code:
        return ""
    parts = [name for c, name in area_path(code) if len(c) > len(below)]
    return " ".join(parts) or code


def clear_cache() -> None:
    _names.cache_clear()
