"""Reads of the employment lists. All start from `visible_to(user)`."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from fupin.core import indicators as ind
from fupin.core import places
from fupin.registry.models import Household, Person
from fupin.registry.rules import labourer_q

from .models import DatedQ, Employment, Placement, Venture, WelfarePost

WORKING = ("employed", "venture", "welfare_post")


def today() -> datetime.date:
    return timezone.localdate()


def employment_list(*, user) -> QuerySet:
    return Employment.objects.visible_to(user).select_related("person")


def venture_list(*, user) -> QuerySet:
    return Venture.objects.visible_to(user).select_related("person")


def placement_list(*, user) -> QuerySet:
    return Placement.objects.visible_to(user).select_related("person", "post")


def post_list(*, user, on: datetime.date | None = None) -> QuerySet:
    """Posts with the name of whoever holds each one today (one subquery, no N+1; a holder
    outside the user's scope stays hidden)."""
    holder = (Placement.objects.visible_to(user).active()
              .filter(DatedQ.open_on(on or today()), post=OuterRef("pk"))
              .order_by("-start_date").values("person__name")[:1])
    return WelfarePost.objects.visible_to(user).annotate(holder_name=Subquery(holder))


def post_placements(*, user, post: WelfarePost) -> QuerySet:
    """The post's placement history, newest first (visible ones only: a holder from another
    village stays hidden from a village worker, fail closed)."""
    return (Placement.objects.visible_to(user).active().filter(post=post)
            .select_related("person").order_by("-start_date", "-pk"))


def post_holder(*, user, post: WelfarePost, on: datetime.date | None = None):
    return post_placements(user=user, post=post).filter(DatedQ.open_on(on or today())).first()



# --- a person's or a household's work (the person and household pages) -----------------------

def _work_records(*, user, **person) -> list[dict]:
    """Jobs, ventures and posts of the people matched by `person` (a filter on the record's
    person) that the user may see, latest start first: one shape for the pages' sections
    and the timeline."""
    items = []
    for e in Employment.objects.visible_to(user).active().filter(**person).select_related(
            "person"):
        items.append({"kind": "employment", "record": e, "person": e.person,
                      "start": e.start_date, "end": e.end_date, "title": e.employer,
                      "detail": e.get_place_display(), "url": "employment:employment_detail"})
    for v in Venture.objects.visible_to(user).active().filter(**person).select_related(
            "person"):
        items.append({"kind": "venture", "record": v, "person": v.person,
                      "start": v.start_date, "end": v.end_date, "title": v.business,
                      "detail": v.industry, "url": "employment:venture_detail"})
    for p in Placement.objects.visible_to(user).active().filter(**person).select_related(
            "person", "post"):
        items.append({"kind": "placement", "record": p, "person": p.person,
                      "start": p.start_date, "end": p.end_date, "title": p.post.name,
                      "detail": p.post.get_kind_display(), "url": "employment:placement_detail"})
    items.sort(key=lambda i: (i["start"], i["record"].pk), reverse=True)
    return items


def person_work(*, user, person) -> list[dict]:
    return _work_records(user=user, person=person)


def household_work(*, user, household) -> list[dict]:
    return _work_records(user=user, person__household=household,
                         person__retired_at__isnull=True)


# --- zero-employment households (DESIGN §2) ----------------------------------------------------

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
    labourers = Person.objects.visible_to(user).active().filter(labourer_q()).order_by("relation")
    return qs.select_related("head").prefetch_related(
        Prefetch("members", queryset=labourers, to_attr="labourers")).order_by("area_code", "pk")


def zero_employment_counts(*, user, area: str) -> tuple[int, list[dict]]:
    """The area's zero-employment households today, and per child area, most first (the
    indicator, from stored figures)."""
    period = ind.Period(timezone.localdate().year)
    key = "zero_employment"
    total, children = ind.compute_with_children(area=area, period=period, keys=[key], user=user,
                                                children=bool(ind.child_length(area)))
    names = dict(places.children(area))
    counts = [{"code": code, "name": names.get(code, code), "count": values[key]}
              for code, values in children.items() if values[key]]
    return (total or {}).get(key, 0), sorted(counts, key=lambda c: -c["count"])


def post_held(*, user, on: datetime.date | None = None) -> Exists:
    """A post someone (visible to the user) holds on the day, today by default."""
    return Exists(Placement.objects.visible_to(user).active()
                  .filter(DatedQ.open_on(on or today()), post=OuterRef("pk")))


def posts_vacant(*, user) -> QuerySet:
    """The user's public-welfare posts nobody holds today: the workbench's card counts them,
    the post list's 在岗情况 = 空缺 filter shows them."""
    return WelfarePost.objects.visible_to(user).active().exclude(post_held(user=user))
