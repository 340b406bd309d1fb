"""Reads of the catalogue: each starts from `visible_to(user)` (core/scoping.py); figures are
computed in the database (one aggregate query), never by looping over records."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from .models import Consultation, Expert, ExpertGroup, GroupMember, HouseholdIndustry, Industry

OPEN_STATUSES = (Consultation.Status.PENDING, Consultation.Status.AWAITING,
                 Consultation.Status.ANSWERED, Consultation.Status.ONSITE)


def industries_active():
    return Industry.objects.filter(retired_at__isnull=True)


def household_industries(*, user, household):
    return (HouseholdIndustry.objects.visible_to(user).active().filter(household=household)
            .select_related("industry").order_by("-main", "industry__order", "industry__name"))


def group_members(*, group, current_only: bool = True):
    qs = GroupMember.objects.filter(group=group).select_related("expert")
    if current_only:
        qs = qs.filter(left_on__isnull=True)
    return qs.order_by("left_on", "joined_on", "pk")


def group_figures(*, user, group, year: int | None = None) -> dict:
    """The group's figures: open consultations now; this year's consultations, solved and
    unsolved; the solved rate (solved of those closed, %), all in one query."""
    year = year or timezone.localdate().year
    qs = Consultation.objects.visible_to(user).filter(retired_at__isnull=True, group=group)
    this_year = Q(raised_at__year=year)
    f = qs.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        year_total=Count("pk", filter=this_year),
        year_solved=Count("pk", filter=this_year & Q(status=Consultation.Status.SOLVED)),
        year_unsolved=Count("pk", filter=this_year & Q(status=Consultation.Status.UNSOLVED)),
    )
    closed = f["year_solved"] + f["year_unsolved"]
    f["solved_rate"] = round(100 * f["year_solved"] / closed, 1) if closed else None
    f["year"] = year
    return f


def experts_for_group(*, user, group):
    """Experts of the group's county serving its industry, not yet members (to add)."""
    current = GroupMember.objects.filter(group=group, left_on__isnull=True).values("expert_id")
    return (Expert.objects.visible_to(user).active()
            .filter(area_code=group.area_code, industries=group.industry)
            .exclude(pk__in=current).order_by("name"))


def groups_of_county(*, user, area_code: str):
    return (ExpertGroup.objects.visible_to(user).active().filter(area_code=area_code)
            .select_related("industry", "chief"))


# --- for the other parts (consultations, prescriptions, pairings) ------------------------------

def group_for_industry(*, area_code: str, industry) -> ExpertGroup | None:
    """The active group of the industry in the county of `area_code` (a village's code will
    do): "the industry's group" that a consultation is routed to."""
    return (ExpertGroup.objects.active().filter(area_code=area_code[:6], industry=industry)
            .select_related("chief").first())


def expert_of_user(user) -> Expert | None:
    """The active expert record a user account answers as (None for anybody else)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.active().filter(user=user).first()


def technician_of_user(user):
    """The active technician record of a user account (None for anybody else)."""
    from .models import Technician

    if not getattr(user, "is_authenticated", False):
        return None
    return Technician.objects.active().filter(user=user).first()
