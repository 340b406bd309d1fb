"""Reads of the employment lists. All start from `visible_to(user)`."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from .models import DatedQ, Employment, Placement, Venture, WelfarePost


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


def post_held(*, user, on: datetime.date | None = None) -> Exists:
    """A post someone (visible to the user) holds on the day, today by default."""
    return Exists(Placement.objects.visible_to(user).active()
                  .filter(DatedQ.open_on(on or today()), post=OuterRef("pk")))


def posts_vacant(*, user) -> QuerySet:
    """The user's public-welfare posts nobody holds today: the workbench's card counts them,
    the post list's 在岗情况 = 空缺 filter shows them."""
    return WelfarePost.objects.visible_to(user).active().exclude(post_held(user=user))
