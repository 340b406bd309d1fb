"""The indicator tables: an area's figures and one row per child area, for the page, the API and
`fupin report`. The definitions are the apps' own (their `indicators.py`); reports reads them
from core's registry and imports none of the apps that declare them."""

from __future__ import annotations

from fupin.areas.models import Area
from fupin.areas.selectors import area_full_name
from fupin.core import indicators as ind
from fupin.core import scoping


def indicator_table(*, user, area: str, year: int, keys: list[str] | None = None) -> dict:
    """The area's own values and one row per child area, ready for a page or a sheet."""
    period = ind.Period(year)
    indicators = [ind.registry.get(k) for k in keys] if keys else ind.registry.all()
    keys = [i.key for i in indicators]
    total, children = ind.compute_with_children(area=area, period=period, keys=keys,
                                                user=user, children=bool(ind.child_length(area)))
    total = total or {}
    # every child area the reader may see, with or without records: a village that has
    # registered nobody yet is a row of zeros, not a missing row
    scope = (scoping.user_scope_code(user) if user is not None else "") or ""
    names = {code: name for code, name in Area.objects.filter(parent_id=area)
             .values_list("code", "name") if code.startswith(scope) or scope.startswith(code)}
    # figures kept at the area's own level (a course's township) count in its total only
    children.pop(area, None)
    empty = {i.key: i.empty for i in indicators}
    rows = [{"code": code, "name": names.get(code, code), "values": children.get(code, empty)}
            for code in sorted(set(names) | set(children))]
    return {"area": area, "area_name": area_full_name(area), "year": year,
            "as_of": period.as_of,
            "indicators": indicators, "total": total, "rows": rows,
            "can_drill": bool(ind.child_length(area)), "parent": _parent(user, area)}


def _parent(user, area: str) -> str | None:
    """The area one level up, if the user may look there."""
    from fupin.areas.models import LENGTH_LEVEL

    shorter = [n for n in sorted(LENGTH_LEVEL) if n < len(area)]
    if not shorter:
        return None
    parent = area[:shorter[-1]]
    scope = scoping.user_scope_code(user) if user is not None else ""
    return parent if scope is not None and parent.startswith(scope) else None
