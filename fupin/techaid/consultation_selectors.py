"""Reads of consultations, always through `visible_to(user)`: the expert's queue, the county's
routing list, the workbench counts, a household's consultations."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from .consultations import OPEN_STATES, S, expert_of, overdue_q
from .models import Consultation, OnsiteVisit, Urgency

# 特急 first, then 紧急, then 普通
URGENCY_ORDER = Case(When(urgency=Urgency.CRITICAL, then=Value(0)),
                     When(urgency=Urgency.URGENT, then=Value(1)),
                     default=Value(2), output_field=IntegerField())
# what waits for an expert: an answer, or the on-site visit
QUEUE_STATES = (S.AWAITING, S.ONSITE)


def consultations(*, user):
    return Consultation.objects.visible_to(user).active()


def with_overdue(qs, now=None):
    now = now or timezone.now()
    return qs.annotate(is_overdue=Case(When(overdue_q(now), then=Value(1)), default=Value(0),
                                       output_field=IntegerField()))


def mine_q(expert) -> Q:
    """Routed to the expert, or to a group the expert is a current member of."""
    return Q(expert=expert) | Q(group__members__expert=expert,
                                group__members__left_on__isnull=True)


def queue(*, user, now=None):
    """The expert's open consultations (awaiting an answer or on site): routed to them or to
    one of their groups, the most urgent first, then by the answer limit."""
    expert = expert_of(user)
    if expert is None:
        return Consultation.objects.none()
    ids = (consultations(user=user).filter(status__in=QUEUE_STATES).filter(mine_q(expert))
           .values("pk"))
    qs = Consultation.objects.filter(pk__in=ids).select_related("industry", "group")
    return with_overdue(qs, now).annotate(urgency_rank=URGENCY_ORDER).order_by(
        "urgency_rank", "answer_due_at", "pk")


def queue_counts(*, user) -> dict:
    """{urgency: n} of the expert's queue."""
    expert = expert_of(user)
    out = {u: 0 for u in Urgency.values}
    if expert is None:
        return out
    ids = (consultations(user=user).filter(status__in=QUEUE_STATES).filter(mine_q(expert))
           .values("pk"))
    for row in (Consultation.objects.filter(pk__in=ids).values("urgency")
                .annotate(n=Count("pk")).order_by()):
        out[row["urgency"]] = row["n"]
    return out


def routing(*, user, now=None):
    """待分诊: the consultations of the user's scope waiting for routing, most urgent first."""
    qs = consultations(user=user).filter(status=S.PENDING).select_related("industry")
    return with_overdue(qs, now).annotate(urgency_rank=URGENCY_ORDER).order_by(
        "urgency_rank", "raised_at", "pk")


def overdue(*, user, now=None):
    return consultations(user=user).filter(overdue_q(now))


def status_counts(*, user) -> dict:
    """{status: n} of the user's active consultations, and "overdue" (the list's figures,
    counted from the records)."""
    qs = consultations(user=user)
    row = qs.aggregate(overdue=Count("pk", filter=overdue_q()),
                       **{s: Count("pk", filter=Q(status=s)) for s in S.values})
    return row


def for_household(*, user, household):
    return consultations(user=user).filter(household=household).order_by("-raised_at")


def onsite_visits(*, user):
    return OnsiteVisit.objects.visible_to(user).active()


__all__ = ["OPEN_STATES", "consultations", "for_household", "onsite_visits", "overdue",
           "queue", "queue_counts", "routing", "status_counts", "with_overdue"]
