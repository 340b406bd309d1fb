"""Reads across the five lists: indicator tables, the zero-employment working list, and a
person's timeline."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from fupin.areas.models import Area
from fupin.areas.selectors import area_full_name
from fupin.core import indicators as ind
from fupin.core import scoping
from fupin.employment.models import Employment, Placement, Venture
from fupin.registry.models import Household, Person
from fupin.registry.rules import labourer_q
from fupin.training.models import Enrolment

WORKING = ("employed", "venture", "welfare_post")


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
    empty = {i.key: None if i.ratio else 0 for i in indicators}
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


def zero_employment_households(*, user, area: str = ""):
    """Households with at least one labourer and no member working (DESIGN §2), with their
    labourers — the list a village worker drives to empty. Uses the derived status."""
    working = Person.objects.active().filter(household=OuterRef("pk"),
                                             employment_status__in=WORKING)
    labourer = Person.objects.active().filter(labourer_q(), household=OuterRef("pk"))
    qs = (Household.objects.visible_to(user).active()
          .filter(Exists(labourer)).exclude(Exists(working)))
    if area:
        qs = qs.filter(area_code__startswith=area)
    labourers = Person.objects.active().filter(labourer_q()).order_by("relation")
    return qs.select_related("head").prefetch_related(
        Prefetch("members", queryset=labourers, to_attr="labourers")).order_by("area_code", "pk")


def person_timeline(person) -> list[dict]:
    """Everything the five lists hold about a person, newest first."""
    items = []
    for e in Enrolment.objects.active().filter(person=person).select_related("course"):
        items.append({"date": e.completed_on or e.course.start_date, "kind": "training",
                      "record": e, "title": e.course.name,
                      "detail": e.get_status_display()})
    for e in Employment.objects.active().filter(person=person):
        items.append({"date": e.start_date, "end": e.end_date, "kind": "employment",
                      "record": e, "title": e.employer, "detail": e.get_place_display()})
    for v in Venture.objects.active().filter(person=person):
        items.append({"date": v.start_date, "end": v.end_date, "kind": "venture", "record": v,
                      "title": v.business, "detail": v.industry})
    for p in Placement.objects.active().filter(person=person).select_related("post"):
        items.append({"date": p.start_date, "end": p.end_date, "kind": "placement",
                      "record": p, "title": p.post.name, "detail": p.post.get_kind_display()})
    items.sort(key=lambda i: i["date"], reverse=True)
    return items


def zero_employment_counts(*, user, area: str) -> tuple[int, list[dict]]:
    """The area's zero-employment households today, and per child area, most first (the
    indicator, from stored figures)."""
    period = ind.Period(timezone.localdate().year)
    key = "zero_employment"
    total, children = ind.compute_with_children(area=area, period=period, keys=[key], user=user,
                                                children=bool(ind.child_length(area)))
    names = dict(Area.objects.filter(parent_id=area).values_list("code", "name"))
    counts = [{"code": code, "name": names.get(code, code), "count": values[key]}
              for code, values in children.items() if values[key]]
    return (total or {}).get(key, 0), sorted(counts, key=lambda c: -c["count"])
