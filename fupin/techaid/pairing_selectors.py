"""Reads of the pairing part, always for a user (through visible_to): the technicians' loads
(one GROUP BY), a technician's own pairings, the workbench card's count."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from .models import Pairing, ServiceVisit, Technician
from .service_visits import technician_of


def technician_loads(*, user, area: str):
    """Technicians of the area with their active pairings (`load`): one query, one GROUP BY."""
    active = Q(pairings__ended_on__isnull=True, pairings__retired_at__isnull=True)
    return (Technician.objects.visible_to(user).filter(retired_at__isnull=True,
                                                        area_code__startswith=area)
            .annotate(load=Count("pairings", filter=active)).order_by("area_code", "name", "pk"))


def month_start(on: datetime.date | None = None) -> datetime.date:
    return (on or timezone.localdate()).replace(day=1)


def my_pairings(*, user, technician=None):
    """The active pairings of the user's own technician record (none without one)."""
    technician = technician or technician_of(user)
    if technician is None:
        return Pairing.objects.none()
    return Pairing.objects.visible_to(user).filter(technician=technician,
                                                   retired_at__isnull=True,
                                                   ended_on__isnull=True)


def unvisited_this_month(user) -> int:
    """The workbench card's count: my paired households without a visit this month."""
    technician = technician_of(user)
    if technician is None:
        return 0
    visited = ServiceVisit.objects.filter(technician=technician, retired_at__isnull=True,
                                          visited_on__gte=month_start()).values("household_id")
    return (my_pairings(user=user, technician=technician).exclude(household_id__in=visited)
            .values("household_id").distinct().count())
