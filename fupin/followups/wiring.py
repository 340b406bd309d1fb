"""What follow-up visits register on core's extension points, one function per part (called
from FollowupsConfig.ready)."""

from __future__ import annotations


def plans():
    """Listeners (core/listeners.py), the plans list's navigation, the person's 回访 section."""


def visits():
    """The visits list's navigation, the person's and household's timeline entries."""


def needs():
    """The needs list's navigation, workbench cards, indicators, periods."""
    from django.urls import reverse, reverse_lazy
    from django.utils.translation import gettext_lazy as _

    from fupin.core import periods
    from fupin.core import workbench as wb
    from fupin.core.roles import OFFICERS, Role
    from fupin.core.sections import NavEntry, nav

    from .models import Need, Visit, VisitPlan

    nav.register(NavEntry(key="needs", label=_("需求清单"), icon="clipboard-check", order=33,
                          url=reverse_lazy("followups:need_list"), group="followups"))
    nav.register(NavEntry(key="followup_areas", label=_("回访进度"), icon="table", order=34,
                          url=reverse_lazy("followups:areas"), group="followups",
                          roles=OFFICERS))
    township_up = frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER})
    wb.register(wb.Card(
        key="needs_raised", title=_("待受理的需求"), icon="clipboard-check", order=35,
        roles=township_up, tone="warning",
        count=lambda user: Need.objects.visible_to(user).filter(
            retired_at__isnull=True, status=Need.Status.RAISED).count(),
        url=lambda user: reverse("followups:need_list") + "?status=raised"))
    wb.register(wb.Card(
        key="followups_overdue", title=_("回访逾期"), icon="alarm", order=36,
        roles=OFFICERS, tone="danger",
        count=lambda user: VisitPlan.objects.visible_to(user).filter(
            retired_at__isnull=True, due_on__lt=_today()).count(),
        url=lambda user: reverse("followups:areas")))
    from . import indicators  # noqa: F401  (registers them on core.indicators)

    periods.register(periods.DatedSource("followup_visits", Visit.objects.all, "visited_on"))
    periods.register(periods.DatedSource("followup_needs", Need.objects.all, "raised_on"))


def _today():
    from django.utils import timezone

    return timezone.localdate()


def worklist():
    """The village worker's working list (navigation, workbench card)."""


def demo():
    """The demo step (visits through 2017 for Lizhou and Wangcang)."""
